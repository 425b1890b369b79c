package matching

import (
	"context"
	"errors"
	"math/big"
	"slices"
	"strings"
)

// Result is the outcome of a quadratic funding round. Maps are keyed by
// recipient and contain every recipient that received contributions.
type Result struct {
	// Matches is the matching money each recipient receives (minor units,
	// floored).
	Matches map[string]int64 `json:"matches"`
	// Ideal is the unconstrained QF match (Σ√c)² − Σc, floored.
	Ideal map[string]int64 `json:"ideal"`
	// Contributed is the sum of contributions per recipient.
	Contributed map[string]int64 `json:"contributed"`
	// Contributors is the number of distinct contributors per recipient.
	Contributors map[string]int `json:"contributors"`
	// Saturated lists (sorted) the recipients held at the per-project cap.
	Saturated []string `json:"saturated"`
	// Cap is the per-project cap in minor units (floored), when one is set
	// (as a fraction of the pool or as an amount).
	Cap *int64 `json:"cap,omitempty"`
	// PoolSaturated is true when the ideal matches add up to at least the
	// pool, i.e. the round is capital-constrained and matches were scaled.
	PoolSaturated bool `json:"pool_saturated"`
	// Scale is the factor applied to the ideal matches of projects below the
	// cap (1 when the pool covers everything; above 1 when IgnoreSaturation
	// spreads an unsaturated pool), as a decimal with 20 significant digits.
	Scale string `json:"scale"`
	// TotalMatched is the sum of Matches; Leftover = pool − TotalMatched stays
	// in the pool (rounding remainders, money cut off by caps that could not
	// or, with KeepCapOverflow, may not be redistributed, and the unused part
	// of an unsaturated pool without IgnoreSaturation).
	TotalMatched int64 `json:"total_matched"`
	Leftover     int64 `json:"leftover"`
}

// prec is the big.Float precision (bits) for square roots and scaling: about
// 150 significant decimal digits, far beyond what flooring to minor units of
// 64-bit amounts needs.
const prec = 512

// snapBits: a computed value within 2^-snapBits (relative) below an integer
// is taken to be that integer before flooring. Square roots of non-squares
// are irrational, so e.g. (√2+√8)² − 10, exactly 8, is computed as
// 7.999…; without snapping it would floor to 7.
const snapBits = 400

var errInternal = errors.New("matching: internal error: matches exceed the pool")

// QuadraticFunding computes capital-constrained quadratic funding matches
// (Gitcoin's "CLR", as in their linear QF implementation) for one round:
//
//  1. Contributions of the same contributor to the same recipient are summed.
//  2. The ideal match of a recipient is (Σ_i √c_i)² − Σ_i c_i over its
//     contributors i (0 with a single contributor).
//  3. If the ideal matches add up to more than the pool (the round is
//     saturated), they are scaled down by a common factor so that they add up
//     to the pool. If they add up to less, they are paid as they are, unless
//     IgnoreSaturation asks (as in Gitcoin's code) to scale them up so that
//     the whole pool is distributed.
//  4. With a per-project cap (a fraction of the pool, or an amount), a match
//     above the cap is cut to the cap, and the money cut off is given to the
//     projects below the cap by raising their common factor (without
//     IgnoreSaturation never above 1, the ideal match); this repeats until no
//     further project crosses the cap (at most one round per project). With
//     KeepCapOverflow the money cut off stays in the pool.
//  5. Each match is floored to minor units; the remainder stays in the pool
//     and is reported as Leftover.
//
// Square roots and scaling use big.Float with 512-bit mantissas; see snapBits
// for how results that are mathematically integers are kept exact.
func QuadraticFunding(in Input) (Result, error) {
	return QuadraticFundingContext(context.Background(), in)
}

