package jsonin

import (
	"strings"
	"testing"
)

func noControl(s string, multiline bool) string {
	if strings.ContainsRune(s, 0) {
		return "must not contain NUL"
	}
	if !multiline && strings.ContainsRune(s, '\n') {
		return "must be one line"
	}
	return ""
}

// TestScan: what encoding/json accepts silently is reported with its path.
func TestScan(t *testing.T) {
	for _, c := range []struct {
		name, doc, field, msg string
	}{
		{"clean", `{"a": "x\ny", "b": [1, {"c": "\ud83d\ude00"}], "d": "\\ud800"}`, "", ""},
		{"invalid UTF-8", "{\"a\": \"\xff\"}", "", "must be valid UTF-8"},
		{"lone high surrogate", `{"a": "x\ud800"}`, "a", "lone UTF-16 surrogate"},
		{"high surrogate then text", `{"a": "\ud800\u0041"}`, "a", "lone UTF-16 surrogate"},
		{"lone low surrogate", `{"a": ["ok", "\uDC00y"]}`, "a[1]", "lone UTF-16 surrogate"},
		{"surrogate in a key", `{"\ud800": 1}`, "\ufffd", "lone UTF-16 surrogate"},
		{"duplicate key", `{"a": 1, "b": {"c": 1, "c": 2}}`, "b.c", "duplicate field"},
		{"NUL in a value", `{"a": {"b": "x\u0000"}}`, "a.b", "NUL"},
		{"line break in a key", `{"a\nb": 1}`, "a\nb", "one line"},
		{"too deep", strings.Repeat("[", MaxDepth+1) + strings.Repeat("]", MaxDepth+1), "", "levels deep"},
		{"malformed", `{"a": }`, "", "malformed JSON"},
	} {
		err := Scan([]byte(c.doc), noControl)
		if c.msg == "" {
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
			}
			continue
		}
		es, ok := err.(Errors)
		if !ok || len(es) == 0 {
			t.Errorf("%s: got %v, want a problem", c.name, err)
			continue
		}
		if !strings.HasPrefix(es[0].Field, c.field) || !strings.Contains(es[0].Message, c.msg) {
			t.Errorf("%s: got %q: %q, want %q: …%s…", c.name, es[0].Field, es[0].Message, c.field, c.msg)
		}
	}
}
