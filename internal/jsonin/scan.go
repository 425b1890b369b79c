package jsonin

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"
)

// MaxDepth bounds how deeply Scan follows nested arrays and objects, so a
// body of a million "[" cannot exhaust the stack.
const MaxDepth = 100

// Scan checks a whole JSON document before anything decodes it, for what
// encoding/json lets through silently: invalid UTF-8 and lone UTF-16
// surrogate escapes ("\ud800") both become U+FFFD, and of duplicate keys the
// last one wins. It also hands every string (keys included) to text, which
// returns a problem message or ""; multiline says whether the string is a
// value (which may span lines) or a key. Problems carry JSON paths, lines
// and columns; nil means the document is clean.
func Scan(data []byte, text func(s string, multiline bool) string) error {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		r := NewReader(data)
		return r.final("", off, "must be valid UTF-8")
	}
	r := NewReader(data)
	if err := r.scanValue("", 0, text); err != nil {
		return err
	}
	if err := r.End(); err != nil {
		return err
	}
	if len(r.Errs) > 0 {
		return r.Errs
	}
	return nil
}

func (r *Reader) scanValue(path string, depth int, text func(string, bool) string) error {
	tok, off, err := r.Next(path)
	if err != nil {
		return err
	}
	if (tok == json.Delim('{') || tok == json.Delim('[')) && depth >= MaxDepth {
		return r.final(path, off, "nested more than "+strconv.Itoa(MaxDepth)+" levels deep")
	}
	switch tok {
	case json.Delim('{'):
		return r.Object(path, tok, off, func(key, kpath string, koff int) error {
			r.scanString(kpath, koff, key, false, text)
			return r.scanValue(kpath, depth+1, text)
		})
	case json.Delim('['):
		for i := 0; r.dec.More(); i++ {
			if err := r.scanValue(Index(path, i), depth+1, text); err != nil {
				return err
			}
		}
		_, _, err = r.Next(path) // ']'
		return err
	}
	if s, ok := tok.(string); ok {
		r.scanString(path, off, s, true, text)
	}
	return nil
}

// scanString checks the string just read (starting at off): its escapes in
// the raw text, then its decoded value.
func (r *Reader) scanString(path string, off int, s string, multiline bool, text func(string, bool) string) {
	end := min(int(r.dec.InputOffset()), len(r.data))
	if off < end && loneSurrogate(r.data[off:end]) {
		r.Fail(path, off, "must not contain a lone UTF-16 surrogate escape (\\ud800–\\udfff without its pair)")
		return
	}
	if msg := text(s, multiline); msg != "" {
		r.Fail(path, off, msg)
	}
}

// loneSurrogate reports a \uD800–\uDFFF escape in raw JSON string text that
// is not a high surrogate followed by a low one.
func loneSurrogate(raw []byte) bool {
	for i := 0; i+1 < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if raw[i+1] != 'u' {
			i++ // an escaped character, maybe a backslash: skip it
			continue
		}
		v, ok := hex4(raw, i+2)
		switch {
		case !ok || v < 0xD800 || v > 0xDFFF:
		case v >= 0xDC00:
			return true
		default: // a high surrogate needs a low one right after it
			if i+7 < len(raw) && raw[i+6] == '\\' && raw[i+7] == 'u' {
				if w, ok := hex4(raw, i+8); ok && w >= 0xDC00 && w <= 0xDFFF {
					i += 6
					break
				}
			}
			return true
		}
		i += 5
	}
	return false
}

func hex4(b []byte, at int) (rune, bool) {
	if at+4 > len(b) {
		return 0, false
	}
	var v rune
	for _, c := range b[at : at+4] {
		switch {
		case c >= '0' && c <= '9':
			v = v<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			v = v<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return v, true
}
