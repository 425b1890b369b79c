package budget

import (
	"errors"
	"fmt"
	"math/big"
)

// ErrTooManyRuns is returned (wrapped) when add1 completion needs more MES
// runs than Options.MaxRuns allows.
var ErrTooManyRuns = errors.New("budget: add1 completion needs too many MES runs")

// mesOutcome is the result of MES possibly completed by add1.
type mesOutcome struct {
	picks       []mesPick
	voterBudget *big.Rat // per-voter budget of the run that produced picks
	runs        int
	steps       int // number of add1 raises applied to voterBudget
}

func (pr *profile) costOf(picks []mesPick) *big.Rat {
	total := new(big.Rat)
	for _, pk := range picks {
		total.Add(total, pr.costs[pk.project])
	}
	return total
}

// exhaustive reports whether no project MES could still pick fits in the
// budget left by picks. Projects that MES can never pick (nobody gains from
// them) do not count, as in pabutools' method_of_equal_shares with a voter
// budget increment.
func (e *mesEngine) exhaustive(picks []mesPick) bool {
	pr := e.pr
	chosen := make([]bool, len(pr.ids))
	for _, pk := range picks {
		chosen[pk.project] = true
	}
	left := new(big.Rat).Sub(pr.budget, pr.costOf(picks))
	for _, p := range e.cands {
		if !chosen[p] && pr.costs[p].Cmp(left) <= 0 {
			return false
		}
	}
	return true
}

// add1 runs MES with per-voter budgets b0, b0+step, b0+2*step, ... and
// returns the last outcome whose cost fits in the real budget, stopping as
// soon as a raise would overspend. With stopWhenExhaustive it also stops at
// the first outcome that is exhaustive (see exhaustive).
//
// The loop ends: once every voter could pay for every project alone, MES
// picks every project it can pick, and raising budgets further changes
// nothing; add1 returns at the first run that picks them all.
func (e *mesEngine) add1(b0, step *big.Rat, stopWhenExhaustive bool, maxRuns int) (mesOutcome, error) {
	pr := e.pr
	prev := mesOutcome{picks: e.run(new(big.Rat)), voterBudget: new(big.Rat)}
	b := new(big.Rat).Set(b0)
	for runs, steps := 1, 0; ; runs, steps = runs+1, steps+1 {
		if runs > maxRuns {
			return prev, fmt.Errorf("%w: stopped after %d runs at a voter budget of %s (raise max_runs or add1_step)",
				ErrTooManyRuns, maxRuns, b.FloatString(2))
		}
		picks := e.run(b)
		if pr.costOf(picks).Cmp(pr.budget) > 0 {
			prev.runs = runs
			return prev, nil
		}
		cur := mesOutcome{picks: picks, voterBudget: new(big.Rat).Set(b), runs: runs, steps: steps}
		if len(picks) == len(e.free)+len(e.cands) || (stopWhenExhaustive && e.exhaustive(picks)) {
			return cur, nil
		}
		prev = cur
		b.Add(b, step)
	}
}
