package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/demo"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func TestSeed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
		if err := demo.Seed(ctx, a, s); err != nil {
			t.Fatal(err)
		}
		admin, err := a.Authenticate(ctx, demo.AdminEmail, demo.AdminPassword, "127.0.0.1")
		if err != nil {
			t.Fatalf("demo admin sign-in: %v", err)
		}
		_, total, _ := a.ListCommunities(ctx, nil, model.CommunityFilter{})
		if total != 12 {
			t.Errorf("communities: %d", total)
		}
		all, total, _ := a.ListInitiatives(ctx, admin, model.InitiativeFilter{Page: model.Page{Size: -1}})
		if total < 20 {
			t.Errorf("initiatives: %d", total)
		}
		byStatus := map[string]int{}
		for _, in := range all {
			byStatus[in.Status]++
		}
		for _, st := range model.InitiativeStatuses {
			if byStatus[st] == 0 {
				t.Errorf("no initiative is %s", st)
			}
		}
		cs, _, _ := a.ListConsortia(ctx, admin, model.ConsortiumFilter{})
		stages := map[string]*model.Consortium{}
		for _, c := range cs {
			stages[c.Stage] = c
		}
		active, gathering := stages[model.StageActive], stages[model.StageGathering]
		if active == nil || gathering == nil {
			t.Fatalf("stages: %v", stages)
		}
		v, err := a.GetConsortium(ctx, admin, active.Slug)
		if err != nil || len(v.Members) < 5 || len(v.Members) > 7 {
			t.Fatalf("active consortium members: %d %v", len(v.Members), err)
		}
		roles := map[string]bool{}
		for _, m := range v.Members {
			for _, r := range m.Roles {
				roles[r] = true
			}
		}
		if len(roles) < 5 {
			t.Errorf("members play only %d distinct roles", len(roles))
		}
		if gathering.CriticalMassReached() {
			t.Errorf("the gathering consortium already has critical mass")
		}
		// Seeding twice is refused rather than mixing data.
		if err := demo.Seed(ctx, a, s); err == nil {
			t.Error("second seed accepted")
		}
	})
}

// TestSeedStartsWithACleanOutbox: the demo's sample history (rounds long
// published, a digest of everything) is not mailed on start: nothing is
// queued and no digest is due.
func TestSeedStartsWithACleanOutbox(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
		if err := a.ConfigureNotifications(ctx, "http://127.0.0.1:8080"); err != nil {
			t.Fatal(err)
		}
		if err := demo.Seed(ctx, a, s); err != nil {
			t.Fatal(err)
		}
		var events int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events); err != nil || events == 0 {
			t.Fatalf("the demo has no history on its pages: %d %v", events, err)
		}
		stats, err := s.OutboxStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if stats.Pending != 0 {
			t.Fatalf("the demo starts with %d messages queued", stats.Pending)
		}
		for _, period := range []string{model.ModeDaily, model.ModeWeekly} {
			if n, err := a.SendDigests(ctx, period, true); err != nil || n != 0 {
				t.Fatalf("%s digests on start: %d %v", period, n, err)
			}
		}
	})
}
