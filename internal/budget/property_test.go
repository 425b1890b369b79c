package budget

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// genInstance draws a small random election. Costs and the budget are
// multiples of 0.5 so that decimal amounts are exercised; ballots may be
// empty; cardinal instances carry 0-4 points per listed project.
func genInstance(t *rapid.T, vt VoteType) *Instance {
	m := rapid.IntRange(1, 7).Draw(t, "projects")
	n := rapid.IntRange(0, 12).Draw(t, "voters")
	half := func(label string, hi int) *big.Rat {
		return big.NewRat(int64(rapid.IntRange(0, hi).Draw(t, label)), 2)
	}
	inst := &Instance{Budget: half("budget", 60), VoteType: vt}
	for i := 0; i < m; i++ {
		inst.Projects = append(inst.Projects, Project{ID: fmt.Sprintf("p%d", i), Cost: half("cost", 24)})
	}
	for i := 0; i < n; i++ {
		v := Vote{VoterID: fmt.Sprintf("v%d", i)}
		for _, p := range inst.Projects {
			if rapid.IntRange(0, 2).Draw(t, "approves") == 0 {
				v.Projects = append(v.Projects, p.ID)
				if vt.hasPoints() {
					v.Points = append(v.Points, big.NewRat(int64(rapid.IntRange(0, 4).Draw(t, "points")), 1))
				}
			}
		}
		if len(v.Projects) > 1 && rapid.Bool().Draw(t, "reorder") {
			perm := rapid.Permutation(slices.Clone(v.Projects)).Draw(t, "order")
			// keep points aligned with their projects
			if v.Points != nil {
				pts := map[string]*big.Rat{}
				for j, id := range v.Projects {
					pts[id] = v.Points[j]
				}
				for j, id := range perm {
					v.Points[j] = pts[id]
				}
			}
			v.Projects = perm
		}
		inst.Votes = append(inst.Votes, v)
	}
	return inst
}

func genVoteType(t *rapid.T) VoteType {
	return rapid.SampledFrom([]VoteType{VoteApproval, VoteApproval, VoteCumulative, VoteScoring}).Draw(t, "vote_type")
}

// allOptions lists every valid combination of rule, utility, completion
// and tie-breaking for a vote type.
func allOptions(vt VoteType) []Options {
	var out []Options
	for _, tb := range []TieBreak{TieBreakLexicographic, TieBreakEqualShares} {
		out = append(out, Options{Rule: RuleGreedy, TieBreak: tb})
		utils := []Utility{UtilityCost, UtilityCardinality}
		if vt.hasPoints() {
			utils = append(utils, UtilityPoints)
		}
		for _, u := range utils {
			for _, c := range []Completion{CompletionNone, CompletionAdd1, CompletionGreedy, CompletionAdd1Greedy} {
				out = append(out, Options{Utility: u, Completion: c, TieBreak: tb})
				if c == CompletionAdd1 {
					out = append(out, Options{Utility: u, Completion: c, TieBreak: tb, Add1StopWhenExhaustive: true, Add1Step: big.NewRat(1, 4)})
				}
			}
		}
	}
	return out
}

// The selected projects never cost more than the budget, the reported
// totals are consistent, and replaying the MES payments shows every
// project paid in full without any voter overspending.
func TestPropertyWithinBudget(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vt := genVoteType(t)
		inst := genInstance(t, vt)
		for _, o := range allOptions(vt) {
			res, err := Allocate(inst, o)
			if err != nil {
				t.Fatalf("%+v: %v", o, err)
			}
			checkResultInvariants(t, inst, res)
		}
	})
}

// The optimised MES engine agrees with the naive big.Rat implementation,
// pick by pick, at the plain budget share and at a random larger one.
func TestPropertyMESMatchesNaive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vt := genVoteType(t)
		inst := genInstance(t, vt)
		if len(inst.Votes) == 0 {
			return
		}
		utils := []Utility{UtilityCost, UtilityCardinality}
		if vt.hasPoints() {
			utils = append(utils, UtilityPoints)
		}
		u := rapid.SampledFrom(utils).Draw(t, "utility")
		tb := rapid.SampledFrom([]TieBreak{TieBreakLexicographic, TieBreakEqualShares}).Draw(t, "tie")
		pr, err := newProfile(inst, u.kind(), tb)
		if err != nil {
			t.Fatal(err)
		}
		eng := newMESEngine(context.Background(), pr)
		share := new(big.Rat).Quo(inst.Budget, big.NewRat(int64(len(inst.Votes)), 1))
		extra := big.NewRat(int64(rapid.IntRange(0, 40).Draw(t, "extra")), int64(rapid.IntRange(1, 7).Draw(t, "den")))
		for _, b := range []*big.Rat{share, new(big.Rat).Add(share, extra)} {
			var got []string
			picks, err := eng.run(b)
			if err != nil {
				t.Fatal(err)
			}
			for _, pk := range picks {
				got = append(got, pr.ids[pk.project])
			}
			if want := naiveMES(inst, u, tb, b); !slices.Equal(got, want) {
				t.Fatalf("voter budget %s, %s utility, %s ties: engine %v, naive %v", b.RatString(), u, tb, got, want)
			}
		}
	})
}

