package pledge

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"slices"
	"testing"
)

func rat(s string) *big.Rat {
	r, err := ParseRat(s)
	if err != nil {
		panic(err)
	}
	return r
}

func offer(id, ratio string, cap int64, cond *Condition) MatchingOffer {
	return MatchingOffer{ID: id, Ratio: rat(ratio), Cap: cap, Condition: cond}
}

type resolveCase struct {
	name      string
	in        Input
	active    []string
	amounts   map[string]int64
	exact     map[string]string // checked when non-nil
	pledged   int64
	matched   int64
	collected int64
}

func runResolveCases(t *testing.T, cases []resolveCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.in.Currency == "" {
				tc.in.Currency = "EUR"
			}
			res, err := Resolve(tc.in)
			if err != nil {
				t.Fatalf("Resolve: %v", err)
			}
			o := resolved(res)
			if tc.active == nil {
				tc.active = []string{}
			}
			if !slices.Equal(o.Active, tc.active) {
				t.Errorf("active = %v, want %v", o.Active, tc.active)
			}
			if tc.amounts != nil {
				got := o.Amounts.Map()
				if len(got) != len(tc.amounts) {
					t.Errorf("amounts = %v, want %v", got, tc.amounts)
				}
				for id, want := range tc.amounts {
					if got[id] != want {
						t.Errorf("amount[%s] = %d, want %d", id, got[id], want)
					}
				}
			}
			for id, want := range tc.exact {
				if o.Exact[id] != want {
					t.Errorf("exact[%s] = %q, want %q", id, o.Exact[id], want)
				}
			}
			if o.TotalPledged != tc.pledged || o.Matched != tc.matched || o.Collected != tc.collected {
				t.Errorf("pledged/matched/collected = %d/%d/%d, want %d/%d/%d",
					o.TotalPledged, o.Matched, o.Collected, tc.pledged, tc.matched, tc.collected)
			}
			// Inactive is the complement of Active.
			all := slices.Concat(o.Active, res.Inactive)
			slices.Sort(all)
			if len(all) != len(tc.in.Pledges)+len(tc.in.Matching) {
				t.Errorf("active %v + inactive %v do not cover the input", o.Active, res.Inactive)
			}
		})
	}
}

