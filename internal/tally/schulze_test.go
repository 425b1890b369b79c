package tally

import (
	"math"
	"slices"
	"strings"
	"testing"
)

// The examples of section 3 of Markus Schulze, "The Schulze Method of Voting"
// (arXiv:1804.02973). Example 1 is also the worked example of the Wikipedia
// and Electowiki "Schulze method" articles, which print d and p. The d and p
// matrices of examples 2 and 4 were derived by hand from the ballots below
// (every entry checked against the brute-force reference in
// reference_test.go); the rankings agree with the paper and with the
// Electowiki test suite of the icelect project.
var schulzePaperExamples = []struct {
	name    string
	n       int
	ballots []string
	d       [][]int64
	p       [][]PathStrength
	ranking string
}{
	{
		name: "example 1 (45 voters, winner E)", n: 5,
		ballots: []string{"5 ACBED", "5 ADECB", "8 BEDAC", "3 CABED", "7 CAEBD", "2 CBADE", "7 DCEBA", "8 EBADC"},
		d: [][]int64{
			{0, 20, 26, 30, 22},
			{25, 0, 16, 33, 18},
			{19, 29, 0, 17, 24},
			{15, 12, 28, 0, 14},
			{23, 27, 21, 31, 0},
		},
		p: [][]PathStrength{
			{0, 28, 28, 30, 24},
			{25, 0, 28, 33, 24},
			{25, 29, 0, 29, 24},
			{25, 28, 28, 0, 24},
			{25, 28, 28, 31, 0},
		},
		ranking: "E A C B D",
	},
	{
		name: "example 2 (30 voters, winner D)", n: 4,
		ballots: []string{"5 ACBD", "2 ACDB", "3 ADCB", "4 BACD", "3 CBDA", "3 CDBA", "1 DACB", "5 DBAC", "4 DCBA"},
		d: [][]int64{
			{0, 11, 20, 14},
			{19, 0, 9, 12},
			{10, 21, 0, 17},
			{16, 18, 13, 0},
		},
		p: [][]PathStrength{
			{0, 20, 20, 17},
			{19, 0, 19, 17},
			{19, 21, 0, 17},
			{18, 18, 18, 0},
		},
		ranking: "D A C B",
	},
	{
		name: "example 3 (30 voters, winner B)", n: 5,
		ballots: []string{"3 ABDEC", "5 ADEBC", "1 ADECB", "2 BADEC", "2 BDECA", "4 CABDE", "6 CBADE", "2 DBECA", "5 DECAB"},
		ranking: "B A D E C",
	},
	{
		name: "example 4 (9 voters, B and D tied)", n: 4,
		ballots: []string{"3 ABCD", "2 DABC", "2 DBCA", "2 CBDA"},
		d: [][]int64{
			{0, 5, 5, 3},
			{4, 0, 7, 5},
			{4, 2, 0, 5},
			{6, 4, 4, 0},
		},
		p: [][]PathStrength{
			{0, 5, 5, 5},
			{5, 0, 7, 5},
			{5, 5, 0, 5},
			{6, 5, 5, 0},
		},
		ranking: "BD AC",
	},
}

func TestSchulzePaperExamples(t *testing.T) {
	for _, ex := range schulzePaperExamples {
		t.Run(ex.name, func(t *testing.T) {
			e := letterElection(t, ex.n, ex.ballots...)
			r := mustTally(t, e, Options{Method: MethodSchulze, Strength: StrengthWinning})
			if ex.d != nil {
				assertMatrix(t, "d", r.Pairwise, ex.d)
			}
			if ex.p != nil {
				assertMatrix(t, "p", r.StrongestPaths, ex.p)
			}
			assertRanking(t, r, tiersOf(ex.ranking))
			// The brute-force reference must agree on every entry.
			assertMatrix(t, "d (brute force)", r.Pairwise, bruteForcePairwise(e, UnrankedTiedLast))
			assertMatrix(t, "p (brute force)", r.StrongestPaths, bruteForceStrongestPaths(r.Pairwise, StrengthWinning))
		})
	}
}

