package server_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"consortia/internal/delivery/deliverytest"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// testingEnv is a consortium working on an initiative in flight, with
// member communities that choose differently about testing:
// alpha has the Test role, beta neither the role nor early adoption,
// gamma wants lots of early adoption, delta some.
type testingEnv struct {
	*updatesEnv
	initiative *model.Initiative
	leads      map[string]*model.User
	tester     *model.User // one of alpha's people
}

func newTestingEnv(t *testing.T, s *storage.Store) *testingEnv {
	t.Helper()
	e := newEnv(t, s)
	u := &updatesEnv{env: e, ctx: context.Background(), smtp: deliverytest.StartSMTP(t)}
	if err := e.app.ConfigureNotifications(u.ctx, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	te := &testingEnv{updatesEnv: u, leads: map[string]*model.User{}}
	te.initiative = e.initiativeAt(detailed("Cost dashboards", true, "cloud"), model.StatusBuilding)
	var err error
	if u.consortium, err = e.app.ProposeConsortium(u.ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Cloud bills surprise us.",
		Visibility: "public", InitiativeIDs: []int64{te.initiative.ID}}); err != nil {
		t.Fatal(err)
	}
	for _, m := range []struct {
		slug, role, early string
	}{{"alpha", model.RoleTest, "none"}, {"beta", model.RoleEndorse, "none"}, {"gamma", model.RoleReactPrioritize, "lots"}, {"delta", model.RoleEndorse, "some"}} {
		e.community(m.slug, "Community "+m.slug)
		te.leads[m.slug] = e.lead(m.slug, m.slug+"@example.org", "Lead of "+m.slug)
		if _, err := e.app.Join(u.ctx, e.admin, "cloud-costs", m.slug, model.MemberInput{Roles: []string{m.role}, EarlyAdopter: m.early}); err != nil {
			t.Fatal(err)
		}
	}
	te.tester = e.user("tess@example.org", "Tess Tester", model.RoleMember)
	if _, err := e.app.SetAffiliation(u.ctx, e.admin, "alpha", "tess@example.org", model.AffiliationMember); err != nil {
		t.Fatal(err)
	}
	return te
}

// notified counts a person's notifications of events of a kind.
func (te *testingEnv) notified(email, kind string) int {
	te.t.Helper()
	var n int
	if err := te.store.DB().QueryRow(`SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id JOIN events e ON e.id = n.event_id
		WHERE u.email = '` + email + `' AND e.kind = '` + kind + `'`).Scan(&n); err != nil {
		te.t.Fatal(err)
	}
	return n
}

