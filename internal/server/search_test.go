package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestSearchPageAndAPI: /search and GET /api/v1/search find the same
// records for the same reader, mark the matched words in escaped HTML,
// count each kind, and answer bad input with 422 naming the field (the page
// keeps the box and says what is wrong), never 500. Reads write nothing.
func TestSearchPageAndAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		if _, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: "Quotas <script>alert(1)</script> for courses", Public: true,
			Problem: "Per-course GPU quotas on shared hubs."}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: "Internal GPU billing", Public: false}); err != nil {
			t.Fatal(err)
		}
		e.community("gpu-u", "GPU University")
		member := e.user("m@example.org", "Mia Member", model.RoleMember)
		tok := e.token(member)
		e.do("GET", "/api/v1/me", tok, nil) // a token's first use records it

		before := e.writes.Load()
		r := e.do("GET", "/api/v1/search?q=gpu", "", nil)
		if r.status != 200 {
			t.Fatalf("anonymous search: %d %s", r.status, r.body)
		}
		body := r.json(t)
		if body["total"] != float64(2) {
			t.Errorf("a visitor finds %v results, want 2 (the public initiative and the community): %s", body["total"], r.body)
		}
		if strings.Contains(string(r.body), "Internal GPU billing") {
			t.Error("a visitor finds the non-public initiative")
		}
		r = e.do("GET", "/api/v1/search?q=gpu&kind=initiative", tok, nil)
		body = r.json(t)
		items, _ := body["items"].([]any)
		if r.status != 200 || body["total"] != float64(2) || len(items) != 2 {
			t.Fatalf("member's initiatives: %d %s", r.status, r.body)
		}
		facets, _ := body["facets"].([]any)
		if len(facets) != 2 {
			t.Errorf("facets: %v", facets)
		}
		var quotas map[string]any
		for _, it := range items {
			if m := it.(map[string]any); strings.HasPrefix(m["title"].(string), "Quotas") {
				quotas = m
			}
		}
		if quotas == nil || !strings.Contains(quotas["snippet_html"].(string), "<mark>GPU</mark>") ||
			strings.Contains(quotas["title_html"].(string), "<script>") || !strings.Contains(quotas["title_html"].(string), "&lt;script&gt;") {
			t.Errorf("marked HTML: %v", quotas)
		}

		b := e.browser()
		page := string(b.get("/search?q=gpu").body)
		if !strings.Contains(page, `<a href="/initiatives/`) || !strings.Contains(page, "<mark>") || strings.Contains(page, "<script>alert") ||
			strings.Contains(page, "Internal GPU billing") || !strings.Contains(page, "2 results") {
			t.Errorf("search page for a visitor:\n%s", page)
		}
		if p := string(b.get("/search").body); !strings.Contains(p, `name="q"`) || strings.Contains(p, "results") {
			t.Error("the empty search page")
		}
		if n := e.writes.Load() - before; n != 0 {
			t.Errorf("searching wrote %d times", n)
		}

		// Bad input: 422 naming the field, the page keeps the box.
		for _, c := range []struct{ query, where string }{
			{"q=" + strings.Repeat("x", 201), "query.q"},
			{"q=a%00b", "query.q"},
			{"q=gpu&kind=bogus", "query.kind"},
			{"q=gpu&page=0", "query.page"},
			{"q=gpu&page=51", "query.page"},
			{"q=gpu&page=x", "query.page"},
		} {
			r := e.do("GET", "/api/v1/search?"+c.query, "", nil)
			if r.status != 422 || !strings.Contains(string(r.body), c.where) {
				t.Errorf("API %s: %d %s", c.query, r.status, r.body)
			}
			p := b.get("/search?" + c.query)
			if p.status != 422 || !strings.Contains(string(p.body), `name="q"`) {
				t.Errorf("page %s: %d", c.query, p.status)
			}
		}
		// Query syntax of either database is only text.
		for _, q := range []string{`"`, `*`, `NEAR(gpu`, `gpu:*`, `a & !b`, `' OR 1=1 --`, `-`, `OR`} {
			if r := e.do("GET", "/api/v1/search?q="+url.QueryEscape(q), "", nil); r.status != 200 {
				t.Errorf("%q: %d %s", q, r.status, r.body)
			}
			if p := b.get("/search?q=" + url.QueryEscape(q)); p.status != 200 {
				t.Errorf("page %q: %d", q, p.status)
			}
		}
	})
}
