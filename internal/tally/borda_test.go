package tally

import (
	"reflect"
	"testing"
)

// Borda points of the Tennessee example as given in the Wikipedia Borda
// count article (per 100 voters): Nashville 194, Chattanooga 173,
// Memphis 126, Knoxville 107.
func TestBordaTennessee(t *testing.T) {
	r := mustTally(t, tennesseeElection(t), Options{Method: MethodBorda})
	assertRanking(t, r, [][]string{{"Nashville"}, {"Chattanooga"}, {"Memphis"}, {"Knoxville"}})
	want := []CandidateScore{{"Nashville", 194, nil}, {"Chattanooga", 173, nil}, {"Memphis", 126, nil}, {"Knoxville", 107, nil}}
	if !reflect.DeepEqual(r.Scores, want) {
		t.Errorf("scores = %v, want %v", r.Scores, want)
	}
}

func TestBordaTiesAndUnranked(t *testing.T) {
	// One ballot A > B=C > D (n=4): A 3, B 1.5, C 1.5, D 0.
	// One ballot ranking only D, everyone else unranked:
	//   tied-last: D 3, and A, B, C share the bottom: 1 point each;
	//   ignore:    nobody scores anything from it.
	e := election(t, letters(4), "1 A>B=C>D", "1 D")
	cases := []struct {
		mode Unranked
		want []float64 // A, B, C, D
	}{
		{UnrankedTiedLast, []float64{4, 2.5, 2.5, 3}},
		{UnrankedIgnore, []float64{3, 1.5, 1.5, 0}},
	}
	for _, c := range cases {
		r := mustTally(t, e, Options{Method: MethodBorda, Unranked: c.mode})
		got := make([]float64, 4)
		for _, s := range r.Scores {
			got[indexOf(e.Candidates, s.Candidate)] = s.Total
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: totals = %v, want %v", c.mode, got, c.want)
		}
		if !reflect.DeepEqual(got, bruteForceBorda(e, c.mode)) {
			t.Errorf("%s: totals %v differ from brute force %v", c.mode, got, bruteForceBorda(e, c.mode))
		}
	}
	r := mustTally(t, e, Options{Method: MethodBorda})
	assertRanking(t, r, tiersOf("A D BC"))
}

func indexOf(names []string, name string) int {
	for i, n := range names {
		if n == name {
			return i
		}
	}
	return -1
}
