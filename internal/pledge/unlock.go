package pledge

import (
	"cmp"
	"fmt"
	"math"
	"math/big"
	"slices"
	"strings"
)

// UnlockHint tells a dashboard how close an inactive pledge is to taking
// effect. Each figure is computed on the resolved state, changing one thing
// at a time and ignoring cascades (the hint's own money unlocking others):
//
//   - MoreMoney: how much more money from others (minor units, as counted by
//     others_total_at_least) would make the condition hold if nothing else
//     changed; absent when money alone cannot do it (e.g. the condition
//     also needs more pledgers or a specific pledger).
//   - MorePledgers: how many more contributing pledgers would make it hold
//     with the money unchanged; absent when that alone cannot do it.
//   - WaitingOn: inactive pledgers the condition names via pledger_active.
type UnlockHint struct {
	ID           string   `json:"id"`
	MoreMoney    *int64   `json:"more_money,omitempty"`
	MorePledgers *int64   `json:"more_pledgers,omitempty"`
	WaitingOn    []string `json:"waiting_on,omitempty"`
}

// ClosestToUnlocking resolves the input and returns a hint for every
// inactive entry, closest first: by MoreMoney (absent last), then by
// MorePledgers (absent last), then by id.
func ClosestToUnlocking(in Input) ([]UnlockHint, error) {
	c, err := compile(&in, nil)
	if err != nil {
		return nil, err
	}
	r, err := c.resolve(-1)
	if err != nil {
		return nil, err
	}
	hints := []UnlockHint{}
	for _, e := range c.order {
		if r.active[e] || c.root[e] < 0 {
			continue
		}
		h := UnlockHint{ID: c.ids[e]}
		if v := r.need(c.root[e], true); v >= 0 {
			h.MoreMoney = &v
		}
		if v := r.need(c.root[e], false); v >= 0 {
			h.MorePledgers = &v
		}
		h.WaitingOn = r.waitingOn(c.root[e], nil)
		slices.SortFunc(h.WaitingOn, strings.Compare)
		h.WaitingOn = slices.Compact(h.WaitingOn)
		hints = append(hints, h)
	}
	slices.SortStableFunc(hints, func(a, b UnlockHint) int {
		if r := cmpOptional(a.MoreMoney, b.MoreMoney); r != 0 {
			return r
		}
		return cmpOptional(a.MorePledgers, b.MorePledgers)
	})
	return hints, nil
}

func cmpOptional(a, b *int64) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return cmp.Compare(*a, *b)
}

// need returns the least extra amount (money=true: money, else pledgers)
// that makes node hold in the final state with everything else unchanged,
// or -1 when no amount of that kind suffices. The owner is inactive, so the
// others' total and count are simply the state's total and count.
func (r *run) need(node int32, money bool) int64 {
	c := r.c
	switch c.nk[node] {
	case nodeTotal, nodeCount:
		have := r.total
		if c.nk[node] == nodeCount {
			have = r.count
		}
		want := uint64(c.nval[node])
		if have >= want {
			return 0
		}
		if money != (c.nk[node] == nodeTotal) {
			return -1
		}
		return int64(want - have)
	case nodeActive:
		if r.active[c.nval[node]] {
			return 0
		}
		return -1
	}
	// all / any: children are the nodes following node whose parent is node.
	best := int64(-1)
	first := true
	for _, child := range c.children(node) {
		v := r.need(child, money)
		if c.nk[node] == nodeAll {
			if v < 0 {
				return -1
			}
			if v > best {
				best = v
			}
		} else if v >= 0 && (first || best < 0 || v < best) {
			best = v
			first = false
		}
	}
	return best
}

func (r *run) waitingOn(node int32, acc []string) []string {
	c := r.c
	switch c.nk[node] {
	case nodeActive:
		if t := int32(c.nval[node]); !r.active[t] {
			acc = append(acc, c.ids[t])
		}
	case nodeAll, nodeAny:
		for _, child := range c.children(node) {
			acc = r.waitingOn(child, acc)
		}
	}
	return acc
}