func TestResolveConditions(t *testing.T) {
	runResolveCases(t, []resolveCase{
		{
			name:    "firm pledges",
			in:      Input{Pledges: []Pledge{Fixed("a", 100, nil), Fixed("b", 250, nil)}},
			active:  []string{"a", "b"},
			amounts: map[string]int64{"a": 100, "b": 250},
			pledged: 350, collected: 350,
		},
		{
			name: "we commit X if others invest 3X: met",
			in: Input{Pledges: []Pledge{
				Fixed("small", 100, TotalAtLeast(300)), Fixed("big", 300, nil),
			}},
			active:  []string{"big", "small"},
			pledged: 400, collected: 400,
		},
		{
			name: "we commit X if others invest 3X: one cent short",
			in: Input{Pledges: []Pledge{
				Fixed("small", 100, TotalAtLeast(300)), Fixed("big", 299, nil),
			}},
			active:  []string{"big"},
			pledged: 299, collected: 299,
		},
		{
			name:    "own money is not others' money",
			in:      Input{Pledges: []Pledge{Fixed("a", 100, TotalAtLeast(100)), Fixed("b", 50, nil)}},
			active:  []string{"b"},
			pledged: 50, collected: 50,
		},
		{
			name: "others_count_at_least met",
			in: Input{Pledges: []Pledge{
				Fixed("a", 10, CountAtLeast(2)), Fixed("b", 10, nil), Fixed("c", 10, nil),
			}},
			active:  []string{"a", "b", "c"},
			pledged: 30, collected: 30,
		},
		{
			name:    "others_count_at_least not met",
			in:      Input{Pledges: []Pledge{Fixed("a", 10, CountAtLeast(2)), Fixed("b", 10, nil)}},
			active:  []string{"b"},
			pledged: 10, collected: 10,
		},
		{
			name: "a crowdmatcher paying 0 after flooring is not counted as a pledger",
			in: Input{Pledges: []Pledge{
				Fixed("a", 10, CountAtLeast(2)), Fixed("b", 10, nil),
				Crowdmatching("c", rat("1/100"), 10, nil),
			}},
			active:  []string{"b", "c"},
			amounts: map[string]int64{"b": 10, "c": 0},
			exact:   map[string]string{"c": "1/10"},
			pledged: 10, collected: 10,
		},
		{
			name:    "pledger_active met",
			in:      Input{Pledges: []Pledge{Fixed("a", 10, Active("b")), Fixed("b", 10, nil)}},
			active:  []string{"a", "b"},
			pledged: 20, collected: 20,
		},
		{
			name:    "pledger_active of an inactive pledger",
			in:      Input{Pledges: []Pledge{Fixed("a", 10, Active("b")), Fixed("b", 10, TotalAtLeast(1000))}},
			active:  []string{},
			pledged: 0, collected: 0,
		},
		{
			name:    "mutual pledger_active: both activate",
			in:      Input{Pledges: []Pledge{Fixed("a", 10, Active("b")), Fixed("b", 20, Active("a"))}},
			active:  []string{"a", "b"},
			pledged: 30, collected: 30,
		},
		{
			name:    "mutual thresholds: both activate (greatest fixed point)",
			in:      Input{Pledges: []Pledge{Fixed("a", 100, TotalAtLeast(100)), Fixed("b", 100, TotalAtLeast(100))}},
			active:  []string{"a", "b"},
			pledged: 200, collected: 200,
		},
		{
			name:   "mutual thresholds that cannot both hold",
			in:     Input{Pledges: []Pledge{Fixed("a", 100, TotalAtLeast(150)), Fixed("b", 100, TotalAtLeast(150))}},
			active: []string{},
		},
		{
			name: "three-way cycle",
			in: Input{Pledges: []Pledge{
				Fixed("a", 1, Active("b")), Fixed("b", 1, Active("c")), Fixed("c", 1, All(Active("a"), CountAtLeast(2))),
			}},
			active:  []string{"a", "b", "c"},
			pledged: 3, collected: 3,
		},
		{
			name: "chain of thresholds",
			in: Input{Pledges: []Pledge{
				Fixed("f", 10, nil), Fixed("b", 10, TotalAtLeast(10)), Fixed("c", 10, TotalAtLeast(20)),
				Fixed("d", 10, TotalAtLeast(30)), Fixed("e", 10, TotalAtLeast(50)),
			}},
			active:  []string{"b", "c", "d", "f"},
			pledged: 40, collected: 40,
		},
		{
			name: "cascading withdrawal along a chain",
			in: Input{Pledges: []Pledge{
				Fixed("f", 40, nil), Fixed("e", 10, TotalAtLeast(100)),
				Fixed("d", 10, Active("e")), Fixed("c", 10, Active("d")), Fixed("b", 10, Any(Active("c"), TotalAtLeast(1000))),
			}},
			active:  []string{"f"},
			pledged: 40, collected: 40,
		},
		{
			name: "a withdrawal lowers the total below another threshold",
			in: Input{Pledges: []Pledge{
				Fixed("f", 50, nil), Fixed("a", 50, TotalAtLeast(120)), Fixed("b", 20, TotalAtLeast(100)),
			}},
			// With everyone: a sees 70 and leaves; b then sees 50 and leaves.
			active:  []string{"f"},
			pledged: 50, collected: 50,
		},
		{
			name: "all",
			in: Input{Pledges: []Pledge{
				Fixed("a", 10, All(TotalAtLeast(10), Active("b"), CountAtLeast(1))), Fixed("b", 10, nil),
				Fixed("c", 10, All(TotalAtLeast(10), TotalAtLeast(1000))),
			}},
			active:  []string{"a", "b"},
			pledged: 20, collected: 20,
		},
		{
			name: "any",
			in: Input{Pledges: []Pledge{
				Fixed("a", 10, Any(TotalAtLeast(1000), Active("b"))), Fixed("b", 10, nil),
				Fixed("c", 10, Any(TotalAtLeast(1000), CountAtLeast(5))),
			}},
			active:  []string{"a", "b"},
			pledged: 20, collected: 20,
		},
		{
			name: "nested all/any",
			in: Input{Pledges: []Pledge{
				Fixed("a", 10, Any(All(Active("b"), Active("c")), TotalAtLeast(500))),
				Fixed("b", 10, nil), Fixed("c", 10, Any(CountAtLeast(9), All(Active("b"), TotalAtLeast(20)))),
			}},
			active:  []string{"a", "b", "c"},
			pledged: 30, collected: 30,
		},
		{
			name:   "no pledges",
			in:     Input{},
			active: []string{},
		},
	})
}

