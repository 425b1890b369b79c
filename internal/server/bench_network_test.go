package server_test

import (
	"context"
	"fmt"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// seedNetwork fills a database with 1,000 communities, 100 public consortia
// (12 members each) and 5,000 introductions made between communities,
// through the store in one transaction.
func seedNetwork(tb testing.TB, s *storage.Store) {
	tb.Helper()
	ctx := context.Background()
	err := s.InTx(ctx, func(tx *storage.Tx) error {
		admin, err := tx.CreateUser(ctx, model.UserInput{Email: "staff@example.org", Name: "Staff", Role: model.RoleAdmin}, "")
		if err != nil {
			return err
		}
		themes := []string{"cloud-costs", "education", "gpu", "large-data", "authentication", "reproducibility", "hpc", "accessibility"}
		var communities []int64
		for i := range 1000 {
			c, err := tx.CreateCommunity(ctx, model.CommunityInput{Slug: fmt.Sprintf("community-%04d", i), Name: fmt.Sprintf("Community %04d", i),
				Kind: "university", Tags: []string{themes[i%len(themes)]}})
			if err != nil {
				return err
			}
			communities = append(communities, c.ID)
		}
		for i := range 100 {
			c, err := tx.CreateConsortium(ctx, model.ConsortiumInput{Slug: fmt.Sprintf("consortium-%03d", i), Name: fmt.Sprintf("Consortium %03d", i),
				Problem: "A shared problem.", Visibility: model.VisibilityPublic, CriticalCommunities: 3, CriticalPeople: 5}, admin)
			if err != nil {
				return err
			}
			for k := range 12 {
				if err := tx.AddMember(ctx, c.ID, communities[(i*10+k)%len(communities)], model.MemberInput{Roles: []string{model.RoleConnect},
					CoCreate: "some", ShareCredit: "some", EarlyAdopter: "some"}); err != nil {
					return err
				}
			}
		}
		kinds := []string{model.IntroProblemSolver, model.IntroPeer}
		for i := range 5000 {
			from, to := communities[i%len(communities)], communities[(i*37+11)%len(communities)]
			if from == to {
				to = communities[(i+1)%len(communities)]
			}
			id, err := tx.CreateIntroduction(ctx, storage.IntroductionRecord{Kind: kinds[i%2], FromID: &from, ToID: &to, Note: "Meet."}, admin)
			if err != nil {
				return err
			}
			for _, m := range [][2]string{{model.IntroSuggested, model.IntroAsked}, {model.IntroAsked, model.IntroIntroduced}} {
				if err := tx.MoveIntroduction(ctx, id, m[0], m[1], storage.IntroductionOutcome{}, admin, ""); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkNetworkPage reports p50 and p99 latencies of /network (layout
// and drawing included), /network.svg and GET /api/v1/network with 1,000
// communities, 100 consortia and 5,000 introductions, as a visitor.
//
//	go test -run '^$' -bench NetworkPage -benchtime 30x ./internal/server/
func BenchmarkNetworkPage(b *testing.B) {
	benchPages(b, seedNetwork, "/network", "/network.svg", "/api/v1/network")
}
