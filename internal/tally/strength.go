package tally

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
)

// link is a head-to-head win: win voters preferred the winner, lose voters
// preferred the loser (win > lose).
type link struct{ win, lose int64 }

// compareLinks orders wins by strength under s: it returns a positive number
// when a is stronger than b, negative when weaker and 0 when equally strong.
// Equal strength implies identical vote counts, because every definition
// breaks equal primary values with a secondary key.
func compareLinks(s LinkStrength, a, b link) int {
	switch s {
	case StrengthMargin:
		if c := cmp.Compare(a.win-a.lose, b.win-b.lose); c != 0 {
			return c
		}
		return cmp.Compare(a.win, b.win)
	case StrengthRatio:
		// a.win/a.lose vs b.win/b.lose, cross-multiplied in 128 bits so that
		// it is exact and a zero denominator (an infinite ratio) just works.
		if c := compareProducts(a.win, b.lose, b.win, a.lose); c != 0 {
			return c
		}
		return cmp.Compare(a.win, b.win)
	default: // StrengthWinning
		if c := cmp.Compare(a.win, b.win); c != 0 {
			return c
		}
		return cmp.Compare(b.lose, a.lose)
	}
}

// compareProducts compares x1*y1 with x2*y2 for non-negative operands.
func compareProducts(x1, y1, x2, y2 int64) int {
	h1, l1 := bits.Mul64(uint64(x1), uint64(y1))
	h2, l2 := bits.Mul64(uint64(x2), uint64(y2))
	if c := cmp.Compare(h1, h2); c != 0 {
		return c
	}
	return cmp.Compare(l1, l2)
}

// linkValue is the number shown for a link: its winning votes, its margin or
// its ratio (+Inf when nobody voted against).
func linkValue(s LinkStrength, l link) float64 {
	switch s {
	case StrengthMargin:
		return float64(l.win - l.lose)
	case StrengthRatio:
		if l.lose == 0 {
			return math.Inf(1)
		}
		return float64(l.win) / float64(l.lose)
	default:
		return float64(l.win)
	}
}

// linkGraph holds every head-to-head win as an ordinal rank: rank[i*n+j] is
// 0 when i does not beat j, otherwise 1 + the number of distinct strengths
// weaker than this win. Widest paths only compare strengths, so computing
// them on ranks gives the same answer for every link strength definition
// while the inner loops stay on small integers.
type linkGraph struct {
	n      int
	rank   []int32
	byRank []link // byRank[r] is the vote count with rank r; byRank[0] is unused
}

func buildLinkGraph(d []int64, n int, s LinkStrength) *linkGraph {
	type entry struct {
		l   link
		idx int
	}
	entries := make([]entry, 0, n*(n-1)/2)
	for i := range n {
		for j := range n {
			if d[i*n+j] > d[j*n+i] {
				entries = append(entries, entry{link{d[i*n+j], d[j*n+i]}, i*n + j})
			}
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return compareLinks(s, a.l, b.l) })
	g := &linkGraph{n: n, rank: make([]int32, n*n), byRank: []link{{}}}
	for k, en := range entries {
		if k == 0 || compareLinks(s, entries[k-1].l, en.l) != 0 {
			g.byRank = append(g.byRank, en.l)
		}
		g.rank[en.idx] = int32(len(g.byRank) - 1)
	}
	return g
}

// strongestPaths computes the strongest path ranks of a link graph (see
// widestPaths). When there are few distinct strengths, as with any election
// of fewer than about 180 voters or with many equal counts, it works on
// 16-bit ranks: half the memory traffic for the same answer.
func strongestPaths(g *linkGraph) []int32 {
	if len(g.byRank) <= math.MaxInt16 {
		narrow := make([]int16, len(g.rank))
		for i, r := range g.rank {
			narrow[i] = int16(r)
		}
		widestPaths(narrow, g.n)
		wide := make([]int32, len(narrow))
		for i, r := range narrow {
			wide[i] = int32(r)
		}
		return wide
	}
	paths := slices.Clone(g.rank)
	widestPaths(paths, g.n)
	return paths
}

// widestPaths turns a matrix of link ranks into strongest path ranks in
// place: p[i*n+j] becomes the largest, over all paths from i to j, of the
// weakest link on the path (0 when there is no path). It is Floyd–Warshall
// on a flat row-major slice: for each intermediate k it streams row k
// against every row i with a branch-free min/max inner loop, unrolled by
// four so that independent lanes keep the processor busy. Memory access is
// sequential, which keeps 1,000 candidates around a second.
func widestPaths[R ~int16 | ~int32](p []R, n int) {
	for k := range n {
		rowK := p[k*n : k*n+n : k*n+n]
		for i := range n {
			if i == k {
				continue
			}
			rowI := p[i*n : i*n+n : i*n+n]
			viaK := rowI[k]
			if viaK == 0 {
				continue // no path from i to k: nothing to gain through k
			}
			j := 0
			for ; j+4 <= n; j += 4 {
				kj := rowK[j : j+4 : j+4]
				ij := rowI[j : j+4 : j+4]
				ij[0] = max(ij[0], min(viaK, kj[0]))
				ij[1] = max(ij[1], min(viaK, kj[1]))
				ij[2] = max(ij[2], min(viaK, kj[2]))
				ij[3] = max(ij[3], min(viaK, kj[3]))
			}
			for ; j < n; j++ {
				rowI[j] = max(rowI[j], min(viaK, rowK[j]))
			}
		}
	}
	// The loop may record cycles through i on the diagonal; a candidate has
	// no path to itself.
	for i := range n {
		p[i*n+i] = 0
	}
}