func TestResolveMatchingAndCrowdmatching(t *testing.T) {
	runResolveCases(t, []resolveCase{
		{
			name:    "matching capped",
			in:      Input{Pledges: []Pledge{Fixed("a", 100, nil), Fixed("b", 100, nil)}, Matching: []MatchingOffer{offer("m", "1", 150, nil)}},
			active:  []string{"a", "b", "m"},
			amounts: map[string]int64{"a": 100, "b": 100, "m": 150},
			pledged: 200, matched: 150, collected: 350,
		},
		{
			name:    "matching below its cap",
			in:      Input{Pledges: []Pledge{Fixed("a", 100, nil), Fixed("b", 101, nil)}, Matching: []MatchingOffer{offer("m", "0.5", 1000, nil)}},
			active:  []string{"a", "b", "m"},
			amounts: map[string]int64{"a": 100, "b": 101, "m": 100},
			exact:   map[string]string{"m": "201/2"},
			pledged: 201, matched: 100, collected: 301,
		},
		{
			name: "matching offers do not match each other",
			in: Input{Pledges: []Pledge{Fixed("a", 100, nil)}, Matching: []MatchingOffer{
				offer("m1", "1", 1000, nil), offer("m2", "2", 1000, nil),
			}},
			active:  []string{"a", "m1", "m2"},
			amounts: map[string]int64{"a": 100, "m1": 100, "m2": 200},
			pledged: 100, matched: 300, collected: 400,
		},
		{
			name: "conditional matching offer",
			in: Input{Pledges: []Pledge{Fixed("a", 100, nil), Fixed("b", 100, nil)}, Matching: []MatchingOffer{
				offer("m", "1", 1000, TotalAtLeast(300)), offer("n", "1", 1000, CountAtLeast(2)),
			}},
			active:  []string{"a", "b", "n"},
			pledged: 200, matched: 200, collected: 400,
		},
		{
			name:    "pledge conditional on a matching offer",
			in:      Input{Pledges: []Pledge{Fixed("a", 100, Active("m"))}, Matching: []MatchingOffer{offer("m", "1", 50, Active("a"))}},
			active:  []string{"a", "m"},
			pledged: 100, matched: 50, collected: 150,
		},
		{
			name: "two crowdmatchers at rate 1 and a firm 10 both reach their max",
			in: Input{Pledges: []Pledge{
				Crowdmatching("c1", rat("1"), 100, nil), Crowdmatching("c2", rat("1"), 100, nil), Fixed("f", 10, nil),
			}},
			active:  []string{"c1", "c2", "f"},
			amounts: map[string]int64{"c1": 100, "c2": 100, "f": 10},
			pledged: 210, collected: 210,
		},
		{
			name: "two crowdmatchers at rate 1/2 and nothing else give 0",
			in: Input{Pledges: []Pledge{
				Crowdmatching("c1", rat("0.5"), 100, nil), Crowdmatching("c2", rat("0.5"), 100, nil),
			}},
			active:  []string{"c1", "c2"},
			amounts: map[string]int64{"c1": 0, "c2": 0},
			exact:   map[string]string{"c1": "0", "c2": "0"},
		},
		{
			name: "geometric series: two at 1/2 around a firm 10 converge to exactly 10 each",
			// Naive iteration: 5, 7.5, 8.75, ... never reaches 10.
			in: Input{Pledges: []Pledge{
				Fixed("f", 10, nil), Crowdmatching("c1", rat("1/2"), 1000, nil), Crowdmatching("c2", rat("1/2"), 1000, nil),
			}},
			active:  []string{"c1", "c2", "f"},
			amounts: map[string]int64{"f": 10, "c1": 10, "c2": 10},
			exact:   map[string]string{"c1": "10", "c2": "10"},
			pledged: 30, collected: 30,
		},
		{
			name: "three at 1/2 around a firm 10 diverge, so all reach their max",
			in: Input{Pledges: []Pledge{
				Fixed("f", 10, nil), Crowdmatching("c1", rat("1/2"), 1000, nil),
				Crowdmatching("c2", rat("1/2"), 1000, nil), Crowdmatching("c3", rat("1/2"), 1000, nil),
			}},
			active:  []string{"c1", "c2", "c3", "f"},
			amounts: map[string]int64{"f": 10, "c1": 1000, "c2": 1000, "c3": 1000},
			pledged: 3010, collected: 3010,
		},
		{
			name: "three at 1/2, one with a lower max: the others settle exactly",
			in: Input{Pledges: []Pledge{
				Fixed("f", 10, nil), Crowdmatching("c1", rat("1/2"), 1000, nil),
				Crowdmatching("c2", rat("1/2"), 1000, nil), Crowdmatching("c3", rat("1/2"), 700, nil),
			}},
			// c3 = 700 (capped); c1 = (10 + 700 + c2)/2 and symmetric: 710.
			active:  []string{"c1", "c2", "c3", "f"},
			amounts: map[string]int64{"f": 10, "c1": 710, "c2": 710, "c3": 700},
			pledged: 2130, collected: 2130,
		},
		{
			name:    "fractional amount is floored",
			in:      Input{Pledges: []Pledge{Fixed("f", 9, nil), Crowdmatching("c", rat("1/2"), 100, nil)}},
			active:  []string{"c", "f"},
			amounts: map[string]int64{"f": 9, "c": 4},
			exact:   map[string]string{"c": "9/2"},
			pledged: 13, collected: 13,
		},
		{
			name: "different rates in a cycle",
			in: Input{Pledges: []Pledge{
				Fixed("f", 1, nil), Crowdmatching("c1", rat("1/2"), 100, nil), Crowdmatching("c2", rat("1/3"), 100, nil),
			}},
			active:  []string{"c1", "c2", "f"},
			amounts: map[string]int64{"f": 1, "c1": 0, "c2": 0},
			exact:   map[string]string{"c1": "4/5", "c2": "3/5"},
			pledged: 1, collected: 1,
		},
		{
			name: "one crowdmatcher capped, the other linear",
			in: Input{Pledges: []Pledge{
				Fixed("f", 100, nil), Crowdmatching("c1", rat("1"), 30, nil), Crowdmatching("c2", rat("1/2"), 1000, nil),
			}},
			// c1 = 30 (capped); c2 = (100 + 30 + 0)/2 = 65 exactly.
			active:  []string{"c1", "c2", "f"},
			amounts: map[string]int64{"f": 100, "c1": 30, "c2": 65},
			pledged: 195, collected: 195,
		},
		{
			name: "crowdmatching with a condition",
			in: Input{Pledges: []Pledge{
				Fixed("f", 100, nil), Crowdmatching("c", rat("1"), 500, CountAtLeast(2)),
			}},
			active:  []string{"f"},
			pledged: 100, collected: 100,
		},
		{
			name: "crowdmatching and matching feed each other only with match_counts_as_others",
			in: Input{Pledges: []Pledge{Fixed("f", 100, nil), Crowdmatching("c", rat("1"), 1000, nil)},
				Matching: []MatchingOffer{offer("m", "1", 1000, nil)}},
			active:  []string{"c", "f", "m"},
			amounts: map[string]int64{"f": 100, "c": 100, "m": 200},
			pledged: 200, matched: 200, collected: 400,
		},
		{
			name: "crowdmatching and matching with match_counts_as_others",
			in: Input{MatchCountsAsOthers: true, Pledges: []Pledge{Fixed("f", 100, nil), Crowdmatching("c", rat("1"), 1000, nil)},
				Matching: []MatchingOffer{offer("m", "1", 1000, nil)}},
			active:  []string{"c", "f", "m"},
			amounts: map[string]int64{"f": 100, "c": 1000, "m": 1000},
			pledged: 1100, matched: 1000, collected: 2100,
		},
		{
			name: "match_counts_as_others=false: matched money is not others' money",
			in: Input{Pledges: []Pledge{Fixed("f", 100, nil), Fixed("a", 10, TotalAtLeast(150))},
				Matching: []MatchingOffer{offer("m", "1", 100, nil)}},
			active:  []string{"f", "m"},
			pledged: 100, matched: 100, collected: 200,
		},
		{
			name: "match_counts_as_others=true: matched money is others' money",
			in: Input{MatchCountsAsOthers: true, Pledges: []Pledge{Fixed("f", 100, nil), Fixed("a", 10, TotalAtLeast(150))},
				Matching: []MatchingOffer{offer("m", "1", 100, nil)}},
			active:  []string{"a", "f", "m"},
			pledged: 110, matched: 100, collected: 210,
		},
		{
			name: "match_counts_as_others also counts sponsors as pledgers",
			in: Input{MatchCountsAsOthers: true, Pledges: []Pledge{Fixed("f", 100, nil), Fixed("a", 10, CountAtLeast(2))},
				Matching: []MatchingOffer{offer("m", "1", 100, nil)}},
			active:  []string{"a", "f", "m"},
			pledged: 110, matched: 100, collected: 210,
		},
		{
			name: "withdrawal lowers crowdmatching, which withdraws another pledge",
			in: Input{Pledges: []Pledge{
				Fixed("f", 100, nil), Fixed("a", 100, TotalAtLeast(1000)),
				Crowdmatching("c", rat("1"), 1000, nil), Fixed("b", 10, TotalAtLeast(300)),
			}},
			// With a: c would give 210 and b would see 410; a sees at most
			// 100+10+210 < 1000 and leaves, then c = 110 and b sees 210 < 300.
			active:  []string{"c", "f"},
			amounts: map[string]int64{"f": 100, "c": 100},
			pledged: 200, collected: 200,
		},
	})
}

