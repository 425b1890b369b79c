package matching

import (
	"reflect"
	"testing"
)

// gitcoinContributions is the round of Gitcoin's linear QF tests: their
// pluralistic.js package, src/test/linear.test.ts (itself taken from the
// grants-stack docs, packages/api/docs/linearQF.md, "QF calculation
// example"), in USDC minor units (6 decimals). Ideal matches: project_1
// (1+2+1+3)² − 15 = 34, project_2 8² − 10 = 54, project_3 14² − 34 = 162;
// 250 USDC in all.
func gitcoinContributions() []Contribution {
	const usdc = 1_000_000
	rows := []struct {
		sender, project string
		amount          int64
	}{
		{"sender_1", "project_1", 1}, {"sender_2", "project_1", 4}, {"sender_3", "project_1", 1}, {"sender_4", "project_1", 9},
		{"sender_1", "project_2", 1}, {"sender_2", "project_2", 1}, {"sender_3", "project_2", 1}, {"sender_4", "project_2", 1},
		{"sender_5", "project_2", 1}, {"sender_6", "project_2", 1}, {"sender_7", "project_2", 4},
		{"sender_1", "project_3", 1}, {"sender_2", "project_3", 9}, {"sender_3", "project_3", 1}, {"sender_4", "project_3", 9},
		{"sender_5", "project_3", 1}, {"sender_6", "project_3", 9}, {"sender_7", "project_3", 4},
	}
	out := make([]Contribution, len(rows))
	for i, r := range rows {
		out[i] = Contribution{Contributor: r.sender, Recipient: r.project, Amount: r.amount * usdc}
	}
	return out
}

// TestGitcoinLinearQF reproduces every published case of Gitcoin's
// reference linear QF tests (gitcoinco/pluralistic.js,
// src/test/linear.test.ts, the version with 6-decimal bigint amounts):
// saturated, not saturated, not saturated with ignoreSaturation, a pool
// smaller than the donations, a matching cap (matchingCapAmount, with
// ignoreSaturation) and single-contributor projects.
func TestGitcoinLinearQF(t *testing.T) {
	capAmount := int64(50_000_000)
	cases := []struct {
		name    string
		in      Input
		matches map[string]int64
		total   int64 // the distributed amount their test checks
	}{
		{
			name:    "calculates the matches when round is saturated",
			in:      Input{MatchPool: 100_000_000},
			matches: map[string]int64{"project_1": 13_600_000, "project_2": 21_600_000, "project_3": 64_800_000},
			total:   100_000_000,
		},
		{
			name:    "calculates the matches when round is not saturated",
			in:      Input{MatchPool: 1_000_000_000},
			matches: map[string]int64{"project_1": 34_000_000, "project_2": 54_000_000, "project_3": 162_000_000},
			total:   250_000_000,
		},
		{
			name:    "calculates the matches when round is not saturated but forcing saturation",
			in:      Input{MatchPool: 1_000_000_000, IgnoreSaturation: true},
			matches: map[string]int64{"project_1": 136_000_000, "project_2": 216_000_000, "project_3": 648_000_000},
			total:   1_000_000_000,
		},
		{
			name:    "calculates the matches with total donations greater than matching amount",
			in:      Input{MatchPool: 10_000_000},
			matches: map[string]int64{"project_1": 1_360_000, "project_2": 2_160_000, "project_3": 6_480_000},
			total:   10_000_000,
		},
		{
			// Their test allows the distributed total to fall 1 short of the
			// pool: each match is floored.
			name:    "calculates the matches with matching cap",
			in:      Input{MatchPool: 100_000_000, IgnoreSaturation: true, MatchingCapAmount: &capAmount},
			matches: map[string]int64{"project_1": 19_318_181, "project_2": 30_681_818, "project_3": 50_000_000},
			total:   99_999_999,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.in.Contributions = gitcoinContributions()
			res, err := QuadraticFunding(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Matches, tc.matches) || res.TotalMatched != tc.total {
				t.Errorf("matches %v (total %d), Gitcoin's %v (total %d)", res.Matches, res.TotalMatched, tc.matches, tc.total)
			}
		})
	}
	// The same cap given as a fraction of the pool (1/2 of 100 USDC).
	t.Run("matching cap as a fraction", func(t *testing.T) {
		res, err := QuadraticFunding(Input{MatchPool: 100_000_000, IgnoreSaturation: true, MatchingCapPerProject: frac("1/2"),
			Contributions: gitcoinContributions()})
		if err != nil {
			t.Fatal(err)
		}
		if res.Matches["project_1"] != 19_318_181 || res.Matches["project_3"] != 50_000_000 || *res.Cap != capAmount {
			t.Errorf("matches %v cap %v", res.Matches, *res.Cap)
		}
	})
	t.Run("calculates when all projects receive less than one contribution", func(t *testing.T) {
		res, err := QuadraticFunding(Input{MatchPool: 100_000, IgnoreSaturation: true, Contributions: []Contribution{
			{"sender_1", "project_1", 100}, {"sender_2", "project_2", 200}}})
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int64{"project_1": 0, "project_2": 0}; !reflect.DeepEqual(res.Matches, want) {
			t.Errorf("matches %v, want %v", res.Matches, want)
		}
	})
}
