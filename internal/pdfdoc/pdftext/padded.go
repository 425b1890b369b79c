package pdftext

import (
	"bytes"
	"fmt"
	"strings"
)

// Padded is a valid one-page PDF of about size bytes, for tests of uploads
// and downloads: a content stream of comment lines (naming label) pads it,
// and its cross-reference table is computed, so it passes a structural check.
func Padded(size int, label string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>")
	line := "% " + label + ": padding of a letter of support\n"
	pad := strings.Repeat(line, max(1, size/len(line)))
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(pad)+1, pad))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}
