package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/demo"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestSeedFunding: the demo's co-funding picture resolves as described.
func TestSeedFunding(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
		if err := demo.Seed(ctx, a, s); err != nil {
			t.Fatal(err)
		}
		goals, err := a.ListGoals(ctx, nil, app.GoalsFilter{InitiativeRef: "budget-alerts-before-the-bill-arrives"})
		if err != nil || len(goals) != 1 {
			t.Fatalf("alerts goal: %v %v", goals, err)
		}
		// A firm 5,000.00, a 1:1 match of it, and "5,000.00 if others give 15,000.00" waiting.
		th := goals[0].Thermometer
		if th.Goal != 3_000_000 || th.Committed != 500_000 || th.Active != 500_000 || th.Waiting != 500_000 {
			t.Fatalf("alerts thermometer: %+v", th)
		}
		w, err := a.WhatIf(ctx, nil, goals[0].ID, 1_000_000, nil)
		if err != nil || w.Unlocked != 600_000 {
			t.Fatalf("what-if 10,000.00: %+v %v", w, err)
		}
		funds, err := a.ListGoals(ctx, nil, app.GoalsFilter{ConsortiumRef: "cloud-cost-optimization-consortium"})
		if err != nil || len(funds) != 1 || !funds[0].Thermometer.Voided || funds[0].Thermometer.Collected != 400_000+200_000 {
			t.Fatalf("sustenance fund: %+v %v", funds, err)
		}
		rounds, err := a.BudgetRounds(ctx, nil, "")
		if err != nil || len(rounds) != 1 || rounds[0].BallotCount != 4 {
			t.Fatalf("budget round: %+v %v", rounds, err)
		}
	})
}