// The example of Schulze's paper that shows the three link strength
// definitions electing three different winners (winning votes: D, margin: A,
// ratio: B). It has ties and truncated ballots; an unlisted candidate is
// tied last. The same ballots and winners are in the test suite of the
// Condorcet PHP library (testSchulzeOfficialExampleResult_7). d and the
// three p matrices were derived by hand.
func TestSchulzeLinkStrengths(t *testing.T) {
	e := election(t, letters(4),
		"6 A>B>C>D", "8 A=B>C=D", "8 A=C>B=D", "18 A=C>D>B", "8 A=C=D>B", "40 B>A=C=D",
		"4 C>B>D>A", "9 C>D>A>B", "8 C=D>A=B", "14 D>A>B>C", "11 D>B>C>A", "4 D>C>A>B")
	d := [][]int64{
		{0, 67, 28, 40},
		{55, 0, 79, 58},
		{36, 59, 0, 45},
		{50, 72, 29, 0},
	}
	ratio := func(a, b float64) PathStrength { return PathStrength(a / b) }
	cases := []struct {
		strength LinkStrength
		p        [][]PathStrength
		ranking  string
	}{
		{StrengthWinning, [][]PathStrength{
			{0, 67, 67, 45},
			{45, 0, 79, 45},
			{45, 45, 0, 45},
			{50, 72, 72, 0},
		}, "D A B C"},
		{StrengthMargin, [][]PathStrength{
			{0, 12, 12, 12},
			{10, 0, 20, 16},
			{10, 14, 0, 16},
			{10, 14, 14, 0},
		}, "A B C D"},
		{StrengthRatio, [][]PathStrength{
			{0, ratio(67, 55), ratio(67, 55), ratio(67, 55)},
			{ratio(36, 28), 0, ratio(79, 59), ratio(79, 59)},
			{ratio(36, 28), ratio(72, 58), 0, ratio(45, 29)},
			{ratio(50, 40), ratio(72, 58), ratio(72, 58), 0},
		}, "B C D A"},
	}
	for _, c := range cases {
		t.Run(string(c.strength), func(t *testing.T) {
			r := mustTally(t, e, Options{Strength: c.strength})
			assertMatrix(t, "d", r.Pairwise, d)
			assertMatrix(t, "p", r.StrongestPaths, c.p)
			assertRanking(t, r, tiersOf(c.ranking))
			assertMatrix(t, "p (brute force)", r.StrongestPaths, bruteForceStrongestPaths(r.Pairwise, c.strength))
		})
	}
}

// Further examples from the draft of Schulze's paper, as encoded in the test
// suite of the Condorcet PHP library (SchulzeTest.php,
// testSchulzeOfficialExampleResult_1..9; "A > C > D * 8" there lists three of
// four candidates, the fourth being implicitly last, which is the same
// complete ranking written out here).
func TestSchulzeDraftExamples(t *testing.T) {
	cases := []struct {
		name    string
		n       int
		ballots []string
		winners string
	}{
		{"official 1", 4, []string{"8 ACDB", "2 BADC", "4 CDBA", "4 DBAC", "3 DCBA"}, "D"},
		{"official 2", 4, []string{"3 ABCD", "2 CBDA", "2 DABC", "2 DBCA"}, "BD"},
		{"official 3", 4, []string{"12 ABCD", "6 ADBC", "9 BCDA", "15 CDAB", "21 DBAC"}, "D"},
		{"official 4", 4, []string{"6 ACDB", "1 BADC", "3 CBDA", "3 DBAC", "2 DCBA"}, "AD"},
		{"official 5 situation 1", 6, []string{"3 ADEBCF", "3 BFECDA", "4 CABFDE", "1 DBCEFA", "4 DEFABC", "2 ECBDFA", "2 FACDBE"}, "A"},
		{"official 5 situation 2", 6, []string{"3 ADEBCF", "3 BFECDA", "4 CABFDE", "1 DBCEFA", "4 DEFABC", "2 ECBDFA", "2 FACDBE", "2 AEFCBD"}, "D"},
		{"official 6 situation 1", 4, []string{"3 ABDC", "5 ADBC", "1 ADCB", "2 BADC", "2 BDCA", "4 CABD", "6 CBAD", "2 DBCA", "5 DCAB"}, "A"},
		{"official 6 situation 2", 5, []string{"3 ABDEC", "5 ADEBC", "1 ADECB", "2 BADEC", "2 BDECA", "4 CABDE", "6 CBADE", "2 DBECA", "5 DECAB"}, "B"},
		{"official 8", 5, []string{"9 ADBEC", "6 BCADE", "5 BCDEA", "2 CDBEA", "6 DECBA", "14 EACBD", "2 ECABD", "1 EDACB"}, "B"},
		{"official 9", 5, []string{"9 ADBEC", "1 BACED", "6 CBADE", "2 CDBEA", "5 CDEAB", "6 DECAB", "14 EBACD", "2 EBCAD"}, "E"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustTally(t, letterElection(t, c.n, c.ballots...), Options{})
			if got := strings.Join(r.Winners, ""); got != c.winners {
				t.Errorf("winners = %v, want %s", r.Winners, c.winners)
			}
		})
	}
}

// The "rbvote" example by Rob LeGrand (also in Condorcet PHP's tests): 921
// voters, Schulze ranks Abby > Brad > Erin > Dave > Cora.
func TestSchulzeLeGrandExample(t *testing.T) {
	e := election(t, []string{"Abby", "Brad", "Cora", "Dave", "Erin"}, legrandBallots...)
	r := mustTally(t, e, Options{})
	assertRanking(t, r, [][]string{{"Abby"}, {"Brad"}, {"Erin"}, {"Dave"}, {"Cora"}})
}

