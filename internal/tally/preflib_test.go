package tally

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
)

const samplePrefLib = `# FILE NAME: 00000-00000001.toi
# TITLE: Roadmap vote
# DESCRIPTION: a small made-up example
# DATA TYPE: toi
# MODIFICATION TYPE: original
# NUMBER ALTERNATIVES: 4
# NUMBER VOTERS: 7
# NUMBER UNIQUE ORDERS: 3
# ALTERNATIVE NAME 1: Search
# ALTERNATIVE NAME 2: Dark mode
# ALTERNATIVE NAME 3: Offline sync
# ALTERNATIVE NAME 4: Export
4: 1,{2,3},4
2: 3,1
1:  4 , { 1 , 2 }
`

func TestParsePrefLib(t *testing.T) {
	e, err := ParsePrefLib(strings.NewReader(samplePrefLib), "toi")
	if err != nil {
		t.Fatal(err)
	}
	want := Election{
		Title:      "Roadmap vote",
		Candidates: []string{"Search", "Dark mode", "Offline sync", "Export"},
		Type:       BallotRanked,
		Ballots: []Ballot{
			{Weight: 4, Ranking: [][]int{{0}, {1, 2}, {3}}},
			{Weight: 2, Ranking: [][]int{{2}, {0}}},
			{Weight: 1, Ranking: [][]int{{3}, {0, 1}}},
		},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
	// The same file through ParseFile and the extension.
	e2, err := ParseFile("votes/roadmap.TOI", strings.NewReader(samplePrefLib))
	if err != nil || !reflect.DeepEqual(e2, want) {
		t.Errorf("ParseFile = %+v, %v", e2, err)
	}
}

func TestParsePrefLibDefaults(t *testing.T) {
	// No DATA TYPE header and no extension: anything goes (toi); unnamed
	// alternatives get default names; CRLF line ends and a BOM are fine.
	e, err := ParsePrefLib(strings.NewReader("\ufeff# NUMBER ALTERNATIVES: 3\r\n# ALTERNATIVE NAME 2: Two\r\n\r\n2: 2,{1,3}\r\n1:\r\n"), "")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(e.Candidates, []string{"Alternative 1", "Two", "Alternative 3"}) {
		t.Errorf("candidates = %q", e.Candidates)
	}
	if len(e.Ballots) != 2 || len(e.Ballots[1].Ranking) != 0 || e.Ballots[1].Weight != 1 {
		t.Errorf("ballots = %+v", e.Ballots)
	}
	// Names alone fix the number of alternatives when the header is missing.
	e, err = ParsePrefLib(strings.NewReader("# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n1: 2,1\n"), "soc")
	if err != nil || len(e.Candidates) != 2 {
		t.Errorf("got %+v, %v", e, err)
	}
}

func TestParsePrefLibErrors(t *testing.T) {
	header := "# DATA TYPE: %s\n# NUMBER ALTERNATIVES: 3\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: B\n# ALTERNATIVE NAME 3: C\n"
	toi := fmt.Sprintf(header, "toi")
	cases := []struct {
		name string
		ext  string
		file string
		kind error
		want string
	}{
		{"unknown alternative", "toi", toi + "1: 1,2\n\n2: 3,12\n", ErrUnknownCandidate, "line 8: unknown alternative 12"},
		{"alternative zero", "toi", toi + "1: 0\n", ErrUnknownCandidate, "line 6: unknown alternative 0"},
		{"repeated alternative", "toi", toi + "1: 1,{2,1}\n", ErrDuplicateCandidate, "line 6: alternative 1 appears more than once"},
		{"bad count", "toi", toi + "x: 1,2\n", ErrSyntax, `line 6: count must be a positive integer, got "x"`},
		{"zero count", "toi", toi + "0: 1,2\n", ErrSyntax, `line 6: count must be a positive integer, got "0"`},
		{"no colon", "toi", toi + "1 1,2\n", ErrSyntax, `line 6: data line must look like "count: a,b,{c,d}"`},
		{"trailing comma", "toi", toi + "1: 1,2,\n", ErrSyntax, "line 6: expected an alternative number at the end of the line"},
		{"double comma", "toi", toi + "1: 1,,2\n", ErrSyntax, `line 6: expected an alternative number at ",2"`},
		{"unclosed brace", "toi", toi + "1: {1,2\n", ErrSyntax, "line 6: unclosed brace {"},
		{"empty braces", "toi", toi + "1: 1,{}\n", ErrSyntax, "line 6: empty braces {}"},
		{"junk after item", "toi", toi + "1: 1 2\n", ErrSyntax, `line 6: expected ',' at "2"`},
		{"header after data", "toi", toi + "1: 1\n# NUMBER VOTERS: 1\n", ErrSyntax, "line 7: header line after the first data line"},
		{"header without colon", "toi", "# NUMBER ALTERNATIVES 3\n", ErrSyntax, `line 1: header line must look like "# KEY: value"`},
		{"type differs from extension", "soc", toi + "1: 1,2,3\n", ErrInvalid, "line 1: DATA TYPE toi does not match the file extension .soc"},
		{"unsupported type", "", "# DATA TYPE: cat\n", ErrInvalid, `line 1: unsupported DATA TYPE "cat"; want soc, soi, toc or toi`},
		{"tie in strict file", "soi", fmt.Sprintf(header, "soi") + "1: 1\n1: {1,2}\n", ErrInvalid, "line 7: ties are not allowed in a soi file"},
		{"incomplete in complete file", "toc", fmt.Sprintf(header, "toc") + "1: {1,2},3\n1: 2,1\n", ErrInvalid, "line 7: a toc file needs complete orders, but this one ranks 2 of 3 alternatives"},
		{"voters mismatch", "toi", toi + "# NUMBER VOTERS: 5\n2: 1\n", ErrInvalid, "line 6: NUMBER VOTERS says 5 but the data lines count 2 voters"},
		{"unique orders mismatch", "toi", toi + "# NUMBER UNIQUE ORDERS: 1\n2: 1\n1: 2\n", ErrInvalid, "line 6: NUMBER UNIQUE ORDERS says 1 but there are 2 data lines"},
		{"bad number", "toi", "# NUMBER ALTERNATIVES: three\n", ErrSyntax, `line 1: NUMBER ALTERNATIVES must be a non-negative integer, got "three"`},
		{"too many alternatives", "toi", "# NUMBER ALTERNATIVES: 999999999\n", ErrInvalid, "line 1: NUMBER ALTERNATIVES must be between 1 and 100000, got 999999999"},
		{"no alternatives", "toi", "1: 1\n", ErrInvalid, `line 1: the number of alternatives is unknown: add a "# NUMBER ALTERNATIVES" header before the data`},
		{"name beyond count", "toi", "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 3: C\n1: 1\n", ErrUnknownCandidate, "line 2: ALTERNATIVE NAME 3 is beyond NUMBER ALTERNATIVES 2"},
		{"name twice", "toi", "# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 1: B\n", ErrDuplicateCandidate, "line 2: alternative 1 is already named on line 1"},
		{"same name", "toi", "# NUMBER ALTERNATIVES: 2\n# ALTERNATIVE NAME 1: A\n# ALTERNATIVE NAME 2: A\n", ErrDuplicateCandidate, `line 3: alternatives 1 and 2 have the same name "A"`},
		{"bad name number", "toi", "# ALTERNATIVE NAME x: A\n", ErrSyntax, "line 1: ALTERNATIVE NAME needs a number between 1 and 100000"},
		{"line too long", "toi", toi + "1: " + strings.Repeat("1", maxLineBytes+10) + "\n", ErrSyntax, "line 6: line is longer than 16777216 bytes"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePrefLib(strings.NewReader(c.file), c.ext)
			if err == nil || err.Error() != c.want || !errors.Is(err, c.kind) {
				t.Errorf("error = %v, want %q (%v)", err, c.want, c.kind)
			}
			var ie *InputError
			if err != nil && (!errors.As(err, &ie) || ie.Line == 0) {
				t.Errorf("error %v carries no line number", err)
			}
		})
	}
	if _, err := ParsePrefLib(strings.NewReader(""), "xyz"); err == nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown data type argument: %v", err)
	}
}

