package pledge

import "consortia/internal/jsonin"

// FieldError is one problem with an input document. Field is the JSON path
// of the offending value, e.g. "pledges[3].condition.of[1].type" (empty for
// problems with the document as a whole, such as malformed JSON). Line and
// Column (1-based, column counted in characters) locate the value in the
// parsed text; they are zero when the input did not come from ParseInput.
//
// The HTTP layer can map each FieldError to one entry of an RFC 9457
// "errors" member.
type FieldError = jsonin.FieldError

// Errors is the error returned by ParseInput, Validate, Resolve and WhatIf
// for invalid input: one or more FieldErrors in document order (at most
// maxErrors are collected). errors.As(err, &fe) with fe *FieldError yields
// the first one.
//
// FieldError and Errors are aliases so that the shared reader's problems are
// returned without conversion.
type Errors = jsonin.Errors

// maxErrors bounds how many problems are collected for one document.
const maxErrors = jsonin.MaxErrors
