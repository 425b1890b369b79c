package server_test

import (
	"fmt"
	"maps"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// txLocations returns the errors[].location of a problem answer.
func txLocations(t *testing.T, r response) []string {
	t.Helper()
	var out []string
	errs, _ := r.json(t)["errors"].([]any)
	for _, e := range errs {
		out = append(out, fmt.Sprint(e.(map[string]any)["location"]))
	}
	return out
}

// txWant422 checks a 422 problem whose first location starts with where.
func txWant422(t *testing.T, what string, r response, where string) {
	t.Helper()
	if r.status != 422 {
		t.Fatalf("%s: status %d, want 422: %s", what, r.status, r.body)
	}
	if locs := txLocations(t, r); len(locs) == 0 || !strings.HasPrefix(locs[0], where) {
		t.Fatalf("%s: locations %v, want %s: %s", what, locs, where, r.body)
	}
}

// TestControlCharactersRefused: NUL, C1, ESC (and line breaks in one-line
// fields) in any text field of the API's writes get the same 422 naming
// the field on both databases, and nothing is written. Before, NUL gave
// 500 on PostgreSQL and was stored by SQLite.
func TestControlCharactersRefused(t *testing.T) {
	type surface struct {
		path, table string
		base        map[string]any
		oneLine     []string
		multiLine   []string
	}
	surfaces := []surface{
		{"/api/v1/communities", "communities", map[string]any{"name": "Valid Lab", "kind": "university"},
			[]string{"name", "slug", "website", "support_contact", "tags"}, []string{"description", "hosted_services"}},
		{"/api/v1/initiatives", "initiatives", map[string]any{"title": "Valid idea"},
			[]string{"title", "slug"}, []string{"problem", "solution"}},
		{"/api/v1/consortia", "consortia", map[string]any{"name": "Valid group", "problem": "A problem."},
			[]string{"name", "slack_channel"}, []string{"problem", "goals"}},
		{"/api/v1/narratives", "narratives", map[string]any{"title": "Valid story", "story": "A story."},
			[]string{"title", "themes"}, []string{"story", "gaps"}},
	}
	always := map[string]string{"NUL": "\x00", "C1 NEL": "\u0085", "ESC": "\x1b", "DEL": "\x7f", "C1 CSI": "\u009b"}
	lineBreaks := map[string]string{"LF": "\n", "CR": "\r", "CRLF": "\r\n", "U+2028": "\u2028"}
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		for _, sf := range surfaces {
			before := fdCount(e, sf.table, "audit_log")
			try := func(field, label, bad string) {
				t.Helper()
				body := maps.Clone(sf.base)
				value := "ab" + bad + "cd"
				if field == "website" {
					value = "https://example.org/a" + bad + "b"
				}
				if field == "tags" || field == "themes" {
					body[field] = []string{value}
				} else {
					body[field] = value
				}
				txWant422(t, fmt.Sprintf("%s %s with %s", sf.path, field, label), e.do("POST", sf.path, e.adminToken, body), "body."+field)
			}
			for _, field := range append(append([]string{}, sf.oneLine...), sf.multiLine...) {
				for label, bad := range always {
					try(field, label, bad)
				}
			}
			for _, field := range sf.oneLine {
				for label, bad := range lineBreaks {
					try(field, label, bad)
				}
			}
			if after := fdCount(e, sf.table, "audit_log"); fmt.Sprint(after) != fmt.Sprint(before) {
				t.Fatalf("%s: rows written: %v → %v", sf.path, before, after)
			}
			// Multi-line fields keep their line breaks and tabs.
			body := maps.Clone(sf.base)
			body[sf.multiLine[0]] = "Line one\r\n\tLine two\n"
			if r := e.do("POST", sf.path, e.adminToken, body); r.status != 201 {
				t.Fatalf("%s: a multi-line %s: %d %s", sf.path, sf.multiLine[0], r.status, r.body)
			}
		}
	})
}

// TestBadTextInTheAddressRefused: search queries and path slugs with
// control characters or invalid UTF-8 never reach the database: 422 naming
// the parameter, over the API and on pages.
func TestBadTextInTheAddressRefused(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("north", "North")
		for _, bad := range []string{"%00", "%C2%85", "%1B", "%0A", "%FF"} {
			txWant422(t, "API q="+bad, e.do("GET", "/api/v1/communities?q=x"+bad, "", nil), "query.q")
			txWant422(t, "API slug "+bad, e.do("GET", "/api/v1/communities/no"+bad+"rth", "", nil), "path.id")
			txWant422(t, "API consortia q "+bad, e.do("GET", "/api/v1/consortia?q="+bad, e.adminToken, nil), "query.q")
			for _, page := range []string{"/communities?q=x" + bad, "/communities/no" + bad + "rth", "/initiatives?q=" + bad} {
				r := e.browser().get(page)
				if r.status != 422 || !strings.Contains(string(r.body), "must ") {
					t.Fatalf("page %s: %d %s", page, r.status, r.body)
				}
			}
		}
		// Clean text still works, non-ASCII included.
		if r := e.do("GET", "/api/v1/communities?q=Z%C3%BCrich", "", nil); r.status != 200 {
			t.Fatalf("search: %d %s", r.status, r.body)
		}
	})
}

