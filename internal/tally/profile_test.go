package tally

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestProfileMergesIdenticalRankings(t *testing.T) {
	e := Election{Candidates: letters(4), Type: BallotRanked, Ballots: []Ballot{
		{Weight: 2, Ranking: [][]int{{0}, {1, 2}}},
		{Ranking: [][]int{{0}, {2, 1}}},   // same as the first: order inside a tier does not matter
		{Ranking: [][]int{{0}, {1}, {2}}}, // different tiers
		{Ranking: [][]int{{0}, {1, 3}}},   // different members
		{Ranking: [][]int{{0, 1, 2}}},     // different tier lengths
		{},                                // blank
		{Weight: 3},                       // blank again
	}}
	p := buildProfile(&e)
	if !slices.Equal(p.reps, []int{0, 2, 3, 4, 5}) || !slices.Equal(p.weights, []int64{3, 1, 1, 1, 4}) || p.total != 10 {
		t.Errorf("reps %v weights %v total %d", p.reps, p.weights, p.total)
	}
	mark := make([]uint32, 4)
	if sameRanking([][]int{{0, 1}}, [][]int{{0, 2}}, mark, 1) || sameRanking([][]int{{0}, {1}}, [][]int{{0, 1}}, mark, 2) || sameRanking([][]int{{0}}, [][]int{{0}, {1}}, mark, 3) {
		t.Error("different rankings compare equal")
	}
}

// Elections with more than 32,767 distinct link strengths use 32-bit ranks
// for the strongest paths; compare with a plain triple loop.
func TestStrongestPathsWideRanks(t *testing.T) {
	const n = 260
	rng := rand.New(rand.NewPCG(9, 9))
	d := make([]int64, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := int64(1 + rng.IntN(1_000_000))
			if rng.IntN(2) == 0 {
				d[i*n+j], d[j*n+i] = v+1_000_000, v
			} else {
				d[i*n+j], d[j*n+i] = v, v+1_000_000
			}
		}
	}
	g := buildLinkGraph(d, n, StrengthMargin)
	if len(g.byRank) <= 32767 {
		t.Fatalf("test needs more distinct strengths, got %d", len(g.byRank))
	}
	got := strongestPaths(g)
	want := slices.Clone(g.rank)
	for k := range n {
		for i := range n {
			for j := range n {
				if i != j && i != k && j != k {
					want[i*n+j] = max(want[i*n+j], min(want[i*n+k], want[k*n+j]))
				}
			}
		}
	}
	if !slices.Equal(got, want) {
		t.Error("32-bit strongest paths differ from the plain Floyd–Warshall")
	}
}
