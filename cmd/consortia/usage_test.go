package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Usage errors exit 2 and print the one problem and a hint, not the
// whole usage; choice lists name no empty choice.
func TestUsageErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
		hint string
	}{
		{[]string{"frobnicate"}, "unexpected argument frobnicate", "consortia --help"},
		{[]string{"tally", "--nope", "x"}, "unknown flag --nope", "consortia tally --help"},
		{[]string{"user", "add", "--name", "Sam"}, "--email", "consortia user add --help"},
		{[]string{"tally", "--method", "plurality", "x"}, `--method must be one of schulze, ranked-pairs, borda, approval, score, dot, not "plurality"`, "consortia tally --help"},
		{[]string{"budget", "--utility", "joy", "x"}, `--utility must be one of cost, cardinality, not "joy"`, "consortia budget --help"},
	} {
		out, errOut, err := runCLI(t, nil, "", c.args...)
		var code exitCode
		if !errors.As(err, &code) || code != 2 {
			t.Errorf("%v: exit %v, want 2", c.args, err)
		}
		if !strings.Contains(errOut, c.want) || !strings.Contains(errOut, "Run '"+c.hint+"' for usage.") {
			t.Errorf("%v: stderr %q", c.args, errOut)
		}
		if strings.Contains(out+errOut, "Usage:") || strings.Count(errOut, "\n") > 2 {
			t.Errorf("%v: printed the whole usage:\n%s%s", c.args, out, errOut)
		}
		if strings.Contains(errOut, `""`) {
			t.Errorf("%v: a choice list shows \"\": %q", c.args, errOut)
		}
	}
	// Help text: user add explains the password; tally's choices show no "".
	out, _, _ := runCLI(t, nil, "", "user", "add", "--help")
	if !strings.Contains(out, "read from standard input") || strings.Contains(out, "--password") {
		t.Errorf("user add --help:\n%s", out)
	}
	out, _, _ = runCLI(t, nil, "", "tally", "--help")
	if strings.Contains(out, `""`) || strings.Contains(out, `,"`) {
		t.Errorf("tally --help lists an empty choice:\n%s", out)
	}
	// tally DIR says it is a directory.
	dir := t.TempDir()
	if _, _, err := runCLI(t, nil, "", "tally", dir); err == nil || !strings.Contains(err.Error(), dir+" is a directory") {
		t.Errorf("tally DIR: %v", err)
	}
}

// serve --demo does not silently ignore --db; commands that work on
// existing data do not create a database where there is none.
func TestDatabaseFlags(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "mine.db")
	_, errOut, err := runCLI(t, nil, "", "serve", "--demo", "--db", file)
	var code exitCode
	if !errors.As(err, &code) || code != 2 || !strings.Contains(errOut, "--demo runs on a fresh temporary database and cannot use --db "+file) {
		t.Fatalf("serve --demo --db: %v %q", err, errOut)
	}
	for _, args := range [][]string{
		{"outbox", "status", "--db", file},
		{"token", "create", "--email", "a@example.org", "--db", file},
		{"digest", "send", "--db", "sqlite:" + file},
		{"user", "add", "--email", "a@example.org", "--name", "A", "--db", file},
	} {
		_, _, err := runCLI(t, nil, "long enough password\n", args...)
		if err == nil || !strings.Contains(err.Error(), "no database at "+file) || !strings.Contains(err.Error(), "consortia migrate") {
			t.Errorf("%v: %v", args, err)
		}
		if _, statErr := os.Stat(file); statErr == nil {
			t.Fatalf("%v created %s", args, file)
		}
	}
	// migrate creates it; then the commands work on it.
	if _, _, err := runCLI(t, nil, "", "migrate", "--db", file); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, nil, "", "outbox", "status", "--db", file); err != nil {
		t.Errorf("outbox status on a migrated database: %v", err)
	}
}
