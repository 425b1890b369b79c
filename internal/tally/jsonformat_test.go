package tally

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

const sampleJSON = `{
  "format": "consortia-ballots/1",
  "title": "Roadmap Q3",
  "ballot_type": "ranked",
  "candidates": ["Search", "Dark mode", "Offline sync"],
  "ballots": [
    {"weight": 3, "ranking": [["Search"], ["Dark mode", "Offline sync"]]},
    {"ranking": [["Offline sync"]]},
    {"ranking": []}
  ]
}`

func TestParseJSONRanked(t *testing.T) {
	e, err := ParseFile("ballots.json", strings.NewReader(sampleJSON))
	if err != nil {
		t.Fatal(err)
	}
	want := Election{
		Title:      "Roadmap Q3",
		Candidates: []string{"Search", "Dark mode", "Offline sync"},
		Type:       BallotRanked,
		Ballots: []Ballot{
			{Weight: 3, Ranking: [][]int{{0}, {1, 2}}},
			{Weight: 1, Ranking: [][]int{{2}}},
			{Weight: 1, Ranking: [][]int{}},
		},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got  %+v\nwant %+v", e, want)
	}
}

func TestParseJSONCardinal(t *testing.T) {
	doc := func(typ, options, ballots string) string {
		return `{"format":"consortia-ballots/1","ballot_type":"` + typ + `","candidates":["A","B","C"],` + options + `"ballots":[` + ballots + `]}`
	}
	cases := []struct {
		doc  string
		want Election
	}{
		{doc("approval", "", `{"approved":["A","C"]},{"weight":2,"approved":[]}`),
			Election{Candidates: letters(3), Type: BallotApproval, Ballots: []Ballot{{Weight: 1, Approved: []int{0, 2}}, {Weight: 2, Approved: []int{}}}}},
		{doc("score", `"options":{"max_score":5},`, `{"scores":{"B":5,"A":0}}`),
			Election{Candidates: letters(3), Type: BallotScore, MaxScore: 5, Ballots: []Ballot{{Weight: 1, Scores: map[int]int{1: 5, 0: 0}}}}},
		{doc("dot", `"options":{"points":10},`, `{"points":{"C":7,"B":3}}`),
			Election{Candidates: letters(3), Type: BallotDot, PointsBudget: 10, Ballots: []Ballot{{Weight: 1, Points: map[int]int{2: 7, 1: 3}}}}},
	}
	for _, c := range cases {
		e, err := ParseJSON(strings.NewReader(c.doc))
		if err != nil {
			t.Errorf("%s: %v", c.doc, err)
			continue
		}
		if !reflect.DeepEqual(e, c.want) {
			t.Errorf("got  %+v\nwant %+v", e, c.want)
		}
	}
}

