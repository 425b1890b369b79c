package pledge

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// genLarge builds n conditional pledges: 40% firm, 20% others_total_at_least,
// 10% others_count_at_least, 15% pledger_active, 15% all/any combinations,
// plus a few crowdmatching pledges and matching offers when rules is set.
// Ids are a random permutation so sorting is not trivially fast.
func genLarge(n int, seed uint64, rules bool) Input {
	rng := rand.New(rand.NewPCG(seed, 17))
	perm := rng.Perm(n)
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("p%08d", perm[i])
	}
	const avg = 5050
	expected := int64(n) * avg
	total := func() *Condition { return TotalAtLeast(rng.Int64N(expected + expected/5)) }
	count := func() *Condition { return CountAtLeast(rng.Int64N(int64(n) + int64(n)/10)) }
	active := func(i int) *Condition {
		j := rng.IntN(n)
		if j == i {
			j = (j + 1) % n
		}
		return Active(ids[j])
	}
	in := Input{Currency: "EUR", Pledges: make([]Pledge, n)}
	for i := 0; i < n; i++ {
		p := Pledge{ID: ids[i], Amount: 100 + rng.Int64N(9901)}
		switch k := rng.IntN(100); {
		case k < 40:
		case k < 60:
			p.Condition = total()
		case k < 70:
			p.Condition = count()
		case k < 85:
			p.Condition = active(i)
		case k < 93:
			p.Condition = All(total(), active(i))
		default:
			p.Condition = Any(count(), active(i), All(total(), active(i)))
		}
		in.Pledges[i] = p
	}
	if rules {
		for k := 0; k < 3; k++ {
			in.Pledges[k].Amount = 0
			in.Pledges[k].Rate = big.NewRat(int64(k+1), 10)
			in.Pledges[k].Max = 1_000_000
		}
		in.Matching = []MatchingOffer{
			{ID: "m1", Ratio: big.NewRat(1, 2), Cap: 50_000_000},
			{ID: "m2", Ratio: big.NewRat(1, 1), Cap: 10_000_000, Condition: TotalAtLeast(expected / 2)},
		}
	}
	return in
}

func BenchmarkResolve1M(b *testing.B) {
	in := genLarge(1_000_000, 1, false)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res, err := Resolve(in)
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Active) == 0 {
			b.Fatal("nothing active")
		}
	}
}

func BenchmarkResolve1MWithRules(b *testing.B) {
	in := genLarge(1_000_000, 1, true)
	in.MatchCountsAsOthers = true
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Resolve(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWhatIf100k(b *testing.B) {
	in := genLarge(100_000, 2, false)
	p := Fixed("newcomer", 250_000, TotalAtLeast(100_000))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := WhatIf(in, p); err != nil {
			b.Fatal(err)
		}
	}
}
