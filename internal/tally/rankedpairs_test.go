package tally

import (
	"reflect"
	"testing"
)

var tennessee = []string{
	"42 Memphis>Nashville>Chattanooga>Knoxville",
	"26 Nashville>Chattanooga>Knoxville>Memphis",
	"15 Chattanooga>Knoxville>Nashville>Memphis",
	"17 Knoxville>Chattanooga>Nashville>Memphis",
}

func tennesseeElection(t testing.TB) Election {
	return election(t, []string{"Memphis", "Nashville", "Chattanooga", "Knoxville"}, tennessee...)
}

// The Tennessee capital example of the Wikipedia articles on Condorcet
// methods, Schulze, ranked pairs and Borda: Nashville is the Condorcet
// winner; Schulze and ranked pairs give Nashville > Chattanooga > Knoxville >
// Memphis.
func TestTennessee(t *testing.T) {
	e := tennesseeElection(t)
	want := [][]string{{"Nashville"}, {"Chattanooga"}, {"Knoxville"}, {"Memphis"}}
	d := [][]int64{
		{0, 42, 42, 42},
		{58, 0, 68, 68},
		{58, 32, 0, 83},
		{58, 32, 17, 0},
	}
	for _, m := range []Method{MethodSchulze, MethodRankedPairs} {
		for _, s := range LinkStrengths {
			r := mustTally(t, e, Options{Method: m, Strength: s})
			assertRanking(t, r, want)
			assertMatrix(t, "d", r.Pairwise, d)
			if !containsSentence(r.Explanation, "Nashville is the Condorcet winner") {
				t.Errorf("%s/%s: explanation misses the Condorcet winner", m, s)
			}
		}
	}
}

// Ranked pairs on the 45-voter example of Schulze's paper, as worked out in
// the French Wikipedia article on ranked pairs (and Condorcet PHP's
// RankedPairsTest testResult_1): A > C > E > B > D, while Schulze elects E.
func TestRankedPairsFrenchWikipediaExample(t *testing.T) {
	e := letterElection(t, 5,
		"5 ACBED", "5 ADECB", "8 BEDAC", "3 CABED",
		"7 CAEBD", "2 CBADE", "7 DCEBA", "8 EBADC")
	r := mustTally(t, e, Options{Method: MethodRankedPairs})
	assertRanking(t, r, tiersOf("A C E B D"))
	want := []Majority{
		{"B", "D", 33, 12, true, ""},
		{"E", "D", 31, 14, true, ""},
		{"A", "D", 30, 15, true, ""},
		{"C", "B", 29, 16, true, ""},
		{"D", "C", 28, 17, false, "cycle"},
		{"E", "B", 27, 18, true, ""},
		{"A", "C", 26, 19, true, ""},
		{"B", "A", 25, 20, false, "cycle"},
		{"C", "E", 24, 21, true, ""},
		{"E", "A", 23, 22, false, "cycle"},
	}
	if !reflect.DeepEqual(r.Majorities, want) {
		t.Errorf("majorities =\n%v\nwant\n%v", r.Majorities, want)
	}
	// With margins the order of the wins is the same here.
	assertRanking(t, mustTally(t, e, Options{Method: MethodRankedPairs, Strength: StrengthMargin}), tiersOf("A C E B D"))
}

// Examples from Eric Gorr's ranked pairs pages, as encoded in Condorcet
// PHP's RankedPairsTest (testResult_5..8).
func TestRankedPairsGorrExamples(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		ballots []string
		ranking string
	}{
		{"example 1", 3, []string{"7 ABC", "5 BAC", "4 CAB", "2 BCA"}, "A B C"},
		{"example 2", 3, []string{"40 ABC", "35 BCA", "25 CAB"}, "A B C"},
		// A and B tie 9 to 9, so nothing orders them.
		{"example 3", 3, []string{"7 ABC", "7 BAC", "2 CAB", "2 CBA"}, "AB C"},
		// A>C and C>B are equally strong (54:46) and together with the
		// stronger B>A would close a cycle; both are skipped rather than
		// ordered by a hidden tie-break, and the outcome is still B A D C.
		{"example 4", 4, []string{"12 ADCB", "3 BACD", "25 BCAD", "21 CBAD", "12 DABC", "21 DACB", "6 DBAC"}, "B A D C"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustTally(t, letterElection(t, c.n, c.ballots...), Options{Method: MethodRankedPairs})
			assertRanking(t, r, tiersOf(c.ranking))
		})
	}
}

func TestRankedPairsEqualStrengthCycleIsSkippedTogether(t *testing.T) {
	r := mustTally(t, letterElection(t, 4, "12 ADCB", "3 BACD", "25 BCAD", "21 CBAD", "12 DABC", "21 DACB", "6 DBAC"), Options{Method: MethodRankedPairs})
	skipped := map[string]string{}
	for _, m := range r.Majorities {
		if !m.Locked {
			skipped[m.Winner+m.Loser] = m.Skipped
		}
	}
	want := map[string]string{"AC": "tied-cycle", "CB": "tied-cycle", "DB": "cycle"}
	if !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped = %v, want %v", skipped, want)
	}
	if !containsSentence(r.Explanation, "Skipped A over C (54 to 46): it is exactly as strong as other wins") {
		t.Errorf("explanation does not explain the tied cycle:\n%s", joinLines(r.Explanation))
	}
}

func TestRankedPairsLeGrandExample(t *testing.T) {
	e := election(t, []string{"Abby", "Brad", "Cora", "Dave", "Erin"}, legrandBallots...)
	for _, s := range []LinkStrength{StrengthWinning, StrengthMargin} {
		r := mustTally(t, e, Options{Method: MethodRankedPairs, Strength: s})
		assertRanking(t, r, [][]string{{"Brad"}, {"Abby"}, {"Erin"}, {"Dave"}, {"Cora"}})
	}
}

// A pure Condorcet cycle of equal strength: every win is skipped as part of
// a tied cycle and all three candidates tie.
func TestRankedPairsCycleIsTie(t *testing.T) {
	r := mustTally(t, letterElection(t, 3, "1 ABC", "1 BCA", "1 CAB"), Options{Method: MethodRankedPairs})
	assertRanking(t, r, tiersOf("ABC"))
	for _, m := range r.Majorities {
		if m.Locked || m.Skipped != "tied-cycle" {
			t.Errorf("majority %+v should be skipped as a tied cycle", m)
		}
	}
}

// The partial-ballot example of the Wikipedia ranked pairs article
// (68 A>B, 72 B>C, 52 C>A): counting only expressed preferences elects A;
// treating unranked candidates as tied last changes the head-to-head counts
// and elects B.
func TestRankedPairsUnrankedModes(t *testing.T) {
	e := election(t, letters(3), "68 A>B", "72 B>C", "52 C>A")
	r := mustTally(t, e, Options{Method: MethodRankedPairs, Unranked: UnrankedIgnore})
	assertMatrix(t, "d (ignore)", r.Pairwise, [][]int64{{0, 68, 0}, {0, 0, 72}, {52, 0, 0}})
	assertRanking(t, r, tiersOf("A B C"))

	r = mustTally(t, e, Options{Method: MethodRankedPairs})
	assertMatrix(t, "d (tied-last)", r.Pairwise, [][]int64{{0, 120, 68}, {72, 0, 140}, {124, 52, 0}})
	assertRanking(t, r, tiersOf("B C A"))
}
