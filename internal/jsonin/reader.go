package jsonin

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

// Reader decodes one JSON document. Its methods take the JSON path of the
// value they read, record shape problems in Errs and return a non-nil error
// only for malformed JSON; that error is the final Errors of the parse (the
// problems so far plus the syntax error), so callers just pass it up.
type Reader struct {
	data []byte
	dec  *json.Decoder
	// Errs holds the problems found so far, in document order.
	Errs Errors
}

// NewReader returns a Reader for data; numbers are kept as literals so
// integers and exact fractions never go through float64.
func NewReader(data []byte) *Reader {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	return &Reader{data: data, dec: dec}
}

// Join is the path of member key of the object at path.
func Join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index is the path of element i of the array at path.
func Index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// lineCol converts a byte offset into a 1-based line and a 1-based column
// counted in characters (what an editor shows).
func lineCol(data []byte, off int) (int, int) {
	off = max(0, min(off, len(data)))
	prefix := data[:off]
	start := bytes.LastIndexByte(prefix, '\n') + 1
	return bytes.Count(prefix, []byte{'\n'}) + 1, utf8.RuneCount(prefix[start:]) + 1
}

// skipSeparators moves off past whitespace, ',' and ':' to the first byte of
// the next token: the decoder's offset is just after the previous token.
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

// Fail records a problem with the value at path that starts at byte off.
func (r *Reader) Fail(path string, off int, msg string) {
	if len(r.Errs) < MaxErrors {
		l, c := lineCol(r.data, off)
		r.Errs = append(r.Errs, &FieldError{Field: path, Message: msg, Line: l, Column: c})
	}
}

// Pos is the offset of the first byte of the next token.
func (r *Reader) Pos() int {
	return skipSeparators(r.data, int(r.dec.InputOffset()))
}

// Next returns the next token and the offset of its first byte.
func (r *Reader) Next(path string) (json.Token, int, error) {
	off := int(r.dec.InputOffset())
	tok, err := r.dec.Token()
	if err != nil {
		return nil, off, r.syntaxError(path, off, err)
	}
	return tok, skipSeparators(r.data, off), nil
}

// syntaxError turns a decoder error into the final error of the parse.
func (r *Reader) syntaxError(path string, off int, err error) error {
	msg := "malformed JSON: " + strings.TrimPrefix(err.Error(), "json: ")
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		off = int(se.Offset) - 1
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		off, msg = len(r.data), "malformed JSON: unexpected end of input"
	}
	return r.final(path, off, msg)
}

// final returns the collected problems plus a last one; it copies so that
// the Reader's own list is never shared with the caller's error.
func (r *Reader) final(path string, off int, msg string) Errors {
	l, c := lineCol(r.data, off)
	return append(append(Errors{}, r.Errs...), &FieldError{Field: path, Message: msg, Line: l, Column: c})
}

// End checks that nothing but whitespace follows the document.
func (r *Reader) End() error {
	off := int(r.dec.InputOffset())
	if _, err := r.dec.Token(); err != io.EOF {
		if err != nil {
			return r.syntaxError("", off, err)
		}
		return r.final("", skipSeparators(r.data, off), "malformed JSON: unexpected data after the top-level value")
	}
	return nil
}

// describe names a token's JSON type for "must be X, not Y" messages.
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

// Skip consumes the rest of a value whose first token is tok.
func (r *Reader) Skip(path string, tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, _, err := r.Next(path)
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
func (r *Reader) skipValue(path string) error {
	tok, _, err := r.Next(path)
	if err != nil {
		return err
	}
	return r.Skip(path, tok)
}

// Object decodes an object whose first token tok (at off) the caller has
// already read, so it can look at it first. field is called for every key
// and must consume the value; a key seen before is reported as a duplicate
// and its value skipped, so field sees each key once.
func (r *Reader) Object(path string, tok json.Token, off int, field func(key, kpath string, koff int) error) error {
	if tok != json.Delim('{') {
		r.Fail(path, off, "must be an object, not "+describe(tok))
		return r.Skip(path, tok)
	}
	// Objects have few keys, so a slice is searched until it gets long
	// enough for a map to pay off.
	var seen []string
	var seenSet map[string]bool
	for r.dec.More() {
		kt, koff, err := r.Next(path)
		if err != nil {
			return err
		}
		key, _ := kt.(string) // the decoder rejects keys that are not strings
		kpath := Join(path, key)
		var dup bool
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
			r.Fail(kpath, koff, "duplicate field")
			err = r.skipValue(kpath)
		} else {
			err = field(key, kpath, koff)
		}
		if err != nil {
			return err
		}
	}
	_, _, err := r.Next(path) // '}'
	return err
}

