package pledge

import (
	"errors"
	"reflect"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestWhatIf(t *testing.T) {
	base := Input{Currency: "EUR", Goal: ptr(int64(1000)), Pledges: []Pledge{
		Fixed("f", 100, nil), Fixed("a", 100, TotalAtLeast(300)), Fixed("b", 50, Active("a")),
	}}
	cases := []struct {
		name string
		in   Input
		p    Pledge
		want WhatIfResult
	}{
		{
			name: "a pledge unlocks others",
			in:   base, p: Fixed("z", 200, nil),
			want: WhatIfResult{ID: "z", Active: true, Amount: 200, CollectedBefore: 100, CollectedAfter: 450,
				DeltaCollected: 350, Unlocked: 150, NewlyActive: []string{"a", "b"}},
		},
		{
			name: "a pledge too small to unlock anything",
			in:   base, p: Fixed("z", 100, nil),
			want: WhatIfResult{ID: "z", Active: true, Amount: 100, CollectedBefore: 100, CollectedAfter: 200,
				DeltaCollected: 100, Unlocked: 0, NewlyActive: []string{}},
		},
		{
			name: "a conditional pledge that would not hold",
			in:   base, p: Fixed("z", 500, TotalAtLeast(10_000)),
			want: WhatIfResult{ID: "z", CollectedBefore: 100, CollectedAfter: 100, NewlyActive: []string{}},
		},
		{
			name: "a conditional pledge that holds only together with what it unlocks",
			in:   base, p: Fixed("z", 200, Active("b")),
			want: WhatIfResult{ID: "z", Active: true, Amount: 200, CollectedBefore: 100, CollectedAfter: 450,
				DeltaCollected: 350, Unlocked: 150, NewlyActive: []string{"a", "b"}},
		},
		{
			name: "crowdmatching and matching respond",
			in: Input{Currency: "EUR", Pledges: []Pledge{Fixed("f", 100, nil), Crowdmatching("c", rat("1"), 500, nil)},
				Matching: []MatchingOffer{offer("m", "1/2", 1000, nil)}},
			p: Fixed("z", 100, nil),
			// before: c = 100, m = 100 → 300; after: c = 200, m = 200 → 600.
			want: WhatIfResult{ID: "z", Active: true, Amount: 100, CollectedBefore: 300, CollectedAfter: 600,
				DeltaCollected: 300, Unlocked: 200, NewlyActive: []string{}, FundedBefore: true, FundedAfter: true},
		},
		{
			name: "hypothetical crowdmatching pledge",
			in:   Input{Currency: "EUR", Pledges: []Pledge{Fixed("f", 100, nil)}},
			p:    Crowdmatching("z", rat("1/2"), 1000, nil),
			want: WhatIfResult{ID: "z", Active: true, Amount: 50, CollectedBefore: 100, CollectedAfter: 150,
				DeltaCollected: 50, Unlocked: 0, NewlyActive: []string{}, FundedBefore: true, FundedAfter: true},
		},
		{
			name: "reaching the goal",
			in:   Input{Currency: "EUR", Goal: ptr(int64(300)), AllOrNothing: true, Pledges: []Pledge{Fixed("f", 100, nil)}},
			p:    Fixed("z", 200, nil),
			want: WhatIfResult{ID: "z", Active: true, Amount: 200, CollectedBefore: 100, CollectedAfter: 300,
				DeltaCollected: 200, NewlyActive: []string{}, FundedAfter: true},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := WhatIf(tc.in, tc.p)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestWhatIfErrors(t *testing.T) {
	in := Input{Currency: "EUR", Pledges: []Pledge{Fixed("f", 100, nil)}}
	for _, tc := range []struct {
		p     Pledge
		field string
	}{
		{Fixed("f", 1, nil), "pledge.id"},
		{Fixed("z", 0, nil), "pledge.amount"},
		{Fixed("z", 1, Active("nobody")), "pledge.condition.id"},
		{Fixed("z", 1, Active("z")), "pledge.condition.id"},
	} {
		_, err := WhatIf(in, tc.p)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tc.field {
			t.Errorf("WhatIf(%v): want error at %s, got %v", tc.p, tc.field, err)
		}
	}
	// Nothing in the input may refer to the hypothetical pledge.
	in.Pledges = append(in.Pledges, Fixed("g", 5, Active("z")))
	_, err := WhatIf(in, Fixed("z", 1, nil))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "pledges[1].condition.id" {
		t.Fatalf("reference to the hypothetical pledge: %v", err)
	}
}

func TestClosestToUnlocking(t *testing.T) {
	in := Input{Currency: "EUR", Pledges: []Pledge{
		Fixed("f", 100, nil),
		Fixed("a", 10, TotalAtLeast(200)),
		Fixed("b", 10, CountAtLeast(5)),
		Fixed("c", 10, All(TotalAtLeast(110), Active("a"))),
		Fixed("d", 10, Any(TotalAtLeast(1000), CountAtLeast(6))),
	}}
	got, err := ClosestToUnlocking(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []UnlockHint{
		{ID: "a", MoreMoney: ptr(int64(100))},
		{ID: "d", MoreMoney: ptr(int64(900)), MorePledgers: ptr(int64(5))},
		{ID: "b", MorePledgers: ptr(int64(4))},
		{ID: "c", WaitingOn: []string{"a"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %v\nwant %v", hintsString(got), hintsString(want))
	}
	// Each money hint is exact: that much more makes the pledge active.
	in.Pledges = append(in.Pledges, Fixed("donor", 100, nil))
	res := mustResolveT(t, in)
	if _, ok := res.Amounts.Get("a"); !ok {
		t.Fatalf("100 more did not unlock a: %v", res.Active)
	}
}

func hintsString(hs []UnlockHint) string {
	s := ""
	for _, h := range hs {
		s += h.ID + ":"
		if h.MoreMoney != nil {
			s += " money " + itoa(*h.MoreMoney)
		}
		if h.MorePledgers != nil {
			s += " pledgers " + itoa(*h.MorePledgers)
		}
		s += " waiting " + itoa(int64(len(h.WaitingOn))) + "; "
	}
	return s
}

func itoa(v int64) string { return Money{Amount: v, Currency: "JPY"}.String() }

func TestUnlockAmount(t *testing.T) {
	in := Input{Currency: "EUR", Goal: ptr(int64(500000)), Pledges: []Pledge{
		Fixed("rust-berlin", 100000, TotalAtLeast(360000)),
		Fixed("gophers-lyon", 150000, Active("rust-berlin")),
		Fixed("py-oslo", 160000, All(CountAtLeast(2), Active("gophers-lyon"))),
		Crowdmatching("crowd", rat("1/10"), 100000, nil),
		Fixed("needs-ten", 1, CountAtLeast(10)),
		Fixed("waits", 1, Active("needs-ten")),
	}, Matching: []MatchingOffer{offer("foundation", "1/2", 100000, nil)}}
	// A newcomer giving d makes rust-berlin see 310000 + d + ⌊(410000+d)/10⌋
	// (the crowdmatcher responds to everyone), which reaches 360000 at
	// d = 8182 — and rust-berlin brings gophers-lyon and py-oslo along.
	for id, want := range map[string]int64{"rust-berlin": 8182, "gophers-lyon": 8182, "py-oslo": 8182, "crowd": 0} {
		got, ok, err := UnlockAmount(in, id)
		if err != nil || !ok || got != want {
			t.Errorf("UnlockAmount(%s) = %d %v %v, want %d", id, got, ok, err, want)
		}
	}
	for _, id := range []string{"needs-ten", "waits"} {
		if got, ok, err := UnlockAmount(in, id); err != nil || ok {
			t.Errorf("UnlockAmount(%s) = %d %v %v, want not possible", id, got, ok, err)
		}
	}
	if _, _, err := UnlockAmount(in, "nobody"); err == nil {
		t.Error("unknown id accepted")
	}
	w, err := WhatIf(in, Fixed("newcomer", 8182, nil))
	if err != nil || !reflect.DeepEqual(w.NewlyActive, []string{"gophers-lyon", "py-oslo", "rust-berlin"}) || w.DeltaCollected != 560000 {
		t.Fatalf("WhatIf(8182) = %+v %v", w, err)
	}
	if w, _ := WhatIf(in, Fixed("newcomer", 8181, nil)); len(w.NewlyActive) != 0 {
		t.Fatalf("WhatIf(8181) = %+v", w)
	}
}

// UnlockAmount against a linear scan over every amount.
func TestPropertyUnlockAmount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := genInput(t, 10, 3)
		if len(in.Pledges) == 0 {
			return
		}
		id := rapid.SampledFrom(in.Pledges).Draw(t, "target").ID
		got, ok, err := UnlockAmount(in, id)
		if err != nil {
			t.Fatal(err)
		}
		want, wantOK := int64(0), false
		for d := int64(0); d <= 260; d++ {
			probe := in
			if d > 0 {
				probe.Pledges = append(slices.Clone(in.Pledges), Fixed("probe", d, nil))
			}
			if _, active := resolved(mustResolveT(t, probe)).Amounts.Get(id); active {
				want, wantOK = d, true
				break
			}
		}
		if got != want || ok != wantOK {
			t.Fatalf("UnlockAmount = %d %v, linear scan %d %v", got, ok, want, wantOK)
		}
	})
}
