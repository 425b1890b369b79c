package tally

import (
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// genRanked draws a ranked election with 1..maxN candidates and up to 25
// ballots: random weak orders, often truncated, with weights 1..5.
func genRanked(t *rapid.T, maxN int) Election {
	n := rapid.IntRange(1, maxN).Draw(t, "candidates")
	e := Election{Candidates: letters(n), Type: BallotRanked}
	ballots := rapid.IntRange(0, 25).Draw(t, "ballots")
	for range ballots {
		perm := rapid.Permutation(indices(n)).Draw(t, "order")
		ranked := rapid.IntRange(0, n).Draw(t, "ranked")
		var ranking [][]int
		for k, c := range perm[:ranked] {
			if k == 0 || !rapid.Bool().Draw(t, "tie") {
				ranking = append(ranking, nil)
			}
			ranking[len(ranking)-1] = append(ranking[len(ranking)-1], c)
		}
		e.Ballots = append(e.Ballots, Ballot{Weight: rapid.IntRange(1, 5).Draw(t, "weight"), Ranking: ranking})
	}
	return e
}

func genOptions(t *rapid.T, method Method) Options {
	o := Options{Method: method, Unranked: rapid.SampledFrom(UnrankedModes).Draw(t, "unranked")}
	if method != MethodBorda {
		o.Strength = rapid.SampledFrom(LinkStrengths).Draw(t, "strength")
	}
	return o
}

func condorcetWinner(d [][]int64) int {
	for c := range d {
		wins := true
		for x := range d {
			if x != c && d[c][x] <= d[x][c] {
				wins = false
			}
		}
		if wins {
			return c
		}
	}
	return -1
}

func TestPropertyCondorcetWinnerWins(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 6)
		o := genOptions(t, rapid.SampledFrom([]Method{MethodSchulze, MethodRankedPairs}).Draw(t, "method"))
		r := mustTally(t, e, o)
		if cw := condorcetWinner(r.Pairwise); cw >= 0 && len(e.Candidates) > 1 {
			if !reflect.DeepEqual(r.Winners, []string{e.Candidates[cw]}) {
				t.Fatalf("Condorcet winner %s, but %s elects %v", e.Candidates[cw], o.Method, r.Winners)
			}
		}
	})
}

func TestPropertyBallotOrderDoesNotMatter(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 6)
		o := genOptions(t, rapid.SampledFrom([]Method{MethodSchulze, MethodRankedPairs, MethodBorda}).Draw(t, "method"))
		shuffled := e
		shuffled.Ballots = rapid.Permutation(e.Ballots).Draw(t, "shuffled")
		for i, b := range shuffled.Ballots {
			// Shuffle inside tiers too, on copies.
			ranking := make([][]int, len(b.Ranking))
			for k, tier := range b.Ranking {
				ranking[k] = rapid.Permutation(tier).Draw(t, "tier")
			}
			shuffled.Ballots[i].Ranking = ranking
		}
		a, b := mustTally(t, e, o), mustTally(t, shuffled, o)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("results differ after shuffling ballots:\n%+v\n%+v", a, b)
		}
	})
}

// Splitting a ballot of weight w into w ballots of weight 1 changes nothing:
// weights are multiplicities.
func TestPropertyWeightIsMultiplicity(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 5)
		o := genOptions(t, rapid.SampledFrom([]Method{MethodSchulze, MethodRankedPairs, MethodBorda}).Draw(t, "method"))
		split := e
		split.Ballots = nil
		for _, b := range e.Ballots {
			for range b.EffectiveWeight() {
				split.Ballots = append(split.Ballots, Ballot{Ranking: b.Ranking})
			}
		}
		a, b := mustTally(t, e, o), mustTally(t, split, o)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("weighted and split ballots differ:\n%+v\n%+v", a, b)
		}
	})
}

func TestPropertySchulzeRankingFollowsStrongestPaths(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 7)
		o := genOptions(t, MethodSchulze)
		r := mustTally(t, e, o)
		tier := map[string]int{}
		for k, names := range r.Ranking {
			for _, name := range names {
				tier[name] = k
			}
		}
		p := r.StrongestPaths
		for a := range p {
			for b := range p {
				if a != b && p[a][b] > p[b][a] && tier[e.Candidates[a]] >= tier[e.Candidates[b]] {
					t.Fatalf("p[%d][%d]=%v > p[%d][%d]=%v but ranking is %v", a, b, p[a][b], b, a, p[b][a], r.Ranking)
				}
			}
		}
		// Every winner's strongest path to any candidate is at least as strong
		// as the reverse.
		for _, w := range r.Winners {
			a := indexOf(e.Candidates, w)
			for b := range p {
				if p[a][b] < p[b][a] {
					t.Fatalf("winner %s has p=%v < reverse %v against %s", w, p[a][b], p[b][a], e.Candidates[b])
				}
			}
		}
	})
}

