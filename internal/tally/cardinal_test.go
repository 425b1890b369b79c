package tally

import (
	"reflect"
	"testing"
)

func ptr(v float64) *float64 { return &v }

func TestApproval(t *testing.T) {
	e := Election{
		Candidates: []string{"Search", "Dark mode", "Offline sync"},
		Type:       BallotApproval,
		Ballots: []Ballot{
			{Approved: []int{0, 2}},
			{Weight: 3, Approved: []int{1}},
			{Approved: []int{0}},
			{Approved: []int{}},
		},
	}
	r := mustTally(t, e, Options{})
	if r.Method != MethodApproval || r.Ballots != 6 {
		t.Errorf("method %s, ballots %d", r.Method, r.Ballots)
	}
	assertRanking(t, r, [][]string{{"Dark mode"}, {"Search"}, {"Offline sync"}})
	want := []CandidateScore{{"Dark mode", 3, nil}, {"Search", 2, nil}, {"Offline sync", 1, nil}}
	if !reflect.DeepEqual(r.Scores, want) {
		t.Errorf("scores = %v, want %v", r.Scores, want)
	}
	if !containsSentence(r.Explanation, "Dark mode: approved on 3 ballots.") {
		t.Errorf("explanation:\n%s", joinLines(r.Explanation))
	}
}

func TestApprovalTie(t *testing.T) {
	e := Election{Candidates: letters(3), Type: BallotApproval, Ballots: []Ballot{{Approved: []int{0, 1}}}}
	r := mustTally(t, e, Options{})
	assertRanking(t, r, tiersOf("AB C"))
	if !containsSentence(r.Explanation, "A and B are tied for first place with the most approvals. No tie-break was applied.") {
		t.Errorf("explanation:\n%s", joinLines(r.Explanation))
	}
}

func TestScore(t *testing.T) {
	e := Election{
		Candidates: letters(3),
		Type:       BallotScore,
		MaxScore:   5,
		Ballots: []Ballot{
			{Scores: map[int]int{0: 5, 1: 3}},
			{Weight: 2, Scores: map[int]int{1: 4, 2: 1}},
			{Scores: map[int]int{0: 0, 2: 5}},
		},
	}
	r := mustTally(t, e, Options{Method: MethodScore})
	// A: 5, B: 3+8 = 11, C: 2+5 = 7 over 4 ballots.
	want := []CandidateScore{{"B", 11, ptr(2.75)}, {"C", 7, ptr(1.75)}, {"A", 5, ptr(1.25)}}
	if !reflect.DeepEqual(r.Scores, want) {
		t.Errorf("scores = %v, want %v", r.Scores, want)
	}
	assertRanking(t, r, tiersOf("B C A"))
	if !containsSentence(r.Explanation, "B: total 11, mean 2.75.") {
		t.Errorf("explanation:\n%s", joinLines(r.Explanation))
	}
}

func TestDot(t *testing.T) {
	e := Election{
		Candidates:   letters(3),
		Type:         BallotDot,
		PointsBudget: 10,
		Ballots: []Ballot{
			{Points: map[int]int{0: 7, 2: 3}},
			{Points: map[int]int{1: 10}},
			{Weight: 2, Points: map[int]int{2: 4}}, // under budget is fine
		},
	}
	r := mustTally(t, e, Options{})
	want := []CandidateScore{{"B", 10, nil}, {"C", 11, nil}, {"A", 7, nil}}
	want[0], want[1] = want[1], want[0]
	if !reflect.DeepEqual(r.Scores, want) {
		t.Errorf("scores = %v, want %v", r.Scores, want)
	}
	assertRanking(t, r, tiersOf("C B A"))
}

func TestNoBallotsIsFullTie(t *testing.T) {
	for _, typ := range BallotTypes {
		e := Election{Candidates: letters(3), Type: typ, MaxScore: 5, PointsBudget: 10}
		r := mustTally(t, e, Options{})
		assertRanking(t, r, tiersOf("ABC"))
		if r.Ballots != 0 {
			t.Errorf("%s: ballots = %d", typ, r.Ballots)
		}
	}
}

func TestSingleCandidate(t *testing.T) {
	e := election(t, []string{"Only"}, "2 Only")
	for _, m := range []Method{MethodSchulze, MethodRankedPairs, MethodBorda} {
		r := mustTally(t, e, Options{Method: m})
		assertRanking(t, r, [][]string{{"Only"}})
		if m != MethodBorda && r.Explanation[len(r.Explanation)-1] != "Only wins as the only candidate." {
			t.Errorf("%s explanation:\n%s", m, joinLines(r.Explanation))
		}
	}
}
