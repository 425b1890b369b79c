package pledge

import (
	"math/big"
	"slices"
)

// Resolution: the greatest self-consistent set of active entries.
//
// A set S of entries is self-consistent when every entry in S has its
// condition satisfied in the state where exactly the entries of S are active
// and pay the (greatest fixed point) amounts computed for S. Conditions are
// monotone in the set of active entries and in their amounts, and amounts
// are monotone in the set, so the map Φ(S) = {i ∈ S : cond_i holds for S}
// is monotone and the union of two self-consistent sets is self-consistent.
// The greatest fixed point — the union of all self-consistent sets — is the
// answer: "A if B" and "B if A" both activate.
//
// Algorithm. Start with everything active and only ever remove an entry
// whose condition is false in a state that over-approximates every
// self-consistent subset of the current set; such an entry belongs to no
// self-consistent set, so the greatest one is never touched (invariant
// GFP ⊆ S). Stop when S is self-consistent; then S = GFP.
//
// Removal is event driven and near-linear instead of re-checking everything
// after each removal (which is O(n²)):
//   - others_total_at_least v for entry i holds iff total − own_i ≥ v, i.e.
//     total ≥ v + own_i =: key. The counted total only decreases, so the
//     atoms are kept sorted by key (descending) and peeled from the top with
//     one pointer; the same for others_count_at_least with the count.
//   - pledger_active atoms are reached through reverse edges when their
//     target is removed.
//   - "all" becomes false with its first false child, "any" keeps a counter
//     of children that are still true.
//
// Each atom and node flips at most once, so a round costs O(n) after the
// O(n log n) sorting in compile.
//
// Rule-based amounts (crowdmatching, matching) decrease when entries are
// removed. Within a round they are frozen at the values computed for the set
// at the start of the round; those are upper bounds for every subset, so
// every removal stays justified. At the end of a round the amounts are
// recomputed exactly for the smaller set; if the floored amounts the
// conditions look at did not change, the set is self-consistent and we stop,
// otherwise another round starts (amounts only go down, so this terminates;
// there is at most one round per removal and with no rule-based entries there
// is exactly one).

type run struct {
	c       *compiled
	active  []bool
	nfalse  []bool
	anyLeft []int32 // for "any" nodes: children not yet false
	counted []int64 // money counted as "others' money" for other entries
	pos     []bool  // counts for others_count (counted money > 0)

	ruleExact []*big.Rat // per varying entry, exact amount for the current set
	ruleFloor []int64    // per varying entry, floored amount

	total       uint64 // Σ counted over active entries
	count       uint64 // #{active entries with pos}
	fixedActive int64  // Σ amounts of active fixed pledges

	stack   []int32
	tp, cp  int
	dynTot  []keyNode
	dynCnt  []keyNode
	dtp     int
	dcp     int
	removed int
}

// resolve computes the greatest self-consistent set. disabled, if >= 0, is
// an entry treated as absent from the start (used by WhatIf).
func (c *compiled) resolve(disabled int32) (*run, error) {
	r := &run{
		c:         c,
		active:    make([]bool, c.n),
		nfalse:    make([]bool, len(c.nk)),
		anyLeft:   slices.Clone(c.nkids),
		counted:   make([]int64, c.n),
		pos:       make([]bool, c.n),
		ruleExact: make([]*big.Rat, len(c.varying)),
		ruleFloor: make([]int64, len(c.varying)),
	}
	for e := 0; e < c.n; e++ {
		r.active[e] = true
		if c.kind[e] == kindFixed {
			a := c.amt[e]
			r.counted[e] = a
			r.pos[e] = true
			r.total += uint64(a) // cannot overflow: compile bounded the sum
			r.count++
			r.fixedActive += a
		}
	}
	if disabled >= 0 {
		r.remove(disabled)
		r.removed = 0
	}
	if _, err := r.solve(); err != nil {
		return nil, err
	}
	for {
		if c.ctx != nil {
			// One check per round: a round is near-linear, and rule-based
			// entries can need a round per removal. (WhatIf has no context.)
			if err := c.ctx.Err(); err != nil {
				return nil, err
			}
		}
		r.prepareDynamic()
		before := r.removed
		r.propagate()
		if r.removed == before {
			return r, nil
		}
		changed, err := r.solve()
		if err != nil {
			return nil, err
		}
		if !changed {
			return r, nil
		}
	}
}

