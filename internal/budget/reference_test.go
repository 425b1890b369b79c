package budget

import (
	"math/big"
	"path/filepath"
	"slices"
	"testing"
)

// publishedCase is an outcome published for one of the shared instances.
type publishedCase struct {
	name   string
	opts   Options
	want   [][]string // acceptable selections (more than one only for published ties)
	source string
	// payments optionally pins the largest per-voter payment of MES picks.
	payments map[string]string
}

func one(ids ...string) [][]string { return [][]string{ids} }

// published maps each shared file to the outcomes its source documents.
// Files whose META rule is "greedy" or "equalshares/add1" are also checked
// against their selected column by TestOfficialOutcomes.
var published = map[string][]publishedCase{
	"equalshares_net_example1.pb": {
		{name: "MES", opts: Options{}, want: one("bike", "library", "playground"),
			source:   "equalshares.net/explanation, Example 1: bike path, then playground, then library",
			payments: map[string]string{"bike": "100", "playground": "50", "library": "100/3"}},
		{name: "greedy", opts: Options{Rule: RuleGreedy}, want: one("bike", "gym"),
			source: "equalshares.net/explanation, Example 1: the standard method selects bike path and outdoor gym"},
	},
	"equalshares_net_example2.pb": {
		{name: "MES", opts: Options{}, want: one("gym", "park", "playground"),
			source:   "equalshares.net/explanation, Example 2: outdoor gym, new park, new playground",
			payments: map[string]string{"gym": "400/7", "park": "425/7", "playground": "425/7"}},
	},
	"lackner_skowron_2023_running_example.pb": {
		{name: "MES cost", opts: Options{Utility: UtilityCost}, want: one("a"),
			source: "pabutools tests/test_rule.py, RunningEx LackSkow23"},
		{name: "MES cardinality", opts: Options{Utility: UtilityCardinality}, want: one("a"),
			source: "pabutools tests/test_rule.py, RunningEx LackSkow23"},
		{name: "add1 step 1/24 (total)", opts: Options{Completion: CompletionAdd1, Add1Step: big.NewRat(1, 24*12)}, want: one("a", "b", "c", "d"),
			source: "pabutools test_iterated_exhaustion, exhaustive_stop=False"},
		{name: "add1 step 1/24 (total), exhaustive stop", opts: Options{Completion: CompletionAdd1, Add1Step: big.NewRat(1, 24*12), Add1StopWhenExhaustive: true}, want: one("a", "b", "c", "d"),
			source: "pabutools test_iterated_exhaustion, exhaustive_stop=True"},
		{name: "add1 step 5 (total)", opts: Options{Completion: CompletionAdd1, Add1Step: big.NewRat(5, 12)}, want: one("a"),
			source: "pabutools test_iterated_exhaustion, budget_step=5"},
	},
	"pabutools_AppEx_2.pb": {
		{name: "MES cost", opts: Options{}, want: one("p0", "p2"), source: "pabutools test_rule.py AppEx_2"},
		{name: "MES cardinality", opts: Options{Utility: UtilityCardinality}, want: one("p0", "p1", "p3"), source: "pabutools test_rule.py AppEx_2"},
		{name: "iterated MES cost", opts: iterated(UtilityCost), want: one("p0", "p1", "p2"), source: "pabutools test_rule.py AppEx_2, mes_iterated"},
		{name: "iterated MES cardinality", opts: iterated(UtilityCardinality), want: one("p0", "p1", "p3"), source: "pabutools test_rule.py AppEx_2, mes_iterated"},
	},
	"pabutools_AppEx_3.pb": {
		{name: "MES cost", opts: Options{}, want: one("p0", "p2"), source: "pabutools test_rule.py AppEx_3"},
		{name: "MES cardinality", opts: Options{Utility: UtilityCardinality}, want: one("p0", "p1", "p3"), source: "pabutools test_rule.py AppEx_3"},
		{name: "iterated MES cost", opts: iterated(UtilityCost), want: one("p0", "p1", "p2"), source: "pabutools test_rule.py AppEx_3, mes_iterated"},
	},
	"pabutools_AppEx_4_zero_cost.pb": {
		{name: "greedy", opts: Options{Rule: RuleGreedy}, want: one("p0", "p2"), source: "pabutools test_rule.py AppEx_4, greedy Cost_Sat"},
		{name: "MES cost", opts: Options{}, want: one(), source: "pabutools test_rule.py AppEx_4"},
		{name: "MES cardinality", opts: Options{Utility: UtilityCardinality}, want: one("p0"), source: "pabutools test_rule.py AppEx_4"},
		{name: "iterated MES cost", opts: iterated(UtilityCost), want: one("p2"), source: "pabutools test_rule.py AppEx_4, mes_iterated"},
		{name: "iterated MES cardinality", opts: iterated(UtilityCardinality), want: [][]string{{"p0", "p1"}, {"p0", "p2"}},
			source: "pabutools test_rule.py AppEx_4, mes_iterated (irresolute: either outcome)"},
	},
	"pabutools_mes_analytics_1.pb": {
		{name: "MES", opts: Options{}, want: one("a"), source: "pabutools test_mes_analytics, parameter set 1",
			payments: map[string]string{"a": "1/8"}},
	},
	"pabutools_mes_analytics_2.pb": {
		{name: "MES", opts: Options{}, want: one("a", "b"), source: "pabutools test_mes_analytics, parameter set 2",
			payments: map[string]string{"a": "1/8", "b": "1/3"}},
	},
	"pabutools_mes_analytics_3.pb": {
		{name: "MES", opts: Options{}, want: one("a", "b"), source: "pabutools test_mes_analytics, parameter set 3",
			payments: map[string]string{"a": "1/8", "b": "1/4"}},
	},
	"pabutools_mes_analytics_4.pb": {
		{name: "MES", opts: Options{}, want: one("b", "d"), source: "pabutools test_mes_analytics, parameter set 4",
			payments: map[string]string{"b": "1/4", "d": "1/2"}},
	},
	"pabutools_mes_analytics_5.pb": {
		{name: "MES", opts: Options{}, want: one(), source: "pabutools test_mes_analytics, parameter set 5"},
	},
	"pabutools_test_completion.pb": {
		{name: "MES", opts: Options{}, want: one("a"), source: "pabutools test_completion"},
		{name: "MES + greedy", opts: Options{Completion: CompletionGreedy}, want: one("a", "b", "c"),
			source: "pabutools test_completion, completion_by_rule_combination(MES, greedy)"},
	},
	"pabutools_mes_phragmen.pb": {
		{name: "MES", opts: Options{}, want: one("p1"), source: "pabutools test_completion, second instance"},
	},
	"poland_warszawa_2017_plac-wojska-polskiego.pb":                             nil, // official outcome only
	"poland_warszawa_2017_zielona-grzybowa.pb":                                  nil,
	"poland_warszawa_2019_nadwisle.pb":                                          nil,
	"poland_warszawa_2019_obszar-iii-powsin-kepa-latoszkowa-zamosc-latoszki.pb": nil,
	"poland_wieliczka_2023_green-budget.pb": {
		{name: "MES add1, equalshares tie-breaking", opts: Options{Completion: CompletionAdd1, TieBreak: TieBreakEqualShares},
			want:   one("17", "19", "20", "24", "25", "26", "29", "32", "33", "34", "36", "39", "40", "41", "42", "43", "46", "56", "58", "6", "60", "61", "62", "69", "7", "70", "71", "74", "88", "9"),
			source: "equalshares.net Zielony Milion results (same as the selected column)"},
	},
}