// With greedy selection or greedy completion the outcome is exhaustive: no
// unselected project fits in the leftover budget.
func TestPropertyGreedyExhaustive(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vt := genVoteType(t)
		inst := genInstance(t, vt)
		for _, o := range allOptions(vt) {
			if o.Rule != RuleGreedy && o.Completion != CompletionGreedy && o.Completion != CompletionAdd1Greedy {
				continue
			}
			res, err := Allocate(inst, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range inst.Projects {
				if !slices.Contains(res.Selected, p.ID) && p.Cost.Cmp(res.Leftover.Rat) <= 0 {
					t.Fatalf("%+v: %s (cost %s) fits in the leftover %s but was not selected", o, p.ID, p.Cost.RatString(), res.Leftover)
				}
			}
		}
	})
}

// The result does not depend on the order of the ballots, nor on the order
// of the projects in the file.
func TestPropertyOrderIndependent(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		vt := genVoteType(t)
		inst := genInstance(t, vt)
		shuffled := *inst
		shuffled.Votes = rapid.Permutation(inst.Votes).Draw(t, "votes")
		shuffled.Projects = rapid.Permutation(inst.Projects).Draw(t, "projects")
		opts := allOptions(vt)
		o := opts[rapid.IntRange(0, len(opts)-1).Draw(t, "options")]
		a, errA := Allocate(inst, o)
		b, errB := Allocate(&shuffled, o)
		if errA != nil || errB != nil {
			t.Fatal(errA, errB)
		}
		ja, _ := json.Marshal(a)
		jb, _ := json.Marshal(b)
		if string(ja) != string(jb) {
			t.Fatalf("%+v:\n%s\n%s", o, ja, jb)
		}
	})
}

// Writing an instance and parsing it back gives the same instance.
func TestPropertyRoundTrip(t *testing.T) {
	text := rapid.StringMatching(`[a-zA-Z0-9 ;,"'ąę.-]{0,12}`)
	rapid.Check(t, func(t *rapid.T) {
		vt := genVoteType(t)
		inst := genInstance(t, vt)
		inst.Meta = []MetaEntry{{Key: "description", Value: "x" + text.Draw(t, "description") + "x"}, {Key: "budget", Value: "0"}}
		for i := range inst.Projects {
			inst.Projects[i].Extra = map[string]string{"name": text.Draw(t, "name"), "votes": ""}
		}
		for i := range inst.Votes {
			inst.Votes[i].Extra = map[string]string{"age": text.Draw(t, "age")}
		}
		back := roundTrip(t, inst)
		if back.Budget.Cmp(inst.Budget) != 0 || back.VoteType != vt {
			t.Fatalf("budget %v type %s", back.Budget, back.VoteType)
		}
		if len(back.Projects) != len(inst.Projects) || len(back.Votes) != len(inst.Votes) {
			t.Fatalf("sizes changed")
		}
		for i, p := range back.Projects {
			q := inst.Projects[i]
			if p.ID != q.ID || p.Cost.Cmp(q.Cost) != 0 || p.Extra["name"] != q.Extra["name"] {
				t.Fatalf("project %d: %+v vs %+v", i, p, q)
			}
		}
		for i, v := range back.Votes {
			w := inst.Votes[i]
			if v.VoterID != w.VoterID || !slices.Equal(v.Projects, w.Projects) || v.Extra["age"] != w.Extra["age"] ||
				!slices.EqualFunc(v.Points, w.Points, func(a, b *big.Rat) bool { return a.Cmp(b) == 0 }) {
				t.Fatalf("vote %d: %+v vs %+v", i, v, w)
			}
		}
		again := roundTrip(t, back)
		if fmt.Sprint(stripLines(again)) != fmt.Sprint(stripLines(back)) {
			t.Fatalf("second round trip differs")
		}
	})
}
