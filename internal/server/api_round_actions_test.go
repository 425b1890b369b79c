package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// rcWorld is a consortium around Apples, Bananas, Cherries and Dates with
// three voting communities (alpha, beta, gamma) and a tester (delta), and a
// ranked round open from an hour before the clock for a week.
type rcWorld struct {
	e       *env
	clock   *time.Time
	c       *model.Consortium
	ids     map[string]int64
	tokens  map[string]string
	round   string // the round's API path
	roundID int64
}

func rcNew(t *testing.T, s *storage.Store) *rcWorld {
	t.Helper()
	e := newEnv(t, s)
	clock := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	e.app.Clock = func() time.Time { return clock }
	w := &rcWorld{e: e, clock: &clock, ids: map[string]int64{}, tokens: map[string]string{}}
	for _, slug := range []string{"alpha", "beta", "gamma", "delta"} {
		w.tokens[slug] = e.token(prLead(e, slug))
	}
	rp := []string{model.RoleReactPrioritize}
	titles := []string{"Apples", "Bananas", "Cherries", "Dates"}
	var ids []int64
	w.c, ids = prConsortium(e, "Fruit", model.VisibilityPublic, titles,
		map[string][]string{"alpha": rp, "beta": rp, "gamma": rp, "delta": {model.RoleTest}})
	for i, title := range titles {
		w.ids[title] = ids[i]
	}
	r, err := e.app.CreateRound(t.Context(), e.admin, w.c.Slug, model.RoundInput{Quarter: "2027-Q2", OpensAt: clock.Add(-time.Hour),
		ClosesAt: clock.Add(7 * 24 * time.Hour), CandidateIDs: ids})
	if err != nil {
		t.Fatal(err)
	}
	w.roundID, w.round = r.ID, fmt.Sprintf("/api/v1/rounds/%d", r.ID)
	return w
}

// vote casts a community's ranked ballot, one title per tier.
func (w *rcWorld) vote(t *testing.T, community string, titles ...string) {
	t.Helper()
	var tiers [][]int64
	for _, title := range titles {
		tiers = append(tiers, []int64{w.ids[title]})
	}
	prWant(t, community+" votes", w.e.do("PUT", w.round+"/ballots/"+community, w.tokens[community], map[string]any{"ranking": tiers}), 204, "")
}

func (w *rcWorld) get(t *testing.T, token string) map[string]any {
	t.Helper()
	r := w.e.do("GET", w.round, token, nil)
	prWant(t, "get the round", r, 200, "")
	return prDecode[map[string]any](t, r)
}

// TestAPIRoundCloseEarly: staff close an open round before its time with a
// reason, kept in the audit log and shown in the consortium's timeline; bad
// requests of every kind change nothing.
func TestAPIRoundCloseEarly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		e := w.e
		w.vote(t, "alpha", "Apples", "Bananas")
		close := w.round + "/close"
		before := e.count("audit_log")
		for _, c := range []struct {
			name, token string
			body        any
			status      int
			location    string
		}{
			{"a visitor", "", map[string]any{"reason": "done"}, 401, ""},
			{"a lead", w.tokens["alpha"], map[string]any{"reason": "done"}, 403, ""},
			{"no reason", e.adminToken, map[string]any{}, 422, "body.reason"},
			{"an empty reason", e.adminToken, map[string]any{"reason": ""}, 422, "body.reason"},
			{"a blank reason", e.adminToken, map[string]any{"reason": "   "}, 422, "body.reason"},
			{"a reason that is not text", e.adminToken, map[string]any{"reason": 5}, 422, "body.reason"},
			{"an oversize reason", e.adminToken, map[string]any{"reason": strings.Repeat("x", 1001)}, 422, "body.reason"},
			{"a control character", e.adminToken, map[string]any{"reason": "all in\u0000"}, 422, "body.reason"},
			{"a line break", e.adminToken, map[string]any{"reason": "all\nin"}, 422, "body.reason"},
			{"an unknown field", e.adminToken, map[string]any{"reason": "done", "force": true}, 422, ""},
			{"malformed JSON", e.adminToken, `{"reason": `, 400, ""},
		} {
			prWant(t, c.name, e.do("POST", close, c.token, c.body), c.status, c.location)
		}
		prWant(t, "an unknown round", e.do("POST", "/api/v1/rounds/9999/close", e.adminToken, map[string]any{"reason": "done"}), 404, "")
		if v := w.get(t, ""); v["state"] != "open" || v["closed_early_at"] != nil || e.count("audit_log") != before {
			t.Fatalf("a refused close changed something: %v", v)
		}

		const reason = "Every eligible community has voted."
		r := e.do("POST", close, e.adminToken, map[string]any{"reason": reason})
		prWant(t, "close now", r, 200, "")
		v := prDecode[map[string]any](t, r)
		if v["state"] != "closed" || v["close_reason"] != reason || v["closed_early_at"] == nil || v["closes_at"] != "2027-01-10T12:00:00Z" {
			t.Fatalf("closed round: %s", r.body)
		}
		if v := w.get(t, ""); v["close_reason"] != reason || v["closed_early_by"] != nil {
			t.Fatalf("visitors see the reason but not who closed it: %v", v)
		}
		prWant(t, "close twice", e.do("POST", close, e.adminToken, map[string]any{"reason": reason}), 409, "")
		prWant(t, "a ballot after closing", e.do("PUT", w.round+"/ballots/beta", w.tokens["beta"], map[string]any{"ranking": [][]int64{{w.ids["Apples"]}}}), 409, "")
		var audited string
		if err := e.store.DB().QueryRow(`SELECT after FROM audit_log WHERE action = 'round.close'`).Scan(&audited); err != nil || !strings.Contains(audited, reason) {
			t.Fatalf("audit: %q %v", audited, err)
		}
		page := e.browser().get("/consortia/" + w.c.Slug)
		has(t, page, "Round “Priorities for 2027-Q2” closed early", reason)

		// A round that has not opened cannot be closed.
		later, err := e.app.CreateRound(t.Context(), e.admin, w.c.Slug, model.RoundInput{Quarter: "2027-Q3", OpensAt: w.clock.Add(time.Hour),
			ClosesAt: w.clock.Add(48 * time.Hour), CandidateIDs: []int64{w.ids["Apples"], w.ids["Bananas"]}})
		if err != nil {
			t.Fatal(err)
		}
		prWant(t, "close before opening", e.do("POST", fmt.Sprintf("/api/v1/rounds/%d/close", later.ID), e.adminToken, map[string]any{"reason": "x"}), 409, "")
	})
}