var legrandBallots = []string{
	"98 Abby>Cora>Erin>Dave>Brad", "64 Brad>Abby>Erin>Cora>Dave", "12 Brad>Abby>Erin>Dave>Cora",
	"98 Brad>Erin>Abby>Cora>Dave", "13 Brad>Erin>Abby>Dave>Cora", "125 Brad>Erin>Dave>Abby>Cora",
	"124 Cora>Abby>Erin>Dave>Brad", "76 Cora>Erin>Abby>Dave>Brad", "21 Dave>Abby>Brad>Erin>Cora",
	"30 Dave>Brad>Abby>Erin>Cora", "98 Dave>Brad>Erin>Cora>Abby", "139 Dave>Cora>Abby>Brad>Erin",
	"23 Dave>Cora>Brad>Abby>Erin",
}

// A Condorcet cycle with equal strengths is a three-way tie, reported as one
// tier, under every link strength.
func TestSchulzeCycleIsTie(t *testing.T) {
	e := letterElection(t, 3, "1 ABC", "1 BCA", "1 CAB")
	for _, s := range LinkStrengths {
		r := mustTally(t, e, Options{Strength: s})
		assertRanking(t, r, tiersOf("ABC"))
		if !containsSentence(r.Explanation, "A, B and C are tied for first place") {
			t.Errorf("%s: explanation does not report the tie:\n%s", s, joinLines(r.Explanation))
		}
	}
}

// Equal winning votes are separated by the losing votes (Schulze's paper,
// section 2.1; Debian constitution A.6). Here the three wins of a cycle all
// have 5 winning votes: A>C 5:3, B>A 5:2, C>B 5:4. Counting winning votes
// alone would tie all three; with the secondary key C>B is the weakest link
// and the ranking is B > A > C.
func TestSchulzeWinningVotesSecondaryKey(t *testing.T) {
	e := election(t, letters(3), "1 A>C>B", "2 B>A>C", "3 C>B>A", "1 A=C>B", "2 A=B>C")
	r := mustTally(t, e, Options{})
	assertMatrix(t, "d", r.Pairwise, [][]int64{{0, 2, 5}, {5, 0, 4}, {3, 5, 0}})
	assertMatrix(t, "p", r.StrongestPaths, [][]PathStrength{{0, 5, 5}, {5, 0, 5}, {5, 5, 0}})
	assertRanking(t, r, tiersOf("B A C"))
	if !containsSentence(r.Explanation, "both have 5 winning votes, and fewer voters against on the weakest win (2 vs 4) decides") {
		t.Errorf("explanation does not name the secondary key:\n%s", joinLines(r.Explanation))
	}
	// Ranked pairs uses the same ordering: lock B>A (5:2), then A>C (5:3),
	// then skip C>B (5:4).
	rp := mustTally(t, e, Options{Method: MethodRankedPairs})
	assertRanking(t, rp, tiersOf("B A C"))
}

func TestSchulzeRatioInfinityJSON(t *testing.T) {
	e := election(t, letters(2), "3 A>B")
	r := mustTally(t, e, Options{Strength: StrengthRatio})
	if !math.IsInf(float64(r.StrongestPaths[0][1]), 1) {
		t.Fatalf("p[A][B] = %v, want +Inf", r.StrongestPaths[0][1])
	}
	var sb strings.Builder
	if err := WriteResultJSON(&sb, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(sb.String(), `[0, "Infinity"]`) {
		t.Errorf("JSON does not encode the infinite ratio as \"Infinity\":\n%s", sb.String())
	}
}

// With tied pairwise results the Schulze order can be partial; the ranking
// layers it without inventing preferences and says so.
func TestSchulzePartialOrderNote(t *testing.T) {
	// A beats C 2:0; B ties A 1:1 and C 1:1.
	e := election(t, letters(3), "1 A>C>B", "1 B>A>C")
	r := mustTally(t, e, Options{})
	if r.Pairwise[0][1] != r.Pairwise[1][0] || r.Pairwise[1][2] != r.Pairwise[2][1] {
		t.Fatalf("test setup: B should tie A and C, d = %v", r.Pairwise)
	}
	assertRanking(t, r, tiersOf("AB C"))
	if !containsSentence(r.Explanation, "Note: each tier holds") {
		t.Errorf("missing layering note:\n%s", joinLines(r.Explanation))
	}
}

func containsSentence(sentences []string, part string) bool {
	return slices.ContainsFunc(sentences, func(s string) bool { return strings.Contains(s, part) })
}
