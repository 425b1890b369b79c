package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"consortia/internal/model"
	"consortia/internal/server"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func TestAPICommunitiesLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		member := e.user("lead@example.org", "Lee Lead", model.RoleMember)
		memberTok := e.token(member)

		// Anonymous visitors may list but not create.
		if r := e.do("GET", "/api/v1/communities", "", nil); r.status != 200 {
			t.Fatalf("anonymous list: %d %s", r.status, r.body)
		}
		body := map[string]any{"name": "UC Example", "kind": "university", "tags": []string{"Education", "cloud-costs"},
			"website": "https://example.edu", "tier": "standard", "member_since": "2023-04-01"}
		if r := e.do("POST", "/api/v1/communities", "", body); r.status != 401 || r.header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("anonymous create: %d %s", r.status, r.header.Get("Content-Type"))
		}
		if r := e.do("POST", "/api/v1/communities", memberTok, body); r.status != 403 {
			t.Fatalf("member create: %d %s", r.status, r.body)
		}
		r := e.do("POST", "/api/v1/communities", e.adminToken, body)
		if r.status != 201 {
			t.Fatalf("admin create: %d %s", r.status, r.body)
		}
		c := r.json(t)
		if c["slug"] != "uc-example" || r.header.Get("Location") != fmt.Sprintf("/api/v1/communities/%v", c["id"]) {
			t.Fatalf("created: %v, Location %q", c, r.header.Get("Location"))
		}
		if tags := c["tags"].([]any); len(tags) != 2 || tags[0] != "education" {
			t.Fatalf("tags not normalized: %v", tags)
		}

		// By slug and by id.
		for _, ref := range []string{"uc-example", fmt.Sprint(c["id"])} {
			if r := e.do("GET", "/api/v1/communities/"+ref, "", nil); r.status != 200 || r.json(t)["name"] != "UC Example" {
				t.Fatalf("get %s: %d %s", ref, r.status, r.body)
			}
		}
		if r := e.do("GET", "/api/v1/communities/nope", "", nil); r.status != 404 {
			t.Fatalf("missing: %d", r.status)
		}

		// The member cannot edit until made lead.
		if r := e.do("PATCH", "/api/v1/communities/uc-example", memberTok, map[string]any{"name": "Mine"}); r.status != 403 {
			t.Fatalf("non-lead edit: %d %s", r.status, r.body)
		}
		if r := e.do("PUT", "/api/v1/communities/uc-example/people", e.adminToken, map[string]any{"email": "lead@example.org", "role": "lead"}); r.status != 200 {
			t.Fatalf("set affiliation: %d %s", r.status, r.body)
		}
		r = e.do("PATCH", "/api/v1/communities/uc-example", memberTok, map[string]any{"description": "We teach *data*.", "version": 1})
		if r.status != 200 || r.json(t)["version"].(float64) != 2 || r.json(t)["name"] != "UC Example" {
			t.Fatalf("lead edit: %d %s", r.status, r.body)
		}
		// A lead cannot change the membership tier.
		if r := e.do("PATCH", "/api/v1/communities/uc-example", memberTok, map[string]any{"tier": "premium"}); r.status != 403 {
			t.Fatalf("lead tier change: %d %s", r.status, r.body)
		}
		// A stale version is a conflict.
		if r := e.do("PATCH", "/api/v1/communities/uc-example", e.adminToken, map[string]any{"name": "Old", "version": 1}); r.status != 409 {
			t.Fatalf("stale version: %d %s", r.status, r.body)
		}

		// People are for signed-in callers; /me shows the affiliation.
		if r := e.do("GET", "/api/v1/people", "", nil); r.status != 401 {
			t.Fatalf("anonymous people: %d", r.status)
		}
		r = e.do("GET", "/api/v1/me", memberTok, nil)
		if r.status != 200 || !strings.Contains(string(r.body), `"role":"lead"`) {
			t.Fatalf("me: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/api/v1/people?q=lee", e.adminToken, nil)
		if r.status != 200 || r.json(t)["total"].(float64) != 1 {
			t.Fatalf("people search: %d %s", r.status, r.body)
		}

		// Archive hides the community from visitors; only admins archive.
		if r := e.do("POST", "/api/v1/communities/uc-example/archive", memberTok, nil); r.status != 403 {
			t.Fatalf("lead archive: %d", r.status)
		}
		if r := e.do("POST", "/api/v1/communities/uc-example/archive", e.adminToken, nil); r.status != 200 {
			t.Fatalf("archive: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/communities/uc-example", "", nil); r.status != 404 {
			t.Fatalf("archived visible to visitors: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/communities", "", nil); r.json(t)["total"].(float64) != 0 {
			t.Fatalf("archived listed: %s", r.body)
		}
		if r := e.do("PATCH", "/api/v1/communities/uc-example", e.adminToken, map[string]any{"name": "X"}); r.status != 409 {
			t.Fatalf("edit archived: %d", r.status)
		}

		// Every write is in the audit log with before and after.
		r = e.do("GET", "/api/v1/audit?entity_type=community&action=community.update", e.adminToken, nil)
		if r.status != 200 || r.json(t)["total"].(float64) != 1 || !strings.Contains(string(r.body), `We teach *data*.`) {
			t.Fatalf("audit: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/audit", memberTok, nil); r.status != 403 {
			t.Fatalf("member audit: %d", r.status)
		}
	})
}

func TestAPIPagination(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		for i := range 30 {
			e.community(fmt.Sprintf("c-%02d", i), fmt.Sprintf("Community %02d", i))
		}
		r := e.do("GET", "/api/v1/communities?per_page=10&page=2", "", nil)
		m := r.json(t)
		if r.status != 200 || m["total"].(float64) != 30 || m["pages"].(float64) != 3 || len(m["items"].([]any)) != 10 {
			t.Fatalf("page 2: %d %v", r.status, m)
		}
		if first := m["items"].([]any)[0].(map[string]any)["name"]; first != "Community 10" {
			t.Fatalf("page 2 starts at %v", first)
		}
		if l := r.header.Get("Link"); !strings.Contains(l, `page=3&per_page=10>; rel="next"`) || !strings.Contains(l, `rel="prev"`) {
			t.Fatalf("Link: %q", l)
		}
		if r := e.do("GET", "/api/v1/communities?per_page=1000", "", nil); r.status != 422 || !strings.Contains(string(r.body), "query.per_page") {
			t.Fatalf("per_page over the limit: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/communities?tag=education&q=community%200", "", nil); r.json(t)["total"].(float64) != 10 {
			t.Fatalf("filter: %s", r.body)
		}
	})
}

