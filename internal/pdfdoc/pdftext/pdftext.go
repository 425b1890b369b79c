// Package pdftext holds test helpers for PDFs: Extract reads the text back
// out of a PDF with poppler's
// pdftotext (an independent parser, so a test checks what a PDF reader sees,
// not what our writer meant to write), and Padded makes a PDF of a given size.
package pdftext

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Extract returns the text of the PDF (pages in reading order, words joined by
// single spaces, so a test can look for a phrase however lines wrapped). Without
// pdftotext the test is skipped with the reason, except under CI, where it fails.
func Extract(t testing.TB, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("pdftotext is not on PATH but CI is set: install Debian's poppler-utils")
		}
		t.Skipf("skipping: pdftotext (Debian's poppler-utils) is not on PATH to read the PDF back")
	}
	cmd := exec.Command(bin, "-enc", "UTF-8", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	var out, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext could not read the PDF: %v: %s", err, stderr.String())
	}
	return strings.Join(strings.Fields(out.String()), " ")
}
