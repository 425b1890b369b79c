package matching

import (
	"encoding/json"
	"errors"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func contribs(recipient string, amounts ...int64) []Contribution {
	out := make([]Contribution, len(amounts))
	for i, a := range amounts {
		out[i] = Contribution{Contributor: recipient + "-donor" + string(rune('a'+i)), Recipient: recipient, Amount: a}
	}
	return out
}

func frac(s string) *big.Rat {
	r, err := parseRat(s)
	if err != nil {
		panic(err)
	}
	return r
}

func TestQuadraticFundingHandComputed(t *testing.T) {
	twoProjects := append(contribs("A", 25, 25, 25, 25), contribs("B", 100, 100)...) // ideal 300 and 200
	cases := []struct {
		name      string
		in        Input
		matches   map[string]int64
		ideal     map[string]int64
		saturated []string
		scale     string
		leftover  int64
		poolSat   bool
	}{
		{
			name:    "one contributor gets no match",
			in:      Input{MatchPool: 1000, Contributions: contribs("A", 100)},
			matches: map[string]int64{"A": 0}, ideal: map[string]int64{"A": 0},
			scale: "1", leftover: 1000,
		},
		{
			name:    "four contributors of 25: (4·5)² − 100 = 300",
			in:      Input{MatchPool: 1000, Contributions: contribs("A", 25, 25, 25, 25)},
			matches: map[string]int64{"A": 300}, ideal: map[string]int64{"A": 300},
			scale: "1", leftover: 700,
		},
		{
			name:    "capital-constrained: scaled down to the pool",
			in:      Input{MatchPool: 150, Contributions: contribs("A", 25, 25, 25, 25)},
			matches: map[string]int64{"A": 150}, ideal: map[string]int64{"A": 300},
			scale: "0.5", leftover: 0, poolSat: true,
		},
		{
			name:    "two projects scaled proportionally",
			in:      Input{MatchPool: 250, Contributions: twoProjects},
			matches: map[string]int64{"A": 150, "B": 100}, ideal: map[string]int64{"A": 300, "B": 200},
			scale: "0.5", poolSat: true,
		},
		{
			name: "cap with redistribution: A capped at 125, B raised from 100 to 125",
			in:   Input{MatchPool: 250, MatchingCapPerProject: frac("0.5"), Contributions: twoProjects},
			// λ = 0.5 puts A at 150 > 125; the 25 above the cap goes to B:
			// λ = 125/200 = 0.625, B = 125 (not above the cap).
			matches: map[string]int64{"A": 125, "B": 125}, ideal: map[string]int64{"A": 300, "B": 200},
			saturated: []string{"A"}, scale: "0.625", poolSat: true,
		},
		{
			name:    "cap with keep_cap_overflow: the money above the cap stays in the pool",
			in:      Input{MatchPool: 250, MatchingCapPerProject: frac("1/2"), KeepCapOverflow: true, Contributions: twoProjects},
			matches: map[string]int64{"A": 125, "B": 100}, ideal: map[string]int64{"A": 300, "B": 200},
			saturated: []string{"A"}, scale: "0.5", leftover: 25, poolSat: true,
		},
		{
			name: "redistribution iterates until stable",
			in:   Input{MatchPool: 250, MatchingCapPerProject: frac("0.4"), Contributions: twoProjects},
			// Round 1: λ = 0.5, A = 150 > 100 is capped. Round 2: λ = 150/200 =
			// 0.75, B = 150 > 100 is capped too. Both at 100, 50 left.
			matches: map[string]int64{"A": 100, "B": 100}, ideal: map[string]int64{"A": 300, "B": 200},
			saturated: []string{"A", "B"}, scale: "0.75", leftover: 50, poolSat: true,
		},
		{
			name: "redistribution never exceeds the ideal match",
			in:   Input{MatchPool: 1000, MatchingCapPerProject: frac("0.1"), Contributions: twoProjects},
			// Not capital-constrained: A (300) is cut to 100, B keeps 200?
			// No: B (200) is above the cap as well.
			matches: map[string]int64{"A": 100, "B": 100}, ideal: map[string]int64{"A": 300, "B": 200},
			saturated: []string{"A", "B"}, scale: "1", leftover: 800,
		},
		{
			name: "unconstrained pool with a cap: the uncapped project keeps its ideal",
			in: Input{MatchPool: 1000, MatchingCapPerProject: frac("0.25"),
				Contributions: append(contribs("A", 25, 25, 25, 25), contribs("B", 1, 1)...)},
			// A: 300 > 250 is cut; B: (1+1)² − 2 = 2 stays 2 (no scaling up).
			matches: map[string]int64{"A": 250, "B": 2}, ideal: map[string]int64{"A": 300, "B": 2},
			saturated: []string{"A"}, scale: "1", leftover: 748,
		},
		{
			name: "a contributor's contributions to one project are summed first",
			in: Input{MatchPool: 1000, Contributions: []Contribution{
				{"x", "A", 10}, {"x", "A", 15}, {"y", "A", 25},
			}},
			// (5 + 5)² − 50 = 50; counted separately it would be higher.
			matches: map[string]int64{"A": 50}, ideal: map[string]int64{"A": 50},
			scale: "1", leftover: 950,
		},
		{
			name:    "irrational roots with an integer result: (√2+√8)² − 10 = 8 exactly",
			in:      Input{MatchPool: 1000, Contributions: contribs("A", 2, 8)},
			matches: map[string]int64{"A": 8}, ideal: map[string]int64{"A": 8},
			scale: "1", leftover: 992,
		},
		{
			name:    "irrational result is floored: (1+√2)² − 3 = 2√2 ≈ 2.83",
			in:      Input{MatchPool: 1000, Contributions: contribs("A", 1, 2)},
			matches: map[string]int64{"A": 2}, ideal: map[string]int64{"A": 2},
			scale: "1", leftover: 998,
		},
		{
			name:    "floors per project, remainder stays in the pool",
			in:      Input{MatchPool: 100, Contributions: append(append(contribs("A", 1, 1), contribs("B", 1, 1)...), contribs("C", 1, 1)...)},
			matches: map[string]int64{"A": 2, "B": 2, "C": 2}, ideal: map[string]int64{"A": 2, "B": 2, "C": 2},
			scale: "1", leftover: 94,
		},
		{
			name:    "floors per project when scaled: 3 × 33.33…",
			in:      Input{MatchPool: 100, Contributions: append(append(contribs("A", 25, 25, 25, 25), contribs("B", 25, 25, 25, 25)...), contribs("C", 25, 25, 25, 25)...)},
			matches: map[string]int64{"A": 33, "B": 33, "C": 33}, ideal: map[string]int64{"A": 300, "B": 300, "C": 300},
			scale: "0.11111111111111111111", leftover: 1, poolSat: true,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := QuadraticFunding(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Matches, tc.matches) || !reflect.DeepEqual(res.Ideal, tc.ideal) {
				t.Fatalf("matches %v ideal %v, want %v %v", res.Matches, res.Ideal, tc.matches, tc.ideal)
			}
			if tc.saturated == nil {
				tc.saturated = []string{}
			}
			if !reflect.DeepEqual(res.Saturated, tc.saturated) || res.Scale != tc.scale ||
				res.Leftover != tc.leftover || res.PoolSaturated != tc.poolSat {
				t.Fatalf("saturated %v scale %s leftover %d poolSat %v; want %v %s %d %v",
					res.Saturated, res.Scale, res.Leftover, res.PoolSaturated, tc.saturated, tc.scale, tc.leftover, tc.poolSat)
			}
			if res.TotalMatched+res.Leftover != tc.in.MatchPool {
				t.Fatalf("total %d + leftover %d != pool", res.TotalMatched, res.Leftover)
			}
		})
	}
}

