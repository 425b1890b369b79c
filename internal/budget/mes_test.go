package budget

import (
	"encoding/json"
	"errors"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// approvalInstance builds an approval instance from "id:cost" project specs
// and ballots written as comma-separated project ids.
func approvalInstance(budget string, projects []string, ballots ...string) *Instance {
	inst := &Instance{Budget: rat(budget), VoteType: VoteApproval}
	for _, spec := range projects {
		id, cost, _ := strings.Cut(spec, ":")
		inst.Projects = append(inst.Projects, Project{ID: id, Cost: rat(cost)})
	}
	for i, b := range ballots {
		v := Vote{VoterID: string(rune('A' + i))}
		if b != "" {
			v.Projects = strings.Split(b, ",")
		}
		inst.Votes = append(inst.Votes, v)
	}
	return inst
}

// lacknerSkowron is the running example of Lackner & Skowron (2023),
// "Multi-Winner Voting with Approval Preferences": 12 voters, 7 unit-cost
// candidates, budget 4.
func lacknerSkowron() *Instance {
	return approvalInstance("4", []string{"a:1", "b:1", "c:1", "d:1", "e:1", "f:1", "g:1"},
		"a,b", "a,b", "a,b", "a,c", "a,c", "a,c", "a,d", "a,d", "b,c,f", "e", "f", "g")
}

func TestMESLacknerSkowron(t *testing.T) {
	inst := lacknerSkowron()
	for _, u := range []Utility{UtilityCost, UtilityCardinality} {
		res := mustAllocate(t, inst, Options{Utility: u})
		if !slices.Equal(res.Selected, []string{"a"}) {
			t.Errorf("%s: selected %v, want [a]", u, res.Selected)
		}
		// Each of the 8 supporters of a pays 1/8; b then needs 1 but its
		// supporters hold 3*(1/3-1/8)+1/3 = 23/24.
		if s := res.Projects[0]; s.MaxPayment.Cmp(big.NewRat(1, 8)) != 0 || s.Rho.Cmp(big.NewRat(1, 8)) != 0 {
			t.Errorf("%s: payment %v rho %v, want 1/8", u, s.MaxPayment, s.Rho)
		}
		checkResultInvariants(t, inst, res)
	}
	// Greedy by votes: a (8), then b and c (4 each), then d before f (2 each, by id).
	if res := mustAllocate(t, inst, Options{Rule: RuleGreedy}); !slices.Equal(res.Selected, []string{"a", "b", "c", "d"}) {
		t.Errorf("greedy selected %v", res.Selected)
	}
	// MES completed greedily spends the whole budget.
	if res := mustAllocate(t, inst, Options{Completion: CompletionGreedy}); !slices.Equal(res.Selected, []string{"a", "b", "c", "d"}) || res.Leftover.Sign() != 0 {
		t.Errorf("MES+greedy selected %v leftover %s", res.Selected, res.Leftover)
	}
	// One unit per voter is a huge step here: the first raise (1/3 -> 4/3)
	// already funds everything, which overspends, so add1 keeps [a].
	if res := mustAllocate(t, inst, Options{Completion: CompletionAdd1}); !slices.Equal(res.Selected, []string{"a"}) || res.MESRuns != 2 || res.Add1Steps != 0 {
		t.Errorf("add1 selected %v after %d runs", res.Selected, res.MESRuns)
	}
}

func TestMESTieBreaking(t *testing.T) {
	// Both voters approve both projects and hold 2 each: a (cost 4) and b
	// (cost 2) both have rho 1/2 under cost utilities.
	inst := approvalInstance("4", []string{"b:2", "a:4"}, "a,b", "a,b")
	lex := mustAllocate(t, inst, Options{})
	if !slices.Equal(lex.Selected, []string{"a"}) {
		t.Errorf("lexicographic ties: %v, want [a]", lex.Selected)
	}
	es := mustAllocate(t, inst, Options{TieBreak: TieBreakEqualShares})
	if !slices.Equal(es.Selected, []string{"b"}) {
		t.Errorf("equalshares ties (cheaper first): %v, want [b]", es.Selected)
	}
	// Same cost and rho: equalshares prefers more votes. c drains voter C
	// first (rho 1/6), after which m (A, B, C) and k (A, B) both cost
	// their rich supporters 2 each: rho 1/2 for both.
	inst = approvalInstance("16", []string{"c:12", "m:4", "k:4"}, "m,k", "m,k", "c,m", "c", "c", "c", "c", "c")
	if res := mustAllocate(t, inst, Options{}); !slices.Equal(res.Selected, []string{"c", "k"}) {
		t.Errorf("lexicographic ties: %v, want [c k]", res.Selected)
	}
	if res := mustAllocate(t, inst, Options{TieBreak: TieBreakEqualShares}); !slices.Equal(res.Selected, []string{"c", "m"}) {
		t.Errorf("equalshares ties (more votes first): %v, want [c m]", res.Selected)
	}
	if got := naiveMES(inst, UtilityCost, TieBreakEqualShares, big.NewRat(2, 1)); !slices.Equal(got, []string{"c", "m"}) {
		t.Errorf("naive MES: %v", got)
	}
	// Same cost and votes: the smaller id wins under both orders.
	inst = approvalInstance("4", []string{"q:2", "p:2"}, "p,q", "p,q")
	for _, tb := range []TieBreak{TieBreakLexicographic, TieBreakEqualShares} {
		if res := mustAllocate(t, inst, Options{TieBreak: tb}); res.Selected[0] != "p" {
			t.Errorf("%s: first pick %v, want p (smaller id)", tb, res.Selected)
		}
	}
}

func TestMESPointsUtility(t *testing.T) {
	inst := mustParse(t, `META
key;value
budget;10
vote_type;cumulative
PROJECTS
project_id;cost
a;5
b;5
VOTES
voter_id;vote;points
1;a,b;3,1
2;b;4
`)
	res := mustAllocate(t, inst, Options{})
	if res.Utility != UtilityPoints || !slices.Equal(res.Selected, []string{"b"}) {
		t.Fatalf("selected %v with %s utility, want [b] with points", res.Selected, res.Utility)
	}
	// b costs 5 for 5 points: rho 1 per point (voter 1 pays 1, voter 2 pays 4).
	if res.Projects[0].Rho.Cmp(big.NewRat(1, 1)) != 0 || res.Projects[0].MaxPayment != nil {
		t.Errorf("rho %v payment %v", res.Projects[0].Rho, res.Projects[0].MaxPayment)
	}
	if got := naiveMES(inst, UtilityPoints, TieBreakLexicographic, big.NewRat(5, 1)); !slices.Equal(got, res.Selected) {
		t.Errorf("naive MES %v", got)
	}
	// Greedy orders by total points: b (5) then a (3).
	if res := mustAllocate(t, inst, Options{Rule: RuleGreedy}); !slices.Equal(res.Selected, []string{"b", "a"}) {
		t.Errorf("greedy selected %v", res.Selected)
	}
	// With cost utilities every project with positive points counts as approved.
	if res := mustAllocate(t, inst, Options{Utility: UtilityCost}); !slices.Equal(res.Selected, []string{"b"}) {
		t.Errorf("cost utility selected %v", res.Selected)
	}
}

func TestMESEdgeCases(t *testing.T) {
	t.Run("empty ballots dilute budgets", func(t *testing.T) {
		inst := approvalInstance("10", []string{"p:10"}, "p", "")
		if res := mustAllocate(t, inst, Options{}); len(res.Selected) != 0 || res.VoterBudget.Cmp(big.NewRat(5, 1)) != 0 {
			t.Errorf("selected %v with voter budget %v", res.Selected, res.VoterBudget)
		}
		res := mustAllocate(t, inst, Options{Completion: CompletionAdd1})
		if !slices.Equal(res.Selected, []string{"p"}) || res.VoterBudget.Cmp(big.NewRat(10, 1)) != 0 || res.Add1Steps != 5 {
			t.Errorf("add1 selected %v with voter budget %v after %d steps", res.Selected, res.VoterBudget, res.Add1Steps)
		}
	})
	t.Run("no voters", func(t *testing.T) {
		inst := approvalInstance("10", []string{"p:4", "q:7"})
		if res := mustAllocate(t, inst, Options{}); len(res.Selected) != 0 || res.VoterBudget != nil {
			t.Errorf("selected %v", res.Selected)
		}
		if res := mustAllocate(t, inst, Options{Completion: CompletionGreedy}); !slices.Equal(res.Selected, []string{"p"}) {
			t.Errorf("greedy completion selected %v", res.Selected)
		}
	})
	t.Run("zero budget", func(t *testing.T) {
		inst := approvalInstance("0", []string{"p:4", "free:0"}, "p,free", "free")
		if res := mustAllocate(t, inst, Options{Completion: CompletionAdd1}); len(res.Selected) != 0 {
			t.Errorf("cost utility selected %v", res.Selected)
		}
		if res := mustAllocate(t, inst, Options{Utility: UtilityCardinality, Completion: CompletionAdd1}); !slices.Equal(res.Selected, []string{"free"}) {
			t.Errorf("cardinality selected %v", res.Selected)
		}
	})
	t.Run("everything affordable", func(t *testing.T) {
		inst := approvalInstance("7", []string{"p0:1", "p1:3", "p2:2", "p3:1"}, "p0,p1,p2,p3")
		for _, c := range []Completion{CompletionNone, CompletionAdd1, CompletionGreedy} {
			if res := mustAllocate(t, inst, Options{Completion: c}); len(res.Selected) != 4 || res.Leftover.Sign() != 0 {
				t.Errorf("%s: selected %v", c, res.Selected)
			}
		}
	})
	t.Run("unapproved project only via greedy", func(t *testing.T) {
		inst := approvalInstance("10", []string{"p:5", "nobody:2"}, "p", "p")
		if res := mustAllocate(t, inst, Options{Completion: CompletionAdd1}); !slices.Equal(res.Selected, []string{"p"}) {
			t.Errorf("add1 selected %v", res.Selected)
		}
		if res := mustAllocate(t, inst, Options{Completion: CompletionAdd1Greedy}); !slices.Equal(res.Selected, []string{"p", "nobody"}) {
			t.Errorf("add1-greedy selected %v", res.Selected)
		}
	})
}

func TestAdd1RunLimit(t *testing.T) {
	inst := approvalInstance("100", []string{"p:60", "q:61"}, "p", "q", "")
	_, err := Allocate(inst, Options{Completion: CompletionAdd1, Add1Step: big.NewRat(1, 1000), MaxRuns: 5})
	if !errors.Is(err, ErrTooManyRuns) {
		t.Fatalf("error %v, want ErrTooManyRuns", err)
	}
	res := mustAllocate(t, inst, Options{Completion: CompletionAdd1})
	if len(res.Selected) != 1 || res.Selected[0] != "p" {
		t.Errorf("selected %v", res.Selected)
	}
}

func TestAllocateOptionErrors(t *testing.T) {
	approval := approvalInstance("10", []string{"p:4"}, "p")
	ordinal := approvalInstance("10", []string{"p:4"}, "p")
	ordinal.VoteType = VoteOrdinal
	tests := []struct {
		name  string
		inst  *Instance
		opts  Options
		field string
		msg   string
	}{
		{"unknown rule", approval, Options{Rule: "phragmen"}, "rule", `must be mes or greedy, not "phragmen"`},
		{"unknown utility", approval, Options{Utility: "sqrt"}, "utility", "must be cost, cardinality or points"},
		{"points on approval", approval, Options{Utility: UtilityPoints}, "utility", "points needs cumulative or scoring ballots"},
		{"unknown completion", approval, Options{Completion: "phragmen"}, "completion", "must be none, add1, add1-greedy or greedy"},
		{"add1 with greedy", approval, Options{Rule: RuleGreedy, Completion: CompletionAdd1}, "completion", "does not apply to the greedy rule"},
		{"utility with greedy", approval, Options{Rule: RuleGreedy, Utility: UtilityCost}, "utility", "does not apply to the greedy rule"},
		{"unknown tie-break", approval, Options{TieBreak: "random"}, "tie_break", "must be equalshares or lexicographic"},
		{"bad step", approval, Options{Completion: CompletionAdd1, Add1Step: big.NewRat(-1, 2)}, "add1_step", "must be positive"},
		{"negative max runs", approval, Options{MaxRuns: -1}, "max_runs", "must not be negative"},
		{"ordinal ballots", ordinal, Options{}, "vote_type", `unsupported vote_type "ordinal"`},
		{"ordinal ballots greedy", ordinal, Options{Rule: RuleGreedy}, "vote_type", `unsupported vote_type "ordinal"`},
		{"invalid instance", approvalInstance("10", []string{"p:4"}, "p,x"), Options{}, "vote", `references unknown project "x"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Allocate(tc.inst, tc.opts)
			var ve *ValidationError
			if !errors.As(err, &ve) || ve.Field != tc.field || !strings.Contains(ve.Message, tc.msg) {
				t.Errorf("error %#v, want field %q message containing %q", err, tc.field, tc.msg)
			}
		})
	}
	if _, err := Allocate(nil, Options{}); err == nil {
		t.Error("nil instance accepted")
	}
}

func TestResultJSON(t *testing.T) {
	inst := approvalInstance("1100", []string{"bike:700", "gym:400", "park:250", "playground:200", "library:100"},
		"bike,gym", "bike,gym,park", "bike,gym", "bike,gym,park", "bike,gym,park", "bike,gym",
		"library,park,playground", "playground", "library,playground", "library,park,playground", "bike")
	res := mustAllocate(t, inst, Options{})
	got, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"rule":"mes","utility":"cost","completion":"none","tie_break":"lexicographic",` +
		`"selected":["bike","playground","library"],"budget":1100,"total_cost":1000,"leftover":100,"num_voters":11,` +
		`"voter_budget":"100","mes_runs":1,"projects":[` +
		`{"id":"bike","cost":700,"votes":7,"stage":"mes","rho":"1/7","max_payment":"100"},` +
		`{"id":"playground","cost":200,"votes":4,"stage":"mes","rho":"1/4","max_payment":"50"},` +
		`{"id":"library","cost":100,"votes":3,"stage":"mes","rho":"1/3","max_payment":"100/3"}]}`
	if string(got) != want {
		t.Errorf("JSON\n%s\nwant\n%s", got, want)
	}
	var back struct {
		Selected  []string `json:"selected"`
		TotalCost Amount   `json:"total_cost"`
	}
	if err := json.Unmarshal(got, &back); err != nil || back.TotalCost.Cmp(rat("1000")) != 0 {
		t.Errorf("decode: %v %+v", err, back)
	}
	empty := mustAllocate(t, approvalInstance("5", []string{"p:9"}, "p"), Options{Rule: RuleGreedy})
	if got, _ := json.Marshal(empty); !strings.Contains(string(got), `"selected":[],`) || !strings.Contains(string(got), `"projects":[]`) {
		t.Errorf("empty result JSON %s", got)
	}
}

func TestAmountJSON(t *testing.T) {
	for _, tc := range []struct{ in, out string }{
		{"0.9", "0.9"}, {"1500", "1500"}, {"-2.125", "-2.125"}, {"1/3", `"1/3"`}, {"0", "0"},
	} {
		got, _ := json.Marshal(Amount{rat(tc.in)})
		if string(got) != tc.out {
			t.Errorf("Marshal(%s) = %s, want %s", tc.in, got, tc.out)
		}
		var a Amount
		if err := json.Unmarshal(got, &a); err != nil || a.Cmp(rat(tc.in)) != 0 {
			t.Errorf("Unmarshal(%s) = %v, %v", got, a, err)
		}
	}
	var a Amount
	for _, bad := range []string{`"1e999999999"`, `"x"`, `"1/0"`, `"1/2/3"`} {
		if err := json.Unmarshal([]byte(bad), &a); err == nil {
			t.Errorf("Unmarshal(%s) accepted", bad)
		}
	}
}

func TestDecimalHelpers(t *testing.T) {
	for in, want := range map[string]string{"1500": "1500", "1500.50": "3001/2", ".5": "1/2", "5.": "5", "+3": "3", "-0.25": "-1/4", "1,5": "3/2"} {
		r, err := parseDecimal(in)
		if err != nil || r.RatString() != want {
			t.Errorf("parseDecimal(%q) = %v, %v; want %s", in, r, err, want)
		}
	}
	for _, bad := range []string{"", "-", ".", "1.2.3", "1e3", "1/2", "0x10", "１", strings.Repeat("9", 65)} {
		if r, err := parseDecimal(bad); err == nil {
			t.Errorf("parseDecimal(%q) = %v, want error", bad, r)
		}
	}
	if _, ok := formatDecimal(big.NewRat(1, 3)); ok {
		t.Error("1/3 formatted as a decimal")
	}
	if s, ok := formatDecimal(big.NewRat(1, 80)); !ok || s != "0.0125" {
		t.Errorf("1/80 formatted as %q", s)
	}
}

func TestInstanceHelpers(t *testing.T) {
	inst := mustParse(t, smallPB)
	inst.SetSelected([]string{"2"})
	if got := officialSelection(inst); !reflect.DeepEqual(got, []string{"2"}) {
		t.Errorf("selected %v", got)
	}
	if _, ok := inst.MetaValue("missing"); ok {
		t.Error("missing META key found")
	}
}
