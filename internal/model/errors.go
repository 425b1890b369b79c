// Package model holds the domain types of consortia, their validation rules
// and the error codes shared by every other package. It does no I/O: storage,
// the web UI and the JSON API depend on it, never the reverse.
package model

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Error codes. The HTTP layers map each code to a status exactly once.
const (
	EInvalid      = "invalid"      // the input breaks a rule (422)
	EMalformed    = "malformed"    // the input could not be parsed (400)
	ENotFound     = "not_found"    // no such thing, or not visible to the actor (404)
	EUnauthorized = "unauthorized" // the actor must sign in (401)
	EForbidden    = "forbidden"    // signed in but not allowed (403)
	EConflict     = "conflict"     // clashes with existing state, e.g. a taken slug (409)
	ERateLimited  = "rate_limited" // too many attempts (429)
	ETooLarge     = "too_large"    // the request body is over its limit (413)
	EInternal     = "internal"     // a bug or an outage (500)
)

// FieldError names one field of the input and what is wrong with it.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
	// Label names the field for people when its name is an identifier
	// (rank_9 → the candidate's title); pages use it in summaries.
	Label string `json:"-"`
}

// Error is an application error with a code, a message for people and,
// for invalid input, the fields at fault.
type Error struct {
	Code    string
	Message string
	Fields  []FieldError
	// RetryAfter, on ERateLimited errors, is how long the client should
	// wait before trying again (sent as the Retry-After header).
	RetryAfter time.Duration
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Message
	}
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Field + ": " + f.Message
	}
	return e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// Errorf returns an *Error with the given code.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// RateLimited returns an ERateLimited error that tells the client when to
// try again.
func RateLimited(retryAfter time.Duration, format string, args ...any) *Error {
	e := Errorf(ERateLimited, format, args...)
	e.RetryAfter = retryAfter
	return e
}

// RetryAfter returns how long err asks the client to wait, 0 for no advice.
func RetryAfter(err error) time.Duration {
	var e *Error
	if errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}

// ErrorCode returns the code of err, EInternal for errors that carry none.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the message of err meant for people; internal errors
// are not described, since their text may leak details.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "An internal error occurred."
}

// ErrorFields returns the field errors carried by err, if any.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

// Problems collects field errors during validation.
type Problems []FieldError

// Add records a problem with a field.
func (p *Problems) Add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

// AddLabeled records a problem with a field that people know by label.
func (p *Problems) AddLabeled(field, label, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Label: label, Message: fmt.Sprintf(format, args...)})
}

// Has reports whether the field already has a problem, so that validation
// reports the first fault of each field only.
func (p Problems) Has(field string) bool {
	for _, f := range p {
		if f.Field == field {
			return true
		}
	}
	return false
}

// Err returns nil when there are no problems, else an EInvalid *Error. The
// fields come sorted by name (keeping each field's own order), so the same
// input always gives the same answer even when a rule walked a map.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	sorted := slices.Clone(p)
	slices.SortStableFunc(sorted, func(a, b FieldError) int { return strings.Compare(a.Field, b.Field) })
	return &Error{Code: EInvalid, Message: "The input is not valid.", Fields: sorted}
}

// TooLarge is the error for a request body over limit bytes.
func TooLarge(limit int64) *Error {
	size := fmt.Sprintf("%d bytes", limit)
	switch {
	case limit >= 1<<20 && limit%(1<<20) == 0:
		size = fmt.Sprintf("%d MiB", limit>>20)
	case limit >= 1<<10 && limit%(1<<10) == 0:
		size = fmt.Sprintf("%d KiB", limit>>10)
	}
	return Errorf(ETooLarge, "The request body is larger than the limit of %s.", size)
}