// QuadraticFundingContext is QuadraticFunding that stops with ctx.Err() once
// ctx is done (checked every few hundred recipients and every cap round).
func QuadraticFundingContext(ctx context.Context, in Input) (Result, error) {
	if err := Validate(in); err != nil {
		return Result{}, err
	}
	// Aggregate per recipient and contributor.
	type agg struct {
		total int64
		by    map[string]int64
	}
	projects := map[string]*agg{}
	for _, c := range in.Contributions {
		p := projects[c.Recipient]
		if p == nil {
			p = &agg{by: map[string]int64{}}
			projects[c.Recipient] = p
		}
		p.total += c.Amount // Validate bounded all sums
		p.by[c.Contributor] += c.Amount
	}
	names := make([]string, 0, len(projects))
	for name := range projects {
		names = append(names, name)
	}
	slices.SortFunc(names, strings.Compare)

	res := Result{
		Matches:      make(map[string]int64, len(names)),
		Ideal:        make(map[string]int64, len(names)),
		Contributed:  make(map[string]int64, len(names)),
		Contributors: make(map[string]int, len(names)),
		Saturated:    []string{},
	}
	ideal := make([]*big.Float, len(names))
	sumIdeal := newFloat()
	for k, name := range names {
		if k%256 == 0 {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
		}
		p := projects[name]
		res.Contributed[name] = p.total
		res.Contributors[name] = len(p.by)
		ideal[k] = idealMatch(p.by, p.total)
		sumIdeal.Add(sumIdeal, ideal[k])
		res.Ideal[name] = floorSnap(ideal[k])
	}

	pool := newFloat().SetInt64(in.MatchPool)
	capF := capAmount(in)
	if capF != nil {
		c := floorSnap(capF)
		res.Cap = &c
	}
	res.PoolSaturated = sumIdeal.Cmp(pool) >= 0

	// ceiling bounds the common factor: 1 (the ideal match) unless the whole
	// pool is to be distributed anyway.
	var ceiling *big.Float
	if !in.IgnoreSaturation {
		ceiling = newFloat().SetInt64(1)
	}
	scale := func(rem, ideals *big.Float) *big.Float {
		if ideals.Sign() == 0 {
			return newFloat().SetInt64(1)
		}
		l := newFloat().Quo(rem, ideals)
		if ceiling != nil && l.Cmp(ceiling) > 0 {
			l.Set(ceiling)
		}
		return l
	}
	saturated := make([]bool, len(names))
	lambda := scale(pool, sumIdeal)
	if capF != nil {
		for {
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
			// Cut the projects whose scaled match exceeds the cap.
			grew := false
			for k := range names {
				if !saturated[k] && newFloat().Mul(lambda, ideal[k]).Cmp(capF) > 0 {
					saturated[k] = true
					grew = true
				}
			}
			if !grew || in.KeepCapOverflow {
				break
			}
			// Give the money above the caps to the others: the common factor
			// for unsaturated projects is what the pool minus the caps allows.
			rem := newFloat().Set(pool)
			rest := newFloat()
			for k := range names {
				if saturated[k] {
					rem.Sub(rem, capF)
				} else {
					rest.Add(rest, ideal[k])
				}
			}
			if rest.Sign() == 0 {
				break // nobody left to receive it
			}
			lambda = scale(rem, rest)
		}
	}
	res.Scale = lambda.Text('g', 20)

	var total int64
	for k, name := range names {
		var m int64
		if saturated[k] {
			m = floorSnap(capF)
			res.Saturated = append(res.Saturated, name)
		} else {
			m = floorSnap(newFloat().Mul(lambda, ideal[k]))
		}
		res.Matches[name] = m
		total += m
	}
	if total > in.MatchPool || total < 0 {
		return Result{}, errInternal
	}
	res.TotalMatched = total
	res.Leftover = in.MatchPool - total
	return res, nil
}

// capAmount is the per-project cap in minor units (exact), or nil.
func capAmount(in Input) *big.Float {
	switch {
	case in.MatchingCapPerProject != nil:
		capRat := new(big.Rat).Mul(in.MatchingCapPerProject, new(big.Rat).SetInt64(in.MatchPool))
		return newFloat().SetRat(capRat)
	case in.MatchingCapAmount != nil:
		return newFloat().SetInt64(*in.MatchingCapAmount)
	}
	return nil
}

func newFloat() *big.Float { return new(big.Float).SetPrec(prec) }

// idealMatch returns (Σ√c)² − Σc, computed as Σ_{i≠j} √(c_i·c_j) would be
// with cancellation, but at a precision where that does not matter.
func idealMatch(by map[string]int64, total int64) *big.Float {
	if len(by) < 2 {
		return newFloat()
	}
	// Sum in a fixed order so the result does not depend on map order.
	amounts := make([]int64, 0, len(by))
	for _, a := range by {
		amounts = append(amounts, a)
	}
	slices.Sort(amounts)
	s := newFloat()
	for _, a := range amounts {
		s.Add(s, newFloat().Sqrt(newFloat().SetInt64(a)))
	}
	s.Mul(s, s)
	s.Sub(s, newFloat().SetInt64(total))
	if s.Sign() < 0 {
		s.SetInt64(0)
	}
	return s
}

// floorSnap floors a non-negative value to int64, first snapping values
// within 2^-snapBits (relative) below an integer up to it.
func floorSnap(x *big.Float) int64 {
	if x.Sign() <= 0 {
		return 0
	}
	i, _ := x.Int(nil) // truncation == floor for x > 0
	next := newFloat().SetInt(new(big.Int).Add(i, big.NewInt(1)))
	gap := newFloat().Sub(next, x)
	tol := newFloat().SetMantExp(newFloat().Set(next), -snapBits)
	if gap.Cmp(tol) <= 0 {
		i.Add(i, big.NewInt(1))
	}
	if !i.IsInt64() {
		return 0 // unreachable: every value is bounded by the pool
	}
	return i.Int64()
}