// Unknown reports key (at koff) as not allowed and skips its value.
func (r *Reader) Unknown(key, kpath string, koff int) error {
	r.Fail(kpath, koff, "unknown field "+strconv.Quote(key))
	return r.skipValue(kpath)
}

// Array decodes an array value, null counting as empty; elem must consume
// each element.
func (r *Reader) Array(path string, elem func(i int, epath string) error) error {
	tok, off, err := r.Next(path)
	if err != nil || tok == nil {
		return err
	}
	if tok != json.Delim('[') {
		r.Fail(path, off, "must be an array, not "+describe(tok))
		return r.Skip(path, tok)
	}
	for i := 0; r.dec.More(); i++ {
		if err := elem(i, Index(path, i)); err != nil {
			return err
		}
	}
	_, _, err = r.Next(path) // ']'
	return err
}

// String reads a string; ok is false if the value was something else.
func (r *Reader) String(path string) (s string, ok bool, err error) {
	tok, off, err := r.Next(path)
	if err != nil {
		return "", false, err
	}
	s, ok = tok.(string)
	if !ok {
		r.Fail(path, off, "must be a string, not "+describe(tok))
		return "", false, r.Skip(path, tok)
	}
	return s, true, nil
}

// Bool reads true or false.
func (r *Reader) Bool(path string) (bool, error) {
	tok, off, err := r.Next(path)
	if err != nil {
		return false, err
	}
	b, ok := tok.(bool)
	if !ok {
		r.Fail(path, off, "must be true or false, not "+describe(tok))
		return false, r.Skip(path, tok)
	}
	return b, nil
}

// Int reads an amount of integer minor units; ok is false if there was none
// (a problem, or null where nullable allows it as "absent").
func (r *Reader) Int(path string, nullable bool) (v int64, ok bool, err error) {
	tok, off, err := r.Next(path)
	if err != nil {
		return 0, false, err
	}
	if tok == nil && nullable {
		return 0, false, nil
	}
	num, isNum := tok.(json.Number)
	if !isNum {
		r.Fail(path, off, "must be an integer number of minor units, not "+describe(tok))
		return 0, false, r.Skip(path, tok)
	}
	v, perr := strconv.ParseInt(string(num), 10, 64)
	if perr != nil {
		if strings.ContainsAny(string(num), ".eE") {
			r.Fail(path, off, "must be an integer number of minor units (no fractions or exponents), got "+string(num))
		} else {
			r.Fail(path, off, "out of range: amounts are limited to 64-bit minor units")
		}
		return 0, false, nil
	}
	return v, true, nil
}

// Rat reads an exact number written as a JSON number or a string (so "1/3"
// can be written too) and converts it with parse, whose error text becomes
// the problem. want completes "must be ..., not a boolean" for other types.
// The result is nil if there was a problem.
func (r *Reader) Rat(path, want string, parse func(string) (*big.Rat, error)) (*big.Rat, error) {
	tok, off, err := r.Next(path)
	if err != nil {
		return nil, err
	}
	var lit string
	switch t := tok.(type) {
	case json.Number:
		lit = string(t)
	case string:
		lit = t
	default:
		r.Fail(path, off, "must be "+want+", not "+describe(tok))
		return nil, r.Skip(path, tok)
	}
	v, perr := parse(lit)
	if perr != nil {
		r.Fail(path, off, perr.Error())
		return nil, nil
	}
	return v, nil
}

// offsetOf finds where the value at target (or, if there is none, its
// deepest existing ancestor) starts in well-formed data. It descends only
// into values on the way to target and skips the rest without building
// their paths.
func offsetOf(data []byte, target string) (int, bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	best, found := 0, false
	onTheWay := func(p string) bool {
		return p == "" || p == target ||
			(strings.HasPrefix(target, p) && (target[len(p)] == '.' || target[len(p)] == '['))
	}
	skip := func() error {
		for depth := 0; ; {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			switch tok {
			case json.Delim('{'), json.Delim('['):
				depth++
			case json.Delim('}'), json.Delim(']'):
				depth--
			}
			if depth == 0 {
				return nil
			}
		}
	}
	var walk func(path string) error
	walk = func(path string) error {
		if !onTheWay(path) {
			return skip()
		}
		off := skipSeparators(data, int(dec.InputOffset()))
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		best, found = off, true
		if path == target {
			return errFound
		}
		switch tok {
		case json.Delim('{'):
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key, _ := kt.(string)
				if err := walk(Join(path, key)); err != nil {
					return err
				}
			}
			_, err = dec.Token()
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if err := walk(Index(path, i)); err != nil {
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

// errFound stops offsetOf's walk once the target is reached.
var errFound = errors.New("found")
