package server_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
)

// problemLocations returns the errors[].location of a problem response.
func problemLocations(t *testing.T, r response) []string {
	t.Helper()
	var out []string
	errs, _ := r.json(t)["errors"].([]any)
	for _, e := range errs {
		if m, ok := e.(map[string]any); ok {
			loc, _ := m["location"].(string)
			out = append(out, loc)
		}
	}
	return out
}

func TestAPIUpdatesAndRequests(t *testing.T) {
	u := newUpdatesEnv(t)
	leadToken := u.token(u.lead)

	deadline := time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)
	post := map[string]any{"consortium": "cloud-costs", "title": "Dashboards ready", "body": "**Done:** dashboards.",
		"question": "Can you test them?", "options": []string{"Yes", "No"}, "deadline": deadline}
	wantStatus(t, "member posts", u.do("POST", "/api/v1/updates", leadToken, post), http.StatusForbidden)
	wantStatus(t, "visitor posts", u.do("POST", "/api/v1/updates", "", post), http.StatusUnauthorized)
	r := u.do("POST", "/api/v1/updates", u.adminToken, post)
	wantStatus(t, "staff post", r, http.StatusCreated)
	got := r.json(t)
	req, _ := got["request"].(map[string]any)
	if got["id"] == 0.0 || got["actor_name"] != "Ada Admin" || got["importance"] != float64(model.ImportanceRequest) || got["title"] != "Dashboards ready" || got["url"] != "/consortia/cloud-costs#updates" || req == nil || req["question"] != "Can you test them?" {
		t.Fatalf("posted: %s", r.body)
	}
	requestID := int64(req["id"].(float64))
	path := "/api/v1/requests/" + strconv.FormatInt(requestID, 10)

	r = u.do("POST", "/api/v1/updates", u.adminToken, map[string]any{"title": "", "body": "x", "question": "Q?", "options": []string{"Only"}})
	wantStatus(t, "bad update", r, http.StatusUnprocessableEntity)
	if locs := strings.Join(problemLocations(t, r), ","); !strings.Contains(locs, "body.title") || !strings.Contains(locs, "body.options") {
		t.Errorf("locations %q", locs)
	}
	r = u.do("POST", "/api/v1/updates", u.adminToken, map[string]any{"title": "T", "body": "B", "question": "Q?", "options": []string{"A", "B"}, "deadline": "2001-01-01T00:00:00Z"})
	wantStatus(t, "past deadline", r, http.StatusUnprocessableEntity)
	if locs := problemLocations(t, r); len(locs) != 1 || locs[0] != "body.deadline" {
		t.Errorf("locations %q", locs)
	}
	wantStatus(t, "unknown consortium", u.do("POST", "/api/v1/updates", u.adminToken, map[string]any{"consortium": "nope", "title": "T", "body": "B"}), http.StatusNotFound)
	wantStatus(t, "site-wide", u.do("POST", "/api/v1/updates", u.adminToken, map[string]any{"title": "For everyone", "body": "B"}), http.StatusCreated)

	// Lists: visitors see public updates without names.
	r = u.do("GET", "/api/v1/updates", "", nil)
	wantStatus(t, "list", r, http.StatusOK)
	items, _ := r.json(t)["items"].([]any)
	if len(items) != 2 || items[0].(map[string]any)["title"] != "For everyone" {
		t.Fatalf("updates: %s", r.body)
	}
	if strings.Contains(string(r.body), "Ada Admin") {
		t.Errorf("visitors see names: %s", r.body)
	}
	r = u.do("GET", "/api/v1/consortia/cloud-costs/updates?limit=5", leadToken, nil)
	wantStatus(t, "consortium list", r, http.StatusOK)
	if items, _ := r.json(t)["items"].([]any); len(items) != 1 || items[0].(map[string]any)["actor_name"] != "Ada Admin" {
		t.Fatalf("consortium updates: %s", r.body)
	}
	wantStatus(t, "limit too large", u.do("GET", "/api/v1/updates?limit=1000", "", nil), http.StatusUnprocessableEntity)

	// Requests and answers.
	wantStatus(t, "visitor reads a request", u.do("GET", path, "", nil), http.StatusUnauthorized)
	r = u.do("PUT", path+"/answer", leadToken, map[string]any{"answer": "Maybe"})
	wantStatus(t, "answer not an option", r, http.StatusUnprocessableEntity)
	if locs := problemLocations(t, r); len(locs) != 1 || locs[0] != "body.answer" {
		t.Errorf("locations %q", locs)
	}
	r = u.do("PUT", path+"/answer", leadToken, map[string]any{"answer": "Yes"})
	wantStatus(t, "answer", r, http.StatusOK)
	answers, _ := r.json(t)["answers"].([]any)
	if len(answers) != 1 || answers[0].(map[string]any)["user_name"] != "Lee Lead" {
		t.Fatalf("answers: %s", r.body)
	}
	r = u.do("GET", path, u.adminToken, nil)
	wantStatus(t, "staff read the request", r, http.StatusOK)
	if !strings.Contains(string(r.body), `"answer":"Yes"`) {
		t.Errorf("request: %s", r.body)
	}
	wantStatus(t, "no such request", u.do("GET", "/api/v1/requests/99999", leadToken, nil), http.StatusNotFound)
}