// Conditions are evaluated on floored amounts (the money actually committed),
// not on the exact rationals.
func TestConditionsUseFlooredAmounts(t *testing.T) {
	base := []Pledge{
		Fixed("f", 3, nil), Crowdmatching("c1", rat("1/7"), 100, nil), Crowdmatching("c2", rat("1/7"), 100, nil),
	}
	// Exactly: c1 = c2 = 1/2, so the pledged total is exactly 4, but only
	// 3 + 0 + 0 = 3 is committed.
	runResolveCases(t, []resolveCase{
		{
			name:    "threshold 4 fails on the committed 3",
			in:      Input{Pledges: base, Matching: []MatchingOffer{offer("m", "1", 100, TotalAtLeast(4))}},
			active:  []string{"c1", "c2", "f"},
			exact:   map[string]string{"c1": "1/2", "c2": "1/2"},
			pledged: 3, collected: 3,
		},
		{
			name:   "threshold 3 holds; the offer matches the exact pledged total 4",
			in:     Input{Pledges: base, Matching: []MatchingOffer{offer("m", "1", 100, TotalAtLeast(3))}},
			active: []string{"c1", "c2", "f", "m"},
			exact:  map[string]string{"m": "4"},
			// The rules of rule-based entries apply to exact amounts, see FORMAT.md.
			pledged: 3, matched: 4, collected: 7,
		},
	})
}

