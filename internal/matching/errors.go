package matching

import "consortia/internal/jsonin"

// FieldError is one problem with an input document: Field is the JSON path
// of the offending value (e.g. "contributions[2].amount", empty for the
// document as a whole), Line and Column (1-based) locate it in the text when
// it came from ParseInput. An HTTP layer maps each one to an RFC 9457 field
// error.
type FieldError = jsonin.FieldError

// Errors is the error type returned for invalid input: one or more
// FieldErrors (at most maxErrors). errors.As(err, &fe) with fe *FieldError
// yields the first.
//
// FieldError and Errors are aliases so that the shared reader's problems are
// returned without conversion.
type Errors = jsonin.Errors

const maxErrors = jsonin.MaxErrors
