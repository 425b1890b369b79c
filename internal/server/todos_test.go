package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// todoSetup makes a lead of a member community of a consortium with an
// open round, and returns the lead, the round's id and its candidates.
func todoSetup(t *testing.T, e *env) (*model.User, int64, []int64) {
	t.Helper()
	ctx := context.Background()
	lead := e.user("lead@example.org", "Lea Lead", model.RoleMember)
	e.community("alpha", "Alpha University")
	if _, err := e.app.SetAffiliation(ctx, e.admin, "alpha", lead.Email, model.AffiliationLead); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, title := range []string{"Dashboards", "Alerts"} {
		in, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: title, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	c, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.", InitiativeIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Join(ctx, e.admin, c.Slug, "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	r, err := e.app.CreateRound(ctx, e.admin, c.Slug, model.RoundInput{Title: "Spring priorities", Quarter: "2027-Q2", OpensAt: now.Add(-time.Hour),
		ClosesAt: now.Add(7 * 24 * time.Hour), CandidateIDs: ids, Weights: map[int64]int{}})
	if err != nil {
		t.Fatal(err)
	}
	return lead, r.ID, ids
}

// TestTodoAPIAndDashboard: GET /api/v1/me/todo lists the open ballot for
// the lead, the dashboard leads with it and the menu counts it; casting
// the ballot clears all three. Visitors get 401; reads write nothing.
func TestTodoAPIAndDashboard(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		lead, roundID, ids := todoSetup(t, e)
		tok := e.token(lead)

		if r := e.do("GET", "/api/v1/me/todo", "", nil); r.status != 401 {
			t.Fatalf("anonymous: %d %s", r.status, r.body)
		}
		e.do("GET", "/api/v1/me", tok, nil) // a token's first use records it
		e.do("GET", "/api/v1/me", e.adminToken, nil)
		before := e.writes.Load()
		r := e.do("GET", "/api/v1/me/todo", tok, nil)
		if r.status != 200 {
			t.Fatalf("todo: %d %s", r.status, r.body)
		}
		body := r.json(t)
		items, _ := body["items"].([]any)
		if body["count"] != float64(1) || len(items) != 1 {
			t.Fatalf("todo body: %s", r.body)
		}
		item := items[0].(map[string]any)
		if item["kind"] != model.TodoBallot || item["url"] != fmt.Sprintf("/rounds/%d", roundID) || item["title"] != "Spring priorities" ||
			item["consortium"] != "Cloud costs" || item["community"] != "Alpha University" || item["due"] == nil {
			t.Errorf("ballot to-do: %v", item)
		}
		if r := e.do("GET", "/api/v1/me/todo", e.adminToken, nil); r.status != 200 || r.json(t)["count"] != float64(0) {
			t.Errorf("staff cast no ballot of their own: %d %s", r.status, r.body)
		}

		if n := e.writes.Load() - before; n != 0 {
			t.Errorf("reading the to-dos over the API wrote %d times", n)
		}

		b := e.browser()
		if r := b.login(lead.Email, testPassword); r.status != 303 {
			t.Fatalf("sign in: %d", r.status)
		}
		b.get("/account") // the first page after signing in may save the session
		before = e.writes.Load()
		home := string(b.get("/").body)
		if !strings.Contains(home, "What needs you") || !strings.Contains(home, fmt.Sprintf(`href="/rounds/%d"`, roundID)) ||
			!strings.Contains(home, "Cast Alpha University&#39;s ballot") {
			t.Errorf("dashboard does not lead with the ballot:\n%s", home)
		}
		if !strings.Contains(home, "In your consortia this week") || !strings.Contains(home, `class="changes-list"`) {
			t.Error("the dashboard does not list what changed in the lead's consortia")
		}
		if ch, _ := e.do("GET", "/api/v1/me/todo", tok, nil).json(t)["changes"].([]any); len(ch) == 0 {
			t.Error("the API lists no change in the lead's consortia")
		}
		if strings.Index(home, "What needs you") > strings.Index(home, "Your communities") {
			t.Error("the to-dos are not first on the dashboard")
		}
		page := string(b.get("/communities").body)
		if !strings.Contains(page, `<span class="todo-count" aria-hidden="true">1</span>`) || !strings.Contains(page, "(1 thing needs you)") {
			t.Errorf("menu count missing on another page")
		}
		if n := e.writes.Load() - before; n != 0 {
			t.Errorf("the dashboard and the menu count wrote %d times", n)
		}

		if r := e.do("PUT", fmt.Sprintf("/api/v1/rounds/%d/ballots/alpha", roundID), tok,
			map[string]any{"ranking": [][]int64{{ids[0]}, {ids[1]}}}); r.status >= 300 {
			t.Fatalf("cast: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/me/todo", tok, nil); r.json(t)["count"] != float64(0) {
			t.Errorf("after casting: %s", r.body)
		}
		home = string(b.get("/").body)
		if !strings.Contains(home, "Nothing needs you right now") || strings.Contains(home, "todo-count") {
			t.Errorf("dashboard after casting still shows a to-do")
		}
		// Visitors see the welcome, without a to-do list.
		if v := string(e.browser().get("/").body); strings.Contains(v, "What needs you") {
			t.Error("a visitor sees a to-do list")
		}
	})
}