func TestAPIPreferences(t *testing.T) {
	u := newUpdatesEnv(t)
	leadToken := u.token(u.lead)
	wantStatus(t, "visitor", u.do("GET", "/api/v1/me/preferences", "", nil), http.StatusUnauthorized)
	r := u.do("GET", "/api/v1/me/preferences", leadToken, nil)
	wantStatus(t, "get", r, http.StatusOK)
	body := r.json(t)
	if prefs, _ := body["preferences"].([]any); len(prefs) != 0 {
		t.Errorf("preferences: %s", r.body)
	}
	if cs, _ := body["consortia"].([]any); len(cs) != 1 || cs[0].(map[string]any)["slug"] != "cloud-costs" {
		t.Errorf("consortia: %s", r.body)
	}

	r = u.do("PUT", "/api/v1/me/preferences", leadToken, map[string]any{"preferences": []map[string]any{{"channel": "email", "mode": "daily"}, {"channel": "email", "mode": "hourly"}}})
	wantStatus(t, "unknown mode", r, http.StatusUnprocessableEntity)
	if locs := problemLocations(t, r); len(locs) != 1 || locs[0] != "body.preferences[1].mode" {
		t.Errorf("locations %q: %s", locs, r.body)
	}
	r = u.do("PUT", "/api/v1/me/preferences", leadToken, map[string]any{"preferences": []map[string]any{{"channel": "email", "mode": "daily"}, {"consortium_id": 99999, "channel": "email", "mode": "off"}}})
	wantStatus(t, "a consortium the person is not in", r, http.StatusUnprocessableEntity)
	if locs := problemLocations(t, r); len(locs) != 1 || locs[0] != "body.preferences[1].consortium_id" {
		t.Errorf("locations %q: %s", locs, r.body)
	}
	if p, _ := u.app.Preferences(u.ctx, u.lead); len(p) != 0 {
		t.Fatalf("a failed change saved something: %+v", p)
	}
	cid := u.consortium.ID
	r = u.do("PUT", "/api/v1/me/preferences", leadToken, map[string]any{"preferences": []map[string]any{{"channel": "email", "mode": "daily"},
		{"consortium_id": cid, "channel": "email", "mode": "off"}, {"channel": "slack", "mode": "weekly"}}})
	wantStatus(t, "set", r, http.StatusOK)
	if prefs, _ := r.json(t)["preferences"].([]any); len(prefs) != 3 {
		t.Fatalf("after set: %s", r.body)
	}
	// The override is honoured: an update of the consortium is not mailed to the lead at all.
	if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Quiet", Body: "B", Question: "Q?", Options: []string{"A", "B"}}); err != nil {
		t.Fatal(err)
	}
	u.drain()
	if got := u.mailTo("lead@example.org", "Quiet"); len(got) != 0 {
		t.Errorf("the lead turned email off for the consortium but got %d", len(got))
	}
	r = u.do("PUT", "/api/v1/me/preferences", leadToken, map[string]any{"preferences": []map[string]any{{"consortium_id": cid, "channel": "email", "mode": "default"}}})
	wantStatus(t, "remove the override", r, http.StatusOK)
	if prefs, _ := r.json(t)["preferences"].([]any); len(prefs) != 2 {
		t.Fatalf("after removing: %s", r.body)
	}
}

func TestAPIOutbox(t *testing.T) {
	u := newUpdatesEnv(t)
	u.smtp.Reject("lead@example.org")
	if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "R", Body: "B", Question: "Q?", Options: []string{"A", "B"}}); err != nil {
		t.Fatal(err)
	}
	u.drain()
	leadToken := u.token(u.lead)
	wantStatus(t, "member", u.do("GET", "/api/v1/admin/outbox", leadToken, nil), http.StatusForbidden)
	wantStatus(t, "member retries", u.do("POST", "/api/v1/admin/outbox/retry", leadToken, map[string]any{}), http.StatusForbidden)
	wantStatus(t, "visitor retries", u.do("POST", "/api/v1/admin/outbox/retry", "", nil), http.StatusUnauthorized)
	r := u.do("GET", "/api/v1/admin/outbox?status=failed", u.adminToken, nil)
	wantStatus(t, "outbox", r, http.StatusOK)
	body := r.json(t)
	counts := body["counts"].(map[string]any)
	items, _ := body["items"].([]any)
	if counts["failed"] != 1.0 || counts["sent"] != 1.0 || len(items) != 1 || items[0].(map[string]any)["recipient"] != "lead@example.org" || body["total"] != 1.0 {
		t.Fatalf("outbox: %s", r.body)
	}
	wantStatus(t, "bad status", u.do("GET", "/api/v1/admin/outbox?status=lost", u.adminToken, nil), http.StatusUnprocessableEntity)
	id := items[0].(map[string]any)["id"].(float64)
	r = u.do("POST", "/api/v1/admin/outbox/retry", u.adminToken, map[string]any{"id": id})
	wantStatus(t, "retry one", r, http.StatusOK)
	if r.json(t)["requeued"] != 1.0 {
		t.Fatalf("retry: %s", r.body)
	}
	u.drain()
	r = u.do("POST", "/api/v1/admin/outbox/retry", u.adminToken, nil)
	wantStatus(t, "retry all without a body", r, http.StatusOK)
	if r.json(t)["requeued"] != 1.0 {
		t.Fatalf("retry all: %s", r.body)
	}
}