// iterated is pabutools' mes_iterated helper: MES with a voter budget
// increment of 1/10 that stops at the first exhaustive outcome.
func iterated(u Utility) Options {
	return Options{Utility: u, Completion: CompletionAdd1, Add1Step: big.NewRat(1, 10), Add1StopWhenExhaustive: true}
}

func TestPublishedOutcomes(t *testing.T) {
	for _, path := range sharedFiles(t) {
		name := filepath.Base(path)
		cases, known := published[name]
		if !known {
			t.Errorf("%s: no published outcome recorded; add it to the published table", name)
			continue
		}
		inst := loadShared(t, name)
		for _, c := range cases {
			t.Run(name+"/"+c.name, func(t *testing.T) {
				res := mustAllocate(t, inst, c.opts)
				got := sorted(res.Selected)
				ok := false
				for _, w := range c.want {
					ok = ok || slices.Equal(got, sorted(w))
				}
				if !ok {
					t.Errorf("selected %v, want %v (%s)", got, c.want, c.source)
				}
				for id, want := range c.payments {
					s := findSelection(res, id)
					if s == nil || s.MaxPayment == nil || s.MaxPayment.Cmp(rat(want)) != 0 {
						t.Errorf("max payment for %s: got %v, want %s (%s)", id, s, want, c.source)
					}
				}
				checkResultInvariants(t, inst, res)
			})
		}
	}
}

func findSelection(res *Result, id string) *Selection {
	for i := range res.Projects {
		if res.Projects[i].ID == id {
			return &res.Projects[i]
		}
	}
	return nil
}

// TestOfficialOutcomes reproduces the selected column of every real
// election with the rule named in its META data.
func TestOfficialOutcomes(t *testing.T) {
	rules := map[string]Options{
		"greedy":           {Rule: RuleGreedy},
		"equalshares/add1": {Rule: RuleMES, Completion: CompletionAdd1},
	}
	checked := 0
	for _, path := range sharedFiles(t) {
		name := filepath.Base(path)
		inst := loadShared(t, name)
		rule, _ := inst.MetaValue("rule")
		official := officialSelection(inst)
		if len(official) == 0 {
			continue // worked examples carry no selected column
		}
		opts, ok := rules[rule]
		if !ok {
			t.Errorf("%s: selected column present but META rule %q is not supported", name, rule)
			continue
		}
		for _, tie := range []TieBreak{TieBreakLexicographic, TieBreakEqualShares} {
			opts.TieBreak = tie
			res := mustAllocate(t, inst, opts)
			if got := sorted(res.Selected); !slices.Equal(got, official) {
				t.Errorf("%s (%s, %s ties): selected %v, official %v", name, rule, tie, got, official)
			}
			checkResultInvariants(t, inst, res)
		}
		checked++
	}
	if checked != 5 {
		t.Errorf("checked %d official outcomes, want 5 (4 Warsaw districts, Wieliczka)", checked)
	}
}

