package tally

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Error kinds. Every *InputError wraps exactly one of them, so callers can
// map problems to user-facing messages or HTTP status codes with errors.Is
// without parsing message text.
var (
	// ErrSyntax: the input is not well-formed (bad JSON, bad PrefLib line).
	ErrSyntax = errors.New("syntax error")
	// ErrUnknownCandidate: a ballot names a candidate that is not in the election.
	ErrUnknownCandidate = errors.New("unknown candidate")
	// ErrDuplicateCandidate: a candidate appears twice in one ballot or in the candidate list.
	ErrDuplicateCandidate = errors.New("duplicate candidate")
	// ErrScoreOutOfRange: a score ballot gives a score outside 0..MaxScore.
	ErrScoreOutOfRange = errors.New("score out of range")
	// ErrOverBudget: a dot ballot spends more points than the budget allows.
	ErrOverBudget = errors.New("points over budget")
	// ErrInvalid: any other invalid value (negative weight, empty tier,
	// unknown method, ballot field that does not match the ballot type, ...).
	ErrInvalid = errors.New("invalid input")
)

// InputError describes a problem with an election, a ballot file or the
// tally options. It is the only error type this package returns for bad
// input; Kind is one of the Err* values above and is what errors.Is matches.
type InputError struct {
	// Field locates the problem inside the data, e.g. "ballots[3].ranking[1]",
	// "candidates", "options.max_score" or a PrefLib header key. It may be
	// empty when Line alone is precise enough.
	Field string
	// Line is the 1-based line in the parsed file, or 0 when the election
	// was built in memory.
	Line int
	// Message is a plain-language description without the location.
	Message string
	// Kind classifies the error (ErrSyntax, ErrUnknownCandidate, ...).
	Kind error
}

func (e *InputError) Error() string {
	var b strings.Builder
	if e.Line > 0 {
		b.WriteString("line ")
		b.WriteString(strconv.Itoa(e.Line))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString(e.Field)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Unwrap exposes Kind to errors.Is and errors.As.
func (e *InputError) Unwrap() error { return e.Kind }

func inputErr(kind error, field, format string, args ...any) *InputError {
	return &InputError{Field: field, Message: fmt.Sprintf(format, args...), Kind: kind}
}

func lineErr(kind error, line int, format string, args ...any) *InputError {
	return &InputError{Line: line, Message: fmt.Sprintf(format, args...), Kind: kind}
}