func TestAllOrNothing(t *testing.T) {
	in := Input{Currency: "EUR", Goal: ptr(int64(1000)), AllOrNothing: true, Pledges: []Pledge{
		Fixed("f", 300, nil), Fixed("a", 200, TotalAtLeast(300)), Fixed("x", 5, TotalAtLeast(10_000)),
	}}
	res := mustResolveT(t, in)
	if res.Funded || res.Committed || res.Shortfall != 500 {
		t.Fatalf("funded=%v committed=%v shortfall=%d", res.Funded, res.Committed, res.Shortfall)
	}
	if len(res.Active) != 0 || len(res.Amounts) != 0 || res.Collected != 0 || res.TotalPledged != 0 {
		t.Fatalf("unfunded all-or-nothing must commit nothing: %+v", res.Outcome)
	}
	if res.WouldBe == nil || !slices.Equal(res.WouldBe.Active, []string{"a", "f"}) || res.WouldBe.Collected != 500 {
		t.Fatalf("would_be = %+v", res.WouldBe)
	}
	if !slices.Equal(res.Inactive, []string{"x"}) {
		t.Fatalf("inactive = %v", res.Inactive)
	}

	in.Goal = ptr(int64(500))
	res = mustResolveT(t, in)
	if !res.Funded || !res.Committed || res.WouldBe != nil || res.Collected != 500 || res.Shortfall != 0 {
		t.Fatalf("funded all-or-nothing: %+v", res)
	}

	// Without all-or-nothing an unfunded goal still commits the pledges.
	in.Goal = ptr(int64(1000))
	in.AllOrNothing = false
	res = mustResolveT(t, in)
	if res.Funded || !res.Committed || res.Collected != 500 || res.Shortfall != 500 || res.WouldBe != nil {
		t.Fatalf("keep-it-all: %+v", res)
	}

	// No goal: funded by definition.
	in.Goal = nil
	res = mustResolveT(t, in)
	if !res.Funded || res.Shortfall != 0 {
		t.Fatalf("no goal: %+v", res)
	}
}

