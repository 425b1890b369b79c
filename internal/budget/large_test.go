package budget

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"testing"
)

// largeInstance builds a city-scale approval election like the one that
// held a request for 94 s: 1,000 projects, 6,000 voters approving 5-15
// projects each (popular projects more often), costs 5,000-100,000 and a
// budget of 2,000,000. The seed makes it the same on every run.
func largeInstance(projects, voters int) *Instance {
	rng := rand.New(rand.NewPCG(2023, 6))
	inst := &Instance{Budget: big.NewRat(2_000_000, 1), VoteType: VoteApproval}
	for p := range projects {
		inst.Projects = append(inst.Projects, Project{ID: fmt.Sprintf("p%04d", p), Cost: big.NewRat(int64(5_000+rng.IntN(95_001)), 1)})
	}
	for v := range voters {
		seen := map[int]bool{}
		vote := Vote{VoterID: fmt.Sprintf("v%d", v)}
		for range 5 + rng.IntN(11) {
			// The product of two uniforms favours low project numbers.
			p := int(float64(projects) * rng.Float64() * rng.Float64())
			if !seen[p] {
				seen[p] = true
				vote.Projects = append(vote.Projects, inst.Projects[p].ID)
			}
		}
		inst.Votes = append(inst.Votes, vote)
	}
	return inst
}

// cancelAfter is a context that reports Canceled from its n-th Err call
// on: the computation is stopped part-way, wherever that is.
type cancelAfter struct {
	context.Context
	n int
}

func (c *cancelAfter) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestAllocateStopsWhenCancelled(t *testing.T) {
	inst := largeInstance(1000, 6000)
	for _, opts := range []Options{{}, {Completion: CompletionAdd1}, {Completion: CompletionAdd1, Add1Stepwise: true}} {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if _, err := AllocateContext(ctx, inst, opts); !errors.Is(err, context.Canceled) {
			t.Errorf("%+v, cancelled before: error %v, want context.Canceled", opts, err)
		}
		// Cancelled in the middle: after a few dozen picks of the first run.
		if _, err := AllocateContext(&cancelAfter{Context: context.Background(), n: 40}, inst, opts); !errors.Is(err, context.Canceled) {
			t.Errorf("%+v, cancelled during: error %v, want context.Canceled", opts, err)
		}
	}
}
