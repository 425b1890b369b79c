package server_test

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// testingTodos lists a person's testing to-dos from "what needs you".
func (te *testingEnv) testingTodos(u *model.User) []model.Todo {
	te.t.Helper()
	all, err := te.app.Todos(te.ctx, u)
	if err != nil {
		te.t.Fatal(err)
	}
	var out []model.Todo
	for _, td := range all {
		if td.Kind == model.TodoTesting {
			out = append(out, td)
		}
	}
	return out
}

// TestWebTestingCalls walks the pages: staff open a call from the
// initiative page, a lead enrols (first forgetting to acknowledge the
// risks), a tester reports "broken", staff respond and mark it addressed;
// the initiative page counts it, the to-do list follows it, and once the
// work is delivered its announcement and the roadmap feed credit the
// testers that agreed to be credited — and not those that declined.
func TestWebTestingCalls(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		te := newTestingEnv(t, s)
		e := te.env
		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		ini := "/initiatives/" + te.initiative.Slug

		// Opening: a bad form comes back with the message beside it.
		r := staff.post(ini+"/testing-calls", url.Values{"title": {"Try the dashboard"}, "risks": {""}})
		wantStatus(t, "open without risks", r, 422)
		has(t, r, "Risks: is required", `aria-invalid="true"`)
		r = staff.post(ini+"/testing-calls", url.Values{"title": {"Try the dashboard"}, "risks": {"Totals may be wrong."},
			"environment_url": {"https://staging.example.org"}, "build": {"v1"}, "questions": {"Did totals match?\r\nAnything slow?"}})
		wantStatus(t, "open", r, 303)
		callPath := r.header.Get("Location")
		id, err := strconv.ParseInt(strings.TrimPrefix(callPath, "/testing-calls/"), 10, 64)
		if err != nil {
			t.Fatalf("redirect to %q", callPath)
		}

		// The lead of alpha sees the call in their to-dos and enrols.
		todos := te.testingTodos(te.leads["alpha"])
		if len(todos) != 1 || todos[0].URL != callPath+"#enrol" || todos[0].Action != "Enrol Community alpha to test" {
			t.Fatalf("alpha's lead's to-dos: %+v", todos)
		}
		if todos := te.testingTodos(te.leads["beta"]); len(todos) != 0 {
			t.Fatalf("beta (may not test) has to-dos %+v", todos)
		}
		lead := e.browser()
		lead.login("alpha@example.org", testPassword)
		has(t, lead.get("/"), "Enrol Community alpha to test", callPath+"#enrol")
		r = lead.get(callPath)
		wantStatus(t, "call page", r, 200)
		has(t, r, "Try the dashboard", "Totals may be wrong.", "Enrol Community alpha", "Tess Tester", "Did totals match?")
		tess := strconv.FormatInt(te.tester.ID, 10)
		r = lead.post(callPath+"/enrol", url.Values{"community": {"alpha"}, "people": {tess}})
		wantStatus(t, "enrol without acknowledging", r, 422)
		has(t, r, "acknowledge the risks")
		if n := e.count("testing_enrolments"); n != 0 {
			t.Fatalf("a refused enrolment wrote %d rows", n)
		}
		wantStatus(t, "enrol", lead.post(callPath+"/enrol", url.Values{"community": {"alpha"}, "people": {tess}, "acknowledge_risks": {"1"}}), 303)

		// Tess reports; her to-do is done once she has.
		if todos := te.testingTodos(te.tester); len(todos) != 1 || todos[0].Action != "Report how testing went" {
			t.Fatalf("tess's to-dos: %+v", todos)
		}
		tb := e.browser()
		tb.login("tess@example.org", testPassword)
		r = tb.post(callPath+"/feedback", url.Values{"community": {"alpha"}, "outcome": {"broken"}, "summary": {""}})
		wantStatus(t, "report without a summary", r, 422)
		has(t, r, "Summary: is required")
		r = tb.post(callPath+"/feedback", url.Values{"community": {"alpha"}, "outcome": {"broken"}, "summary": {"Totals doubled."},
			"answers": {"No", ""}})
		wantStatus(t, "report", r, 303)
		if todos := te.testingTodos(te.tester); len(todos) != 0 {
			t.Fatalf("tess still has to-dos %+v", todos)
		}
		fid := strings.TrimPrefix(r.header.Get("Location"), callPath+"#feedback-")
		r = staff.get(callPath)
		has(t, r, "Totals doubled.", "Broken", "Open", "Did totals match?</dt><dd>No")

		// Staff ask the testers (a bad form comes back first).
		r = staff.post(callPath+"/ask", url.Values{"title": {"Timing"}, "body": {"Please check."}, "question": {"On time?"}, "options": {"Yes"}})
		wantStatus(t, "ask with one answer", r, 422)
		has(t, r, "at least two answers")
		wantStatus(t, "ask", staff.post(callPath+"/ask", url.Values{"title": {"Timing"}, "body": {"Please check."}, "question": {"On time?"}, "options": {"Yes\nNo\n"}}), 303)
		if n := te.notified("tess@example.org", model.EventTestingRequest); n != 1 {
			t.Fatalf("tess has %d requests, want 1", n)
		}
		if n := te.notified("delta@example.org", model.EventTestingRequest); n != 0 {
			t.Fatal("delta (not enrolled) was asked")
		}

		// Staff respond and mark it addressed.
		wantStatus(t, "respond", staff.post("/testing-feedback/"+fid, url.Values{"action": {"respond"}, "call": {fmt.Sprint(id)},
			"response": {"Fixed in v2."}, "addressed": {"1"}}), 303)
		r = tb.get(callPath)
		has(t, r, "Addressed", "Fixed in v2.")
		wantStatus(t, "tess marks it addressed", tb.post("/testing-feedback/"+fid, url.Values{"action": {"respond"}, "call": {fmt.Sprint(id)}, "addressed": {"1"}}), 403)
		r = lead.get(ini)
		has(t, r, "Tested by <strong>1</strong> community, <strong>1</strong> report, <strong>0</strong> open.", callPath)
		r = e.browser().get(ini)
		has(t, r, "Tested by <strong>1</strong> community")
		if strings.Contains(string(r.body), callPath) {
			t.Fatal("a visitor sees the call's link")
		}
		wantStatus(t, "a visitor opens the call", e.browser().get(callPath), 303)

		// Gamma enrols and opts out of credit; delivery credits alpha only.
		if _, err := e.app.EnrolInCall(te.ctx, te.leads["gamma"], id, "gamma", model.EnrolInput{AcknowledgeRisks: true, People: []int64{te.leads["gamma"].ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.ChangeRoles(te.ctx, e.admin, "cloud-costs", "gamma", model.MemberInput{Roles: []string{model.RoleReactPrioritize}, EarlyAdopter: "lots", ShareCredit: "none"}); err != nil {
			t.Fatal(err)
		}
		for _, to := range []string{model.StatusReview, model.StatusDone} {
			if _, err := e.app.MoveInitiative(te.ctx, e.admin, te.initiative.Slug, to, ""); err != nil {
				t.Fatal(err)
			}
		}
		var body string
		if err := s.DB().QueryRow(`SELECT body FROM events WHERE kind = 'initiative.status' AND title LIKE 'Delivered:%'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "Tested by Community alpha.") || strings.Contains(body, "gamma") {
			t.Fatalf("the delivered announcement says %q", body)
		}
		r = e.browser().get("/roadmap.atom")
		has(t, r, "Tested by Community alpha.")
		if strings.Contains(string(r.body), "Community gamma") {
			t.Fatal("the feed credits gamma, which declined credit")
		}

		// The credits page names by choice: delta wants lots.
		if _, err := e.app.ChangeRoles(te.ctx, e.admin, "cloud-costs", "delta", model.MemberInput{Roles: []string{model.RoleEndorse}, EarlyAdopter: "some", ShareCredit: "lots"}); err != nil {
			t.Fatal(err)
		}
		r = e.browser().get("/consortia/cloud-costs/credits")
		wantStatus(t, "credits", r, 200)
		has(t, r, "Community delta", "Community alpha", "not to be named")
		if strings.Contains(string(r.body), "Community gamma") {
			t.Fatal("the credits page names gamma, which declined credit")
		}
		r = e.do("GET", "/api/v1/consortia/cloud-costs/credits", "", nil)
		credits := prDecode[model.Credits](t, r)
		if len(credits.Featured) != 1 || credits.Featured[0].CommunitySlug != "delta" || len(credits.Named) != 2 || credits.Unnamed != 1 {
			t.Fatalf("credits: %s", r.body)
		}
	})
}
