package tally

import (
	"reflect"
	"strings"
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
	//   ignore (modified Borda count): D 1 and the others nothing; the
	//   first ballot ranks all four, so it gives 4, 2.5, 2.5, 1.
	e := election(t, letters(4), "1 A>B=C>D", "1 D")
	cases := []struct {
		mode Unranked
		want []float64 // A, B, C, D
	}{
		{UnrankedTiedLast, []float64{4, 2.5, 2.5, 3}},
		{UnrankedIgnore, []float64{4, 2.5, 2.5, 2}},
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

// scoresByName maps each candidate to its total.
func scoresByName(r *Result) map[string]float64 {
	out := map[string]float64{}
	for _, s := range r.Scores {
		out[s.Candidate] = s.Total
	}
	return out
}

// With unranked candidates ignored, Borda is the modified Borda count
// (Emerson): a ballot ranking k candidates gives k points to its first
// choice down to 1 for its last, and 0 to the unranked.
func TestModifiedBordaCount(t *testing.T) {
	// A bullet vote puts its candidate ahead (it used to be a three-way tie).
	bullet := mustTally(t, election(t, letters(3), "1 A"), Options{Method: MethodBorda, Unranked: UnrankedIgnore})
	assertRanking(t, bullet, tiersOf("A BC"))

	// Published examples. Wikipedia, "Borda count", section "Modified Borda
	// count": with ten candidates, a voter ranking only five gives 5 points
	// to the first preference, 4 to the second, and so on down to 1; the
	// other five get nothing. Electowiki, "Borda count" (variants): a ballot
	// ranking A first and B second, the rest unranked, gives 2 points to A
	// and 1 to B.
	cases := []struct {
		name   string
		ballot string
		want   map[string]float64
	}{
		{"wikipedia: five of ten ranked", "1 A>B>C>D>E", map[string]float64{"A": 5, "B": 4, "C": 3, "D": 2, "E": 1,
			"F": 0, "G": 0, "H": 0, "I": 0, "J": 0}},
		{"electowiki: two of ten ranked", "1 A>B", map[string]float64{"A": 2, "B": 1,
			"C": 0, "D": 0, "E": 0, "F": 0, "G": 0, "H": 0, "I": 0, "J": 0}},
	}
	for _, c := range cases {
		e := election(t, letters(10), c.ballot)
		r := mustTally(t, e, Options{Method: MethodBorda, Unranked: UnrankedIgnore})
		if got := scoresByName(r); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: totals = %v, want %v", c.name, got, c.want)
		}
	}
	if !strings.Contains(strings.Join(bullet.Explanation, " "), "modified Borda count") {
		t.Errorf("explanation does not name the modified Borda count: %q", bullet.Explanation)
	}
}
