package pledge

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jsonReader decodes a JSON document token by token so that every problem can
// be reported with its JSON path and its line and column. Problems with the
// shape of the data (wrong type, unknown field) are collected and decoding
// continues; malformed JSON stops decoding.
type jsonReader struct {
	data []byte
	dec  *json.Decoder
	errs Errors
}

func newJSONReader(data []byte) *jsonReader {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &jsonReader{data: data, dec: dec}
}

// lineCol converts a byte offset into a 1-based line and a 1-based column
// counted in characters.
func lineCol(data []byte, off int) (int, int) {
	if off > len(data) {
		off = len(data)
	}
	if off < 0 {
		off = 0
	}
	prefix := data[:off]
	line := bytes.Count(prefix, []byte{'\n'}) + 1
	start := bytes.LastIndexByte(prefix, '\n') + 1
	return line, utf8.RuneCount(prefix[start:]) + 1
}

// skipSeparators moves off past whitespace, ',' and ':' to the first byte of
// the next token.
func skipSeparators(data []byte, off int) int {
	for off < len(data) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
		default:
			return off
		}
	}
	return off
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func indexPath(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

func (r *jsonReader) fail(path string, off int, msg string) {
	if len(r.errs) >= maxErrors {
		return
	}
	l, c := lineCol(r.data, off)
	r.errs = append(r.errs, &FieldError{Field: path, Message: msg, Line: l, Column: c})
}

// next returns the next token and the offset of its first byte.
func (r *jsonReader) next(path string) (json.Token, int, error) {
	off := int(r.dec.InputOffset())
	tok, err := r.dec.Token()
	if err != nil {
		return nil, off, r.syntaxError(path, off, err)
	}
	return tok, skipSeparators(r.data, off), nil
}

// syntaxError turns a decoder error into the final error of the parse.
func (r *jsonReader) syntaxError(path string, off int, err error) error {
	msg := "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset) - 1
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off = len(r.data)
		msg = "malformed JSON: unexpected end of input"
	}
	l, c := lineCol(r.data, off)
	out := append(Errors{}, r.errs...)
	return append(out, &FieldError{Field: path, Message: msg, Line: l, Column: c})
}

func describeToken(tok json.Token) string {
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

// skip consumes the rest of a value whose first token is tok.
func (r *jsonReader) skip(path string, tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
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

// skipValue reads and discards one value.
func (r *jsonReader) skipValue(path string) error {
	tok, _, err := r.next(path)
	if err != nil {
		return err
	}
	return r.skip(path, tok)
}

// object decodes an object whose first token is tok. field is called for
// every key and must consume the value. Duplicate keys are reported.
func (r *jsonReader) object(path string, tok json.Token, off int, field func(key, kpath string, koff int) error) error {
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		r.fail(path, off, "must be an object, not "+describeToken(tok))
		return r.skip(path, tok)
	}
	var seen []string
	var seenSet map[string]bool
	for r.dec.More() {
		kt, koff, err := r.next(path)
		if err != nil {
			return err
		}
		key, ok := kt.(string)
		if !ok {
			return r.syntaxError(path, koff, errors.New("object key is not a string"))
		}
		kpath := joinPath(path, key)
		dup := false
		if seenSet != nil {
			dup = seenSet[key]
			seenSet[key] = true
		} else {
			dup = slices.Contains(seen, key)
			seen = append(seen, key)
			if len(seen) > 16 {
				seenSet = make(map[string]bool, 32)
				for _, k := range seen {
					seenSet[k] = true
				}
			}
		}
		if dup {
			r.fail(kpath, koff, "duplicate field")
			if err := r.skipValue(kpath); err != nil {
				return err
			}
			continue
		}
		if err := field(key, kpath, koff); err != nil {
			return err
		}
	}
	_, _, err := r.next(path) // '}'
	return err
}

// unknownField reports key as not allowed and skips its value.
func (r *jsonReader) unknownField(key, kpath string, koff int) error {
	r.fail(kpath, koff, "unknown field "+strconv.Quote(key))
	return r.skipValue(kpath)
}

// array decodes an array value; elem must consume each element.
func (r *jsonReader) array(path string, elem func(i int, epath string) error) error {
	tok, off, err := r.next(path)
	if err != nil {
		return err
	}
	if tok == nil {
		return nil // null is an empty list
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		r.fail(path, off, "must be an array, not "+describeToken(tok))
		return r.skip(path, tok)
	}
	for i := 0; r.dec.More(); i++ {
		if err := elem(i, indexPath(path, i)); err != nil {
			return err
		}
	}
	_, _, err = r.next(path) // ']'
	return err
}

func (r *jsonReader) stringValue(path string) (string, bool, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return "", false, err
	}
	s, ok := tok.(string)
	if !ok {
		r.fail(path, off, "must be a string, not "+describeToken(tok))
		return "", false, r.skip(path, tok)
	}
	return s, true, nil
}

