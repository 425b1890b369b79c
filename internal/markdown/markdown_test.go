package markdown

import (
	"strings"
	"testing"
)

func TestRenderSanitizes(t *testing.T) {
	out := string(Render("# Hi\n\n**bold** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>\n\n| a | b |\n|---|---|\n| 1 | 2 |"))
	for _, bad := range []string{"<script", "javascript:", "onerror"} {
		if strings.Contains(out, bad) {
			t.Errorf("output keeps %q: %s", bad, out)
		}
	}
	for _, good := range []string{"<h1", "<strong>bold</strong>", "<table>"} {
		if !strings.Contains(out, good) {
			t.Errorf("output lacks %q: %s", good, out)
		}
	}
	if l := string(Render("see https://example.org")); !strings.Contains(l, `rel="nofollow`) {
		t.Errorf("autolink without nofollow: %s", l)
	}
}
