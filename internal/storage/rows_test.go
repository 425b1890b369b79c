package storage

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Rows are read by collect or eachRow (rows.go), which close them on every
// path; no other storage file iterates rows by hand.
func TestRowLoopsUseTheCollector(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") || f == "rows.go" {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checked++
		if strings.Contains(string(src), "rows.Next()") {
			t.Errorf("%s iterates rows by hand; use collect or eachRow", f)
		}
	}
	if checked < 10 {
		t.Fatalf("checked only %d files", checked)
	}
}