// TestWieliczkaDetails checks published details of the Wieliczka 2023
// election beyond the selected set.
func TestWieliczkaDetails(t *testing.T) {
	inst := loadShared(t, "poland_wieliczka_2023_green-budget.pb")
	res := mustAllocate(t, inst, Options{Completion: CompletionAdd1})
	if len(res.Selected) != 30 || res.TotalCost.String() != "995079" {
		t.Errorf("got %d projects costing %s, published 30 projects costing 995079", len(res.Selected), res.TotalCost)
	}
	// "Projects no. 24, 41, 40, 74, 19, and 6 received more votes than
	// project no. 21, so they were selected earlier."
	if got := res.Selected[:6]; !slices.Equal(got, []string{"24", "41", "40", "74", "19", "6"}) {
		t.Errorf("first picks %v, published 24, 41, 40, 74, 19, 6", got)
	}
	// Each voter's share rose from about 151 zl to about 313 zl.
	start := new(big.Rat).SetFrac64(1000000, 6586)
	if f, _ := res.VoterBudget.Float64(); f < 312 || f > 316 {
		t.Errorf("final voter budget %.2f, published about 313", f)
	}
	if d := new(big.Rat).Sub(res.VoterBudget, start); !d.IsInt() {
		t.Errorf("voter budget %s is not budget/voters plus whole units", res.VoterBudget.RatString())
	}
	// Plain MES (no completion) spends well under the budget.
	plain := mustAllocate(t, inst, Options{})
	if plain.TotalCost.Cmp(res.TotalCost.Rat) >= 0 {
		t.Errorf("plain MES spends %s, add1 %s", plain.TotalCost, res.TotalCost)
	}
}

// checkResultInvariants verifies properties every result must have.
func checkResultInvariants(t tester, inst *Instance, res *Result) {
	t.Helper()
	if res.TotalCost.Cmp(inst.Budget) > 0 {
		t.Errorf("total cost %s exceeds budget %s", res.TotalCost, res.Budget)
	}
	sum := new(big.Rat)
	seen := map[string]bool{}
	for i, s := range res.Projects {
		if seen[s.ID] {
			t.Errorf("project %s selected twice", s.ID)
		}
		seen[s.ID] = true
		if res.Selected[i] != s.ID {
			t.Errorf("Selected[%d]=%s but Projects[%d]=%s", i, res.Selected[i], i, s.ID)
		}
		sum.Add(sum, s.Cost.Rat)
	}
	if sum.Cmp(res.TotalCost.Rat) != 0 {
		t.Errorf("total cost %s, sum of selected costs %s", res.TotalCost, sum.RatString())
	}
	if l := new(big.Rat).Sub(inst.Budget, sum); l.Cmp(res.Leftover.Rat) != 0 {
		t.Errorf("leftover %s, want %s", res.Leftover, l.RatString())
	}
	if res.VoterBudget != nil && inst.VoteType.isApproval() && res.Utility != "" {
		checkPayments(t, inst, res)
	}
}

// checkPayments replays the MES picks of an approval result: each
// supporter pays min(remaining budget, max payment); the payments must
// cover the cost exactly and nobody may pay more than their budget.
func checkPayments(t tester, inst *Instance, res *Result) {
	t.Helper()
	budgets := make([]*big.Rat, len(inst.Votes))
	for i := range budgets {
		budgets[i] = new(big.Rat).Set(res.VoterBudget)
	}
	for _, s := range res.Projects {
		if s.Stage != StageMES || s.Cost.Sign() == 0 {
			continue
		}
		paid := new(big.Rat)
		for i, v := range inst.Votes {
			if !slices.Contains(v.Projects, s.ID) {
				continue
			}
			pay := new(big.Rat).Set(s.MaxPayment)
			if pay.Cmp(budgets[i]) > 0 {
				pay.Set(budgets[i])
			}
			budgets[i].Sub(budgets[i], pay)
			if budgets[i].Sign() < 0 {
				t.Fatalf("voter %s overspent on %s", v.VoterID, s.ID)
			}
			paid.Add(paid, pay)
		}
		if paid.Cmp(s.Cost.Rat) != 0 {
			t.Errorf("%s: supporters paid %s for a cost of %s", s.ID, paid.RatString(), s.Cost)
		}
		var rho *big.Rat
		switch res.Utility {
		case UtilityCost:
			rho = new(big.Rat).Quo(s.MaxPayment, s.Cost.Rat)
		default:
			rho = s.MaxPayment
		}
		if s.Rho.Cmp(rho) != 0 {
			t.Errorf("%s: rho %s, want %s", s.ID, s.Rho.RatString(), rho.RatString())
		}
	}
}
