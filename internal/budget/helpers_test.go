package budget

import (
	"bytes"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// dataDir holds the pabulib instances the tests use (sources in
// testdata/SOURCES.md), relative to this package.
const dataDir = "testdata/pabulib"

// tester is the part of testing.TB (and of *rapid.T) the helpers use.
type tester interface {
	Helper()
	Errorf(format string, args ...any)
	Fatalf(format string, args ...any)
}

// sharedFiles lists the .pb files kept in testdata.
func sharedFiles(t testing.TB) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dataDir, "*.pb"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no pabulib instances in %s: %v", dataDir, err)
	}
	return files
}

func loadShared(t testing.TB, name string) *Instance {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dataDir, name))
	if err != nil {
		t.Fatalf("pabulib file %s: %v", name, err)
	}
	inst, err := ParsePB(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return inst
}

func mustParse(t testing.TB, text string) *Instance {
	t.Helper()
	inst, err := ParsePB(strings.NewReader(text))
	if err != nil {
		t.Fatalf("ParsePB: %v\n%s", err, text)
	}
	return inst
}

func mustAllocate(t testing.TB, inst *Instance, opts Options) *Result {
	t.Helper()
	res, err := Allocate(inst, opts)
	if err != nil {
		t.Fatalf("Allocate(%+v): %v", opts, err)
	}
	return res
}

func sorted(ids []string) []string {
	s := slices.Clone(ids)
	slices.Sort(s)
	if s == nil {
		s = []string{}
	}
	return s
}

func rat(s string) *big.Rat {
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		panic("bad rational " + s)
	}
	return r
}

// officialSelection returns the projects marked selected=1.
func officialSelection(inst *Instance) []string {
	var ids []string
	for _, p := range inst.Projects {
		if strings.TrimSpace(p.Extra["selected"]) == "1" {
			ids = append(ids, p.ID)
		}
	}
	return sorted(ids)
}
