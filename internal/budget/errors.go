package budget

import (
	"fmt"
	"strings"
)

// ValidationError describes one problem with an input file or with Options.
// It carries enough structure for an HTTP layer to map it to an RFC 9457
// field error: Line is the 1-based line of the .pb file (0 when the problem is
// not tied to a line, e.g. a bad option), Section is "META", "PROJECTS" or
// "VOTES" (empty for options), Field names the column or META key (or the
// option name), and Message says what is wrong.
type ValidationError struct {
	Line    int    `json:"line,omitempty"`
	Section string `json:"section,omitempty"`
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// Error renders the problem as "line 42: VOTES: vote references unknown project "17"".
func (e *ValidationError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", e.Line)
	}
	if e.Section != "" {
		b.WriteString(e.Section)
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(" ")
	}
	b.WriteString(e.Message)
	return b.String()
}

func errorf(line int, section, field, format string, args ...any) *ValidationError {
	return &ValidationError{Line: line, Section: section, Field: field, Message: fmt.Sprintf(format, args...)}
}

// Location names the place of the problem without the line, for field
// errors: "VOTES.vote", "META.budget", "PROJECTS" or, for options, the
// option name ("rule", "completion").
func (e *ValidationError) Location() string {
	switch {
	case e.Section != "" && e.Field != "":
		return e.Section + "." + e.Field
	case e.Section != "":
		return e.Section
	}
	return e.Field
}
