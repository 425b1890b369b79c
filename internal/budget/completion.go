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

// add1Probe is the MES run at step k of add1 and how add1 treats it.
type add1Probe struct {
	k        int
	outcome  mesOutcome
	over     bool // costs more than the budget: add1 keeps the run before
	terminal bool // fits and ends add1: every project picked, or exhaustive
}

func (p add1Probe) stops() bool { return p.over || p.terminal }

// add1 is add1 completion: MES with per-voter budgets b_k = b0 + k·step for
// k = 0, 1, 2, ..., stopping at the first k whose outcome overspends (the
// result is then the outcome at k-1; at k = 0 it is the outcome of a zero
// budget) or picks every project it can (the result is that outcome), or,
// with stopWhenExhaustive, is exhaustive (see exhaustive).
//
// The rule reads as one MES run per step, and a city budget with a step of
// one currency unit per voter needs hundreds of runs. Instead of walking
// k = 0, 1, 2, ... add1 gallops (k = 0, 1, 3, 7, 15, ...) until a run
// stops, then bisects between the last run that did not stop and the
// first that did, until they are adjacent steps; the result is read off
// those two exact runs. That takes about 2·log2(k) runs instead of k. It
// equals the step-by-step rule whenever "this run stops" does not flip back
// to "does not stop" at a larger k. MES is not monotone in the voter budget,
// so that can happen: it reproduces every published election we test
// (reference_test.go), and about 1 in 4,000 small random elections gives
// another outcome. stepwise walks every step as the definition reads.
//
// The loop ends: once every voter could pay for every project alone, MES
// picks every project it can pick, and that run stops.
func (e *mesEngine) add1(b0, step *big.Rat, stopWhenExhaustive, stepwise bool, maxRuns int) (mesOutcome, error) {
	pr := e.pr
	runs := 0
	probe := func(k int) (add1Probe, error) {
		b := new(big.Rat).Mul(step, new(big.Rat).SetInt64(int64(k)))
		b.Add(b, b0)
		if runs++; runs > maxRuns {
			return add1Probe{}, fmt.Errorf("%w: stopped after %d runs at a voter budget of %s (raise max_runs or add1_step)",
				ErrTooManyRuns, maxRuns, b.FloatString(2))
		}
		picks, err := e.run(b)
		if err != nil {
			return add1Probe{}, err
		}
		p := add1Probe{k: k, outcome: mesOutcome{picks: picks, voterBudget: b, steps: k}}
		p.over = pr.costOf(picks).Cmp(pr.budget) > 0
		p.terminal = !p.over && (len(picks) == len(e.free)+len(e.cands) || (stopWhenExhaustive && e.exhaustive(picks)))
		return p, nil
	}
	finish := func(last, first add1Probe) (mesOutcome, error) {
		out := first.outcome
		if first.over {
			out = last.outcome
		}
		out.runs = runs
		return out, nil
	}

	first, err := probe(0)
	if err != nil {
		return mesOutcome{}, err
	}
	if first.stops() {
		var last add1Probe
		if first.over {
			// Even the starting budget overspends: keep what a zero budget
			// gives (the free projects).
			zero, err := e.run(new(big.Rat))
			if err != nil {
				return mesOutcome{}, err
			}
			last.outcome = mesOutcome{picks: zero, voterBudget: new(big.Rat)}
		}
		return finish(last, first)
	}
	// Gallop: last does not stop, first is the next probe.
	last := first
	for gap := 1; ; gap *= 2 {
		if stepwise {
			gap = 1
		}
		if first, err = probe(last.k + gap); err != nil {
			return mesOutcome{}, err
		}
		if first.stops() {
			break
		}
		last = first
	}
	// Bisect until last and first are adjacent steps.
	for first.k-last.k > 1 {
		mid, err := probe(last.k + (first.k-last.k)/2)
		if err != nil {
			return mesOutcome{}, err
		}
		if mid.stops() {
			first = mid
		} else {
			last = mid
		}
	}
	return finish(last, first)
}
