package model_test

import (
	"bytes"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/pdfdoc"
)

func letterPDF(t *testing.T) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pdfdoc.WritePacket(&buf, pdfdoc.Packet{Title: "A letter of support"}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestCheckLetterPDF(t *testing.T) {
	good := letterPDF(t)
	if err := model.CheckLetterPDF(good); err != nil {
		t.Fatalf("a real PDF is refused: %v", err)
	}
	// A PDF with a trailing newline after %%EOF is still fine.
	if err := model.CheckLetterPDF(append(bytes.Clone(good), '\r', '\n')); err != nil {
		t.Fatalf("a PDF ending in CRLF is refused: %v", err)
	}
	png := append([]byte("\x89PNG\r\n\x1a\n"), bytes.Repeat([]byte{0}, 100)...)
	damaged := bytes.Replace(bytes.Clone(good), []byte("startxref\n"), []byte("startxref\n9"), 1)
	for name, tc := range map[string]struct {
		data       []byte
		code, text string
	}{
		"empty":           {nil, model.EInvalid, "is empty"},
		"png renamed":     {png, model.EInvalid, "is not a PDF"},
		"text":            {[]byte("Dear funder, we support this."), model.EInvalid, "is not a PDF"},
		"truncated":       {good[:len(good)/2], model.EInvalid, "is not a complete PDF"},
		"cut before EOF":  {good[:len(good)-7], model.EInvalid, "is not a complete PDF"},
		"bad xref offset": {damaged, model.EInvalid, "is a damaged PDF"},
		"20 MB":           {append(bytes.Clone(good), make([]byte, 20<<20)...), model.ETooLarge, "at most 10 MB"},
	} {
		t.Run(name, func(t *testing.T) {
			err := model.CheckLetterPDF(tc.data)
			if model.ErrorCode(err) != tc.code {
				t.Fatalf("code %q, want %q (%v)", model.ErrorCode(err), tc.code, err)
			}
			msg := model.ErrorMessage(err)
			for _, f := range model.ErrorFields(err) {
				if f.Field != "file" {
					t.Errorf("problem names %q, want file", f.Field)
				}
				msg += " " + f.Message
			}
			if !strings.Contains(msg, tc.text) {
				t.Errorf("message %q lacks %q", msg, tc.text)
			}
		})
	}
}
