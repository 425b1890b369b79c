package layering

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Rooms a person can hold: no non-test Go file of the use cases, the
// storage, the domain or the adapters (pages, API, server, identity) is
// over 800 lines.
func TestFileSizes(t *testing.T) {
	const limit = 800
	checked := 0
	for _, dir := range []string{"../app", "../storage", "../model", "../web", "../api", "../server", "../identity"} {
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
	if checked < 100 {
		t.Fatalf("checked only %d files", checked)
	}
}