func TestParseJSONErrors(t *testing.T) {
	head := "{\n  \"format\": \"consortia-ballots/1\",\n  \"ballot_type\": \"%s\",\n  \"candidates\": [\"A\", \"B\", \"C\"],\n"
	ranked := strings.Replace(head, "%s", "ranked", 1)
	withBallots := func(prefix string, ballots ...string) string {
		return prefix + "  \"ballots\": [\n    " + strings.Join(ballots, ",\n    ") + "\n  ]\n}\n"
	}
	score := strings.Replace(head, "%s", "score", 1) + "  \"options\": {\"max_score\": 5},\n"
	dot := strings.Replace(head, "%s", "dot", 1) + "  \"options\": {\"points\": 10},\n"
	cases := []struct {
		name string
		doc  string
		kind error
		want string
	}{
		{"unknown candidate", withBallots(ranked, `{"ranking": [["A"]]}`, `{"ranking": [["B"], ["Zed"]]}`), ErrUnknownCandidate, `line 7: ballots[1].ranking[1]: unknown candidate "Zed"`},
		{"duplicate in ranking", withBallots(ranked, `{"ranking": [["A", "B"], ["A"]]}`), ErrDuplicateCandidate, `line 6: ballots[0].ranking[1]: candidate "A" appears more than once in the ranking`},
		{"empty tier", withBallots(ranked, `{"ranking": [[]]}`), ErrInvalid, "line 6: ballots[0].ranking[0]: tier is empty"},
		{"score out of range", withBallots(score, `{"scores": {"A": 6}}`), ErrScoreOutOfRange, `line 7: ballots[0].scores: score 6 for candidate "A" is outside 0..5`},
		{"score not an integer", withBallots(score, `{"scores": {"A": 2.5}}`), ErrInvalid, `line 7: ballots[0]: value for "A" must be an integer, got 2.5`},
		{"score twice", withBallots(score, `{"scores": {"A": 1, "A": 2}}`), ErrDuplicateCandidate, `line 7: ballots[0].scores: candidate "A" appears more than once`},
		{"over budget", withBallots(dot, `{"points": {"A": 6}}`, `{"points": {"A": 6, "B": 5}}`), ErrOverBudget, "line 8: ballots[1].points: ballot spends more than the budget of 10 points"},
		{"weight zero", withBallots(ranked, `{"weight": 0, "ranking": []}`), ErrInvalid, "line 6: ballots[0].weight: weight must be a positive integer, got 0"},
		{"wrong ballot field", withBallots(ranked, `{"approved": ["A"]}`), ErrInvalid, `line 6: ballots[0].approved: a ranked ballot cannot have "approved"; it needs "ranking"`},
		{"missing ballot field", withBallots(ranked, `{"weight": 2}`), ErrInvalid, `line 6: ballots[0]: a ranked ballot needs "ranking"`},
		{"unknown ballot field", withBallots(ranked, `{"ranking": [], "rank": 1}`), ErrSyntax, `line 6: ballots[0]: unknown field "rank"`},
		{"wrong value type", withBallots(ranked, `{"ranking": "A>B"}`), ErrInvalid, "line 6: ballots[0].ranking: expected an array of tiers, each an array of candidate names, got a JSON string"},
		{"number in ranking", withBallots(ranked, `{"ranking": [["A"]]}`, `{"ranking": [["B"]]}`, `{"ranking": [[3]]}`), ErrInvalid, "line 8: ballots[2].ranking: expected an array of tiers, each an array of candidate names, got a JSON number"},
		{"flat ranking", withBallots(ranked, `{"ranking": ["A", "B"]}`), ErrInvalid, "line 6: ballots[0].ranking: expected an array of tiers, each an array of candidate names, got a JSON string"},
		{"weight as string", withBallots(ranked, `{"weight": "2", "ranking": []}`), ErrInvalid, "line 6: ballots[0].weight: expected a positive integer, got a JSON string"},
		{"candidates as string", "{\n\"format\": \"consortia-ballots/1\",\n\"candidates\": \"A,B\"}", ErrInvalid, "line 3: candidates: expected an array of candidate names, got a JSON string"},
		{"syntax error in third ballot", withBallots(ranked, `{"ranking": [["A"]]}`, `{"ranking": [["B"]]}`, `{"ranking": [["C"]] "weight": 2}`), ErrSyntax, "line 8: ballots[2]: invalid character '\"' after object key:value pair"},
		{"unknown candidate in approval", withBallots(strings.Replace(head, "%s", "approval", 1), `{"approved": ["A"]}`, `{"approved": ["C", "D"]}`), ErrUnknownCandidate, `line 7: ballots[1].approved: unknown candidate "D"`},
		{"syntax error", withBallots(ranked, `{"ranking": [["A"]]}`, `{"ranking": [["B"]]`), ErrSyntax, "line 8: ballots[1]: invalid character ']' after object key:value pair"},
		{"unknown top-level field", ranked + "  \"ballot\": []\n}", ErrSyntax, `line 5: ballot: unknown field "ballot"`},
		{"repeated field", ranked + "  \"candidates\": []\n}", ErrSyntax, "line 5: candidates: field appears more than once"},
		{"missing format", `{"ballot_type": "ranked", "candidates": ["A"]}`, ErrInvalid, "line 1: format: required field is missing"},
		{"wrong format", `{"format": "consortia-ballots/2", "ballot_type": "ranked", "candidates": ["A"]}`, ErrInvalid, `line 1: format: unsupported format "consortia-ballots/2"; want "consortia-ballots/1"`},
		{"missing candidates", `{"format": "consortia-ballots/1", "ballot_type": "ranked"}`, ErrInvalid, "line 1: candidates: required field is missing"},
		{"duplicate candidates", "{\"format\": \"consortia-ballots/1\", \"ballot_type\": \"ranked\",\n\"candidates\": [\"A\", \"A\"]}", ErrDuplicateCandidate, `line 2: candidates[1]: candidate "A" is listed twice (also at index 0)`},
		{"unknown ballot type", `{"format": "consortia-ballots/1", "ballot_type": "stars", "candidates": ["A"]}`, ErrInvalid, `line 1: ballot_type: unknown ballot type "stars"; want one of ranked, approval, score, dot`},
		{"missing max_score", strings.Replace(head, "%s", "score", 1) + "  \"ballots\": []\n}", ErrInvalid, "line 1: options.max_score: score ballots need options.max_score"},
		{"max_score for ranked", ranked + "  \"options\": {\"max_score\": 5}\n}", ErrInvalid, "line 5: options.max_score: max_score only applies to score ballots"},
		{"unknown option", ranked + "  \"options\": {\"stars\": 5}\n}", ErrSyntax, `line 5: options: unknown field "stars"`},
		{"not an object", `["A"]`, ErrSyntax, "line 1: a ballot file must be a JSON object"},
		{"empty input", ``, ErrSyntax, "line 1: unexpected end of the document"},
		{"truncated", ranked, ErrSyntax, "line 5: unexpected end of the document"},
		{"trailing data", `{"format": "consortia-ballots/1", "ballot_type": "ranked", "candidates": ["A"]} {}`, ErrSyntax, "line 1: unexpected data after the JSON object"},
		{"ballots not an array", ranked + "  \"ballots\": {}\n}", ErrSyntax, "line 5: ballots: must be an array of ballots"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParseJSON(strings.NewReader(c.doc))
			if err == nil || err.Error() != c.want || !errors.Is(err, c.kind) {
				t.Errorf("error = %v (kind %v)\nwant    %s (kind %v)", err, kindOf(err), c.want, c.kind)
			}
		})
	}
}

