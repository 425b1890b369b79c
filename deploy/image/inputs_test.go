package main

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestSourceDateEpoch(t *testing.T) {
	if got, err := sourceDateEpoch(""); err != nil || !got.Equal(time.Unix(0, 0)) {
		t.Errorf("unset: %v %v, want 1970", got, err)
	}
	if got, err := sourceDateEpoch("1796408281"); err != nil || got.Unix() != 1796408281 {
		t.Errorf("commit time: %v %v", got, err)
	}
	for _, bad := range []string{"-1", "yesterday", "1.5", "12\n"} {
		if _, err := sourceDateEpoch(bad); err == nil || !strings.Contains(err.Error(), "SOURCE_DATE_EPOCH") {
			t.Errorf("%q: error %v, want one naming SOURCE_DATE_EPOCH", bad, err)
		}
	}
}

func TestLayerTarRejectsBadEntries(t *testing.T) {
	for name, entries := range map[string][]fileEntry{
		"relative":       {{path: "etc", dir: true, mode: 0o755}},
		"unclean":        {{path: "/etc/../x", mode: 0o644}},
		"twice":          {{path: "/x", mode: 0o644}, {path: "/x", mode: 0o644}},
		"missing parent": {{path: "/etc/passwd", mode: 0o644}},
	} {
		if _, err := layerTar(entries, time.Unix(0, 0)); err == nil {
			t.Errorf("%s: accepted %v", name, entries)
		}
	}
}

func TestRunRejectsBadArguments(t *testing.T) {
	for _, args := range [][]string{
		{"--revision", "r"}, // no version
		{"--version", "v"},  // no revision
		{"--version", "v", "--revision", "r", "extra"},
		{"--version", "1 -X main.other=x", "--revision", "r"}, // would change the linker flags
		{"--version", "v", "--revision", "r\nx"},
		{"--version", "v", "--revision", "r", "--tag", "Not A Tag"},
		{"--version", "v", "--revision", "r", "--repo", "/nonexistent", "--out", "/nonexistent/x.tar"},
	} {
		if err := run(args, io.Discard); err == nil {
			t.Errorf("run %q: no error", args)
		}
	}
}
