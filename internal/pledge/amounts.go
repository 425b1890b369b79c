package pledge

import (
	"errors"
	"math/big"
)

// Exact amounts of rule-based entries (crowdmatching pledges and matching
// offers) for a fixed set of active entries.
//
// The system. Let F be the sum of the active fixed pledges, x_i the amount
// of crowdmatching pledge i (rate r_i, maximum X_i) and m_j the amount of
// matching offer j (ratio q_j, cap C_j). With P = F + Σx (pledged money),
// M = Σm (matched money) and μ = 1 if match_counts_as_others else 0:
//
//	x_i = min(X_i, r_i·(F + Σ_{k≠i} x_k + μ·M))   "r_i per unit the others give"
//	m_j = min(C_j, q_j·P)                         "match q_j:1 what is pledged"
//
// Every right-hand side is monotone (non-decreasing) in the amounts and the
// amounts live in the box [0,X]×[0,C], a complete lattice, so by
// Knaster–Tarski the set of fixed points has a greatest element: the largest
// self-consistent assignment. It is also the unique optimum of the linear
// program "maximise Σx+Σm subject to 0 ≤ x ≤ X, 0 ≤ m ≤ C and each amount ≤
// its rule applied to the others", because the feasible set is closed under
// component-wise maximum.
//
// Reduction to one variable. Write T = P + μM for the total that counts as
// "the others' money" plus one's own. For a fixed T the equation
// x_i = min(X_i, r_i·(T − x_i)) has exactly one solution, x_i = min(X_i,
// s_i·T) with s_i = r_i/(1+r_i) (the right-hand side is decreasing in x_i).
// Hence every fixed point is determined by T, and T must satisfy T = h(T)
// with
//
//	P(T) = F + Σ_i min(X_i, s_i·T)
//	h(T) = P(T) + μ·Σ_j min(C_j, q_j·P(T)).
//
// Conversely every root of h gives a fixed point, and all amounts are
// non-decreasing in T, so the greatest fixed point corresponds to the
// greatest root T*. h is piecewise linear, non-decreasing and concave (a sum
// of minima of linear functions, composed with the non-decreasing concave
// min(C_j, q_j·P)), h(0) ≥ 0 and h(H) ≤ H for H = F + ΣX + μ·ΣC.
//
// Algorithm (exact, finite). Start at T = H. While h(T) < T, replace h by the
// linear piece valid just left of T, L(S) = c + σS — i.e. decide which
// amounts are capped (at their maximum) at T and treat the others as linear —
// and jump to the root of L: T ← c/(1−σ). Because g = h − id is concave with
// g(0) ≥ 0 > g(T), its left slope σ−1 is negative, so the division is
// well-defined and the new T is smaller. Because h ≤ L (h is concave and L
// is one of its pieces), no root of h lies above the new T, so we never jump
// over T*. Each jump either lands on a root (then h(T) = T and we stop: the
// first root met from above is the greatest) or leaves the current piece to
// the left, so there are at most (#pieces) ≤ (#crowd + #match + 1) jumps.
// This is the "guess which variables are capped, solve the linear system for
// the rest, repeat" method; the structure above makes each linear system a
// single equation. Nothing is iterated "until the numbers stop changing":
// e.g. two pledges "1/2 per unit others give" and a firm 10 give the
// geometric series 5 + 2.5 + 1.25 + … which a naive iteration only reaches
// in the limit, while here the single jump from H lands exactly on x = 10.

type ruleVar struct {
	k   *big.Rat // s_i = r_i/(1+r_i) for crowdmatching, q_j for matching
	cap *big.Rat // X_i or C_j (an integer)
}

var errSolver = errors.New("pledge: internal error in the exact amount solver")

