package main

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/alecthomas/kong"
)

// exitUsage is the exit status of a command line that cannot run as
// written (the convention of sysexits and most Unix tools).
const exitUsage = 2

// usageError is a mistake in the command line: it prints the one problem
// and where to read more, and exits with status 2.
type usageError struct {
	msg string
	cmd string // the command whose --help to point to; "" for the program's
}

func (u usageError) Error() string { return u.msg }

// reportUsage writes a usage error as one line and a hint, not the whole
// usage, and returns the exit status.
func reportUsage(w io.Writer, u usageError) error {
	help := "consortia --help"
	if u.cmd != "" {
		help = "consortia " + u.cmd + " --help"
	}
	fmt.Fprintf(w, "consortia: %s\nRun '%s' for usage.\n", u.msg, help)
	return exitCode(exitUsage)
}

// usageOf turns kong's parse error into a usage error naming the command
// it is about.
func usageOf(err error) usageError {
	u := usageError{msg: err.Error()}
	var pe *kong.ParseError
	if errors.As(err, &pe) && pe.Context != nil {
		if sel := pe.Context.Selected(); sel != nil {
			u.cmd = strings.TrimPrefix(sel.FullPath(), "consortia ")
		}
	}
	return u
}

// flagGiven reports whether a flag was written on the command line (not
// filled from its default or the environment).
func flagGiven(kctx *kong.Context, name string) bool {
	if kctx == nil {
		return false
	}
	for _, tok := range kctx.Args {
		if tok == "--"+name || strings.HasPrefix(tok, "--"+name+"=") {
			return true
		}
	}
	return false
}

// choice checks a flag whose empty value means "the default": kong's enum
// would list "" among the choices.
func choice(cmd, flag, value string, allowed ...string) error {
	if value == "" || slices.Contains(allowed, value) {
		return nil
	}
	return usageError{msg: fmt.Sprintf("--%s must be one of %s, not %q", flag, strings.Join(allowed, ", "), value), cmd: cmd}
}