// Floyd–Warshall on flat slices equals trying every path, for arbitrary
// pairwise matrices (not only ones that ballots can produce).
func TestPropertyStrongestPathsMatchBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 7).Draw(t, "n")
		s := rapid.SampledFrom(LinkStrengths).Draw(t, "strength")
		d := make([][]int64, n)
		flat := make([]int64, n*n)
		for i := range d {
			d[i] = make([]int64, n)
			for j := range d[i] {
				if i != j {
					d[i][j] = int64(rapid.IntRange(0, 12).Draw(t, "d"))
					flat[i*n+j] = d[i][j]
				}
			}
		}
		g := buildLinkGraph(flat, n, s)
		paths := strongestPaths(g)
		wide := slices.Clone(g.rank)
		widestPaths(wide, n)
		if !slices.Equal(paths, wide) {
			t.Fatalf("16-bit and 32-bit strongest paths differ")
		}
		want := bruteForceStrongestPaths(d, s)
		for i := range n {
			for j := range n {
				var got PathStrength
				if paths[i*n+j] > 0 {
					got = PathStrength(linkValue(s, g.byRank[paths[i*n+j]]))
				}
				if got != want[i][j] {
					t.Fatalf("p[%d][%d] = %v, brute force %v (d = %v)", i, j, got, want[i][j], d)
				}
			}
		}
	})
}

func TestPropertyCountsMatchBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 7)
		mode := rapid.SampledFrom(UnrankedModes).Draw(t, "unranked")
		r := mustTally(t, e, Options{Unranked: mode})
		if want := bruteForcePairwise(e, mode); !reflect.DeepEqual(r.Pairwise, want) {
			t.Fatalf("pairwise %v, brute force %v", r.Pairwise, want)
		}
		b := mustTally(t, e, Options{Method: MethodBorda, Unranked: mode})
		want := bruteForceBorda(e, mode)
		for _, s := range b.Scores {
			if s.Total != want[indexOf(e.Candidates, s.Candidate)] {
				t.Fatalf("Borda %s = %v, brute force %v", s.Candidate, s.Total, want)
			}
		}
	})
}

// Ranked pairs never locks a cycle, and every win it skips for a cycle is
// contradicted by a chain of locked wins.
func TestPropertyRankedPairsLocksNoCycle(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 7)
		o := genOptions(t, MethodRankedPairs)
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		oo, _ := o.resolve(e.Type)
		pc := countRankedPairs(&e, oo)
		for a := range pc.n {
			if pc.reachesByLocked(a, a) {
				t.Fatalf("locked wins contain a cycle through %d", a)
			}
		}
		for _, m := range pc.majorities {
			if m.skipped == skippedCycle && !pc.reachesByLocked(m.loser, m.winner) {
				t.Fatalf("%d>%d skipped as a cycle but no locked chain leads back", m.winner, m.loser)
			}
		}
	})
}

func TestPropertyFileFormatsRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		e := genRanked(t, 6)
		var js strings.Builder
		if err := WriteJSON(&js, e); err != nil {
			t.Fatal(err)
		}
		back, err := ParseJSON(strings.NewReader(js.String()))
		if err != nil {
			t.Fatalf("%v\n%s", err, js.String())
		}
		if !reflect.DeepEqual(back.Candidates, e.Candidates) || !maps.Equal(canonicalBallots(back), canonicalBallots(e)) || len(back.Ballots) != len(e.Ballots) {
			t.Fatalf("JSON round trip changed the election:\n%s", js.String())
		}
		var pl strings.Builder
		if err := WritePrefLib(&pl, e); err != nil {
			t.Fatal(err)
		}
		typ, _ := PrefLibDataType(e)
		back, err = ParsePrefLib(strings.NewReader(pl.String()), typ)
		if err != nil {
			t.Fatalf("%v\n%s", err, pl.String())
		}
		if !reflect.DeepEqual(back.Candidates, e.Candidates) || !maps.Equal(canonicalBallots(back), canonicalBallots(e)) {
			t.Fatalf("PrefLib round trip changed the election:\n%s", pl.String())
		}
		// And the tally is the same from either file.
		if a, b := mustTally(t, e, Options{}), mustTally(t, back, Options{}); !reflect.DeepEqual(a.Ranking, b.Ranking) || !reflect.DeepEqual(a.Pairwise, b.Pairwise) {
			t.Fatalf("tally differs after PrefLib round trip")
		}
	})
}
