package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Rooms a person can hold: no non-test Go file of app, storage or model is
// over 800 lines.
func TestFileSizes(t *testing.T) {
	const limit = 800
	checked := 0
	for _, dir := range []string{".", "../storage", "../model"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			checked++
			if n := bytes.Count(src, []byte("\n")); n > limit {
				t.Errorf("%s has %d lines (limit %d): split it by topic", f, n, limit)
			}
		}
	}
	if checked < 30 {
		t.Fatalf("checked only %d files", checked)
	}
}