// TestAPIRoundApplyPublishedPlaces: priorities come only from published
// results; staff choose the first place (default) or a number that does
// not split a tie; an idea failing the candidate checklist is not moved and
// the answer says why; the initiatives below the chosen places stay.
func TestAPIRoundApplyPublishedPlaces(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		e := w.e
		prCandidates(e, w.ids["Apples"], w.ids["Bananas"], w.ids["Dates"])
		// Cherries wins but is still a bare idea; Apples and Bananas tie second; Dates is last.
		w.vote(t, "alpha", "Cherries", "Apples", "Bananas", "Dates")
		w.vote(t, "beta", "Cherries", "Bananas", "Apples", "Dates")
		apply := w.round + "/apply"
		prWant(t, "apply while open", e.do("POST", apply, e.adminToken, nil), 409, "")
		*w.clock = w.clock.Add(8 * 24 * time.Hour)
		prWant(t, "apply before publishing", e.do("POST", apply, e.adminToken, nil), 409, "")
		if v := w.get(t, e.adminToken); v["applied_at"] != nil {
			t.Fatal("a refused apply was recorded")
		}
		prWant(t, "publish", e.do("POST", w.round+"/publish", e.adminToken, nil), 200, "")

		before := e.count("audit_log")
		for _, c := range []struct {
			name, token string
			body        any
			status      int
			location    string
		}{
			{"a lead", w.tokens["alpha"], nil, 403, ""},
			{"a visitor", "", nil, 401, ""},
			{"zero", e.adminToken, map[string]any{"count": 0}, 422, "body.count"},
			{"negative", e.adminToken, map[string]any{"count": -1}, 422, "body.count"},
			{"not a number", e.adminToken, map[string]any{"count": "two"}, 422, "body.count"},
			{"fractional", e.adminToken, `{"count": 1.5}`, 422, "body.count"},
			{"oversize", e.adminToken, map[string]any{"count": 201}, 422, "body.count"},
			{"more than the candidates", e.adminToken, map[string]any{"count": 5}, 422, "body.count"},
			{"splitting a tie", e.adminToken, map[string]any{"count": 2}, 422, "body.count"},
			{"an unknown field", e.adminToken, map[string]any{"count": 1, "all": true}, 422, ""},
			{"malformed JSON", e.adminToken, `{"count": `, 400, ""},
		} {
			prWant(t, c.name, e.do("POST", apply, c.token, c.body), c.status, c.location)
		}
		if e.count("audit_log") != before {
			t.Fatal("a refused apply wrote to the audit log")
		}
		r := e.do("POST", apply, e.adminToken, map[string]any{"count": 2})
		if !strings.Contains(string(r.body), "places 2 to 3 are tied (Apples, Bananas): choose 1 or 3") {
			t.Fatalf("the tie is not explained: %s", r.body)
		}

		type applied struct {
			Order []int64 `json:"order"`
			Moved []struct {
				InitiativeID int64 `json:"initiative_id"`
				Priority     int
			} `json:"moved"`
			NotMoved []struct {
				InitiativeID int64 `json:"initiative_id"`
				Reason       string
			} `json:"not_moved"`
		}
		// The default is the first place: Cherries, which fails the checklist.
		r = e.do("POST", apply, e.adminToken, nil)
		prWant(t, "apply the first place", r, 200, "")
		a := prDecode[applied](t, r)
		if len(a.Order) != 0 || len(a.NotMoved) != 1 || a.NotMoved[0].InitiativeID != w.ids["Cherries"] ||
			!strings.Contains(a.NotMoved[0].Reason, "fails the candidate checklist") || !strings.Contains(a.NotMoved[0].Reason, "a persona") {
			t.Fatalf("first place: %s", r.body)
		}
		r = e.do("POST", apply, e.adminToken, map[string]any{"count": 3})
		prWant(t, "apply the top three", r, 200, "")
		a = prDecode[applied](t, r)
		if fmt.Sprint(a.Order) != fmt.Sprint([]int64{w.ids["Apples"], w.ids["Bananas"]}) || a.Moved[1].Priority != 2 || len(a.NotMoved) != 1 {
			t.Fatalf("top three: %s", r.body)
		}
		for title, want := range map[string]string{"Apples": model.StatusUpcoming, "Bananas": model.StatusUpcoming,
			"Cherries": model.StatusIdea, "Dates": model.StatusCandidate} {
			in, err := e.store.InitiativeByRef(t.Context(), fmt.Sprint(w.ids[title]))
			if err != nil || in.Status != want {
				t.Fatalf("%s is %s, want %s (%v)", title, in.Status, want, err)
			}
		}
	})
}