func TestParseFileUnknownExtension(t *testing.T) {
	_, err := ParseFile("/tmp/ballots.csv", strings.NewReader(""))
	if err == nil || err.Error() != `file: cannot tell the format of "ballots.csv": want a .soc, .soi, .toc, .toi or .json file` {
		t.Errorf("error = %v", err)
	}
}

// canonicalBallots describes a ranked election's ballots independent of
// ballot order, splitting and order inside tiers: ranking text -> weight.
func canonicalBallots(e Election) map[string]int64 {
	out := map[string]int64{}
	for _, b := range e.Ballots {
		var tiers []string
		for _, tier := range b.Ranking {
			ids := slices.Sorted(slices.Values(tier))
			tiers = append(tiers, fmt.Sprint(ids))
		}
		out[strings.Join(tiers, ">")] += b.EffectiveWeight()
	}
	return out
}

func TestPrefLibRoundTrip(t *testing.T) {
	cases := []struct {
		wantType string
		e        Election
	}{
		{PrefLibSOC, election(t, letters(3), "2 A>B>C", "1 C>B>A", "3 A>B>C")},
		{PrefLibSOI, election(t, letters(3), "2 A>B", "1 C>B>A")},
		{PrefLibTOC, election(t, letters(3), "2 A=B>C", "1 C>B>A")},
		{PrefLibTOI, election(t, letters(4), "2 B=A", "1 C>B>A", "5 D")},
		{PrefLibTOI, Election{Title: "Abstentions\nincluded", Candidates: []string{"x y", "z:w"}, Type: BallotRanked, Ballots: []Ballot{{Weight: 3}, {Ranking: [][]int{{1, 0}}}}}},
	}
	for _, c := range cases {
		t.Run(c.wantType, func(t *testing.T) {
			typ, err := PrefLibDataType(c.e)
			if err != nil || typ != c.wantType {
				t.Fatalf("PrefLibDataType = %q, %v; want %q", typ, err, c.wantType)
			}
			var sb strings.Builder
			if err := WritePrefLib(&sb, c.e); err != nil {
				t.Fatal(err)
			}
			back, err := ParseFile("export."+typ, strings.NewReader(sb.String()))
			if err != nil {
				t.Fatalf("re-parse: %v\n%s", err, sb.String())
			}
			if !reflect.DeepEqual(back.Candidates, c.e.Candidates) || back.Title != oneLine(c.e.Title) {
				t.Errorf("candidates/title = %q/%q, want %q/%q", back.Candidates, back.Title, c.e.Candidates, c.e.Title)
			}
			if got, want := canonicalBallots(back), canonicalBallots(c.e); !maps.Equal(got, want) {
				t.Errorf("ballots = %v, want %v\n%s", got, want, sb.String())
			}
			// Writing the parsed election again gives the same text.
			var again strings.Builder
			if err := WritePrefLib(&again, back); err != nil || again.String() != sb.String() {
				t.Errorf("second write differs:\n%s\n---\n%s", sb.String(), again.String())
			}
		})
	}
}

