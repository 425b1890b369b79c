package server_test

import (
	"fmt"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestCoFundingCountsAgree: a round's "co-funding" column, the goal's
// pledger count and the /funding overview all count the same thing: the
// distinct communities with a live (open or committed) pledge, waiting
// conditional pledges included, withdrawn ones not.
func TestCoFundingCountsAgree(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		e.app.Clock = func() time.Time { return time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC) }
		g := fdWant(t, "create goal", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"initiative": "budget-alerts"}), 201)
		base := fmt.Sprintf("/api/v1/funding/goals/%d", fdNum(g["id"]))
		fdWant(t, "firm", e.do("POST", base+"/pledges", w.tokens["north"], map[string]any{"community": "north", "amount": 500_000}), 201)
		fdWant(t, "waiting", e.do("POST", base+"/pledges", w.tokens["andes"], map[string]any{"community": "andes", "amount": 500_000,
			"condition": map[string]any{"type": "others_total_at_least", "value": 9_000_000}}), 201)
		p := fdWant(t, "pacific", e.do("POST", base+"/pledges", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 100_000}), 201)
		fdWant(t, "withdraw", e.do("POST", fmt.Sprintf("/api/v1/funding/pledges/%d/withdraw", fdNum(p["id"])), w.tokens["pacific"], nil), 204)

		goal := fdWant(t, "goal", e.do("GET", base, "", nil), 200)
		if n := fdNum(goal["thermometer"].(map[string]any)["pledgers"]); n != 2 {
			t.Fatalf("goal pledgers %d, want 2 (north, andes)", n)
		}
		has(t, e.browser().get("/funding"), "2 pledgers")
		has(t, e.browser().get(fmt.Sprintf("/funding/%d", fdNum(g["id"]))), "2 pledgers: communities with an open or committed pledge")

		other, err := e.app.CreateInitiative(t.Context(), e.admin, model.InitiativeInput{Title: "Other", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		clock := e.app.Now()
		r, err := e.app.CreateRound(t.Context(), e.admin, w.consortium.Slug, model.RoundInput{Quarter: "2027-Q2", OpensAt: clock.Add(-time.Hour),
			ClosesAt: clock.Add(time.Hour), CandidateIDs: []int64{w.initiative.ID, other.ID}})
		if err != nil {
			t.Fatal(err)
		}
		v := fdWant(t, "round", e.do("GET", fmt.Sprintf("/api/v1/rounds/%d", r.ID), "", nil), 200)
		for _, d := range v["drivers"].([]any) {
			d := d.(map[string]any)
			if want := map[string]int64{"Budget alerts": 2, "Other": 0}[d["title"].(string)]; fdNum(d["co_funding"]) != want {
				t.Fatalf("%s co-funding %v, want %d", d["title"], d["co_funding"], want)
			}
		}
	})
}
