package model

import (
	"bytes"
	"regexp"
	"strconv"
)

// MaxLetterBytes bounds a letter of support: 10 MB.
const MaxLetterBytes = 10 << 20

// MaxLetterUploadBytes bounds the body of a letter's upload: the letter and
// its multipart form's framing.
const MaxLetterUploadBytes = MaxLetterBytes + 64<<10

// LetterContentType is the only kind of letter accepted.
const LetterContentType = "application/pdf"

var (
	pdfHeader    = regexp.MustCompile(`^%PDF-[12]\.[0-9]`)
	pdfStartXref = regexp.MustCompile(`startxref[\r\n ]+([0-9]{1,12})[\r\n ]+%%EOF[\r\n ]*$`)
	pdfXrefAt    = regexp.MustCompile(`^(xref\b|[0-9]+[\r\n ]+[0-9]+[\r\n ]+obj\b)`)
)

// CheckLetterPDF checks an uploaded letter by its content, whatever its name
// or declared type: not empty, at most MaxLetterBytes, and a PDF in structure
// — the "%PDF-1.x" header, an end-of-file marker at the end, and a startxref
// offset that lands on the cross-reference table (or stream) inside the file.
// A renamed image, a text file or a truncated download fail; the problem names
// the field "file".
func CheckLetterPDF(data []byte) error {
	var p Problems
	switch {
	case len(data) == 0:
		p.Add("file", "is empty: choose a PDF letter of support")
	case len(data) > MaxLetterBytes:
		return Errorf(ETooLarge, "The letter is %s; a letter may be at most 10 MB.", byteSize(int64(len(data))))
	case !pdfHeader.Match(data[:min(len(data), 16)]):
		p.Add("file", "is not a PDF (it does not start like one): upload the letter as a PDF")
	default:
		tail := data[max(0, len(data)-1024):]
		m := pdfStartXref.FindSubmatch(tail)
		if m == nil {
			p.Add("file", "is not a complete PDF (its end is missing: was the download cut short?)")
			break
		}
		off, err := strconv.ParseInt(string(m[1]), 10, 64)
		if err != nil || off <= 0 || off >= int64(len(data)) || !pdfXrefAt.Match(bytes.TrimLeft(data[off:min(int64(len(data)), off+64)], "\r\n ")) {
			p.Add("file", "is a damaged PDF (its cross-reference table is not where the file says)")
		}
	}
	return p.Err()
}

// byteSize says "20.0 MB" or "900 KB".
func byteSize(n int64) string {
	if n >= 1<<20 {
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MB"
	}
	return strconv.FormatInt((n+1<<9)>>10, 10) + " KB"
}