// children lists the direct children of an all/any node. Nodes are laid out
// in pre-order, so they follow node; a subtree ends at the first node whose
// parent lies before node.
func (c *compiled) children(node int32) []int32 {
	var out []int32
	for i := node + 1; int(i) < len(c.nk) && len(out) < int(c.nkids[node]); i++ {
		if c.npar[i] == node {
			out = append(out, i)
		}
	}
	return out
}

// probeID names the hypothetical newcomer UnlockAmount adds; the leading NUL
// keeps it from colliding with real ids in practice.
const probeID = "\x00unlock-probe"

// UnlockAmount returns the smallest amount a new, unconditional pledger
// would have to pledge for the entry id to become active, with every cascade
// taken into account (the pledges it unlocks count too, and so do
// crowdmatching and, with match_counts_as_others, matching). ok is false
// when no amount suffices: the entry then waits for more pledgers or for a
// pledger that money cannot activate. An entry that is already active needs
// 0.
//
// Activation is monotone in the newcomer's amount, so a binary search over
// [1, V] finds the answer, where V (see saturatingAmount) is an amount from
// which on every condition evaluates the same for any larger amount: if V
// does not suffice, no amount does. Each probe is one resolution (O(n)
// after a shared compilation), at most 63 of them.
func UnlockAmount(in Input, id string) (amount int64, ok bool, err error) {
	probe := Pledge{ID: probeID, Amount: 1}
	c, err := compile(&in, &probe)
	if err != nil {
		return 0, false, err
	}
	target, found := c.lookup(id)
	if !found || target == c.extraIdx {
		return 0, false, Errors{{Field: "id", Message: fmt.Sprintf("unknown pledger %q", id)}}
	}
	r, err := c.resolve(c.extraIdx)
	if err != nil {
		return 0, false, err
	}
	if r.active[target] {
		return 0, true, nil
	}
	// Keep the grand total within int64 (compile checked it with amount 1):
	// larger amounts are not valid pledges.
	hi := c.saturatingAmount(math.MaxInt64 - (c.total - 1))
	activeWith := func(d int64) (bool, error) {
		c.amt[c.extraIdx] = d
		r, err := c.resolve(-1)
		if err != nil {
			return false, err
		}
		return r.active[target], nil
	}
	if yes, err := activeWith(hi); err != nil || !yes {
		return 0, false, err
	}
	lo := int64(1) // invariant: the answer lies in [lo, hi]
	for lo < hi {
		mid := lo + (hi-lo)/2
		yes, err := activeWith(mid)
		if err != nil {
			return 0, false, err
		}
		if yes {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo, true, nil
}

// saturatingAmount returns an amount V (at most limit) such that a newcomer
// giving V or more satisfies every condition that money can satisfy, so the
// resolution is the same for every amount ≥ V. Two things depend on money:
//
//   - others_total_at_least thresholds: the newcomer's own money counts for
//     everyone else, so V ≥ the largest threshold value satisfies them all;
//   - others_count_at_least counts rule-based entries only when their
//     floored amount is positive. The newcomer is part of the base of every
//     crowdmatching rate r and every matching ratio, so each such entry that
//     is active gives at least min(max, r·V) ≥ 1 once V ≥ ⌈1/r⌉ (max and cap
//     are ≥ 1). Entries that never count (matching without
//     match_counts_as_others) need no such bound.
//
// Beyond V nothing a condition looks at changes, except totals that are
// already above every threshold.
func (c *compiled) saturatingAmount(limit int64) int64 {
	var hi int64 = 1
	for i, k := range c.nk {
		if k == nodeTotal && c.nval[i] > hi {
			hi = c.nval[i]
		}
	}
	for vi, e := range c.varying {
		if e == c.extraIdx || !c.countsAsOthers(e) {
			continue
		}
		r := c.rawRule[vi]
		// ⌈1/r⌉ = ⌈den/num⌉ for r = num/den > 0.
		q, m := new(big.Int).QuoRem(r.Denom(), r.Num(), new(big.Int))
		if m.Sign() != 0 {
			q.Add(q, big.NewInt(1))
		}
		if !q.IsInt64() || q.Int64() > limit {
			return limit
		}
		hi = max(hi, q.Int64())
	}
	return min(hi, limit)
}