// TestJSONBodiesAreCheckedBeforeDecoding: invalid UTF-8 and lone
// surrogates are refused instead of becoming U+FFFD; duplicate keys are
// refused instead of the last one winning; nothing is written.
func TestJSONBodiesAreCheckedBeforeDecoding(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		before := fdCount(e, "communities", "audit_log")
		for _, c := range []struct{ name, body, where, msg string }{
			{"invalid UTF-8", "{\"name\": \"Bad \xff Lab\", \"kind\": \"university\"}", "body", "UTF-8"},
			{"lone high surrogate", `{"name": "Bad \ud800 Lab", "kind": "university"}`, "body.name", "surrogate"},
			{"lone low surrogate", `{"name": "Bad \udc00 Lab", "kind": "university"}`, "body.name", "surrogate"},
			{"high surrogate without its pair", `{"name": "Bad \ud83d\u0041 Lab", "kind": "university"}`, "body.name", "surrogate"},
			{"duplicate key", `{"name": "Good Lab", "kind": "university", "name": "Evil Lab"}`, "body.name", "duplicate"},
			{"nested duplicate key", `{"name": "Good Lab", "kind": "university", "tags": ["a"], "slug": "good", "slug": "evil"}`, "body.slug", "duplicate"},
		} {
			r := e.do("POST", "/api/v1/communities", e.adminToken, c.body)
			txWant422(t, c.name, r, c.where)
			if !strings.Contains(string(r.body), c.msg) {
				t.Fatalf("%s: %s", c.name, r.body)
			}
		}
		// A pair is fine: the emoji is stored as it was sent.
		r := e.do("POST", "/api/v1/communities", e.adminToken, `{"name": "Smile \ud83d\ude00 Lab", "kind": "university"}`)
		if r.status != 201 || r.json(t)["name"] != "Smile 😀 Lab" {
			t.Fatalf("surrogate pair: %d %s", r.status, r.body)
		}
		after := fdCount(e, "communities", "audit_log")
		if after["communities"] != before["communities"]+1 || after["audit_log"] != before["audit_log"]+1 {
			t.Fatalf("rows: %v → %v", before, after)
		}
	})
}

// TestControlCharactersInWebForms: a form with NUL comes back with the
// message beside the field (422) and nothing written; the sign-in email is
// checked before it is counted or looked up.
func TestControlCharactersInWebForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		b := e.browser()
		if r := b.login("admin@example.org", testPassword); r.status != 303 {
			t.Fatalf("sign in: %d", r.status)
		}
		before := fdCount(e, "communities", "audit_log", "login_limits")
		for _, c := range []struct{ field, value, msg string }{
			{"name", "Bad\x00Lab", "control characters"},
			{"name", "Bad\u0085Lab", "control characters"},
			{"name", "Bad\x1bLab", "control characters"},
			{"name", "Bad\r\nLab", "single line"},
			{"description", "Fine\x00", "control characters"},
			{"support_contact", "help\n@example.org", "single line"},
		} {
			form := url.Values{"name": {"Valid Lab"}, "kind": {"university"}}
			form.Set(c.field, c.value)
			r := b.post("/communities", form)
			if r.status != 422 || !strings.Contains(string(r.body), c.msg) || !strings.Contains(string(r.body), `name="`+c.field+`"`) {
				t.Fatalf("%s=%q: %d %s", c.field, c.value, r.status, r.body)
			}
		}
		for _, email := range []string{"admin\x00@example.org", "admin@example.org\r\n", "admin\u0085@example.org"} {
			r := e.browser().login(email, testPassword)
			if r.status != 422 || !strings.Contains(string(r.body), "must ") {
				t.Fatalf("sign in with %q: %d %s", email, r.status, r.body)
			}
		}
		if after := fdCount(e, "communities", "audit_log", "login_limits"); fmt.Sprint(after) != fmt.Sprint(before) {
			t.Fatalf("rows written: %v → %v", before, after)
		}
	})
}

// TestTextRule: the one rule every validator uses.
func TestTextRule(t *testing.T) {
	for _, c := range []struct {
		s         string
		multiline bool
		ok        bool
	}{
		{"Plain text, ünïcödé, 😀", false, true},
		{"two\nlines\r\nand\ta tab", true, true},
		{"tab\tin a name", false, false},
		{"line\nbreak", false, false},
		{"carriage\rreturn", false, false},
		{"sep\u2028arator", false, false},
		{"nul\x00", true, false},
		{"esc\x1b", true, false},
		{"del\x7f", true, false},
		{"c1\u0085", true, false},
		{"bad\xffutf8", true, false},
	} {
		if got := model.TextProblem(c.s, c.multiline) == ""; got != c.ok {
			t.Errorf("TextProblem(%q, %v) ok=%v, want %v", c.s, c.multiline, got, c.ok)
		}
	}
}
