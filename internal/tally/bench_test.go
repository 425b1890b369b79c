package tally

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// randomElection makes nBallots complete strict rankings of n candidates
// from a fixed seed. With 100 candidates practically every ranking is
// distinct, so merging identical ballots saves nothing: this is the worst
// case for the pairwise count.
func randomElection(n, nBallots int, seed uint64) Election {
	rng := rand.New(rand.NewPCG(seed, 1))
	e := Election{Candidates: make([]string, n), Type: BallotRanked, Ballots: make([]Ballot, nBallots)}
	for i := range e.Candidates {
		e.Candidates[i] = "Initiative " + string(rune('A'+i%26)) + string(rune('0'+i/26))
	}
	for i := range e.Ballots {
		perm := rng.Perm(n)
		ranking := make([][]int, n)
		for k, c := range perm {
			ranking[k] = []int{c}
		}
		e.Ballots[i] = Ballot{Ranking: ranking}
	}
	return e
}

// randomTruncatedElection is like randomElection but every ballot ranks only
// its first 1..n candidates, in tiers of 1..3: ties and unranked candidates.
func randomTruncatedElection(n, nBallots int, seed uint64) Election {
	rng := rand.New(rand.NewPCG(seed, 2))
	e := randomElection(n, nBallots, seed)
	for i := range e.Ballots {
		perm := rng.Perm(n)[:1+rng.IntN(n)]
		var ranking [][]int
		for len(perm) > 0 {
			k := min(len(perm), 1+rng.IntN(3))
			ranking = append(ranking, perm[:k])
			perm = perm[k:]
		}
		e.Ballots[i].Ranking = ranking
	}
	return e
}

func BenchmarkSchulze100Candidates100kBallots(b *testing.B) {
	e := randomElection(100, 100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Tally(e, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSchulze100Candidates100kTruncatedBallots(b *testing.B) {
	e := randomTruncatedElection(100, 100_000, 2)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Tally(e, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// Real elections repeat rankings: 100,000 ballots drawn from 500 distinct
// rankings are counted as 500.
func BenchmarkSchulze100Candidates100kBallots500Distinct(b *testing.B) {
	distinct := randomElection(100, 500, 3)
	e := distinct
	e.Ballots = make([]Ballot, 100_000)
	for i := range e.Ballots {
		e.Ballots[i] = distinct.Ballots[i%500]
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Tally(e, Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPairwise100Candidates100kBallots(b *testing.B) {
	e := randomElection(100, 100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		p := buildProfile(&e)
		pairwiseMatrix(&e, p, UnrankedTiedLast)
	}
}

func BenchmarkRankedPairs100Candidates100kBallots(b *testing.B) {
	e := randomElection(100, 100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Tally(e, Options{Method: MethodRankedPairs}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkBorda100Candidates100kBallots(b *testing.B) {
	e := randomElection(100, 100_000, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Tally(e, Options{Method: MethodBorda}); err != nil {
			b.Fatal(err)
		}
	}
}

// randomPairwise is a pairwise matrix of n candidates as 10,000 voters with
// random complete rankings would roughly produce.
func randomPairwise(n int, seed uint64) []int64 {
	rng := rand.New(rand.NewPCG(seed, 3))
	d := make([]int64, n*n)
	for i := range n {
		for j := i + 1; j < n; j++ {
			v := int64(4500 + rng.IntN(1001))
			d[i*n+j], d[j*n+i] = v, 10_000-v
		}
	}
	return d
}

// The strongest path step of Schulze for 1,000 candidates: ranking the
// ~500,000 head-to-head wins by strength plus Floyd–Warshall.
func BenchmarkStrongestPaths1000Candidates(b *testing.B) {
	d := randomPairwise(1000, 4)
	b.ReportAllocs()
	for b.Loop() {
		strongestPaths(buildLinkGraph(d, 1000, StrengthWinning))
	}
}

// Floyd–Warshall alone for 1,000 candidates, on 32-bit ranks (the worst
// case, for elections with more than 32,767 distinct link strengths) and on
// 16-bit ranks.
func BenchmarkWidestPaths1000Candidates32Bit(b *testing.B) {
	g := buildLinkGraph(randomPairwise(1000, 4), 1000, StrengthWinning)
	p := make([]int32, len(g.rank))
	b.ReportAllocs()
	for b.Loop() {
		copy(p, g.rank)
		widestPaths(p, 1000)
	}
}

func BenchmarkWidestPaths1000Candidates16Bit(b *testing.B) {
	g := buildLinkGraph(randomPairwise(1000, 4), 1000, StrengthWinning)
	p := make([]int16, len(g.rank))
	b.ReportAllocs()
	for b.Loop() {
		for i, r := range g.rank {
			p[i] = int16(r)
		}
		widestPaths(p, 1000)
	}
}

func BenchmarkParsePrefLib100Candidates10kLines(b *testing.B) {
	var file bytes.Buffer
	if err := WritePrefLib(&file, randomElection(100, 10_000, 5)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePrefLib(bytes.NewReader(file.Bytes()), ""); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseJSON100Candidates10kBallots(b *testing.B) {
	var file bytes.Buffer
	if err := WriteJSON(&file, randomElection(100, 10_000, 6)); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(file.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseJSON(bytes.NewReader(file.Bytes())); err != nil {
			b.Fatal(err)
		}
	}
}
