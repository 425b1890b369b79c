package tally

import (
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// election builds a ranked election from compact ballot lines such as
// "5 A>C>B=E" (weight 5: A, then C, then B and E tied; others unranked).
// Candidate names are the single characters or words between > and =.
func election(t testing.TB, candidates []string, lines ...string) Election {
	t.Helper()
	index := map[string]int{}
	for i, c := range candidates {
		index[c] = i
	}
	e := Election{Candidates: candidates, Type: BallotRanked}
	for _, line := range lines {
		count, order, ok := strings.Cut(strings.TrimSpace(line), " ")
		if !ok {
			t.Fatalf("bad ballot line %q", line)
		}
		w, err := strconv.Atoi(count)
		if err != nil {
			t.Fatalf("bad count in %q", line)
		}
		var ranking [][]int
		for tier := range strings.SplitSeq(order, ">") {
			var ids []int
			for name := range strings.SplitSeq(tier, "=") {
				id, ok := index[strings.TrimSpace(name)]
				if !ok {
					t.Fatalf("unknown candidate %q in %q", name, line)
				}
				ids = append(ids, id)
			}
			ranking = append(ranking, ids)
		}
		e.Ballots = append(e.Ballots, Ballot{Weight: w, Ranking: ranking})
	}
	return e
}

// letters returns the candidate names "A", "B", ... for n candidates.
func letters(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = string(rune('A' + i))
	}
	return out
}

// letterElection is election() for candidates A.. with ballots written as
// "5 ACBED" (strict rankings, one letter per candidate).
func letterElection(t testing.TB, n int, lines ...string) Election {
	t.Helper()
	var expanded []string
	for _, line := range lines {
		count, order, _ := strings.Cut(line, " ")
		expanded = append(expanded, count+" "+strings.Join(strings.Split(order, ""), ">"))
	}
	return election(t, letters(n), expanded...)
}

// fatalHelper is what test helpers need from *testing.T and *rapid.T alike.
type fatalHelper interface {
	Helper()
	Fatalf(format string, args ...any)
}

func mustTally(t fatalHelper, e Election, o Options) *Result {
	t.Helper()
	r, err := Tally(e, o)
	if err != nil {
		t.Fatalf("Tally(%+v): %v", o, err)
	}
	return r
}

func assertRanking(t testing.TB, r *Result, want [][]string) {
	t.Helper()
	if !reflect.DeepEqual(r.Ranking, want) {
		t.Errorf("%s ranking = %v, want %v", r.Method, r.Ranking, want)
	}
	if !reflect.DeepEqual(r.Winners, want[0]) {
		t.Errorf("%s winners = %v, want %v", r.Method, r.Winners, want[0])
	}
}

func assertMatrix[T comparable](t testing.TB, what string, got [][]T, want [][]T) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s has %d rows, want %d", what, len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if i != j && got[i][j] != want[i][j] {
				t.Errorf("%s[%d][%d] = %v, want %v", what, i, j, got[i][j], want[i][j])
			}
		}
	}
}

// tiersOf parses "E A C B D" or "BD AC" (space-separated tiers of letters).
func tiersOf(s string) [][]string {
	var out [][]string
	for tier := range strings.FieldsSeq(s) {
		out = append(out, strings.Split(tier, ""))
	}
	return out
}

func joinLines(lines []string) string { return strings.Join(lines, "\n") }

func writeJSONString(t testing.TB, e Election) string {
	t.Helper()
	var sb strings.Builder
	if err := WriteJSON(&sb, e); err != nil {
		t.Fatal(err)
	}
	return sb.String()
}
