package tally

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// WriteResultJSON only changes the layout: decoding its output gives the
// same value as decoding encoding/json's output, for every method and for
// names full of JSON punctuation.
func TestWriteResultJSONIsPlainJSON(t *testing.T) {
	names := []string{`a, "b": c`, `back\slash`, "x > y", "ü{[", "e"}
	ranked := election(t, letters(5), "3 A>B=C", "2 E>D", "1 C")
	ranked.Candidates = names
	cases := []struct {
		e Election
		o Options
	}{
		{ranked, Options{}},
		{ranked, Options{Method: MethodRankedPairs, Strength: StrengthRatio}},
		{ranked, Options{Method: MethodBorda, Unranked: UnrankedIgnore}},
		{Election{Candidates: names, Type: BallotScore, MaxScore: 3, Ballots: []Ballot{{Scores: map[int]int{0: 3}}}}, Options{}},
		{Election{Candidates: names, Type: BallotDot, PointsBudget: 3, Ballots: []Ballot{{Points: map[int]int{4: 3}}}}, Options{}},
	}
	for _, c := range cases {
		r := mustTally(t, c.e, c.o)
		var laidOut strings.Builder
		if err := WriteResultJSON(&laidOut, r); err != nil {
			t.Fatal(err)
		}
		plain, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var a, b any
		if err := json.Unmarshal([]byte(laidOut.String()), &a); err != nil {
			t.Fatalf("%s: output is not JSON: %v\n%s", r.Method, err, laidOut.String())
		}
		json.Unmarshal(plain, &b)
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: layout changed the content:\n%s", r.Method, laidOut.String())
		}
		var back Result
		if err := json.Unmarshal([]byte(laidOut.String()), &back); err != nil || !reflect.DeepEqual(back.Ranking, r.Ranking) {
			t.Errorf("%s: cannot decode into Result: %v", r.Method, err)
		}
		if !strings.HasPrefix(laidOut.String(), "{\n  \"winners\": ") {
			t.Errorf("output should start with the winners:\n%s", laidOut.String())
		}
	}
}
