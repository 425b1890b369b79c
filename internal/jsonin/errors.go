// Package jsonin reads JSON input documents token by token so that every
// problem can be reported with its JSON path (e.g.
// "pledges[3].condition.of[1].type") and its line and column. Problems with
// the shape of the data (wrong type, unknown or duplicate field) are collected
// and reading goes on, so one upload shows all of them; malformed JSON ends
// reading. The pledge and matching parsers share it, and their FieldError and
// Errors types are aliases of the ones here.
package jsonin

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// FieldError is one problem with an input document. Field is the JSON path
// of the offending value (empty for problems with the document as a whole,
// such as malformed JSON). Line and Column (1-based, the column counted in
// characters) locate the value in the parsed text; they are zero when the
// input was not parsed from text.
//
// The HTTP layer maps each FieldError to one entry of an RFC 9457 "errors"
// member.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	Line    int    `json:"line,omitempty"`
	Column  int    `json:"column,omitempty"`
}

func (e *FieldError) Error() string {
	var b strings.Builder
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	if e.Line > 0 {
		fmt.Fprintf(&b, " (line %d, column %d)", e.Line, e.Column)
	}
	return b.String()
}

// Errors is one or more FieldErrors (at most MaxErrors). errors.As(err, &fe)
// with fe *FieldError yields the first one.
type Errors []*FieldError

// MaxErrors bounds how many problems are collected for one document, so a
// huge broken upload does not produce a huge answer.
const MaxErrors = 50

func (es Errors) Error() string {
	switch len(es) {
	case 0:
		return "invalid input"
	case 1:
		return es[0].Error()
	default:
		return fmt.Sprintf("%s (and %d more)", es[0].Error(), len(es)-1)
	}
}

// Unwrap exposes the individual FieldErrors to errors.Is and errors.As.
func (es Errors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}

// Locate gives problems found after decoding (which know only their Field)
// the line and column of that field in data, or of its deepest existing
// ancestor, and sorts all problems into document order. data must be
// well-formed JSON.
func (es Errors) Locate(data []byte) {
	for _, fe := range es {
		if off, ok := offsetOf(data, fe.Field); ok {
			fe.Line, fe.Column = lineCol(data, off)
		}
	}
	slices.SortStableFunc(es, func(a, b *FieldError) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}
