package budget

import (
	"bytes"
	"errors"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const smallPB = `META
key;value
description;small test
num_projects;3
num_votes;4
budget;1000.50
vote_type;approval
PROJECTS
project_id;cost;votes;name;selected
1;500.25;3;"Park ""Zielony"" ; nowy";1
2;250;2;Library;1
3;0.1;0;Bench;0
VOTES
voter_id;vote;age
v1;1,2;30
v2;1;
v3;1,2;41
v4;;
`

func TestParsePBBasics(t *testing.T) {
	inst := mustParse(t, smallPB)
	if inst.Budget.Cmp(rat("1000.5")) != 0 || inst.VoteType != VoteApproval {
		t.Fatalf("budget %v, vote type %q", inst.Budget, inst.VoteType)
	}
	if len(inst.Projects) != 3 || len(inst.Votes) != 4 {
		t.Fatalf("%d projects, %d votes", len(inst.Projects), len(inst.Votes))
	}
	p := inst.Projects[0]
	if p.ID != "1" || p.Cost.Cmp(rat("500.25")) != 0 || p.Extra["name"] != `Park "Zielony" ; nowy` || p.Line != 10 {
		t.Errorf("project 1 parsed as %+v", p)
	}
	if inst.Projects[2].Cost.Cmp(big.NewRat(1, 10)) != 0 {
		t.Errorf("cost 0.1 parsed as %v", inst.Projects[2].Cost)
	}
	if v := inst.Votes[3]; v.VoterID != "v4" || len(v.Projects) != 0 || v.Line != 18 {
		t.Errorf("empty vote parsed as %+v", v)
	}
	if v := inst.Votes[0]; !reflect.DeepEqual(v.Projects, []string{"1", "2"}) || v.Extra["age"] != "30" {
		t.Errorf("vote v1 parsed as %+v", v)
	}
	if d, _ := inst.MetaValue("description"); d != "small test" {
		t.Errorf("description %q", d)
	}
	if len(inst.Warnings) != 0 {
		t.Errorf("unexpected warnings %v", inst.Warnings)
	}
}

func TestParsePBTolerance(t *testing.T) {
	variants := map[string]string{
		"BOM":               "\ufeff" + smallPB,
		"CRLF":              strings.ReplaceAll(smallPB, "\n", "\r\n"),
		"trailing ;":        strings.ReplaceAll(smallPB, "\n", ";\n"),
		"blank lines":       strings.ReplaceAll(smallPB, "\nPROJECTS", "\n\n  \nPROJECTS"),
		"lower-case marker": strings.Replace(smallPB, "VOTES\n", "votes\n", 1),
		"no final newline":  strings.TrimSuffix(smallPB, "\n"),
	}
	want := mustParse(t, smallPB)
	for name, text := range variants {
		t.Run(name, func(t *testing.T) {
			got := mustParse(t, text)
			if !reflect.DeepEqual(stripLines(got), stripLines(want)) {
				t.Errorf("parsed differently:\n got %+v\nwant %+v", stripLines(got), stripLines(want))
			}
		})
	}
}

func TestParsePBDecimalComma(t *testing.T) {
	inst := mustParse(t, "META\nkey;value\nbudget;10,5\nPROJECTS\nproject_id;cost\na;\"1,25\"\nVOTES\nvoter_id;vote\n1;a\n")
	if inst.Budget.Cmp(rat("10.5")) != 0 || inst.Projects[0].Cost.Cmp(rat("1.25")) != 0 {
		t.Errorf("budget %v cost %v", inst.Budget, inst.Projects[0].Cost)
	}
}

func TestParsePBCardinalBallots(t *testing.T) {
	inst := mustParse(t, `META
key;value
budget;10
vote_type;cumulative
PROJECTS
project_id;cost
a;4
b;6
VOTES
voter_id;vote;points
1;a,b;3,2
2;b;5
3;;
`)
	if inst.VoteType != VoteCumulative || !reflect.DeepEqual(inst.Votes[0].Points, []*big.Rat{big.NewRat(3, 1), big.NewRat(2, 1)}) {
		t.Fatalf("parsed %+v", inst.Votes)
	}
	if len(inst.Votes[2].Points) != 0 {
		t.Errorf("empty ballot has points %v", inst.Votes[2].Points)
	}
}

func TestParsePBWarnings(t *testing.T) {
	text := strings.Replace(smallPB, "num_votes;4", "num_votes;5", 1)
	text = strings.Replace(text, "2;250;2;", "2;250;7;", 1)
	text = strings.Replace(text, "vote_type;approval", "vote_type;approval\nmin_length;1", 1)
	inst := mustParse(t, text)
	var fields []string
	for _, w := range inst.Warnings {
		fields = append(fields, w.Field)
	}
	if !reflect.DeepEqual(fields, []string{"num_votes", "votes", "vote"}) {
		t.Errorf("warnings %v", inst.Warnings)
	}
	if w := inst.Warnings[2]; w.Line != 19 || !strings.Contains(w.Message, "1 ballot is outside") {
		t.Errorf("length warning %+v", w)
	}
}

func TestParsePBErrors(t *testing.T) {
	head := "META\nkey;value\nbudget;100\nvote_type;approval\n"
	projects := "PROJECTS\nproject_id;cost\n1;10\n2;20\n"
	votesHead := "VOTES\nvoter_id;vote\n"
	tests := []struct {
		name, text string
		line       int
		section    string
		field      string
		message    string
	}{
		{"unknown project", head + projects + votesHead + "a;1\nb;1,17\n", 12, "VOTES", "vote", `references unknown project "17"`},
		{"duplicate in vote", head + projects + votesHead + "a;1,2,1\n", 11, "VOTES", "vote", `lists project "1" twice`},
		{"duplicate voter", head + projects + votesHead + "a;1\na;2\n", 12, "VOTES", "voter_id", `"a" is used twice (first on line 11)`},
		{"empty voter id", head + projects + votesHead + ";1\n", 11, "VOTES", "voter_id", "is empty"},
		{"section name as voter id", head + projects + votesHead + "votes;,\n", 11, "VOTES", "voter_id", `is a section name: "votes"`},
		{"missing PROJECTS header", head + "PROJECTS\n" + votesHead, 6, "PROJECTS", "", "the header row is missing"},
		{"empty vote entry", head + projects + votesHead + "a;1,,2\n", 11, "VOTES", "vote", "has an empty entry"},
		{"bad cost", head + "PROJECTS\nproject_id;cost\n1;12a\n" + votesHead, 7, "PROJECTS", "cost", `of project "1" is not a decimal number: "12a"`},
		{"negative cost", head + "PROJECTS\nproject_id;cost\n1;-5\n" + votesHead, 7, "PROJECTS", "cost", "must not be negative"},
		{"empty cost", head + "PROJECTS\nproject_id;cost\n1;\n" + votesHead, 7, "PROJECTS", "cost", "is empty"},
		{"exponent cost", head + "PROJECTS\nproject_id;cost\n1;1e9\n" + votesHead, 7, "PROJECTS", "cost", "is not a decimal number"},
		{"duplicate project", head + "PROJECTS\nproject_id;cost\n1;5\n1;6\n" + votesHead, 8, "PROJECTS", "project_id", `"1" is used twice (first on line 7)`},
		{"comma in project id", head + "PROJECTS\nproject_id;cost\n\"1,2\";5\n" + votesHead, 7, "PROJECTS", "project_id", "must not contain a comma"},
		{"missing cost column", head + "PROJECTS\nproject_id;name\n", 6, "PROJECTS", "cost", "column is missing from the header"},
		{"missing vote column", head + projects + "VOTES\nvoter_id;age\n", 10, "VOTES", "vote", "column is missing from the header"},
		{"duplicate header column", head + "PROJECTS\nproject_id;cost;cost\n", 6, "PROJECTS", "cost", "column appears twice in the header"},
		{"too many fields", head + projects + votesHead + "a;1;x\n", 11, "VOTES", "", "row has 3 fields but the header has 2 columns"},
		{"missing budget", "META\nkey;value\nvote_type;approval\n" + projects + votesHead, 1, "META", "budget", "is missing"},
		{"bad budget", "META\nkey;value\nbudget;lots\n" + projects + votesHead, 3, "META", "budget", `is not a decimal number: "lots"`},
		{"negative budget", "META\nkey;value\nbudget;-1\n" + projects + votesHead, 3, "META", "budget", "must not be negative"},
		{"unknown vote type", "META\nkey;value\nbudget;1\nvote_type;borda\n" + projects + votesHead, 4, "META", "vote_type", `is not one of approval, choose-1, ordinal, cumulative, scoring: "borda"`},
		{"duplicate meta key", "META\nkey;value\nbudget;1\nbudget;2\n", 4, "META", "budget", "is defined twice (first on line 3)"},
		{"data before META", "budget;1\n", 1, "", "", "expected the META section first"},
		{"PROJECTS before META", "PROJECTS\n", 1, "PROJECTS", "", "section must follow the META section"},
		{"VOTES twice", head + projects + votesHead + votesHead, 11, "VOTES", "", "section appears twice"},
		{"META after VOTES", head + projects + votesHead + "META\n", 11, "META", "", "section appears twice"},
		{"missing VOTES", head + projects, 8, "", "", "the VOTES section is missing"},
		{"missing VOTES header", head + projects + "VOTES\n", 9, "VOTES", "", "the header row is missing"},
		{"empty input", "", 0, "", "", "the META section is missing"},
		{"points count", "META\nkey;value\nbudget;10\nvote_type;scoring\n" + projects + "VOTES\nvoter_id;vote;points\na;1,2;3\n", 11, "VOTES", "points", "lists 1 values for 2 projects"},
		{"bad points", "META\nkey;value\nbudget;10\nvote_type;scoring\n" + projects + "VOTES\nvoter_id;vote;points\na;1;x\n", 11, "VOTES", "points", `entry 1 is not a decimal number: "x"`},
		{"missing points column", "META\nkey;value\nbudget;10\nvote_type;cumulative\n" + projects + votesHead, 10, "VOTES", "points", "column is missing from the header"},
		{"unterminated quote", head + "PROJECTS\nproject_id;cost;name\n1;5;\"Park\n2;6;x\n" + votesHead, 7, "PROJECTS", "", "field 3 contains a line break (is a closing quote missing?)"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParsePB(strings.NewReader(tc.text))
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v (%T), want *ValidationError", err, err)
			}
			if ve.Line != tc.line || ve.Section != tc.section || ve.Field != tc.field || !strings.Contains(ve.Message, tc.message) {
				t.Errorf("got %#v\nwant line %d section %q field %q message containing %q", ve, tc.line, tc.section, tc.field, tc.message)
			}
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	_, err := ParsePB(strings.NewReader("META\nkey;value\nbudget;5\nPROJECTS\nproject_id;cost\n1;5\nVOTES\nvoter_id;vote\n" + strings.Repeat("x;1\n", 0) + "a;17\n"))
	if got, want := err.Error(), `line 9: VOTES: vote references unknown project "17"`; got != want {
		t.Errorf("error text %q, want %q", got, want)
	}
	e := &ValidationError{Field: "rule", Message: "must be mes or greedy"}
	if e.Error() != "rule must be mes or greedy" {
		t.Errorf("option error text %q", e.Error())
	}
}

// stripLines clears source positions so that instances parsed from
// differently formatted text compare equal.
func stripLines(inst *Instance) *Instance {
	c := *inst
	c.Projects = append([]Project(nil), inst.Projects...)
	for i := range c.Projects {
		c.Projects[i].Line = 0
	}
	c.Votes = append([]Vote(nil), inst.Votes...)
	for i := range c.Votes {
		c.Votes[i].Line = 0
	}
	c.Warnings = nil
	return &c
}

func roundTrip(t tester, inst *Instance) *Instance {
	t.Helper()
	var buf bytes.Buffer
	if err := WritePB(&buf, inst); err != nil {
		t.Fatalf("WritePB: %v", err)
	}
	back, err := ParsePB(&buf)
	if err != nil {
		t.Fatalf("ParsePB of written file: %v\n%s", err, buf.String())
	}
	return back
}

func TestWritePBRoundTripSharedFiles(t *testing.T) {
	for _, path := range sharedFiles(t) {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			inst := loadShared(t, name)
			back := roundTrip(t, inst)
			if !reflect.DeepEqual(stripLines(back), stripLines(inst)) {
				t.Errorf("round trip changed the instance")
			}
		})
	}
}

