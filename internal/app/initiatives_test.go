package app_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func TestInitiativeLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		author := f.user("author@example.org", "Ana Author", model.RoleMember)
		in := model.InitiativeInput{Title: "Predictable cloud costs for teaching hubs", Persona: "hub admin",
			Problem: words(10), Themes: []string{"Cloud-Costs"}, HoursLow: 80, HoursHigh: 120, Public: true}
		idea, err := f.a.CreateInitiative(f.ctx, author, in)
		if err != nil {
			t.Fatal(err)
		}
		if idea.Status != model.StatusIdea || idea.Public || idea.Slug != "predictable-cloud-costs-for-teaching-hubs" {
			t.Fatalf("created: status %s public %v slug %s (members cannot publish)", idea.Status, idea.Public, idea.Slug)
		}
		// Cost estimate: hours × the default blended rate, in minor units.
		if idea.CostLow.Amount != 80*model.DefaultRateMinor || idea.CostHigh.Amount != 120*model.DefaultRateMinor || idea.CostLow.Currency != "USD" {
			t.Fatalf("cost: %+v %+v", idea.CostLow, idea.CostHigh)
		}
		if err := f.a.SetBlendedRate(f.ctx, f.admin, model.Money{Amount: 20000, Currency: "EUR"}); err != nil {
			t.Fatal(err)
		}
		v, err := f.a.GetInitiative(f.ctx, author, idea.Slug)
		if err != nil || v.CostHigh.Amount != 120*20000 || v.CostHigh.Currency != "EUR" {
			t.Fatalf("cost after rate change: %+v %v", v.CostHigh, err)
		}
		// The checklist tells what is missing; the move is refused with fields.
		if v.Ready || v.Checklist[1].OK {
			t.Fatalf("checklist passes a 10-word problem: %+v", v.Checklist)
		}
		_, err = f.a.MoveInitiative(f.ctx, author, idea.Slug, model.StatusCandidate, "")
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "problem")
		fieldNamed(t, err, "solution")
		fieldNamed(t, err, "ecosystem_fit")

		in.Problem, in.Solution, in.Implementation, in.EcosystemFit = words(60), words(80), words(70), words(25)
		if _, err := f.a.UpdateInitiative(f.ctx, author, idea.Slug, idea.Version, in); err != nil {
			t.Fatal(err)
		}
		moved, err := f.a.MoveInitiative(f.ctx, author, idea.Slug, model.StatusCandidate, "ready for review")
		if err != nil || moved.Status != model.StatusCandidate || moved.StatusByName != "Ana Author" {
			t.Fatalf("to candidate: %+v %v", moved, err)
		}
		// Only staff move it further; the author can no longer edit it.
		_, err = f.a.MoveInitiative(f.ctx, author, idea.Slug, model.StatusUpcoming, "")
		code(t, err, model.EForbidden)
		_, err = f.a.UpdateInitiative(f.ctx, author, idea.Slug, 0, in)
		code(t, err, model.EForbidden)
		// Invalid moves name the allowed ones.
		_, err = f.a.MoveInitiative(f.ctx, f.admin, idea.Slug, model.StatusDone, "")
		code(t, err, model.EConflict)
		_, err = f.a.MoveInitiative(f.ctx, f.admin, idea.Slug, "shipped", "")
		code(t, err, model.EInvalid)
		for _, to := range []string{model.StatusUpcoming, model.StatusScoping, model.StatusBuilding, model.StatusReview, model.StatusDone} {
			if _, err := f.a.MoveInitiative(f.ctx, f.admin, idea.Slug, to, ""); err != nil {
				t.Fatalf("to %s: %v", to, err)
			}
		}
		v, err = f.a.GetInitiative(f.ctx, f.admin, idea.Slug)
		if err != nil || len(v.History) != 7 || v.History[6].To != model.StatusDone || v.History[6].ByName != "Sam Staff" {
			t.Fatalf("history: %+v %v", v.History, err)
		}
		_, err = f.a.MoveInitiative(f.ctx, f.admin, idea.Slug, model.StatusDeclined, "")
		code(t, err, model.EConflict)
	})
}