func TestResolveOverflow(t *testing.T) {
	for _, in := range []Input{
		{Currency: "EUR", Pledges: []Pledge{Fixed("a", math.MaxInt64, nil), Fixed("b", 1, nil)}},
		{Currency: "EUR", Pledges: []Pledge{Fixed("a", math.MaxInt64/2+1, nil), Crowdmatching("b", rat("1"), math.MaxInt64/2+1, nil)}},
		{Currency: "EUR", Pledges: []Pledge{Fixed("a", math.MaxInt64-5, nil)}, Matching: []MatchingOffer{offer("m", "1", 6, nil)}},
	} {
		_, err := Resolve(in)
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Message == "" {
			t.Fatalf("want an overflow FieldError, got %v", err)
		}
		t.Log(err)
	}
	// The largest representable total is fine.
	res, err := Resolve(Input{Currency: "EUR", Pledges: []Pledge{
		Fixed("a", math.MaxInt64-1, nil), Crowdmatching("b", rat("1"), 1, nil),
	}})
	if err != nil || res.Collected != math.MaxInt64 {
		t.Fatalf("max total: %v %v", res.Collected, err)
	}
}

func TestResultJSON(t *testing.T) {
	in := Input{Currency: "EUR", Goal: ptr(int64(100)), Pledges: []Pledge{
		Fixed("b", 9, nil), Crowdmatching("a", rat("1/2"), 10, nil), Fixed("z", 1, TotalAtLeast(1000)),
	}}
	res := mustResolveT(t, in)
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"currency":"EUR","goal":100,"all_or_nothing":false,"match_counts_as_others":false,` +
		`"active":["a","b"],"amounts":{"a":4,"b":9},"exact_amounts":{"a":"9/2"},` +
		`"total_pledged":13,"matched":0,"collected":13,"funded":false,"committed":true,"shortfall":87,"inactive":["z"]}`
	if string(got) != want {
		t.Fatalf("JSON:\n got %s\nwant %s", got, want)
	}
}
