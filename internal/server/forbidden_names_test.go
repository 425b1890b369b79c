package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestForbiddenAnswersNameNobody: a signed-in stranger who acts for another
// community (named by a guessed numeric id) or on its anonymous pledge is
// refused without learning whose it is, over the API and in the web UI.
// The old answers said "Only a lead of North (or staff) can act for it."
func TestForbiddenAnswersNameNobody(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		ctx := context.Background()
		north, err := e.app.GetCommunity(ctx, e.admin, "north")
		if err != nil {
			t.Fatal(err)
		}
		archived := e.community("hidden-lab", "Hidden Lab")
		if _, err := e.app.ArchiveCommunity(ctx, e.admin, archived.Slug, true); err != nil {
			t.Fatal(err)
		}
		g, err := e.app.CreateGoal(ctx, e.admin, model.FundingGoalInput{InitiativeRef: w.initiative.Slug, Amount: 3_000_000, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		leadNorth, err := e.store.UserByEmail(ctx, w.emails["north"])
		if err != nil {
			t.Fatal(err)
		}
		pl, err := e.app.CreatePledge(ctx, leadNorth, g.ID, model.PledgeInput{Community: north.Slug, Amount: 100_000, Anonymous: true, Draft: true})
		if err != nil {
			t.Fatal(err)
		}
		second, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: "Usage reports", Slug: "usage-reports", HoursLow: 10, HoursHigh: 20, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.UpdateConsortium(ctx, e.admin, w.consortium.Slug, 0, model.ConsortiumInput{Slug: w.consortium.Slug, Name: "Cloud costs", Problem: "Costs.",
			InitiativeIDs: []int64{w.initiative.ID, second.ID}}); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		rd, err := e.app.CreateRound(ctx, e.admin, w.consortium.Slug, model.RoundInput{Quarter: "2027-Q2", BallotType: model.BallotApproval,
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), CandidateIDs: []int64{w.initiative.ID, second.ID}})
		if err != nil {
			t.Fatal(err)
		}
		demo, err := e.app.PostDemo(ctx, e.admin, w.consortium.Slug, model.DemoInput{Title: "A peek"})
		if err != nil {
			t.Fatal(err)
		}
		n, err := e.app.CreateNarrative(ctx, e.admin, model.NarrativeInput{Title: "Costs story", Story: "Story.", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		stranger := w.tokens["andes"]
		secret := []string{"North", "north", "Lead of north", "Hidden Lab", "hidden-lab"}
		// A refusal is 403, or 404 where the thing is not visible at all.
		check := func(what string, r response, status int) {
			t.Helper()
			if r.status != status && r.status != 404 {
				t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
			}
			for _, name := range secret {
				if strings.Contains(string(r.body), name) {
					t.Errorf("%s: the refusal names %q: %s", what, name, r.body)
				}
			}
		}
		for _, id := range []int64{north.ID, archived.ID} {
			ref := fmt.Sprint(id)
			check("ballot "+ref, e.do("PUT", fmt.Sprintf("/api/v1/rounds/%d/ballots/%s", rd.ID, ref), stranger, map[string]any{"approved": []int64{w.initiative.ID}}), 403)
			check("reaction "+ref, e.do("PUT", fmt.Sprintf("/api/v1/demos/%d/reactions/%s", demo.ID, ref), stranger, map[string]any{"reaction": "resonated"}), 403)
			check("interest "+ref, e.do("PUT", "/api/v1/initiatives/"+w.initiative.Slug+"/interest", stranger, map[string]any{"community": ref}), 403)
			check("endorsement "+ref, e.do("PUT", "/api/v1/narratives/"+n.Slug+"/endorsements/"+ref, stranger, nil), 403)
			check("join "+ref, e.do("POST", "/api/v1/consortia/"+w.consortium.Slug+"/members", stranger, map[string]any{"community": ref, "roles": []string{"test"}}), 403)
			check("leave "+ref, e.do("DELETE", "/api/v1/consortia/"+w.consortium.Slug+"/members/"+ref, stranger, nil), 403)
			check("pledge "+ref, e.do("POST", fmt.Sprintf("/api/v1/funding/goals/%d/pledges", g.ID), stranger, map[string]any{"community": ref, "amount": 100}), 403)
			check("update community "+ref, e.do("PATCH", "/api/v1/communities/"+ref, stranger, map[string]any{"name": "Renamed", "kind": "university"}), 403)
		}
		for _, action := range []string{"open", "withdraw"} {
			r := e.do("POST", fmt.Sprintf("/api/v1/funding/pledges/%d/%s", pl.ID, action), stranger, nil)
			check("pledge "+action, r, 403)
			if !strings.Contains(string(r.body), "You cannot act for this pledge.") {
				t.Errorf("pledge %s: %s", action, r.body)
			}
		}

		b := e.browser()
		if r := b.login(w.emails["andes"], testPassword); r.status != 303 {
			t.Fatalf("sign in: %d", r.status)
		}
		ref := fmt.Sprint(north.ID)
		check("web withdraw", b.post(fmt.Sprintf("/pledges/%d/withdraw", pl.ID), nil), 403)
		check("web open", b.post(fmt.Sprintf("/pledges/%d/open", pl.ID), nil), 403)
		check("web ballot", b.post(fmt.Sprintf("/rounds/%d/ballots/%s", rd.ID, ref), url.Values{"approved": {fmt.Sprint(w.initiative.ID)}}), 403)
		check("web reaction", b.post(fmt.Sprintf("/demos/%d/reactions", demo.ID), url.Values{"community": {ref}, "reaction": {"resonated"}}), 403)
		check("web interest", b.post("/initiatives/"+w.initiative.Slug+"/interest", url.Values{"community": {ref}}), 403)
		check("web leave", b.post("/consortia/"+w.consortium.Slug+"/members/"+ref+"/leave", nil), 403)
		check("web leave archived", b.post("/consortia/"+w.consortium.Slug+"/members/"+fmt.Sprint(archived.ID)+"/leave", nil), 403)
	})
}
