package pledge

import (
	"slices"
	"testing"
)

// The near-linear resolver against the naive reference on inputs shaped
// like the benchmark (long cascades through thresholds and references).
func TestLargeAgainstReference(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		in := genLarge(1000, seed, seed%2 == 0)
		in.MatchCountsAsOthers = seed == 4
		res := mustResolveT(t, in)
		o := resolved(res)
		wantActive, wantExact := refResolve(in)
		var want []string
		for id := range wantActive {
			want = append(want, id)
		}
		slices.Sort(want)
		if !slices.Equal(o.Active, want) {
			t.Fatalf("seed %d: %d active, reference %d", seed, len(o.Active), len(want))
		}
		for id, x := range wantExact {
			if got, _ := o.Amounts.Get(id); got != refFloor(x) {
				t.Fatalf("seed %d: amount of %s = %d, reference %s", seed, id, got, x.RatString())
			}
		}
		if len(res.Inactive) == 0 || len(o.Active) == 0 {
			t.Fatalf("seed %d: degenerate test input (%d active, %d inactive)", seed, len(o.Active), len(res.Inactive))
		}
		t.Logf("seed %d: %d active, %d inactive", seed, len(o.Active), len(res.Inactive))
	}
}