// sumRats adds rationals pairwise (as a balanced tree). With many distinct
// denominators this keeps the operands of the expensive normalisations
// small for most additions, instead of adding small terms to one ever
// growing sum.
func sumRats(xs []*big.Rat) *big.Rat {
	if len(xs) == 0 {
		return new(big.Rat)
	}
	level := make([]*big.Rat, len(xs))
	copy(level, xs)
	for len(level) > 1 {
		next := level[:0:0]
		for i := 0; i+1 < len(level); i += 2 {
			next = append(next, new(big.Rat).Add(level[i], level[i+1]))
		}
		if len(level)%2 == 1 {
			next = append(next, level[len(level)-1])
		}
		level = next
	}
	return new(big.Rat).Set(level[0])
}

// solveRules returns the greatest fixed point: exact amounts for crowd (in
// order) and match (in order).
func solveRules(fixed int64, crowd, match []ruleVar, mcao bool) (x, m []*big.Rat, err error) {
	// An amount is capped at S iff k·S > cap, i.e. S > cap/k: comparing with
	// precomputed thresholds avoids normalising a product per entry.
	thresholds := func(vs []ruleVar) []*big.Rat {
		out := make([]*big.Rat, len(vs))
		for i, v := range vs {
			out[i] = new(big.Rat).Quo(v.cap, v.k)
		}
		return out
	}
	crowdThr, matchThr := thresholds(crowd), thresholds(match)
	f := new(big.Rat).SetInt64(fixed)
	T := new(big.Rat).Set(f)
	for _, v := range crowd {
		T.Add(T, v.cap)
	}
	if mcao {
		for _, v := range match {
			T.Add(T, v.cap)
		}
	}
	one := big.NewRat(1, 1)
	solved := false
	var pAtT *big.Rat // P(T) at the solution
	for iter := 0; iter <= len(crowd)+len(match)+2; iter++ {
		// The piece of P left of T: P(S) = cP + sP·S; its value at T is p.
		cP := new(big.Rat).Set(f)
		var ks []*big.Rat
		for i, v := range crowd {
			if T.Cmp(crowdThr[i]) > 0 {
				cP.Add(cP, v.cap)
			} else {
				ks = append(ks, v.k)
			}
		}
		sP := sumRats(ks)
		p := new(big.Rat).Mul(sP, T)
		p.Add(p, cP)
		h, c, s := p, cP, sP
		if mcao && len(match) > 0 {
			// h(S) = P(S) + cM + qU·P(S) = (1+qU)·(cP + sP·S) + cM
			cM := new(big.Rat)
			var qs []*big.Rat
			for j, v := range match {
				if p.Cmp(matchThr[j]) > 0 {
					cM.Add(cM, v.cap)
				} else {
					qs = append(qs, v.k)
				}
			}
			onePlus := sumRats(qs)
			mm := new(big.Rat).Mul(onePlus, p)
			mm.Add(mm, cM)
			h = new(big.Rat).Add(p, mm)
			onePlus.Add(onePlus, one)
			c = new(big.Rat).Mul(onePlus, cP)
			c.Add(c, cM)
			s = new(big.Rat).Mul(onePlus, sP)
		}
		switch h.Cmp(T) {
		case 0:
			solved, pAtT = true, p
		case 1:
			return nil, nil, errSolver // h(T) <= T is an invariant
		}
		if solved {
			break
		}
		if s.Cmp(one) >= 0 {
			return nil, nil, errSolver // excluded by concavity, see above
		}
		den := new(big.Rat).Sub(one, s)
		T = new(big.Rat).Quo(c, den)
	}
	if !solved {
		return nil, nil, errSolver
	}
	x = make([]*big.Rat, len(crowd))
	for i, v := range crowd {
		if T.Cmp(crowdThr[i]) > 0 {
			x[i] = new(big.Rat).Set(v.cap)
		} else {
			x[i] = new(big.Rat).Mul(v.k, T)
		}
	}
	m = make([]*big.Rat, len(match))
	for j, v := range match {
		if pAtT.Cmp(matchThr[j]) > 0 {
			m[j] = new(big.Rat).Set(v.cap)
		} else {
			m[j] = new(big.Rat).Mul(v.k, pAtT)
		}
	}
	return x, m, nil
}
