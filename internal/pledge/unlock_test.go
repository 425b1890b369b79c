package pledge

import "testing"

// Money can also satisfy others_count_at_least: a crowdmatcher (or, with
// match_counts_as_others, a matching offer) giving 0 is not counted, and
// the newcomer's money can lift it to a positive amount. UnlockAmount used
// to search only up to the largest others_total_at_least value and missed
// these.
func TestUnlockAmountThroughRuleBasedPledgers(t *testing.T) {
	needsTwo := func() Pledge { return Fixed("e0", 1, Any(CountAtLeast(2))) }
	cases := []struct {
		name   string
		in     Input
		want   int64
		wantOK bool
	}{{
		// The crowdmatcher sees d + 1 (the newcomer and e0) and gives
		// ⌊(d+1)/7⌋, positive from d = 6; then e0 has two contributing
		// others. (Found by TestPropertyUnlockAmount.)
		name: "crowdmatcher turns positive",
		in: Input{Currency: "EUR", Pledges: []Pledge{
			needsTwo(), Crowdmatching("e1", rat("1/7"), 1, nil)}},
		want: 6, wantOK: true,
	}, {
		// The offer matches d + 1 and gives ⌊(d+1)/5⌋, positive from d = 4,
		// and counts as a pledger.
		name: "matching offer counted as others turns positive",
		in: Input{Currency: "EUR", MatchCountsAsOthers: true, Pledges: []Pledge{needsTwo()},
			Matching: []MatchingOffer{offer("m", "1/5", 1, nil)}},
		want: 4, wantOK: true,
	}, {
		name: "matching offer not counted as others",
		in: Input{Currency: "EUR", Pledges: []Pledge{needsTwo()},
			Matching: []MatchingOffer{offer("m", "1/5", 1, nil)}},
		wantOK: false,
	}, {
		// ⌈1/r⌉ is far above any total threshold: the search must reach it.
		name: "tiny rate beyond every threshold",
		in: Input{Currency: "EUR", Pledges: []Pledge{
			Fixed("e0", 1, All(CountAtLeast(2), TotalAtLeast(10))),
			Crowdmatching("e1", rat("1/1000000"), 5, nil)}},
		want: 999999, wantOK: true,
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok, err := UnlockAmount(tc.in, "e0")
			if err != nil || ok != tc.wantOK || got != tc.want {
				t.Fatalf("UnlockAmount(e0) = %d %v %v, want %d %v", got, ok, err, tc.want, tc.wantOK)
			}
			if !ok {
				return
			}
			// Cross-check with a plain resolution at the answer and one below.
			for d, active := range map[int64]bool{got: true, got - 1: false} {
				probe := tc.in
				probe.Pledges = append(append([]Pledge{}, tc.in.Pledges...), Fixed("probe", d, nil))
				if _, isActive := resolved(mustResolveT(t, probe)).Amounts.Get("e0"); isActive != active {
					t.Errorf("with a newcomer giving %d, e0 active = %v, want %v", d, isActive, active)
				}
			}
		})
	}
}