func (r *jsonReader) boolValue(path string) (bool, bool, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return false, false, err
	}
	b, ok := tok.(bool)
	if !ok {
		r.fail(path, off, "must be true or false, not "+describeToken(tok))
		return false, false, r.skip(path, tok)
	}
	return b, true, nil
}

// intValue reads an integer amount of minor units. With nullable, null
// means "absent" (present=false, ok=true).
func (r *jsonReader) intValue(path string, nullable bool) (v int64, present, ok bool, err error) {
	tok, off, err := r.next(path)
	if err != nil {
		return 0, false, false, err
	}
	if tok == nil && nullable {
		return 0, false, true, nil
	}
	num, isNum := tok.(json.Number)
	if !isNum {
		r.fail(path, off, "must be an integer number of minor units, not "+describeToken(tok))
		return 0, false, false, r.skip(path, tok)
	}
	v, perr := strconv.ParseInt(string(num), 10, 64)
	if perr != nil {
		if strings.ContainsAny(string(num), ".eE") {
			r.fail(path, off, "must be an integer number of minor units (no fractions or exponents), got "+string(num))
		} else {
			r.fail(path, off, "out of range: amounts are limited to 64-bit minor units")
		}
		return 0, false, false, nil
	}
	return v, true, true, nil
}

// ratValue reads an exact rational given as a JSON number or a string.
func (r *jsonReader) ratValue(path string) (*big.Rat, bool, error) {
	tok, off, err := r.next(path)
	if err != nil {
		return nil, false, err
	}
	var lit string
	switch t := tok.(type) {
	case json.Number:
		lit = string(t)
	case string:
		lit = t
	default:
		r.fail(path, off, "must be a decimal number or a string such as \"0.5\" or \"1/3\", not "+describeToken(tok))
		return nil, false, r.skip(path, tok)
	}
	v, perr := ParseRat(lit)
	if perr != nil {
		r.fail(path, off, perr.Error())
		return nil, false, nil
	}
	return v, true, nil
}

// end checks that nothing but whitespace follows the document.
func (r *jsonReader) end() error {
	off := int(r.dec.InputOffset())
	if _, err := r.dec.Token(); err != io.EOF {
		if err != nil {
			return r.syntaxError("", off, err)
		}
		l, c := lineCol(r.data, skipSeparators(r.data, off))
		out := append(Errors{}, r.errs...)
		return append(out, &FieldError{Message: "malformed JSON: unexpected data after the top-level value", Line: l, Column: c})
	}
	return nil
}

// locatePath finds the offset where the value at path (or, if it does not
// exist, its deepest existing ancestor) starts in a well-formed document. It
// only descends into values on the way to path.
func locatePath(data []byte, target string) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	best, found := 0, false
	isPrefix := func(p string) bool {
		if p == "" || p == target {
			return true
		}
		return strings.HasPrefix(target, p) && (target[len(p)] == '.' || target[len(p)] == '[')
	}
	var skip func() error
	skip = func() error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok && (d == '{' || d == '[') {
			for depth := 1; depth > 0; {
				t, err := dec.Token()
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
		}
		return nil
	}
	var walk func(path string) error
	walk = func(path string) error {
		if !isPrefix(path) {
			return skip()
		}
		off := skipSeparators(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		best, found = off, true
		if path == target {
			return errStopWalk
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				if err := walk(joinPath(path, key)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(indexPath(path, i)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		}
		return err
	}
	_ = walk("")
	return best, found
}

var errStopWalk = errors.New("stop")
