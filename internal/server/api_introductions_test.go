package server_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestAPIIntroductions: the introduction operations, every class of bad
// input refused with nothing written, and private contacts kept private.
func TestAPIIntroductions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e, lead, other := newIntroductionEnv(t, s)
		ctx := context.Background()
		leadTok, otherTok := e.token(lead), e.token(other)
		good := map[string]any{"kind": "problem_solver", "from_community": "problemu", "to_community": "solvedu", "note": "Solvedu solved GPU quotas."}
		with := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range good {
				m[key] = val
			}
			if v == nil {
				delete(m, k)
			} else {
				m[k] = v
			}
			return m
		}
		bad := []struct {
			name   string
			token  string
			body   any
			status int
			where  string
		}{
			{"malformed", e.adminToken, `{"kind": "peer",`, http.StatusBadRequest, ""},
			{"wrong type", e.adminToken, with("note", 7), http.StatusUnprocessableEntity, "body.note"},
			{"unknown field", e.adminToken, with("colour", "red"), http.StatusUnprocessableEntity, "body.colour"},
			{"control character", e.adminToken, with("note", "a\u0007b"), http.StatusUnprocessableEntity, "body.note"},
			{"oversize", e.adminToken, with("note", strings.Repeat("x", 4001)), http.StatusUnprocessableEntity, "body.note"},
			{"missing note", e.adminToken, with("note", nil), http.StatusUnprocessableEntity, "body.note"},
			{"unknown kind", e.adminToken, with("kind", "cousin"), http.StatusUnprocessableEntity, "body.kind"},
			{"to itself", e.adminToken, with("to_community", "problemu"), http.StatusUnprocessableEntity, "body.to_community"},
			{"invalid contact email", e.adminToken, map[string]any{"kind": "funder", "note": "n", "contact": map[string]any{"name": "Fay", "email": "fay-at-fund"}},
				http.StatusUnprocessableEntity, "body.contact.email"},
			{"visitor", "", good, http.StatusUnauthorized, ""},
			{"member makes problem_solver", leadTok, good, http.StatusForbidden, ""},
		}
		for _, c := range bad {
			r := e.do("POST", "/api/v1/introductions", c.token, c.body)
			wantStatus(t, c.name, r, c.status)
			if c.where != "" && !strings.Contains(strings.Join(problemLocations(t, r), ","), c.where) {
				t.Errorf("%s: locations %q, want %s", c.name, problemLocations(t, r), c.where)
			}
		}
		if n := e.count("introductions"); n != 0 {
			t.Fatalf("bad input wrote %d introductions", n)
		}

		r := e.do("POST", "/api/v1/introductions", e.adminToken, good)
		wantStatus(t, "create", r, http.StatusCreated)
		got := r.json(t)
		id := strconv.FormatInt(int64(got["id"].(float64)), 10)
		if got["status"] != "suggested" || got["title"] != "Problemu ↔ Solvedu" || r.header.Get("Location") != "/api/v1/introductions/"+id {
			t.Fatalf("created: %s %v", r.body, r.header)
		}
		path := "/api/v1/introductions/" + id
		wantStatus(t, "visitor reads a private one", e.do("GET", path, "", nil), http.StatusNotFound)
		wantStatus(t, "out of order", e.do("POST", path+"/status", e.adminToken, map[string]any{"status": "in_conversation"}), http.StatusConflict)
		wantStatus(t, "a lead moves", e.do("POST", path+"/status", leadTok, map[string]any{"status": "asked"}), http.StatusForbidden)
		r = e.do("PATCH", path, e.adminToken, map[string]any{"note": "Solvedu runs GPU quotas.", "version": got["version"]})
		wantStatus(t, "patch", r, http.StatusOK)
		wantStatus(t, "stale patch", e.do("PATCH", path, e.adminToken, map[string]any{"note": "again", "version": got["version"]}), http.StatusConflict)
		r = e.do("POST", path+"/status", e.adminToken, map[string]any{"status": "asked"})
		wantStatus(t, "ask", r, http.StatusOK)
		wantStatus(t, "patch once asked", e.do("PATCH", path, e.adminToken, map[string]any{"note": "later"}), http.StatusConflict)
		wantStatus(t, "introduced by hand", e.do("POST", path+"/status", e.adminToken, map[string]any{"status": "introduced"}), http.StatusConflict)
		if n := e.count("outbox"); n != 2 {
			t.Fatalf("ask emails queued: %d", n)
		}
		// Both leads answer (signed in, on the web the same use case).
		for _, a := range []struct {
			u    *model.User
			slug string
		}{{lead, "problemu"}, {other, "solvedu"}} {
			if _, err := e.app.AnswerIntroduction(ctx, a.u, int64(got["id"].(float64)), a.slug, model.ConsentAccepted); err != nil {
				t.Fatal(err)
			}
		}
		r = e.do("GET", path, "", nil)
		wantStatus(t, "visitor reads a made one", r, http.StatusOK)
		if r.json(t)["status"] != "introduced" {
			t.Fatalf("after both accepted: %s", r.body)
		}
		r = e.do("POST", path+"/status", e.adminToken, map[string]any{"status": "outcome", "outcome": "funded", "amount": 500000, "currency": "EUR"})
		wantStatus(t, "funded", r, http.StatusOK)
		if m := r.json(t); m["outcome_amount"] != 500000.0 || m["status_label"] != "Funded" {
			t.Fatalf("outcome: %s", r.body)
		}

		// A funder introduced by a member: the contact stays private.
		r = e.do("POST", "/api/v1/introductions", leadTok, map[string]any{"kind": "funder", "from_community": "problemu", "note": "Fay funds tooling.",
			"contact": map[string]any{"name": "Fay Funder", "organization": "Tool Fund", "email": "fay@fund.example"}})
		wantStatus(t, "member's funder", r, http.StatusCreated)
		fid := strconv.FormatInt(int64(r.json(t)["id"].(float64)), 10)
		for _, who := range []struct{ name, tok string }{{"staff", e.adminToken}, {"introducer", leadTok}} {
			if body := string(e.do("GET", "/api/v1/introductions/"+fid, who.tok, nil).body); !strings.Contains(body, "fay@fund.example") {
				t.Errorf("%s does not see the contact: %s", who.name, body)
			}
		}
		wantStatus(t, "other lead reads the funder", e.do("GET", "/api/v1/introductions/"+fid, otherTok, nil), http.StatusNotFound)
		for _, tok := range []string{otherTok, ""} {
			if body := string(e.do("GET", "/api/v1/introductions", tok, nil).body); strings.Contains(body, "fay@fund.example") || strings.Contains(body, "Tool Fund") {
				t.Errorf("the list shows a private contact: %s", body)
			}
		}
		r = e.do("GET", "/api/v1/introductions?community=solvedu", "", nil)
		if items, _ := r.json(t)["items"].([]any); len(items) != 1 {
			t.Fatalf("visitor's list of solvedu: %s", r.body)
		}
	})
}