func kindOf(err error) error {
	var ie *InputError
	if errors.As(err, &ie) {
		return ie.Kind
	}
	return nil
}

func TestJSONRoundTrip(t *testing.T) {
	elections := []Election{
		{Candidates: []string{`Quote "q"`, "Ünïcode ✓", "A>B", "</script>"}, Type: BallotRanked, Ballots: []Ballot{
			{Weight: 3, Ranking: [][]int{{0}, {1, 2}}}, {Ranking: [][]int{{2}}}, {Ranking: [][]int{}},
		}},
		{Title: "Empty", Candidates: letters(2), Type: BallotRanked, Ballots: []Ballot{}},
		{Candidates: letters(3), Type: BallotApproval, Ballots: []Ballot{{Approved: []int{2, 0}}, {Weight: 4, Approved: []int{}}}},
		{Candidates: letters(3), Type: BallotScore, MaxScore: 10, Ballots: []Ballot{{Scores: map[int]int{2: 10, 0: 0}}, {Weight: 2, Scores: map[int]int{}}}},
		{Candidates: letters(3), Type: BallotDot, PointsBudget: 5, Ballots: []Ballot{{Points: map[int]int{1: 5}}, {Points: map[int]int{0: 1, 2: 1}}}},
	}
	for _, e := range elections {
		text := writeJSONString(t, e)
		back, err := ParseJSON(strings.NewReader(text))
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, text)
		}
		if !reflect.DeepEqual(back, normalizeWeights(e)) {
			t.Errorf("round trip changed the election:\n%+v\n%+v\n%s", normalizeWeights(e), back, text)
		}
		if again := writeJSONString(t, back); again != text {
			t.Errorf("second write differs:\n%s\n%s", text, again)
		}
	}
}

// normalizeWeights makes the parser's view explicit: weight 0 means 1, and
// empty score/point maps come back as empty (non-nil) maps.
func normalizeWeights(e Election) Election {
	out := e
	out.Ballots = make([]Ballot, len(e.Ballots))
	for i, b := range e.Ballots {
		b.Weight = int(b.EffectiveWeight())
		if e.Type == BallotScore && b.Scores == nil {
			b.Scores = map[int]int{}
		}
		if e.Type == BallotDot && b.Points == nil {
			b.Points = map[int]int{}
		}
		if e.Type == BallotRanked && b.Ranking == nil {
			b.Ranking = [][]int{}
		}
		if e.Type == BallotApproval && b.Approved == nil {
			b.Approved = []int{}
		}
		out.Ballots[i] = b
	}
	return out
}

func TestWriteJSONText(t *testing.T) {
	e := Election{Title: "Q3", Candidates: []string{"Search", "Dark mode"}, Type: BallotScore, MaxScore: 5,
		Ballots: []Ballot{{Weight: 2, Scores: map[int]int{1: 4, 0: 5}}, {Scores: map[int]int{}}}}
	want := `{
  "format": "consortia-ballots/1",
  "title": "Q3",
  "ballot_type": "score",
  "candidates": ["Search", "Dark mode"],
  "options": {"max_score": 5},
  "ballots": [
    {"weight": 2, "scores": {"Search": 5, "Dark mode": 4}},
    {"scores": {}}
  ]
}
`
	if got := writeJSONString(t, e); got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
}
