package matching

import (
	"fmt"
	"strings"
)

// FieldError is one problem with an input document: Field is the JSON path
// of the offending value (e.g. "contributions[2].amount", empty for the
// document as a whole), Line and Column (1-based) locate it in the text when
// it came from ParseInput. An HTTP layer maps each one to an RFC 9457 field
// error.
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

// Errors is the error type returned for invalid input: one or more
// FieldErrors (at most maxErrors). errors.As(err, &fe) with fe *FieldError
// yields the first.
type Errors []*FieldError

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
