package web

import "testing"

// TestSafeNext: only same-origin paths survive; every known way to smuggle
// another origin past a prefix check falls back to "/".
func TestSafeNext(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		// Good targets are kept as they are.
		{"/", "/"},
		{"/consortia/x?tab=1#a", "/consortia/x?tab=1#a"},
		{"/communities?q=Z%C3%BCrich&page=2", "/communities?q=Z%C3%BCrich&page=2"},
		{"/communities?q=Zürich", "/communities?q=Zürich"},
		{"/rounds/3#results", "/rounds/3#results"},
		{"/consortia/a%2Fb", "/consortia/a%2Fb"},
		// Characters browsers strip or reinterpret.
		{"/\t/evil.example/x", "/"},
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/\r\n/evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\\evil.example", "/"},
		{"/\\\\evil.example", "/"},
		{"\\/evil.example", "/"},
		{"/x?next=\\evil", "/"},
		// Other origins, plain or encoded.
		{"//evil.example/x", "/"},
		{"///evil.example", "/"},
		{"/%09/evil.example", "/"},
		{"/%0a/evil.example", "/"},
		{"/%2f/evil.example", "/"},
		{"/%2F%2Fevil.example", "/"},
		{"/%5cevil.example", "/"},
		{"%5c%5cevil.example", "/"},
		{"https://evil.example", "/"},
		{"https:evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"JavaScript:alert(1)", "/"},
		{"evil.example", "/"},
		{"", "/"},
		// Unicode tricks: invisible, spacing and direction characters.
		{"/\u200b/evil.example", "/"},
		{"/\u00a0/evil.example", "/"},
		{"/\u2028/evil.example", "/"},
		{"/\u202e/elpmaxe.live", "/"},
		{"/\u0085/evil.example", "/"},
		{"/%E2%80%8B/evil.example", "/"},
		{"/\xff/evil.example", "/"},
	} {
		if got := safeNext(c.in); got != c.want {
			t.Errorf("safeNext(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}