func TestQuadraticFundingJSON(t *testing.T) {
	in, err := ParseInput(strings.NewReader(`{"match_pool": 250, "matching_cap_per_project": "1/2",
		"contributions": [
			{"contributor": "a", "recipient": "A", "amount": 25}, {"contributor": "b", "recipient": "A", "amount": 25},
			{"contributor": "c", "recipient": "A", "amount": 25}, {"contributor": "d", "recipient": "A", "amount": 25},
			{"contributor": "a", "recipient": "B", "amount": 100}, {"contributor": "e", "recipient": "B", "amount": 100}]}`))
	if err != nil {
		t.Fatal(err)
	}
	res, err := QuadraticFunding(in)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := json.Marshal(res)
	want := `{"matches":{"A":125,"B":125},"ideal":{"A":300,"B":200},"contributed":{"A":100,"B":200},` +
		`"contributors":{"A":4,"B":2},"saturated":["A"],"cap":125,"pool_saturated":true,"scale":"0.625",` +
		`"total_matched":250,"leftover":0}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
}

func TestParseInputErrors(t *testing.T) {
	ok := `{"contributor":"a","recipient":"A","amount":1}`
	cases := []struct {
		name, doc, field, msg string
		line                  int
	}{
		{"empty document", ``, "", "unexpected end of input", 1},
		{"malformed", "{\"match_pool\": 10,\n\"contributions\": [" + ok + ",]}", "contributions[1]", "malformed JSON", 2},
		{"unknown field", `{"match_pool":10,"contributions":[` + ok + `],"bonus":1}`, "bonus", `unknown field "bonus"`, 1},
		{"unknown contribution field", `{"match_pool":10,"contributions":[{"contributor":"a","recipient":"A","amount":1,"memo":"x"}]}`, "contributions[0].memo", "unknown field", 1},
		{"missing pool", `{"contributions":[` + ok + `]}`, "match_pool", "required", 1},
		{"zero pool", `{"match_pool":0,"contributions":[` + ok + `]}`, "match_pool", "must be positive", 1},
		{"fractional pool", `{"match_pool":1.5,"contributions":[` + ok + `]}`, "match_pool", "no fractions", 1},
		{"missing contributions", `{"match_pool":10}`, "contributions", "required", 1},
		{"empty contributions", `{"match_pool":10,"contributions":[]}`, "contributions", "must not be empty", 1},
		{"negative amount", "{\"match_pool\":10,\"contributions\":[\n" + `{"contributor":"a","recipient":"A","amount":-4}]}`, "contributions[0].amount", "must be positive", 2},
		{"zero amount", `{"match_pool":10,"contributions":[` + ok + `,{"contributor":"a","recipient":"A","amount":0}]}`, "contributions[1].amount", "must be positive", 1},
		{"amount as string", `{"match_pool":10,"contributions":[{"contributor":"a","recipient":"A","amount":"4"}]}`, "contributions[0].amount", "must be an integer", 1},
		{"empty recipient", `{"match_pool":10,"contributions":[{"contributor":"a","recipient":"","amount":4}]}`, "contributions[0].recipient", "must not be empty", 1},
		{"missing contributor", `{"match_pool":10,"contributions":[{"recipient":"A","amount":4}]}`, "contributions[0].contributor", "required", 1},
		{"cap above 1", `{"match_pool":10,"matching_cap_per_project":1.5,"contributions":[` + ok + `]}`, "matching_cap_per_project", "at most 1", 1},
		{"cap zero", `{"match_pool":10,"matching_cap_per_project":"0","contributions":[` + ok + `]}`, "matching_cap_per_project", "greater than 0", 1},
		{"cap not a number", `{"match_pool":10,"matching_cap_per_project":"quarter","contributions":[` + ok + `]}`, "matching_cap_per_project", "decimal number or a fraction", 1},
		{"cap absurd exponent", `{"match_pool":10,"matching_cap_per_project":1e-999999,"contributions":[` + ok + `]}`, "matching_cap_per_project", "exponent", 1},
		{"both caps", `{"match_pool":10,"matching_cap_per_project":"1/2","matching_cap_amount":5,"contributions":[` + ok + `]}`, "matching_cap_amount", "not both", 1},
		{"cap amount zero", `{"match_pool":10,"matching_cap_amount":0,"contributions":[` + ok + `]}`, "matching_cap_amount", "positive amount", 1},
		{"cap amount fractional", `{"match_pool":10,"matching_cap_amount":2.5,"contributions":[` + ok + `]}`, "matching_cap_amount", "no fractions", 1},
		{"keep_cap_overflow not bool", `{"match_pool":10,"keep_cap_overflow":"yes","contributions":[` + ok + `]}`, "keep_cap_overflow", "true or false", 1},
		{"ignore_saturation not bool", `{"match_pool":10,"ignore_saturation":1,"contributions":[` + ok + `]}`, "ignore_saturation", "true or false", 1},
		{"duplicate key", `{"match_pool":10,"match_pool":11,"contributions":[` + ok + `]}`, "match_pool", "duplicate field", 1},
		{"trailing data", `{"match_pool":10,"contributions":[` + ok + `]} {}`, "", "after the top-level value", 1},
		{"trailing garbage", `{"match_pool":10,"contributions":[` + ok + `]} x`, "", "malformed JSON", 1},
		{"overflow", `{"match_pool":10,"contributions":[{"contributor":"a","recipient":"A","amount":9223372036854775807},{"contributor":"a","recipient":"A","amount":1}]}`,
			"contributions[1].amount", "64-bit", 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseInput(strings.NewReader(tc.doc))
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("want Errors, got %v", err)
			}
			for _, fe := range es {
				if fe.Field == tc.field && strings.Contains(fe.Message, tc.msg) {
					if fe.Line != tc.line || fe.Column < 1 {
						t.Fatalf("position %d:%d, want line %d (%v)", fe.Line, fe.Column, tc.line, fe)
					}
					return
				}
			}
			t.Fatalf("want %s: ...%s..., got %v", tc.field, tc.msg, es)
		})
	}
}

func TestValidateProgrammatic(t *testing.T) {
	_, err := QuadraticFunding(Input{MatchPool: -1, Contributions: []Contribution{{"a", "", 0}}})
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "match_pool" || fe.Line != 0 {
		t.Fatalf("got %v", err)
	}
	var es Errors
	if !errors.As(err, &es) || len(es) != 3 {
		t.Fatalf("want 3 errors, got %v", err)
	}
}

// Invariants on random rounds: matches never exceed the pool, the cap or
// the ideal match; scaling is proportional; input order does not matter.
func TestPropertyInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 30).Draw(t, "n")
		in := Input{MatchPool: rapid.Int64Range(1, 1_000_000).Draw(t, "pool")}
		for i := 0; i < n; i++ {
			in.Contributions = append(in.Contributions, Contribution{
				Contributor: rapid.SampledFrom([]string{"a", "b", "c", "d", "e", "f"}).Draw(t, "who"),
				Recipient:   rapid.SampledFrom([]string{"P", "Q", "R", "S"}).Draw(t, "to"),
				Amount:      rapid.Int64Range(1, 100_000).Draw(t, "amount"),
			})
		}
		if rapid.Bool().Draw(t, "capped") {
			if rapid.Bool().Draw(t, "capAsAmount") {
				a := rapid.Int64Range(1, in.MatchPool).Draw(t, "capAmount")
				in.MatchingCapAmount = &a
			} else {
				in.MatchingCapPerProject = big.NewRat(rapid.Int64Range(1, 100).Draw(t, "capPct"), 100)
			}
			in.KeepCapOverflow = rapid.Bool().Draw(t, "keep")
		}
		in.IgnoreSaturation = rapid.Bool().Draw(t, "ignoreSaturation")
		capped := in.MatchingCapPerProject != nil || in.MatchingCapAmount != nil
		res, err := QuadraticFunding(in)
		if err != nil {
			t.Fatal(err)
		}
		var sum, idealSum int64
		for name, m := range res.Matches {
			sum += m
			idealSum += res.Ideal[name]
			if m < 0 || (!in.IgnoreSaturation && m > res.Ideal[name]) {
				t.Fatalf("%s: match %d outside [0, ideal %d]", name, m, res.Ideal[name])
			}
			if res.Cap != nil && m > *res.Cap {
				t.Fatalf("%s: match %d above cap %d", name, m, *res.Cap)
			}
		}
		if sum != res.TotalMatched || sum > in.MatchPool || res.Leftover != in.MatchPool-sum {
			t.Fatalf("total %d leftover %d pool %d", sum, res.Leftover, in.MatchPool)
		}
		if !capped && in.IgnoreSaturation && idealSum > int64(len(res.Matches)) && in.MatchPool-sum > int64(len(res.Matches)) {
			t.Fatalf("ignore_saturation must distribute the whole pool: %d of %d left", in.MatchPool-sum, in.MatchPool)
		}
		if !capped && !in.IgnoreSaturation {
			if !res.PoolSaturated && sum != idealSum {
				t.Fatalf("unsaturated pool must pay the ideal matches: %d vs %d", sum, idealSum)
			}
			if res.PoolSaturated && in.MatchPool-sum > int64(len(res.Matches)) {
				t.Fatalf("saturated pool leaves %d > one unit per project", in.MatchPool-sum)
			}
		} else if capped && !in.KeepCapOverflow && !in.IgnoreSaturation && in.MatchPool-sum > int64(len(res.Matches)) {
			// Money is left (beyond rounding) only if nobody can take more:
			// every project is at its cap or at its ideal match.
			for name, m := range res.Matches {
				if !slices.Contains(res.Saturated, name) && m < res.Ideal[name]-1 {
					t.Fatalf("%d left in the pool although %s is at %d below cap and ideal %d", in.MatchPool-sum, name, m, res.Ideal[name])
				}
			}
		}
		shuffled := in
		shuffled.Contributions = rapid.Permutation(in.Contributions).Draw(t, "perm")
		again, err := QuadraticFunding(shuffled)
		if err != nil || !reflect.DeepEqual(res, again) {
			t.Fatalf("order changes the result: %v vs %v (%v)", res, again, err)
		}
	})
}

func TestLargeAmounts(t *testing.T) {
	in := Input{MatchPool: math.MaxInt64, Contributions: []Contribution{
		{"a", "A", math.MaxInt64 / 4}, {"b", "A", math.MaxInt64 / 4}, {"c", "B", 1}, {"d", "B", 1},
	}}
	res, err := QuadraticFunding(in)
	if err != nil {
		t.Fatal(err)
	}
	// A: (2·√x)² − 2x = 2x with x = ⌊MaxInt64/4⌋; B: 2. Sum < pool.
	if res.Matches["A"] != 2*(math.MaxInt64/4) || res.Matches["B"] != 2 {
		t.Fatalf("got %v", res.Matches)
	}
}