func (r *run) falsify(node int32) {
	if !r.nfalse[node] {
		r.nfalse[node] = true
		r.stack = append(r.stack, node)
	}
}

func (r *run) remove(e int32) {
	if !r.active[e] {
		return
	}
	c := r.c
	r.active[e] = false
	r.total -= uint64(r.counted[e])
	if r.pos[e] {
		r.count--
	}
	if c.kind[e] == kindFixed {
		r.fixedActive -= c.amt[e]
	}
	r.counted[e] = 0
	r.pos[e] = false
	r.removed++
	for _, node := range c.refNode[c.refStart[e]:c.refStart[e+1]] {
		r.falsify(node)
	}
}

// propagate removes entries until no condition is false under the current
// (frozen) rule amounts.
func (r *run) propagate() {
	c := r.c
	for {
		for len(r.stack) > 0 {
			node := r.stack[len(r.stack)-1]
			r.stack = r.stack[:len(r.stack)-1]
			p := c.npar[node]
			if p < 0 {
				r.remove(c.nown[node])
				continue
			}
			if c.nk[p] == nodeAll {
				r.falsify(p)
			} else {
				r.anyLeft[p]--
				if r.anyLeft[p] == 0 {
					r.falsify(p)
				}
			}
		}
		progressed := false
		for ; r.tp < len(c.totStatic) && c.totStatic[r.tp].key > r.total; r.tp++ {
			r.falsify(c.totStatic[r.tp].node)
			progressed = true
		}
		for ; r.cp < len(c.cntStatic) && c.cntStatic[r.cp].key > r.count; r.cp++ {
			r.falsify(c.cntStatic[r.cp].node)
			progressed = true
		}
		for ; r.dtp < len(r.dynTot) && r.dynTot[r.dtp].key > r.total; r.dtp++ {
			r.falsify(r.dynTot[r.dtp].node)
			progressed = true
		}
		for ; r.dcp < len(r.dynCnt) && r.dynCnt[r.dcp].key > r.count; r.dcp++ {
			r.falsify(r.dynCnt[r.dcp].node)
			progressed = true
		}
		if !progressed && len(r.stack) == 0 {
			return
		}
	}
}

// prepareDynamic computes the keys of threshold atoms whose owner's own
// amount varies, for the amounts of the current round.
func (r *run) prepareDynamic() {
	c := r.c
	r.dynTot = r.dynTot[:0]
	r.dynCnt = r.dynCnt[:0]
	for _, node := range c.totDyn {
		e := c.nown[node]
		if !r.nfalse[node] && r.active[e] {
			r.dynTot = append(r.dynTot, keyNode{key: uint64(c.nval[node]) + uint64(r.counted[e]), node: node})
		}
	}
	for _, node := range c.cntDyn {
		e := c.nown[node]
		if !r.nfalse[node] && r.active[e] {
			var own uint64
			if r.pos[e] {
				own = 1
			}
			r.dynCnt = append(r.dynCnt, keyNode{key: uint64(c.nval[node]) + own, node: node})
		}
	}
	sortKeysDesc(r.dynTot)
	sortKeysDesc(r.dynCnt)
	r.dtp, r.dcp = 0, 0
}