// TestAPITestingCalls: staff open a call, the communities that may test
// are invited by their choices, a lead enrols with testers, a tester
// reports, staff respond and mark it addressed, a new build reaches the
// testers, and closing the call stops enrolment and reports. Each bad input
// is refused with nothing written.
func TestAPITestingCalls(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		te := newTestingEnv(t, s)
		e := te.env
		tok := map[string]string{}
		for slug, u := range te.leads {
			tok[slug] = e.token(u)
		}
		tessTok := e.token(te.tester)
		calls := fmt.Sprintf("/api/v1/initiatives/%d/testing-calls", te.initiative.ID)
		call := map[string]any{"title": "Try the cost dashboard", "instructions": "Open the hub and look at last month.",
			"environment_url": "https://staging.example.org/hub", "build": "v0.3.0", "risks": "Dashboards may show wrong totals.",
			"ends_on": "2031-03-31", "questions": []string{"Did the totals match your bill?"}}

		// Opening: staff only, valid input, an initiative in flight.
		prWant(t, "anonymous opens", e.do("POST", calls, "", call), 401, "")
		prWant(t, "a lead opens", e.do("POST", calls, tok["alpha"], call), 403, "")
		noRisks := map[string]any{"title": "No risks"}
		prWant(t, "no risks", e.do("POST", calls, e.adminToken, noRisks), 422, "body.risks")
		prWant(t, "bad environment", e.do("POST", calls, e.adminToken, map[string]any{"title": "x", "risks": "y", "environment_url": "javascript:alert(1)"}), 422, "body.environment_url")
		prWant(t, "bad date", e.do("POST", calls, e.adminToken, map[string]any{"title": "x", "risks": "y", "ends_on": "31/03/2031"}), 422, "body.ends_on")
		prWant(t, "control character", e.do("POST", calls, e.adminToken, map[string]any{"title": "x\u0007", "risks": "y"}), 422, "")
		prWant(t, "unknown field", e.do("POST", calls, e.adminToken, map[string]any{"title": "x", "risks": "y", "colour": "red"}), 422, "")
		prWant(t, "wrong type", e.do("POST", calls, e.adminToken, `{"title": 5, "risks": "y"}`), 422, "")
		prWant(t, "malformed", e.do("POST", calls, e.adminToken, `{"title": "x",`), 400, "")
		prWant(t, "title too long", e.do("POST", calls, e.adminToken, map[string]any{"title": strings.Repeat("t", 161), "risks": "y"}), 422, "body.title")
		prWant(t, "too many questions", e.do("POST", calls, e.adminToken, map[string]any{"title": "x", "risks": "y", "questions": strings.Split(strings.Repeat("q,", 11), ",")}), 422, "body.questions")
		prWant(t, "oversize body", e.do("POST", calls, e.adminToken, map[string]any{"title": "x", "risks": strings.Repeat("r", 300<<10)}), 413, "")
		var r response
		idea := e.initiativeAt(detailed("Budget alerts", true, "cloud"), model.StatusIdea)
		prWant(t, "an idea", e.do("POST", fmt.Sprintf("/api/v1/initiatives/%d/testing-calls", idea.ID), e.adminToken, call), 409, "")
		if n := e.count("testing_calls"); n != 0 {
			t.Fatalf("refused calls wrote %d rows", n)
		}
		r = e.do("POST", calls, e.adminToken, call)
		prWant(t, "open", r, 201, "")
		opened := prDecode[model.TestingCall](t, r)
		if opened.State != model.CallOpen || opened.Build != "v0.3.0" || len(opened.Questions) != 1 {
			t.Fatalf("opened call: %+v", opened)
		}

		// Invitations: the Test role and "lots" are asked at once; "some"
		// waits for the digest; no role and no early adoption: nobody.
		te.drain()
		if got := te.recipientsOf("Testing call"); !slices.Equal(got, []string{"alpha@example.org", "gamma@example.org"}) {
			t.Fatalf("the call was sent to %v, want the leads of alpha and gamma", got)
		}
		if pendingDelta := te.notified("delta@example.org", model.EventTestingCall); pendingDelta != 1 {
			t.Fatalf("delta's lead has %d notifications of the call, want 1 (for the digest)", pendingDelta)
		}

		// Reading: signed in only.
		one := fmt.Sprintf("/api/v1/testing-calls/%d", opened.ID)
		prWant(t, "anonymous reads", e.do("GET", one, "", nil), 401, "")
		prWant(t, "a call that does not exist", e.do("GET", "/api/v1/testing-calls/999999", tok["beta"], nil), 404, "")
		prWant(t, "beta reads", e.do("GET", one, tok["beta"], nil), 200, "")
		if r := e.do("GET", calls, tok["beta"], nil); r.status != 200 || !strings.Contains(string(r.body), "Try the cost dashboard") {
			t.Fatalf("list: %d %s", r.status, r.body)
		}

		// Enrolling.
		testers := func(slug string) string { return fmt.Sprintf("/api/v1/testing-calls/%d/testers/%s", opened.ID, slug) }
		enrol := map[string]any{"acknowledge_risks": true, "people": []int64{te.tester.ID}}
		prWant(t, "anonymous enrols", e.do("PUT", testers("alpha"), "", enrol), 401, "")
		prWant(t, "a lead enrols another community", e.do("PUT", testers("alpha"), tok["gamma"], enrol), 403, "")
		prWant(t, "no test role nor early adoption", e.do("PUT", testers("beta"), tok["beta"], map[string]any{"acknowledge_risks": true, "people": []int64{te.leads["beta"].ID}}), 403, "")
		prWant(t, "risks not acknowledged", e.do("PUT", testers("alpha"), tok["alpha"], map[string]any{"acknowledge_risks": false, "people": []int64{te.tester.ID}}), 422, "body.acknowledge_risks")
		r = e.do("PUT", testers("alpha"), tok["alpha"], map[string]any{"people": []int64{te.tester.ID}})
		if prWant(t, "acknowledgement missing", r, 422, ""); !strings.Contains(string(r.body), "acknowledge_risks") {
			t.Fatalf("the problem does not name acknowledge_risks: %s", r.body)
		}
		prWant(t, "nobody named", e.do("PUT", testers("alpha"), tok["alpha"], map[string]any{"acknowledge_risks": true}), 422, "body.people")
		prWant(t, "someone else's person", e.do("PUT", testers("alpha"), tok["alpha"], map[string]any{"acknowledge_risks": true, "people": []int64{te.leads["gamma"].ID}}), 422, "body.people")
		prWant(t, "people of the wrong type", e.do("PUT", testers("alpha"), tok["alpha"], `{"acknowledge_risks": true, "people": ["tess"]}`), 422, "")
		if n := e.count("testing_enrolments") + e.count("testing_testers"); n != 0 {
			t.Fatalf("refused enrolments wrote %d rows", n)
		}
		r = e.do("PUT", testers("alpha"), tok["alpha"], enrol)
		prWant(t, "enrol", r, 200, "")
		if c := prDecode[model.TestingCall](t, r); len(c.Enrolled) != 1 || !c.IsTester(te.tester.ID, c.Enrolled[0].CommunityID) {
			t.Fatalf("after enrolling: %+v", c.Enrolled)
		}
		prWant(t, "gamma enrols its lead", e.do("PUT", testers("gamma"), tok["gamma"], map[string]any{"acknowledge_risks": true, "people": []int64{te.leads["gamma"].ID}}), 200, "")

		// Feedback.
		feedback := fmt.Sprintf("/api/v1/testing-calls/%d/feedback", opened.ID)
		report := map[string]any{"community": "alpha", "outcome": "broken", "summary": "Totals are twice the bill.",
			"tried": "Opened last month.", "link": "https://issues.example.org/42", "answers": []string{"No"}}
		prWant(t, "anonymous reports", e.do("POST", feedback, "", report), 401, "")
		prWant(t, "delta reports (not enrolled)", e.do("POST", feedback, tok["delta"], map[string]any{"community": "delta", "outcome": "works", "summary": "Fine."}), 422, "body.community")
		prWant(t, "gamma's lead reports for alpha", e.do("POST", feedback, tok["gamma"], report), 403, "")
		bad := func(k string, v any) map[string]any {
			m := map[string]any{}
			for key, val := range report {
				m[key] = val
			}
			m[k] = v
			return m
		}
		prWant(t, "bad outcome", e.do("POST", feedback, tessTok, bad("outcome", "meh")), 422, "body.outcome")
		prWant(t, "no summary", e.do("POST", feedback, tessTok, bad("summary", " ")), 422, "body.summary")
		prWant(t, "bad link", e.do("POST", feedback, tessTok, bad("link", "ftp://x")), 422, "body.link")
		prWant(t, "too many answers", e.do("POST", feedback, tessTok, bad("answers", []string{"a", "b"})), 422, "body.answers")
		if n := e.count("testing_feedback"); n != 0 {
			t.Fatalf("refused reports wrote %d rows", n)
		}
		r = e.do("POST", feedback, tessTok, report)
		prWant(t, "report", r, 201, "")
		fb := prDecode[model.TestingFeedback](t, r)
		if fb.Outcome != model.OutcomeBroken || fb.AuthorName != "Tess Tester" || fb.AddressedAt != nil || !slices.Equal(fb.Answers, []string{"No"}) {
			t.Fatalf("report: %+v", fb)
		}
		if n := te.notified("admin@example.org", model.EventTestingFeedback); n != 1 {
			t.Fatalf("staff have %d notifications of the report, want 1", n)
		}

		// Who reads reports: staff and the enrolled communities' people.
		for who, want := range map[string]int{e.adminToken: 1, tok["gamma"]: 1, tessTok: 1, tok["delta"]: 0} {
			r := e.do("GET", feedback, who, nil)
			if got := len(prDecode[struct{ Items []model.TestingFeedback }](t, r).Items); got != want {
				t.Fatalf("a reader sees %d reports, want %d: %s", got, want, r.body)
			}
		}
		r = e.do("GET", one, tok["delta"], nil)
		sum := prDecode[struct{ Summary model.TestingSummary }](t, r).Summary
		if sum.Communities != 2 || sum.Reports != 1 || sum.Open != 1 || sum.ByOutcome["broken"] != 1 {
			t.Fatalf("summary: %+v", sum)
		}

		// Updating and responding.
		fbPath := fmt.Sprintf("/api/v1/testing-feedback/%d", fb.ID)
		prWant(t, "someone else edits", e.do("PATCH", fbPath, tok["gamma"], map[string]any{"summary": "mine now"}), 403, "")
		prWant(t, "an outsider edits", e.do("PATCH", fbPath, tok["delta"], map[string]any{"summary": "mine now"}), 404, "")
		prWant(t, "the author marks it addressed", e.do("PATCH", fbPath, tessTok, map[string]any{"addressed": true}), 403, "")
		prWant(t, "the author updates", e.do("PATCH", fbPath, tessTok, map[string]any{"outcome": "partly"}), 200, "")
		// Tess wants email at once; the response follows her preference.
		if err := e.app.SetPreference(te.ctx, te.tester, model.Preference{Channel: model.ChannelEmail, Mode: model.ModeImmediate}); err != nil {
			t.Fatal(err)
		}
		r = e.do("PATCH", fbPath, e.adminToken, map[string]any{"response": "Fixed in v0.3.1.", "addressed": true})
		prWant(t, "staff respond", r, 200, "")
		if f := prDecode[model.TestingFeedback](t, r); f.AddressedAt == nil || f.Response != "Fixed in v0.3.1." || f.Outcome != model.OutcomePartly {
			t.Fatalf("after the response: %+v", f)
		}
		te.drain()
		if got := te.mailTo("tess@example.org", "Addressed"); len(got) != 1 || !strings.Contains(got[0], "Fixed in v0.3.1.") {
			t.Fatalf("the author got %q", got)
		}

		// A new build reaches the testers and the enrolled leads.
		prWant(t, "a lead posts a build", e.do("PATCH", one, tok["alpha"], map[string]any{"build": "v0.3.1"}), 403, "")
		prWant(t, "new build", e.do("PATCH", one, e.adminToken, map[string]any{"build": "v0.3.1"}), 200, "")
		te.drain()
		if got := te.recipientsOf("New build to test"); !slices.Equal(got, []string{"tess@example.org"}) {
			t.Fatalf("the build was mailed at once to %v, want Tess (the others wait for their digest)", got)
		}
		for _, who := range []string{"alpha@example.org", "gamma@example.org", "tess@example.org"} {
			if n := te.notified(who, model.EventTestingBuild); n != 1 {
				t.Fatalf("%s has %d notifications of the build, want 1", who, n)
			}
		}
		if n := te.notified("delta@example.org", model.EventTestingBuild); n != 0 {
			t.Fatalf("delta (not enrolled) heard of the build")
		}

		// A request aimed at the call's testers only.
		ask := fmt.Sprintf("/api/v1/testing-calls/%d/requests", opened.ID)
		question := map[string]any{"title": "Alerts timing", "body": "We changed the alert check.", "question": "Did alerts arrive on time?", "options": []string{"Yes", "No"}}
		prWant(t, "a lead asks", e.do("POST", ask, tok["alpha"], question), 403, "")
		prWant(t, "no question", e.do("POST", ask, e.adminToken, map[string]any{"title": "x", "body": "y", "question": " ", "options": []string{"Yes", "No"}}), 422, "body.question")
		prWant(t, "one answer", e.do("POST", ask, e.adminToken, map[string]any{"title": "x", "body": "y", "question": "Q?", "options": []string{"Yes"}}), 422, "body.options")
		prWant(t, "a past deadline", e.do("POST", ask, e.adminToken, map[string]any{"title": "x", "body": "y", "question": "Q?", "options": []string{"Yes", "No"}, "deadline": "2020-01-01T00:00:00Z"}), 422, "body.deadline")
		r = e.do("POST", ask, e.adminToken, question)
		prWant(t, "ask the testers", r, 201, "")
		if n := prDecode[struct{ Asked int }](t, r).Asked; n != 3 {
			t.Fatalf("asked %d people, want 3 (alpha's lead, Tess, gamma's lead)", n)
		}
		te.drain()
		if got := te.recipientsOf("Alerts timing"); !slices.Equal(got, []string{"alpha@example.org", "gamma@example.org", "tess@example.org"}) {
			t.Fatalf("the request went to %v, want the call's testers and enrolled leads only", got)
		}

		// Leaving, closing.
		prWant(t, "gamma leaves", e.do("DELETE", testers("gamma"), tok["gamma"], nil), 204, "")
		prWant(t, "gamma leaves again", e.do("DELETE", testers("gamma"), tok["gamma"], nil), 404, "")
		prWant(t, "bad state", e.do("PATCH", one, e.adminToken, map[string]any{"state": "paused"}), 422, "")
		prWant(t, "close", e.do("PATCH", one, e.adminToken, map[string]any{"state": "closed"}), 200, "")
		before := e.count("testing_feedback")
		prWant(t, "report on a closed call", e.do("POST", feedback, tessTok, report), 409, "")
		prWant(t, "enrol on a closed call", e.do("PUT", testers("gamma"), tok["gamma"], map[string]any{"acknowledge_risks": true, "people": []int64{te.leads["gamma"].ID}}), 409, "")
		prWant(t, "edit on a closed call", e.do("PATCH", fbPath, tessTok, map[string]any{"summary": "later"}), 409, "")
		prWant(t, "ask on a closed call", e.do("POST", ask, e.adminToken, question), 409, "")
		if e.count("testing_feedback") != before || e.count("testing_enrolments") != 1 {
			t.Fatal("a closed call took a report or an enrolment")
		}
	})
}
