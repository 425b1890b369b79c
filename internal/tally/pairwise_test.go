package tally

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// The packed counter switches lane width at 127 candidates, flushes its
// lane counters by accumulated weight, handles weights too big for a lane
// separately and works in blocks of rankings; compare it with the
// brute-force count around all of those edges.
func TestPairwiseMatrixMatchesBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for _, n := range []int{1, 2, 7, 8, 9, 126, 127, 130} {
		for _, weights := range []string{"ones", "mixed", "heavy"} {
			for _, mode := range UnrankedModes {
				t.Run(fmt.Sprintf("%d candidates/%s/%s", n, weights, mode), func(t *testing.T) {
					e := randomTruncatedElection(n, 600, rng.Uint64())
					for i := range e.Ballots {
						switch weights {
						case "mixed":
							e.Ballots[i].Weight = 1 + rng.IntN(200)
						case "heavy":
							e.Ballots[i].Weight = []int{1, 254, 255, 256, 65535, 65536, 1 << 40}[rng.IntN(7)]
						}
					}
					if i := rng.IntN(len(e.Ballots)); n > 1 {
						e.Ballots[i].Ranking = nil // a blank ballot
					}
					p := buildProfile(&e)
					got := matrixRows(pairwiseMatrix(&e, p, mode), n)
					want := bruteForcePairwise(e, mode)
					for i := range n {
						for j := range n {
							if got[i][j] != want[i][j] {
								t.Fatalf("d[%d][%d] = %d, brute force %d", i, j, got[i][j], want[i][j])
							}
						}
					}
				})
			}
		}
	}
}
