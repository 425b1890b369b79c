package server_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestWebRoundCandidatePicker: the round forms list initiatives outside the
// consortium's scope, filter them without JavaScript (a GET carrying every
// field), keep chosen ones listed, and a round opened with one adds it to
// the scope.
func TestWebRoundCandidatePicker(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		e := w.e
		for _, title := range []string{"Elderberries", "Figs"} {
			if _, err := e.app.CreateInitiative(t.Context(), e.admin, model.InitiativeInput{Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		staff := prSignIn(e, "admin@example.org")
		page := "/consortia/" + w.c.Slug + "/rounds"
		r := staff.get(page)
		has(t, r, `id="candidate-q"`, `formmethod="get"`, "Elderberries", "Figs", "not in scope yet")

		// Filtering keeps the other fields and the ticked boxes.
		q := url.Values{"filter": {"1"}, "candidate_q": {"elder"}, "quarter": {"2027-Q4"}, "candidate_ids": {fmt.Sprint(w.ids["Apples"])}}
		r = staff.get(page + "?" + q.Encode())
		prStatus(t, "filter", r, 200)
		has(t, r, "Elderberries", "Apples", `value="2027-Q4"`, `value="elder"`)
		if strings.Contains(string(r.body), "Figs") || !regexp.MustCompile(fmt.Sprintf(`value="%d" checked`, w.ids["Apples"])).Match(r.body) {
			t.Fatal("the filter did not narrow the list, or dropped the ticked Apples")
		}
		has(t, staff.get(page+"?filter=1&candidate_q=nothing-like-this"), "No initiative matches “nothing-like-this”.")
		prLacks(t, prSignIn(e, "alpha@example.org").get(page), `id="candidate-q"`)

		// Opening a round with Elderberries adds it to the scope.
		all, _, err := e.app.ListInitiatives(t.Context(), e.admin, model.InitiativeFilter{Query: "Elderberries"})
		if err != nil || len(all) != 1 {
			t.Fatalf("elderberries: %v %v", all, err)
		}
		form := url.Values{"quarter": {"2027-Q4"}, "ballot_type": {"approval"}, "opens": {"2027-02-01T09:00"}, "closes": {"2027-02-08T09:00"},
			"time_zone": {"UTC"}, "candidate_ids": {fmt.Sprint(w.ids["Apples"]), fmt.Sprint(all[0].ID)}}
		prCreated(t, "open a round", staff.post(page, form), "rounds")
		c, err := e.app.GetConsortium(t.Context(), e.admin, w.c.Slug)
		if err != nil || !strings.Contains(fmt.Sprint(c.Initiatives), "Elderberries") {
			t.Fatalf("scope: %v %v", c, err)
		}
	})
}

// TestWebRoundExplanationLeads: a published result leads with two or
// three plain sentences; the step-by-step explanation sits behind a
// disclosure; the method reads "counted by dot voting".
func TestWebRoundExplanationLeads(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		e := w.e
		w.vote(t, "alpha", "Apples", "Bananas", "Cherries", "Dates")
		w.vote(t, "beta", "Apples", "Cherries", "Bananas", "Dates")
		*w.clock = w.clock.Add(8 * 24 * time.Hour)
		prWant(t, "publish", e.do("POST", w.round+"/publish", e.adminToken, nil), 200, "")
		r := e.browser().get(fmt.Sprintf("/rounds/%d", w.roundID))
		has(t, r, `<div class="result-summary"><p>Apples wins: head to head it beats Bananas 2 to 0 and Cherries 2 to 0, tied in the next place.</p><p>Bananas and Cherries share place 2.</p></div>`,
			"<summary>How it was counted, step by step</summary>", "counted by the Schulze method", "Apples&#39; strongest path")
		prLacks(t, r, "counted with the", "s&#39;s ")

		dot, err := e.app.CreateRound(t.Context(), e.admin, w.c.Slug, model.RoundInput{Quarter: "2027-Q3", BallotType: model.BallotDot,
			OpensAt: w.clock.Add(-time.Hour), ClosesAt: w.clock.Add(time.Hour), CandidateIDs: []int64{w.ids["Apples"], w.ids["Bananas"]}})
		if err != nil {
			t.Fatal(err)
		}
		has(t, e.browser().get(fmt.Sprintf("/rounds/%d", dot.ID)), "counted by dot voting.")
	})
}

// TestWebRoundCloseForm: "Close now" needs a reason; without one the page
// comes back with the error beside the field and the round stays open.
func TestWebRoundCloseForm(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := rcNew(t, s)
		w.vote(t, "alpha", "Apples")
		staff := prSignIn(w.e, "admin@example.org")
		page := fmt.Sprintf("/rounds/%d", w.roundID)
		has(t, staff.get(page), `id="close-form"`, "Close now…")
		prLacks(t, prSignIn(w.e, "alpha@example.org").get(page), `id="close-form"`)
		prStatus(t, "a lead closes", prSignIn(w.e, "alpha@example.org").post(page+"/close", url.Values{"reason": {"done"}}), 403)
		r := staff.post(page+"/close", url.Values{"reason": {"  "}})
		prStatus(t, "close without a reason", r, 422)
		has(t, r, `id="close-reason-error"`, "say why the round closes early", `<details class="close-now" id="close-now" open>`)
		if v := w.get(t, ""); v["state"] != "open" {
			t.Fatalf("the round closed without a reason: %v", v["state"])
		}
		prStatus(t, "close", staff.post(page+"/close", url.Values{"reason": {"All in."}}), 303)
		r = staff.get(page)
		has(t, r, "Voting is closed. Check the results, then publish them.", "All in.", "publish them first")
		prLacks(t, r, `id="apply-form"`)
		r = staff.post(page+"/apply", nil)
		prStatus(t, "apply before publishing", r, 409)
		has(t, r, "Publish the results first")
	})
}
