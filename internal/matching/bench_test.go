package matching

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// BenchmarkQuadraticFunding: 100,000 contributions from 20,000 contributors
// to 1,000 projects, capped at 5% of the pool.
func BenchmarkQuadraticFunding(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	in := Input{MatchPool: 100_000_000, MatchingCapPerProject: big.NewRat(1, 20)}
	for i := 0; i < 100_000; i++ {
		in.Contributions = append(in.Contributions, Contribution{
			Contributor: fmt.Sprintf("c%05d", rng.IntN(20_000)),
			Recipient:   fmt.Sprintf("p%04d", int(rng.ExpFloat64()*150)%1000),
			Amount:      1 + rng.Int64N(10_000),
		})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := QuadraticFunding(in); err != nil {
			b.Fatal(err)
		}
	}
}