// TestAPIBadInput sends every class of bad input and checks the status, the
// field named in the problem details, and that nothing was written.
func TestAPIBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("taken", "Taken")
		before := [2]int{e.count("communities"), e.count("audit_log")}
		long := strings.Repeat("x", 121)
		cases := []struct {
			name     string
			body     any
			status   int
			location string
		}{
			{"malformed JSON", `{"name": "A", `, 400, ""},
			{"not an object", `[1,2]`, 422, "body"},
			{"unknown field", map[string]any{"name": "A", "kind": "other", "colour": "red"}, 422, "body.colour"},
			{"wrong type", map[string]any{"name": 42, "kind": "other"}, 422, "body.name"},
			{"missing name", map[string]any{"kind": "other"}, 422, "body.name"},
			{"name too long", map[string]any{"name": long, "kind": "other"}, 422, "body.name"},
			{"unknown kind", map[string]any{"name": "A", "kind": "castle"}, 422, "body.kind"},
			{"invalid slug", map[string]any{"name": "A", "slug": "Not A Slug!", "kind": "other"}, 422, "body.slug"},
			{"numeric slug", map[string]any{"name": "A", "slug": "123", "kind": "other"}, 422, "body.slug"},
			{"bad website", map[string]any{"name": "A", "kind": "other", "website": "javascript:alert(1)"}, 422, "body.website"},
			{"bad date", map[string]any{"name": "A", "kind": "other", "member_since": "yesterday"}, 422, "body.member_since"},
			{"too many tags", map[string]any{"name": "A", "kind": "other", "tags": strings.Split(strings.Repeat("t,", 21)[:41], ",")}, 422, "body.tags"},
			{"duplicate slug", map[string]any{"name": "Taken", "slug": "taken", "kind": "other"}, 409, "body.slug"},
			{"oversize body", `{"name": "A", "kind": "other", "description": "` + strings.Repeat("x", 300<<10) + `"}`, 413, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				r := e.do("POST", "/api/v1/communities", e.adminToken, c.body)
				if r.status != c.status {
					t.Fatalf("status %d, want %d: %s", r.status, c.status, r.body)
				}
				if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
					t.Fatalf("content type %q", ct)
				}
				if c.location != "" && !strings.Contains(string(r.body), `"location":"`+c.location) {
					t.Fatalf("problem does not name %s: %s", c.location, r.body)
				}
			})
		}
		// Bad input for people: invalid email, unknown role.
		if r := e.do("PUT", "/api/v1/communities/taken/people", e.adminToken, map[string]any{"email": "nobody@example.org", "role": "lead"}); r.status != 422 || !strings.Contains(string(r.body), "body.email") {
			t.Fatalf("unknown person: %d %s", r.status, r.body)
		}
		if r := e.do("PUT", "/api/v1/communities/taken/people", e.adminToken, map[string]any{"email": "admin@example.org", "role": "king"}); r.status != 422 || !strings.Contains(string(r.body), "body.role") {
			t.Fatalf("unknown role: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/me", "cst_not-a-token", nil); r.status != 401 {
			t.Fatalf("bad token: %d", r.status)
		}
		if after := [2]int{e.count("communities"), e.count("audit_log")}; after != before {
			t.Fatalf("bad input wrote something: before %v after %v", before, after)
		}
	})
}

