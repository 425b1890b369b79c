package tally

import (
	"cmp"
	"slices"
)

// Reasons a majority was not locked by ranked pairs (Majority.Skipped).
const (
	skippedCycle     = "cycle"
	skippedTiedCycle = "tied-cycle"
)

// pairsCount is everything the ranked pairs method computes.
type pairsCount struct {
	n          int
	profile    *rankedProfile
	d          []int64
	majorities []pairsMajority // strongest first
	locked     []bool          // locked[a*n+b]: the win of a over b is locked in
	tiers      [][]int
}

type pairsMajority struct {
	winner, loser int
	l             link
	locked        bool
	skipped       string
}

// countRankedPairs runs Tideman's ranked pairs: take head-to-head wins from
// strongest to weakest and lock each one in unless it would create a cycle
// with wins already locked; the locked wins form the ranking.
//
// Wins of exactly equal strength are handled as one group so that the
// result never depends on an arbitrary order: a win of the group that would
// close a cycle with stronger locked wins is skipped as usual; the others
// are locked together, except those that lie on a cycle formed together with
// other wins of the same group. Those are all skipped (reason "tied-cycle"),
// which leaves the candidates involved unordered by them rather than
// ordering them by a hidden tie-break.
func countRankedPairs(e *Election, o Options) *pairsCount {
	n := len(e.Candidates)
	pc := &pairsCount{n: n, locked: make([]bool, n*n)}
	pc.profile = buildProfile(e)
	pc.d = pairwiseMatrix(e, pc.profile, o.Unranked)
	for a := range n {
		for b := range n {
			if pc.d[a*n+b] > pc.d[b*n+a] {
				pc.majorities = append(pc.majorities, pairsMajority{winner: a, loser: b, l: link{pc.d[a*n+b], pc.d[b*n+a]}})
			}
		}
	}
	slices.SortStableFunc(pc.majorities, func(x, y pairsMajority) int {
		if c := compareLinks(o.Strength, y.l, x.l); c != 0 {
			return c
		}
		return cmp.Or(cmp.Compare(x.winner, y.winner), cmp.Compare(x.loser, y.loser))
	})

	reach := newReachability(n)
	var group []int // indices into majorities of the current equal-strength group
	for start := 0; start < len(pc.majorities); {
		end := start + 1
		for end < len(pc.majorities) && compareLinks(o.Strength, pc.majorities[start].l, pc.majorities[end].l) == 0 {
			end++
		}
		group = group[:0]
		for k := start; k < end; k++ {
			m := &pc.majorities[k]
			if reach.has(m.loser, m.winner) {
				m.skipped = skippedCycle
			} else {
				group = append(group, k)
			}
		}
		if len(group) > 1 {
			// Would these wins close a cycle among themselves? Try them all
			// on a scratch copy and skip every one that lies on a cycle.
			trial := reach.clone()
			for _, k := range group {
				trial.addEdge(pc.majorities[k].winner, pc.majorities[k].loser)
			}
			kept := group[:0]
			for _, k := range group {
				m := &pc.majorities[k]
				if trial.has(m.loser, m.winner) {
					m.skipped = skippedTiedCycle
				} else {
					kept = append(kept, k)
				}
			}
			group = kept
		}
		for _, k := range group {
			m := &pc.majorities[k]
			m.locked = true
			pc.locked[m.winner*n+m.loser] = true
			reach.addEdge(m.winner, m.loser)
		}
		start = end
	}
	pc.tiers = layerTiers(n, func(a, b int) bool { return pc.locked[a*n+b] })
	return pc
}

func tallyRankedPairs(e *Election, o Options) *Result {
	pc := countRankedPairs(e, o)
	r := newResult(e, o, pc.tiers)
	r.Ballots = pc.profile.total
	r.DistinctBallots = len(pc.profile.reps)
	r.Pairwise = matrixRows(pc.d, pc.n)
	r.Majorities = make([]Majority, len(pc.majorities))
	for k, m := range pc.majorities {
		r.Majorities[k] = Majority{
			Winner:  e.Candidates[m.winner],
			Loser:   e.Candidates[m.loser],
			For:     m.l.win,
			Against: m.l.lose,
			Locked:  m.locked,
			Skipped: m.skipped,
		}
	}
	r.Explanation = explainRankedPairs(e, o, pc)
	return r
}

// reachability is the transitive closure of a growing directed graph, one
// bitset row per node: bit b of row a is set when b is reachable from a.
type reachability struct {
	n, words int
	bits     []uint64
	gain     []uint64 // scratch row for addEdge
}

func newReachability(n int) *reachability {
	w := (n + 63) / 64
	return &reachability{n: n, words: w, bits: make([]uint64, n*w), gain: make([]uint64, w)}
}

func (r *reachability) clone() *reachability {
	return &reachability{n: r.n, words: r.words, bits: slices.Clone(r.bits), gain: make([]uint64, r.words)}
}

func (r *reachability) row(a int) []uint64 { return r.bits[a*r.words : (a+1)*r.words] }

func (r *reachability) has(from, to int) bool {
	return r.bits[from*r.words+to/64]&(1<<(to%64)) != 0
}

// addEdge adds from→to: everyone who reaches from (and from itself) now
// reaches to and everything to reaches.
func (r *reachability) addEdge(from, to int) {
	gain := r.gain
	copy(gain, r.row(to))
	gain[to/64] |= 1 << (to % 64)
	for a := range r.n {
		if a == from || r.has(a, from) {
			row := r.row(a)
			for w := range row {
				row[w] |= gain[w]
			}
		}
	}
}
