package server_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/server"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// seedLarge fills a database with the roadmap at scale: 200 communities,
// 1,000 initiatives spread over every status, 50 consortia with 20
// initiatives in scope and 6 member communities each. It writes through the
// store in one transaction (no audit, no events): the point is reading.
func seedLarge(tb testing.TB, s *storage.Store) (admin *model.User) {
	tb.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *storage.Tx) error {
		var err error
		if admin, err = tx.CreateUser(ctx, model.UserInput{Email: "staff@example.org", Name: "Staff", Role: model.RoleAdmin}, ""); err != nil {
			return err
		}
		themes := []string{"cloud-costs", "education", "gpu", "large-data", "authentication", "reproducibility", "hpc", "accessibility"}
		var communities []int64
		for i := range 200 {
			c, err := tx.CreateCommunity(ctx, model.CommunityInput{Slug: fmt.Sprintf("community-%03d", i), Name: fmt.Sprintf("Community %03d", i),
				Kind: model.CommunityKinds[i%len(model.CommunityKinds)], Tier: model.MembershipTiers[i%len(model.MembershipTiers)],
				Tags: []string{themes[i%len(themes)], themes[(i+3)%len(themes)]}, Description: "A research and education community."})
			if err != nil {
				return err
			}
			communities = append(communities, c.ID)
		}
		var initiatives []int64
		statuses := []string{model.StatusCandidate, model.StatusUpcoming, model.StatusScoping, model.StatusBuilding, model.StatusReview, model.StatusDone, model.StatusIdea, model.StatusDeclined}
		for i := range 1000 {
			in, err := tx.CreateInitiative(ctx, model.InitiativeInput{Slug: fmt.Sprintf("initiative-%04d", i), Title: fmt.Sprintf("Initiative %04d", i),
				Persona: "researcher", Problem: "Researchers cannot do the thing they need at the scale they need it.", Themes: []string{themes[i%len(themes)]},
				Size: "m", HoursLow: 80, HoursHigh: 160, Currency: "USD", Public: i%5 != 0,
				Tasks: []model.Task{{Title: "Design", Done: true}, {Title: "Build"}}}, admin)
			if err != nil {
				return err
			}
			if st := statuses[i%len(statuses)]; st != model.StatusIdea {
				if err := tx.SetInitiativeStatus(ctx, in.ID, model.StatusIdea, st, admin, "", nil); err != nil {
					return err
				}
			}
			for k := range 3 {
				if err := tx.SetInterest(ctx, in.ID, communities[(i*7+k*13)%len(communities)], model.InterestInterested, true, ""); err != nil {
					return err
				}
			}
			initiatives = append(initiatives, in.ID)
		}
		for i := range 50 {
			scope := initiatives[i*20 : i*20+20]
			c, err := tx.CreateConsortium(ctx, model.ConsortiumInput{Slug: fmt.Sprintf("consortium-%02d", i), Name: fmt.Sprintf("Consortium %02d", i),
				Problem: "A shared problem many communities have.", Visibility: model.VisibilityPublic, CriticalCommunities: 3, CriticalPeople: 5,
				InitiativeIDs: scope}, admin)
			if err != nil {
				return err
			}
			for k := range 6 {
				if err := tx.AddMember(ctx, c.ID, communities[(i*4+k)%len(communities)], model.MemberInput{Roles: []string{model.RoleReactPrioritize, model.RoleCoFund},
					CoCreate: "some", ShareCredit: "some", EarlyAdopter: "some"}); err != nil {
					return err
				}
			}
			if err := tx.SetStage(ctx, c.ID, model.StageProposed, model.StageGathering, admin, "", false, ""); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return admin
}

// BenchmarkPagesAtScale reports p50 and p99 latencies of the roadmap page
// and a consortium page (as a visitor, through the whole HTTP stack) with
// 1,000 initiatives, 200 communities and 50 consortia, on each database.
//
//	go test -run '^$' -bench PagesAtScale -benchtime 200x ./internal/server/
func BenchmarkPagesAtScale(b *testing.B) {
	benchPages(b, func(tb testing.TB, s *storage.Store) { seedLarge(tb, s) },
		"/roadmap", "/consortia/consortium-07", "/api/v1/initiatives?per_page=100", "/communities/community-042")
}

// benchPages seeds a database of each dialect, starts the real server and
// reports p50 and p99 latencies of each page, requested as a visitor one
// at a time.
func benchPages(b *testing.B, seed func(testing.TB, *storage.Store), pages ...string) {
	for _, d := range storagetest.Dialects() {
		b.Run(string(d), func(b *testing.B) {
			s := storagetest.Open(b, d)
			seed(b, s)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			a := app.New(s, log)
			srv := httptest.NewUnstartedServer(nil)
			srv.Start()
			defer srv.Close()
			h, err := server.NewServer(a, identity.NewSessions(s.Sessions(identity.IdleTimeout), false), server.NewMetrics(s.DB(), "bench"), server.Config{BaseURL: srv.URL}, log)
			if err != nil {
				b.Fatal(err)
			}
			srv.Config.Handler = h
			for _, page := range pages {
				b.Run(page, func(b *testing.B) {
					get := func() time.Duration {
						start := time.Now()
						res, err := http.Get(srv.URL + page)
						if err != nil {
							b.Fatal(err)
						}
						_, _ = io.Copy(io.Discard, res.Body)
						res.Body.Close()
						if res.StatusCode != 200 {
							b.Fatalf("%s: %d", page, res.StatusCode)
						}
						return time.Since(start)
					}
					get() // warm up
					durations := make([]time.Duration, 0, b.N)
					b.ResetTimer()
					for range b.N {
						durations = append(durations, get())
					}
					b.StopTimer()
					sort.Slice(durations, func(i, j int) bool { return durations[i] < durations[j] })
					pct := func(p float64) float64 {
						return float64(durations[int(p*float64(len(durations)-1))].Microseconds()) / 1000
					}
					b.ReportMetric(pct(0.50), "p50-ms")
					b.ReportMetric(pct(0.99), "p99-ms")
				})
			}
		})
	}
}