// TestAPIRoundEligibilityAtClose: only ballots of communities eligible when
// the round closes count; the result says which were set aside and why.
// Archived communities can no longer vote or react.
func TestAPIRoundEligibilityAtClose(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		e, ctx := w.e, t.Context()
		w.vote(t, "alpha", "Apples", "Bananas")
		w.vote(t, "beta", "Bananas", "Apples")
		w.vote(t, "gamma", "Bananas", "Apples")
		// After voting, alpha stays; beta leaves; gamma loses the role.
		if err := e.app.Leave(ctx, e.admin, w.c.Slug, "beta"); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.ChangeRoles(ctx, e.admin, w.c.Slug, "gamma", model.MemberInput{Roles: []string{model.RoleTest}}); err != nil {
			t.Fatal(err)
		}
		*w.clock = w.clock.Add(8 * 24 * time.Hour)
		prWant(t, "publish", e.do("POST", w.round+"/publish", e.adminToken, nil), 200, "")
		v := w.get(t, w.tokens["alpha"])
		result := v["result"].(map[string]any)
		if result["ballots"] != float64(1) || fmt.Sprint(result["winners"]) != "[Apples]" {
			t.Fatalf("counted ballots of communities no longer eligible: %v", result)
		}
		if got := mustJSON(v["excluded_ballots"]); got != `[{"community":"Beta","reason":"left the consortium"},{"community":"Gamma","reason":"no longer has the react \u0026 prioritize role"}]` {
			t.Fatalf("excluded: %s", got)
		}
		if got := mustJSON(w.get(t, "")["excluded_ballots"]); strings.Contains(got, "Beta") || !strings.Contains(got, "left the consortium") {
			t.Fatalf("visitors, who do not see who voted, see: %s", got)
		}
		page := e.browser().get(fmt.Sprintf("/rounds/%d", w.roundID))
		has(t, page, "2 ballots not counted: a community that left the consortium; a community that no longer has the react &amp; prioritize role.")

		// The export holds the counted ballots only.
		if r := e.do("GET", w.round+"/ballots?format=json", "", nil); strings.Count(string(r.body), "ranking") != 1 {
			t.Fatalf("export: %s", r.body)
		}

		// An archived community can no longer vote or react; the answer names only it.
		next, err := e.app.CreateRound(ctx, e.admin, w.c.Slug, model.RoundInput{Quarter: "2027-Q3", OpensAt: w.clock.Add(-time.Hour),
			ClosesAt: w.clock.Add(48 * time.Hour), CandidateIDs: []int64{w.ids["Apples"], w.ids["Bananas"]}})
		if err != nil {
			t.Fatal(err)
		}
		nextPath := fmt.Sprintf("/api/v1/rounds/%d", next.ID)
		prWant(t, "alpha votes", e.do("PUT", nextPath+"/ballots/alpha", w.tokens["alpha"], map[string]any{"ranking": [][]int64{{w.ids["Apples"]}}}), 204, "")
		if _, err := e.app.ArchiveCommunity(ctx, e.admin, "alpha", true); err != nil {
			t.Fatal(err)
		}
		r := e.do("PUT", nextPath+"/ballots/alpha", w.tokens["alpha"], map[string]any{"ranking": [][]int64{{w.ids["Bananas"]}}})
		prWant(t, "an archived community votes", r, 403, "")
		if !strings.Contains(string(r.body), "Alpha is archived") || strings.Contains(string(r.body), "Fruit") {
			t.Fatalf("archived: %s", r.body)
		}
		d, err := e.app.PostDemo(ctx, e.admin, w.c.Slug, model.DemoInput{Title: "Apples preview"})
		if err != nil {
			t.Fatal(err)
		}
		prWant(t, "an archived community reacts", e.do("PUT", fmt.Sprintf("/api/v1/demos/%d/reactions/alpha", d.ID), w.tokens["alpha"],
			map[string]any{"reaction": model.ReactionResonated}), 403, "")
		*w.clock = w.clock.Add(72 * time.Hour)
		if v := w.e.do("GET", nextPath, e.adminToken, nil); !strings.Contains(string(v.body), `"excluded_ballots":[{"community":"Alpha","reason":"was archived"}]`) {
			t.Fatalf("the archived community's earlier ballot counts: %s", v.body)
		}
	})
}

