package tally

import (
	"reflect"
	"strings"
	"testing"
)

// The summary leads with who won and by what margin, and any tie.
func TestSummary(t *testing.T) {
	ranked := func(tiers ...[]int) Ballot { return Ballot{Ranking: tiers} }
	cases := []struct {
		name string
		e    Election
		o    Options
		want []string
	}{
		{"schulze winner", Election{Candidates: []string{"Quotas", "Alerts", "Dashboards"}, Type: BallotRanked,
			Ballots: []Ballot{ranked([]int{0}, []int{1}, []int{2}), ranked([]int{0}, []int{2}, []int{1}), ranked([]int{1}, []int{0}, []int{2})}},
			Options{}, []string{"Quotas wins: head to head it beats Alerts 2 to 1, the next place."}},
		{"tie for first", Election{Candidates: letters(3), Type: BallotApproval, Ballots: []Ballot{{Approved: []int{0, 1}}}},
			Options{}, []string{"A and B tie for first place; no tie-break was applied."}},
		{"dot with a tie below", Election{Candidates: letters(3), Type: BallotDot, PointsBudget: 10,
			Ballots: []Ballot{{Points: map[int]int{0: 6, 1: 2, 2: 2}}}},
			Options{}, []string{"A wins with 6 points, 4 more than B and C (tied).", "B and C share place 2."}},
		{"score", Election{Candidates: letters(2), Type: BallotScore, MaxScore: 5,
			Ballots: []Ballot{{Scores: map[int]int{0: 5, 1: 2}}}},
			Options{}, []string{"A wins with a total score of 5, 3 more than B."}},
	}
	for _, c := range cases {
		r := mustTally(t, c.e, c.o)
		if !reflect.DeepEqual(r.Summary, c.want) {
			t.Errorf("%s: summary %q, want %q", c.name, r.Summary, c.want)
		}
	}
}

// Possessives of names ending in s take an apostrophe alone.
func TestExplanationPossessives(t *testing.T) {
	e := Election{Candidates: []string{"Per-course resource quotas", "Alert", "Dashboards"}, Type: BallotRanked,
		Ballots: []Ballot{{Ranking: [][]int{{0}, {1}, {2}}}, {Ranking: [][]int{{1}, {0}, {2}}}, {Ranking: [][]int{{0}, {2}, {1}}}}}
	r := mustTally(t, e, Options{})
	text := joinLines(r.Explanation)
	if strings.Contains(text, "s's") {
		t.Errorf("explanation has s's:\n%s", text)
	}
	if !strings.Contains(text, "Per-course resource quotas' strongest path") {
		t.Errorf("possessives:\n%s", text)
	}
	if possessive("Alert") != "Alert's" || possessive("ALERTS") != "ALERTS'" {
		t.Errorf("possessive: %s, %s", possessive("Alert"), possessive("ALERTS"))
	}
}