func TestWritePBRoundTripSmall(t *testing.T) {
	inst := mustParse(t, smallPB)
	back := roundTrip(t, inst)
	if !reflect.DeepEqual(stripLines(back), stripLines(inst)) {
		t.Errorf("round trip changed the instance:\n got %+v\nwant %+v", back, inst)
	}
	var buf bytes.Buffer
	if err := WritePB(&buf, inst); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "1;500.25;3;\"Park \"\"Zielony\"\" ; nowy\";1\n") {
		t.Errorf("quoting lost:\n%s", buf.String())
	}
}

func TestWritePBExportsRound(t *testing.T) {
	inst := &Instance{
		Budget: rat("100"),
		Projects: []Project{
			{ID: "a", Cost: rat("60.5"), Extra: map[string]string{"name": "Docs sprint"}},
			{ID: "b", Cost: rat("40")},
		},
		Votes: []Vote{{VoterID: "m1", Projects: []string{"a"}}, {VoterID: "m2", Projects: []string{"a", "b"}}},
	}
	res := mustAllocate(t, inst, Options{Completion: CompletionGreedy})
	inst.SetSelected(res.Selected)
	var buf bytes.Buffer
	if err := WritePB(&buf, inst); err != nil {
		t.Fatal(err)
	}
	want := "META\nkey;value\nnum_projects;2\nnum_votes;2\nbudget;100\nvote_type;approval\n" +
		"PROJECTS\nproject_id;cost;name;selected\na;60.5;Docs sprint;1\nb;40;;0\n" +
		"VOTES\nvoter_id;vote\nm1;a\nm2;a,b\n"
	if buf.String() != want {
		t.Errorf("exported\n%s\nwant\n%s", buf.String(), want)
	}
	back := mustParse(t, buf.String())
	if got := officialSelection(back); !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("selected column %v", got)
	}
}

