package tally

import (
	"errors"
	"testing"
)

func TestValidationErrors(t *testing.T) {
	ranked := func(b ...Ballot) Election { return Election{Candidates: letters(3), Type: BallotRanked, Ballots: b} }
	cases := []struct {
		name  string
		e     Election
		kind  error
		field string
		msg   string
	}{
		{"no candidates", Election{Type: BallotRanked}, ErrInvalid, "candidates", "candidates: the election has no candidates"},
		{"duplicate candidate names", Election{Candidates: []string{"A", "A"}, Type: BallotRanked}, ErrDuplicateCandidate, "candidates[1]", `candidates[1]: candidate "A" is listed twice (also at index 0)`},
		{"empty name", Election{Candidates: []string{""}, Type: BallotRanked}, ErrInvalid, "candidates[0]", "candidates[0]: candidate name is empty"},
		{"control character", Election{Candidates: []string{"A\nB"}, Type: BallotRanked}, ErrInvalid, "candidates[0]", `candidates[0]: candidate name "A\nB" contains a control character`},
		{"missing type", Election{Candidates: letters(2)}, ErrInvalid, "ballot_type", "ballot_type: the ballot type is missing; want one of ranked, approval, score, dot"},
		{"unknown type", Election{Candidates: letters(2), Type: "stars"}, ErrInvalid, "ballot_type", `ballot_type: unknown ballot type "stars"; want one of ranked, approval, score, dot`},
		{"unknown candidate", ranked(Ballot{Ranking: [][]int{{0}, {7}}}), ErrUnknownCandidate, "ballots[0].ranking[1]", "ballots[0].ranking[1]: unknown candidate index 7"},
		{"negative index", ranked(Ballot{}, Ballot{Ranking: [][]int{{-1}}}), ErrUnknownCandidate, "ballots[1].ranking[0]", "ballots[1].ranking[0]: unknown candidate index -1"},
		{"duplicate in ranking", ranked(Ballot{Ranking: [][]int{{0, 1}, {1}}}), ErrDuplicateCandidate, "ballots[0].ranking[1]", `ballots[0].ranking[1]: candidate "B" appears more than once in the ranking`},
		{"empty tier", ranked(Ballot{Ranking: [][]int{{0}, {}}}), ErrInvalid, "ballots[0].ranking[1]", "ballots[0].ranking[1]: tier is empty"},
		{"negative weight", ranked(Ballot{Weight: -2}), ErrInvalid, "ballots[0].weight", "ballots[0].weight: weight must be positive, got -2"},
		{"wrong field", ranked(Ballot{Approved: []int{0}}), ErrInvalid, "ballots[0].approved", "ballots[0].approved: a ranked ballot cannot have approved"},
		{"duplicate approval", Election{Candidates: letters(3), Type: BallotApproval, Ballots: []Ballot{{Approved: []int{2, 2}}}}, ErrDuplicateCandidate, "ballots[0].approved", `ballots[0].approved: candidate "C" is approved more than once`},
		{"score out of range", Election{Candidates: letters(3), Type: BallotScore, MaxScore: 5, Ballots: []Ballot{{Scores: map[int]int{1: 6}}}}, ErrScoreOutOfRange, "ballots[0].scores", `ballots[0].scores: score 6 for candidate "B" is outside 0..5`},
		{"negative score", Election{Candidates: letters(3), Type: BallotScore, MaxScore: 5, Ballots: []Ballot{{Scores: map[int]int{0: -1}}}}, ErrScoreOutOfRange, "ballots[0].scores", `ballots[0].scores: score -1 for candidate "A" is outside 0..5`},
		{"missing max score", Election{Candidates: letters(3), Type: BallotScore}, ErrInvalid, "options.max_score", "options.max_score: score ballots need a maximum score of at least 1, got 0"},
		{"over budget", Election{Candidates: letters(3), Type: BallotDot, PointsBudget: 10, Ballots: []Ballot{{Points: map[int]int{0: 6, 1: 5}}}}, ErrOverBudget, "ballots[0].points", "ballots[0].points: ballot spends more than the budget of 10 points"},
		{"huge points do not overflow", Election{Candidates: letters(3), Type: BallotDot, PointsBudget: 10, Ballots: []Ballot{{Points: map[int]int{0: 1 << 62, 1: 1 << 62, 2: 1 << 62}}}}, ErrOverBudget, "ballots[0].points", "ballots[0].points: ballot spends more than the budget of 10 points"},
		{"negative points", Election{Candidates: letters(3), Type: BallotDot, PointsBudget: 10, Ballots: []Ballot{{Points: map[int]int{0: -1}}}}, ErrInvalid, "ballots[0].points", `ballots[0].points: points for candidate "A" must not be negative, got -1`},
		{"missing budget", Election{Candidates: letters(3), Type: BallotDot}, ErrInvalid, "options.points", "options.points: dot ballots need a points budget of at least 1, got 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Tally(c.e, Options{})
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("Tally error = %v, want *InputError", err)
			}
			if !errors.Is(err, c.kind) || ie.Field != c.field || err.Error() != c.msg {
				t.Errorf("got %q (field %q, kind %v), want %q (field %q, kind %v)", err, ie.Field, ie.Kind, c.msg, c.field, c.kind)
			}
			if err2 := c.e.Validate(); err2 == nil || err2.Error() != err.Error() {
				t.Errorf("Validate() = %v, want the same error as Tally", err2)
			}
		})
	}
}

