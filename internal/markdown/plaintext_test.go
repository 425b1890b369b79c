package markdown

import "testing"

func TestPlainText(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"**What's done:** the *quota* report.\n\nNext: `kubectl` tips.", "What's done: the quota report.\n\nNext: kubectl tips."},
		{"1. Review [the plan](https://example.org/plan)\n2. Vote <https://example.org/v>", "- Review the plan (https://example.org/plan)\n- Vote https://example.org/v"},
		{"# Agenda\n\n- what's done\n- what's next\n\nThanks", "Agenda\n\n- what's done\n- what's next\n\nThanks"},
		{"<script>alert(1)</script>\n\nplain", "plain"},
		{"line one\nline two", "line one line two"},
	} {
		if got := PlainText(c.in); got != c.want {
			t.Errorf("PlainText(%q)\n got %q\nwant %q", c.in, got, c.want)
		}
	}
}