func TestWritePBRejectsInvalid(t *testing.T) {
	base := func() *Instance {
		return &Instance{Budget: rat("10"), Projects: []Project{{ID: "a", Cost: rat("1")}}, Votes: []Vote{{VoterID: "1", Projects: []string{"a"}}}}
	}
	tests := map[string]func(*Instance){
		"nil budget":       func(i *Instance) { i.Budget = nil },
		"unknown project":  func(i *Instance) { i.Votes[0].Projects = []string{"zz"} },
		"non-decimal cost": func(i *Instance) { i.Projects[0].Cost = big.NewRat(1, 3) },
		"duplicate voter":  func(i *Instance) { i.Votes = append(i.Votes, i.Votes[0]) },
		"points on approval": func(i *Instance) {
			i.Votes[0].Points = []*big.Rat{big.NewRat(1, 1)}
		},
		"bad vote type": func(i *Instance) { i.VoteType = "Approval" },
	}
	for name, mutate := range tests {
		t.Run(name, func(t *testing.T) {
			inst := base()
			mutate(inst)
			var buf bytes.Buffer
			err := WritePB(&buf, inst)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %v, want *ValidationError", err)
			}
			if buf.Len() != 0 {
				t.Errorf("wrote %d bytes despite the error", buf.Len())
			}
		})
	}
}

func TestParsePBSharedFiles(t *testing.T) {
	for _, path := range sharedFiles(t) {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		inst, err := ParsePB(bytes.NewReader(data))
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		if len(inst.Warnings) != 0 {
			t.Errorf("%s: warnings %v", filepath.Base(path), inst.Warnings)
		}
		if n, _ := inst.MetaValue("num_votes"); n == "" || len(inst.Votes) == 0 {
			t.Errorf("%s: no votes parsed", filepath.Base(path))
		}
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n == 0 {
		r.n++
		return copy(p, "META\nkey;value\n"), nil
	}
	return 0, errors.New("connection reset")
}

func TestParsePBReaderError(t *testing.T) {
	_, err := ParsePB(&failingReader{})
	var ve *ValidationError
	if err == nil || errors.As(err, &ve) || !strings.Contains(err.Error(), "connection reset") {
		t.Errorf("error %v, want the wrapped reader error", err)
	}
}
