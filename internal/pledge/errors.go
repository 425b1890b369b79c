package pledge

import (
	"fmt"
	"strings"
)

// FieldError is one problem with an input document. Field is the JSON path
// of the offending value, e.g. "pledges[3].condition.of[1].type" (empty for
// problems with the document as a whole, such as malformed JSON). Line and
// Column (1-based, column counted in bytes) locate the value in the parsed
// text; they are zero when the input did not come from ParseInput.
//
// The HTTP layer can map each FieldError to one entry of an RFC 9457
// "errors" member.
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

// Errors is the error returned by ParseInput, Validate, Resolve and WhatIf
// for invalid input: one or more FieldErrors in document order (at most
// maxErrors are collected). errors.As(err, &fe) with fe *FieldError yields
// the first one.
type Errors []*FieldError

// maxErrors bounds how many problems are collected for one document.
const maxErrors = 50

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