// TestAPIConcurrentWriters: 50 clients create and edit at once; each gets a
// success or a clear conflict, never a server error.
func TestAPIConcurrentWriters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("shared", "Shared")
		var wg sync.WaitGroup
		statuses := make(chan int, 100)
		for i := range 50 {
			wg.Add(2)
			go func() {
				defer wg.Done()
				// Half the creates collide on a slug.
				slug := fmt.Sprintf("c-%d", i%25)
				statuses <- e.do("POST", "/api/v1/communities", e.adminToken, map[string]any{"name": "C", "slug": slug, "kind": "other"}).status
			}()
			go func() {
				defer wg.Done()
				statuses <- e.do("PATCH", "/api/v1/communities/shared", e.adminToken, map[string]any{"description": fmt.Sprint(i), "version": 1}).status
			}()
		}
		wg.Wait()
		close(statuses)
		counts := map[int]int{}
		for st := range statuses {
			counts[st]++
		}
		if counts[201] != 25 || counts[409] != 25+49 || counts[200] != 1 {
			t.Fatalf("statuses: %v (want 25×201, 1×200, 74×409)", counts)
		}
	})
}

func TestOperationsEndpoints(t *testing.T) {
	e := newEnvWith(t, storagetest.Open(t, storage.SQLite), server.Config{MetricsToken: testMetricsToken})
	if r := e.do("GET", "/healthz", "", nil); r.status != 200 {
		t.Fatalf("healthz: %d", r.status)
	}
	if r := e.do("GET", "/readyz", "", nil); r.status != 200 {
		t.Fatalf("readyz: %d", r.status)
	}
	e.do("GET", "/api/v1/communities", "", nil)
	r := e.do("GET", "/metrics", testMetricsToken, nil)
	for _, want := range []string{`consortia_http_requests_total{method="GET",route="GET /api/v1/communities",status="200"} 1`,
		"consortia_http_request_duration_seconds_bucket", "go_sql_open_connections"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
	r = e.do("GET", "/api/v1/openapi.json", "", nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"openapi":"3.1`) || !strings.Contains(string(r.body), "/communities/{id}") {
		t.Fatalf("openapi: %d %.200s", r.status, r.body)
	}
	if r := e.do("GET", "/api/v1/nothing-here", "", nil); r.status != 404 || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("unknown API path: %d %s", r.status, r.header.Get("Content-Type"))
	}
	e.store.Close()
	if r := e.do("GET", "/readyz", "", nil); r.status != http.StatusServiceUnavailable {
		t.Fatalf("readyz with the database closed: %d", r.status)
	}
}