func TestInitiativeVisibilityAndInterest(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		lead := f.user("lead@example.org", "Lee Lead", model.RoleMember)
		other := f.user("other@example.org", "Oli Other", model.RoleMember)
		f.community("northfield", []string{"cloud-costs"}, lead)
		f.community("southfield", []string{"cloud-costs"}, other)
		pub, _ := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Public one", Public: true, Themes: []string{"cloud-costs"}})
		priv, _ := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Internal one"})
		if _, err := f.a.GetInitiative(f.ctx, nil, priv.Slug); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("visitor sees a non-public initiative: %v", err)
		}
		list, total, err := f.a.ListInitiatives(f.ctx, nil, model.InitiativeFilter{})
		if err != nil || total != 1 || list[0].ID != pub.ID {
			t.Fatalf("visitor list: %d %v", total, err)
		}
		if _, total, _ := f.a.ListInitiatives(f.ctx, lead, model.InitiativeFilter{}); total != 2 {
			t.Fatalf("member list: %d", total)
		}
		// A lead marks interest for their own community only.
		if err := f.a.SetInterest(f.ctx, lead, pub.Slug, "northfield", model.InterestInterested, true, "exam weeks"); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.SetInterest(f.ctx, lead, pub.Slug, "southfield", model.InterestInterested, true, ""), model.EForbidden)
		code(t, f.a.SetInterest(f.ctx, lead, pub.Slug, "northfield", model.InterestCoFunded, true, ""), model.EForbidden)
		code(t, f.a.SetInterest(f.ctx, lead, pub.Slug, "northfield", "adored", true, ""), model.EInvalid)
		v, _ := f.a.GetInitiative(f.ctx, nil, pub.Slug)
		if len(v.Interested) != 1 || v.Interested[0].Slug != "northfield" {
			t.Fatalf("interested: %+v", v.Interested)
		}
		// Discovery: southfield shares the theme and is not interested yet.
		if len(v.SimilarPeers) != 1 || v.SimilarPeers[0].Slug != "southfield" {
			t.Fatalf("similar: %+v", v.SimilarPeers)
		}
		peers, err := s.SimilarCommunities(f.ctx, mustCommunity(t, f, "southfield").ID, false, 5)
		if err != nil || len(peers) != 1 || peers[0].Slug != "northfield" {
			t.Fatalf("similar communities: %+v %v", peers, err)
		}
	})
}

func mustCommunity(t *testing.T, f *fixture, slug string) *model.Community {
	t.Helper()
	v, err := f.a.GetCommunity(f.ctx, f.admin, slug)
	if err != nil {
		t.Fatal(err)
	}
	return v.Community
}

// TestListInitiativesQueryCount: listing is a constant number of queries,
// whatever the number of rows (no query per row).
func TestListInitiativesQueryCount(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	f := newFixture(t, s)
	c := f.community("northfield", nil, nil)
	count := func() int64 {
		var n atomic.Int64
		ctx := storage.WithQueryCounter(f.ctx, &n)
		if _, _, err := f.a.ListInitiatives(ctx, f.admin, model.InitiativeFilter{Page: model.Page{Size: 100}}); err != nil {
			t.Fatal(err)
		}
		return n.Load()
	}
	add := func(n int) {
		for range n {
			k := f.countRows(s, "initiatives")
			in, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: fmt.Sprintf("Initiative %d", k),
				Themes: []string{"a", "b"}, Tasks: []model.Task{{Title: "one"}, {Title: "two"}}, Links: []model.Link{{URL: "https://example.org"}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := f.a.SetInterest(f.ctx, f.admin, in.Slug, c.Slug, model.InterestInterested, true, ""); err != nil {
				t.Fatal(err)
			}
		}
	}
	add(3)
	few := count()
	add(40)
	many := count()
	if few != many {
		t.Fatalf("queries grow with rows: %d for 3 initiatives, %d for 43", few, many)
	}
}
