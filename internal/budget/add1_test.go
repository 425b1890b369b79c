package budget

import (
	"context"
	"math/big"
	"slices"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"
)

// stepwiseAdd1 is add1 completion as its definition reads: one MES run per
// step k = 0, 1, 2, ..., stopping at the first run that overspends (keep
// the run before) or ends add1 (keep it). The galloping search of
// mesEngine.add1 must return the same outcome.
func stepwiseAdd1(t interface {
	Helper()
	Fatal(...any)
}, e *mesEngine, b0, step *big.Rat, stopWhenExhaustive bool) mesOutcome {
	t.Helper()
	run := func(b *big.Rat) []mesPick {
		picks, err := e.run(b)
		if err != nil {
			t.Fatal(err)
		}
		return picks
	}
	prev := mesOutcome{picks: run(new(big.Rat)), voterBudget: new(big.Rat)}
	b := new(big.Rat).Set(b0)
	for k := 0; k < 100000; k++ {
		picks := run(b)
		if e.pr.costOf(picks).Cmp(e.pr.budget) > 0 {
			return prev
		}
		cur := mesOutcome{picks: picks, voterBudget: new(big.Rat).Set(b), steps: k}
		if len(picks) == len(e.free)+len(e.cands) || (stopWhenExhaustive && e.exhaustive(picks)) {
			return cur
		}
		prev = cur
		b.Add(b, step)
	}
	t.Fatal("stepwise add1 did not stop")
	return prev
}

func pickIDs(pr *profile, picks []mesPick) []string {
	ids := make([]string, len(picks))
	for i, pk := range picks {
		ids[i] = pr.ids[pk.project]
	}
	return ids
}

// Add1Stepwise is the step-by-step rule, and the galloping search agrees
// with it on random elections except where MES is not monotone in the voter
// budget (about 1 in 4,000 of these elections; documented in FORMAT.md).
func TestPropertyAdd1Stepwise(t *testing.T) {
	var all, nonMonotone atomic.Int64
	defer func() {
		// A bound far above the observed rate: the galloping search must stay
		// an exception-level deviation, not a different rule.
		if n := all.Load(); n >= 100 && nonMonotone.Load()*20 > n {
			t.Errorf("galloping add1 differs from the rule on %d of %d elections", nonMonotone.Load(), n)
		}
	}()
	rapid.Check(t, func(t *rapid.T) {
		vt := genVoteType(t)
		inst := genInstance(t, vt)
		if len(inst.Votes) == 0 {
			return
		}
		u := UtilityCost
		if rapid.Bool().Draw(t, "cardinality") {
			u = UtilityCardinality
		}
		pr, err := newProfile(inst, u.kind(), TieBreakLexicographic)
		if err != nil {
			t.Fatal(err)
		}
		step := big.NewRat(1, int64(rapid.IntRange(1, 40).Draw(t, "step_den")))
		exh := rapid.Bool().Draw(t, "exhaustive_stop")
		b0 := new(big.Rat).Quo(inst.Budget, big.NewRat(int64(len(inst.Votes)), 1))
		eng := newMESEngine(context.Background(), pr)
		want := stepwiseAdd1(t, eng, b0, step, exh)
		got, err := eng.add1(b0, step, exh, true, DefaultMaxRuns)
		if err != nil {
			t.Fatal(err)
		}
		if g, w := pickIDs(pr, got.picks), pickIDs(pr, want.picks); !slices.Equal(g, w) || got.steps != want.steps || got.voterBudget.Cmp(want.voterBudget) != 0 {
			t.Fatalf("step %s: Add1Stepwise %v at k=%d (%s), the definition %v at k=%d (%s)", step.RatString(),
				g, got.steps, got.voterBudget.RatString(), w, want.steps, want.voterBudget.RatString())
		}
		gallop, err := eng.add1(b0, step, exh, false, DefaultMaxRuns)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(pickIDs(pr, gallop.picks), pickIDs(pr, want.picks)) {
			// Only where "this run stops" flips back at a larger step.
			nonMonotone.Add(1)
		}
		all.Add(1)
	})
}