func TestWritePrefLibText(t *testing.T) {
	var sb strings.Builder
	e := election(t, []string{"Search", "Dark mode", "Offline sync"}, "1 Search>Offline sync=Dark mode", "2 Dark mode", "1 Search>Dark mode=Offline sync")
	e.Title = "Q3"
	if err := WritePrefLib(&sb, e); err != nil {
		t.Fatal(err)
	}
	want := `# TITLE: Q3
# DATA TYPE: toi
# MODIFICATION TYPE: original
# NUMBER ALTERNATIVES: 3
# NUMBER VOTERS: 4
# NUMBER UNIQUE ORDERS: 2
# ALTERNATIVE NAME 1: Search
# ALTERNATIVE NAME 2: Dark mode
# ALTERNATIVE NAME 3: Offline sync
2: 1,{2,3}
2: 2
`
	if sb.String() != want {
		t.Errorf("got\n%s\nwant\n%s", sb.String(), want)
	}
}

func TestWritePrefLibRejectsNonRanked(t *testing.T) {
	err := WritePrefLib(&strings.Builder{}, Election{Candidates: letters(2), Type: BallotApproval})
	if err == nil || !errors.Is(err, ErrInvalid) {
		t.Errorf("error = %v", err)
	}
	err = WritePrefLib(&strings.Builder{}, Election{Candidates: letters(2), Type: BallotRanked, Ballots: []Ballot{{Ranking: [][]int{{5}}}}})
	if !errors.Is(err, ErrUnknownCandidate) {
		t.Errorf("invalid election written: %v", err)
	}
}