// TestAPIRoundBallotsSealed: before close, staff see who voted, not how;
// a community's own lead sees its ballot.
func TestAPIRoundBallotsSealed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		w.vote(t, "alpha", "Apples", "Bananas")
		staff := w.get(t, w.e.adminToken)
		for _, b := range staff["my_ballots"].([]any) {
			m := b.(map[string]any)
			if m["ballot"] != nil || (m["community_slug"] == "alpha") != (m["cast"] == true) {
				t.Fatalf("staff see: %s", mustJSON(staff["my_ballots"]))
			}
		}
		if voted := staff["voted"].([]any); len(voted) != 1 || voted[0] != "Alpha" {
			t.Fatalf("voted: %v", voted)
		}
		lead := w.get(t, w.tokens["alpha"])["my_ballots"].([]any)[0].(map[string]any)
		if lead["cast"] != true || mustJSON(lead["ballot"]) != fmt.Sprintf(`{"ranking":[[%d],[%d]]}`, w.ids["Apples"], w.ids["Bananas"]) {
			t.Fatalf("the lead's own ballot: %v", lead)
		}
		page := w.e.browser()
		page.login("admin@example.org", testPassword)
		r := page.get(fmt.Sprintf("/rounds/%d", w.roundID))
		has(t, r, "Alpha has cast its ballot. Only its leads see how it voted")
		if strings.Contains(string(r.body), fmt.Sprintf(`name="rank_%d" type="number" min="1" max="4" inputmode="numeric" value="1"`, w.ids["Apples"])) {
			t.Fatal("the staff page shows alpha's ranking")
		}
	})
}

// TestAPIRoundCandidatesOutsideScope: a round's candidates may be any
// initiatives; those outside the consortium's scope join it (audited).
func TestAPIRoundCandidatesOutsideScope(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		e := w.e
		other, err := e.app.CreateInitiative(t.Context(), e.admin, model.InitiativeInput{Title: "Elderberries", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"quarter": "2027-Q3", "opens_at": "2027-02-01T00:00:00Z", "closes_at": "2027-02-08T00:00:00Z",
			"candidate_ids": []int64{w.ids["Apples"], other.ID}}
		r := e.do("POST", "/api/v1/consortia/"+w.c.Slug+"/rounds", e.adminToken, body)
		prWant(t, "a candidate outside the scope", r, 201, "")
		c := prDecode[map[string]any](t, e.do("GET", "/api/v1/consortia/"+w.c.Slug, "", nil))
		if !strings.Contains(mustJSON(c), "Elderberries") {
			t.Fatalf("the scope did not grow: %s", mustJSON(c))
		}
		var n int
		if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'consortium.scope'`).Scan(&n); err != nil || n != 1 {
			t.Fatalf("scope audit entries: %d %v", n, err)
		}
	})
}