func TestOptionErrors(t *testing.T) {
	ranked := Election{Candidates: letters(2), Type: BallotRanked}
	approval := Election{Candidates: letters(2), Type: BallotApproval}
	cases := []struct {
		e    Election
		o    Options
		want string
	}{
		{ranked, Options{Method: "irv"}, `method: unknown method "irv"; want one of schulze, ranked-pairs, borda, approval, score, dot`},
		{ranked, Options{Method: MethodApproval}, "method: method approval cannot count ranked ballots; use method schulze"},
		{approval, Options{Method: MethodSchulze}, "method: method schulze needs ranked ballots, but the ballots are approval ballots; use method approval"},
		{ranked, Options{Strength: "losing"}, `strength: unknown link strength "losing"; want one of winning, margin, ratio`},
		{ranked, Options{Method: MethodBorda, Strength: StrengthMargin}, "strength: link strength only applies to methods schulze and ranked-pairs, not borda"},
		{ranked, Options{Unranked: "bottom"}, `unranked: unknown treatment of unranked candidates "bottom"; want one of tied-last, ignore`},
		{approval, Options{Unranked: UnrankedIgnore}, "unranked: the unranked option only applies to ranked methods, not approval"},
	}
	for _, c := range cases {
		_, err := Tally(c.e, c.o)
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrInvalid) {
			t.Errorf("Tally(%+v) error = %v, want %q", c.o, err, c.want)
		}
	}
}

func TestDefaultOptionsAreReported(t *testing.T) {
	r := mustTally(t, Election{Candidates: letters(2), Type: BallotRanked}, Options{})
	if r.Method != MethodSchulze || r.Strength != StrengthWinning || r.Unranked != UnrankedTiedLast {
		t.Errorf("defaults = %s/%s/%s", r.Method, r.Strength, r.Unranked)
	}
	r = mustTally(t, Election{Candidates: letters(2), Type: BallotRanked}, Options{Method: MethodBorda})
	if r.Strength != "" || r.Unranked != UnrankedTiedLast {
		t.Errorf("borda options = %q/%q", r.Strength, r.Unranked)
	}
}

func TestTallyDoesNotModifyInput(t *testing.T) {
	e := election(t, letters(3), "2 C>A=B", "1 B>A")
	before := writeJSONString(t, e)
	mustTally(t, e, Options{Method: MethodRankedPairs})
	mustTally(t, e, Options{Method: MethodBorda})
	mustTally(t, e, Options{})
	if after := writeJSONString(t, e); after != before {
		t.Errorf("election changed by Tally:\n%s\n%s", before, after)
	}
}
