package matching

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// reader decodes JSON token by token, tracking JSON paths and byte offsets so
// every problem can be reported with its field and line/column. Shape
// problems are collected; malformed JSON ends decoding.
type reader struct {
	data []byte
	dec  *json.Decoder
	errs Errors
}

func newReader(data []byte) *reader {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &reader{data: data, dec: dec}
}

func lineCol(data []byte, off int) (int, int) {
	off = max(0, min(off, len(data)))
	prefix := data[:off]
	start := bytes.LastIndexByte(prefix, '\n') + 1
	return bytes.Count(prefix, []byte{'\n'}) + 1, utf8.RuneCount(prefix[start:]) + 1
}

func skipSeparators(data []byte, off int) int {
	for off < len(data) && strings.IndexByte(" \t\r\n,:", data[off]) >= 0 {
		off++
	}
	return off
}

func (r *reader) fail(path string, off int, msg string) {
	if len(r.errs) < maxErrors {
		l, c := lineCol(r.data, off)
		r.errs = append(r.errs, &FieldError{Field: path, Message: msg, Line: l, Column: c})
	}
}

func (r *reader) fatal(path string, off int, err error) error {
	msg := "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset) - 1
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off, msg = len(r.data), "malformed JSON: unexpected end of input"
	}
	l, c := lineCol(r.data, off)
	return append(append(Errors{}, r.errs...), &FieldError{Field: path, Message: msg, Line: l, Column: c})
}

func (r *reader) next(path string) (json.Token, int, error) {
	off := int(r.dec.InputOffset())
	tok, err := r.dec.Token()
	if err != nil {
		return nil, off, r.fatal(path, off, err)
	}
	return tok, skipSeparators(r.data, off), nil
}

func describe(tok json.Token) string {
	switch t := tok.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case json.Number:
		return "a number"
	case bool:
		return "a boolean"
	case json.Delim:
		if t == '{' {
			return "an object"
		}
		return "an array"
	}
	return "an unexpected value"
}

// skip consumes the rest of a value that started with tok.
func (r *reader) skip(path string, tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, _, err := r.next(path)
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

// object reads an object; field must consume each value.
func (r *reader) object(path string, field func(key, kpath string, koff int) error) (bool, int, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return false, off, err
	}
	if tok != json.Delim('{') {
		r.fail(path, off, "must be an object, not "+describe(tok))
		return false, off, r.skip(path, tok)
	}
	var seen []string
	for r.dec.More() {
		kt, koff, err := r.next(path)
		if err != nil {
			return false, off, err
		}
		key, _ := kt.(string)
		kpath := key
		if path != "" {
			kpath = path + "." + key
		}
		if slices.Contains(seen, key) {
			r.fail(kpath, koff, "duplicate field")
			vt, _, err := r.next(kpath)
			if err == nil {
				err = r.skip(kpath, vt)
			}
			if err != nil {
				return false, off, err
			}
			continue
		}
		if len(seen) < 16 {
			seen = append(seen, key)
		}
		if err := field(key, kpath, koff); err != nil {
			return false, off, err
		}
	}
	_, _, err = r.next(path)
	return true, off, err
}

func (r *reader) unknown(key, kpath string, koff int) error {
	r.fail(kpath, koff, "unknown field "+strconv.Quote(key))
	tok, _, err := r.next(kpath)
	if err != nil {
		return err
	}
	return r.skip(kpath, tok)
}

func (r *reader) array(path string, elem func(i int, epath string) error) error {
	tok, off, err := r.next(path)
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		r.fail(path, off, "must be an array, not "+describe(tok))
		return r.skip(path, tok)
	}
	for i := 0; r.dec.More(); i++ {
		if err := elem(i, path+"["+strconv.Itoa(i)+"]"); err != nil {
			return err
		}
	}
	_, _, err = r.next(path)
	return err
}

func (r *reader) str(path string) (string, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return "", err
	}
	s, ok := tok.(string)
	if !ok {
		r.fail(path, off, "must be a string, not "+describe(tok))
		return "", r.skip(path, tok)
	}
	return s, nil
}

func (r *reader) boolean(path string) (bool, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return false, err
	}
	b, ok := tok.(bool)
	if !ok {
		r.fail(path, off, "must be true or false, not "+describe(tok))
		return false, r.skip(path, tok)
	}
	return b, nil
}

func (r *reader) integer(path string) (int64, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return 0, err
	}
	num, ok := tok.(json.Number)
	if !ok {
		r.fail(path, off, "must be an integer number of minor units, not "+describe(tok))
		return 0, r.skip(path, tok)
	}
	v, perr := strconv.ParseInt(string(num), 10, 64)
	if perr != nil {
		if strings.ContainsAny(string(num), ".eE") {
			r.fail(path, off, "must be an integer number of minor units (no fractions or exponents), got "+string(num))
		} else {
			r.fail(path, off, "out of range: amounts are limited to 64-bit minor units")
		}
	}
	return v, nil
}

// end checks that only whitespace follows the document.
func (r *reader) end() error {
	off := int(r.dec.InputOffset())
	if _, err := r.dec.Token(); err != io.EOF {
		if err != nil {
			return r.fatal("", off, err)
		}
		l, c := lineCol(r.data, skipSeparators(r.data, off))
		return append(append(Errors{}, r.errs...), &FieldError{Message: "malformed JSON: unexpected data after the top-level value", Line: l, Column: c})
	}
	return nil
}