// solve recomputes the exact amounts of the active rule-based entries and
// reports whether any floored amount that conditions look at changed.
func (r *run) solve() (bool, error) {
	c := r.c
	if len(c.varying) == 0 {
		return false, nil
	}
	var crowd, match []ruleVar
	for vi, e := range c.varying {
		if !r.active[e] {
			continue
		}
		v := ruleVar{k: c.rule[vi], cap: new(big.Rat).SetInt64(c.amt[e])}
		if c.kind[e] == kindCrowd {
			crowd = append(crowd, v)
		} else {
			match = append(match, v)
		}
	}
	x, m, err := solveRules(r.fixedActive, crowd, match, c.mcao)
	if err != nil {
		return false, err
	}
	changed := false
	ci, mi := 0, 0
	for vi, e := range c.varying {
		if !r.active[e] {
			r.ruleExact[vi] = nil
			r.ruleFloor[vi] = 0
			continue
		}
		var exact *big.Rat
		if c.kind[e] == kindCrowd {
			exact = x[ci]
			ci++
		} else {
			exact = m[mi]
			mi++
		}
		fl, ok := floorRat(exact)
		if !ok {
			return false, errSolver
		}
		r.ruleExact[vi] = exact
		r.ruleFloor[vi] = fl
		var counted int64
		if c.countsAsOthers(e) {
			counted = fl
		}
		pos := counted > 0
		if counted != r.counted[e] || pos != r.pos[e] {
			changed = true
			r.total = r.total - uint64(r.counted[e]) + uint64(counted)
			if r.pos[e] {
				r.count--
			}
			if pos {
				r.count++
			}
			r.counted[e] = counted
			r.pos[e] = pos
		}
	}
	return changed, nil
}

// amountOf returns the floored amount entry e pays in the current state.
func (r *run) amountOf(e int32, vi int) int64 {
	if !r.active[e] {
		return 0
	}
	if r.c.kind[e] == kindFixed {
		return r.c.amt[e]
	}
	return r.ruleFloor[vi]
}

// outcome summarises the current state.
func (r *run) outcome() (Outcome, error) {
	c := r.c
	nActive := r.countActive()
	o := Outcome{Active: make([]string, 0, nActive), Amounts: make(Allocations, 0, nActive)}
	varyIdx := c.varyIndex()
	var pledged, matched int64
	for _, e := range c.order {
		if !r.active[e] {
			continue
		}
		vi := -1
		if v, ok := varyIdx[e]; ok {
			vi = v
		}
		a := r.amountOf(e, vi)
		o.Active = append(o.Active, c.ids[e])
		o.Amounts = append(o.Amounts, Allocation{ID: c.ids[e], Amount: a})
		var err error
		if c.kind[e] == kindMatch {
			matched, err = AddAmounts(matched, a)
		} else {
			pledged, err = AddAmounts(pledged, a)
		}
		if err != nil {
			return Outcome{}, err
		}
		if vi >= 0 {
			if o.Exact == nil {
				o.Exact = map[string]string{}
			}
			o.Exact[c.ids[e]] = r.ruleExact[vi].RatString()
		}
	}
	collected, err := AddAmounts(pledged, matched)
	if err != nil {
		return Outcome{}, err
	}
	o.TotalPledged, o.Matched, o.Collected = pledged, matched, collected
	return o, nil
}

// varyIndex maps entries to their index in c.varying (-1 for fixed
// pledges), or returns nil when there are no rule-based entries.
func (c *compiled) varyIndex() map[int32]int {
	if len(c.varying) == 0 {
		return nil
	}
	m := make(map[int32]int, len(c.varying))
	for vi, e := range c.varying {
		m[e] = vi
	}
	return m
}

func (r *run) inactive() []string {
	out := make([]string, 0, r.c.n-r.countActive())
	for _, e := range r.c.order {
		if !r.active[e] && e != r.c.extraIdx {
			out = append(out, r.c.ids[e])
		}
	}
	return out
}

func (r *run) countActive() int {
	k := 0
	for _, a := range r.active {
		if a {
			k++
		}
	}
	return k
}
