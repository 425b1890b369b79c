package app_test

import (
	"bytes"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/budget"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// cofundWorld is a consortium working on one initiative, with member
// communities in different roles.
type cofundWorld struct {
	f          *fixture
	s          *storage.Store
	ini        *model.Initiative
	consortium *model.Consortium
	leads      map[string]*model.User
	clock      time.Time
}

func newCofundWorld(t *testing.T, s *storage.Store) *cofundWorld {
	t.Helper()
	f := newFixture(t, s)
	w := &cofundWorld{f: f, s: s, leads: map[string]*model.User{}, clock: time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)}
	f.a.Clock = func() time.Time { return w.clock }
	for _, slug := range []string{"alpha", "beta", "gamma", "delta", "funder"} {
		w.leads[slug] = f.user(slug+"@example.org", "Lead of "+slug, model.RoleMember)
		f.community(slug, nil, w.leads[slug])
	}
	var err error
	// 100–200 hours at the default 150.00 per hour: 30,000.00 at the high end.
	w.ini, err = f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Budget alerts", HoursLow: 100, HoursHigh: 200, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	w.consortium, err = f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.", InitiativeIDs: []int64{w.ini.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for slug, roles := range map[string][]string{"alpha": {model.RoleCoFund}, "beta": {model.RoleCoFund, model.RoleReactPrioritize},
		"gamma": {model.RoleCoFund}, "delta": {model.RoleTest}} {
		if _, err := f.a.Join(f.ctx, f.admin, w.consortium.Slug, slug, model.MemberInput{Roles: roles}); err != nil {
			t.Fatal(err)
		}
	}
	return w
}

func (w *cofundWorld) goal(t *testing.T, in model.FundingGoalInput) *model.FundingGoal {
	t.Helper()
	if in.InitiativeRef == "" && in.ConsortiumRef == "" {
		in.InitiativeRef = w.ini.Slug
	}
	g, err := w.f.a.CreateGoal(w.f.ctx, w.f.admin, in)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func (w *cofundWorld) pledge(t *testing.T, goalID int64, by string, in model.PledgeInput) *model.Pledge {
	t.Helper()
	if in.Community == "" {
		in.Community = by
	}
	actor := w.f.admin
	if u := w.leads[by]; u != nil && by != "funder" {
		actor = u
	}
	p, err := w.f.a.CreatePledge(w.f.ctx, actor, goalID, in)
	if err != nil {
		t.Fatalf("pledge by %s: %v", by, err)
	}
	return p
}

func (w *cofundWorld) view(t *testing.T, actor *model.User, goalID int64) *app.GoalView {
	t.Helper()
	v, err := w.f.a.GetGoal(w.f.ctx, actor, goalID)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func wantThermometer(t *testing.T, what string, got app.Thermometer, committed, active, waiting int64) {
	t.Helper()
	if got.Committed != committed || got.Active != active || got.Waiting != waiting || got.Collected != committed+active {
		t.Fatalf("%s: thermometer committed %d, active %d, waiting %d, collected %d; want %d, %d, %d",
			what, got.Committed, got.Active, got.Waiting, got.Collected, committed, active, waiting)
	}
}

func entryOf(t *testing.T, v *app.GoalView, community string) app.PledgeEntry {
	t.Helper()
	for _, e := range v.Pledges {
		if e.CommunitySlug == community {
			return e
		}
	}
	t.Fatalf("no pledge by %s in %+v", community, v.Pledges)
	return app.PledgeEntry{}
}

// TestFundingCoFundingFlow walks the issue's "done means": communities
// pledge with conditions, the thermometer and the what-if show exactly what
// is active, the goal closes and the committed pledges become invoices.
func TestFundingCoFundingFlow(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newCofundWorld(t, s)
		f := w.f
		_, err := f.a.CreateGoal(f.ctx, w.leads["alpha"], model.FundingGoalInput{InitiativeRef: w.ini.Slug})
		code(t, err, model.EForbidden)
		deadline := w.clock.Add(30 * 24 * time.Hour)
		g := w.goal(t, model.FundingGoalInput{Deadline: &deadline})
		if g.Goal.Amount != 3_000_000 || g.Goal.Currency != "USD" || g.State != model.GoalOpen || g.Kind != model.GoalInitiative {
			t.Fatalf("goal defaults to the cost estimate's high end: %+v", g)
		}
		_, err = f.a.CreateGoal(f.ctx, f.admin, model.FundingGoalInput{InitiativeRef: w.ini.Slug})
		code(t, err, model.EConflict) // one open goal per initiative

		// A firm pledge, and "we commit $X if others invest $3X".
		w.pledge(t, g.ID, "alpha", model.PledgeInput{Amount: 500_000})
		beta := w.pledge(t, g.ID, "beta", model.PledgeInput{Amount: 500_000,
			Condition: &model.PledgeCondition{Type: model.CondOthersTotal, Value: 1_500_000}})
		v := w.view(t, nil, g.ID)
		wantThermometer(t, "firm and waiting", v.Thermometer, 500_000, 0, 500_000)
		if e := entryOf(t, v, "beta"); e.Category != app.CatWaiting || e.MoreMoney == nil || *e.MoreMoney != 1_000_000 ||
			e.UnlockAmount == nil || *e.UnlockAmount != 1_000_000 {
			t.Fatalf("beta waits for 10,000.00 more: %+v", e)
		}

		// What-if: a newcomer giving 10,000.00 unlocks beta's 5,000.00.
		wi, err := f.a.WhatIf(f.ctx, nil, g.ID, 1_000_000, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !wi.Active || wi.Unlocked != 500_000 || wi.DeltaCollected != 1_500_000 || !slices.Equal(wi.NewlyActive, []string{"Beta"}) {
			t.Fatalf("what-if: %+v", wi)
		}
		if wi, err = f.a.WhatIf(f.ctx, nil, g.ID, 999_999, nil); err != nil || wi.Unlocked != 0 {
			t.Fatalf("one cent less unlocks nothing: %+v %v", wi, err)
		}

		// Mutual conditions both take effect: gamma gives if beta gives,
		// and with gamma the others of beta reach 15,000.00.
		w.pledge(t, g.ID, "gamma", model.PledgeInput{Amount: 1_000_000,
			Condition: &model.PledgeCondition{Type: model.CondPledger, Community: "beta"}})
		v = w.view(t, nil, g.ID)
		wantThermometer(t, "mutual", v.Thermometer, 500_000, 1_500_000, 0)
		if e := entryOf(t, v, "gamma"); e.Condition.CommunityName != "Beta" || !strings.Contains(e.Terms, "if Beta also pledges") {
			t.Fatalf("condition named: %+v %q", e.Condition, e.Terms)
		}

		// A matching offer recorded by staff for a funder without a role.
		w.pledge(t, g.ID, "funder", model.PledgeInput{Kind: model.PledgeMatching, Rate: "1/4", Amount: 400_000})
		v = w.view(t, f.admin, g.ID)
		wantThermometer(t, "matched", v.Thermometer, 500_000, 1_500_000+400_000, 0)
		if v.Thermometer.Gap != 3_000_000-2_400_000 || v.Thermometer.Funded || v.Resolution == nil {
			t.Fatalf("gap: %+v", v.Thermometer)
		}

		// A draft does not count until opened; it can be withdrawn.
		extra := f.community("epsilon", nil, nil)
		draft := w.pledge(t, g.ID, extra.Slug, model.PledgeInput{Amount: 100, Draft: true})
		if draft.State != model.PledgeDraft {
			t.Fatalf("draft: %+v", draft)
		}
		if w.view(t, nil, g.ID).Thermometer.Collected != 2_400_000 {
			t.Fatal("a draft counted")
		}
		if err := f.a.WithdrawPledge(f.ctx, f.admin, draft.ID); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.WithdrawPledge(f.ctx, f.admin, draft.ID), model.EConflict)
		code(t, f.a.WithdrawPledge(f.ctx, w.leads["alpha"], beta.ID), model.EForbidden)

		// Closing commits exactly the resolved set.
		code(t, func() error { _, err := f.a.CloseGoal(f.ctx, w.leads["alpha"], g.ID); return err }(), model.EForbidden)
		res, err := f.a.CloseGoal(f.ctx, f.admin, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Committed) != 4 || res.CommittedTotal != 2_400_000 || res.Funded || len(res.Lapsed) != 0 {
			t.Fatalf("close: %+v", res)
		}
		v = w.view(t, nil, g.ID)
		wantThermometer(t, "closed", v.Thermometer, 2_400_000, 0, 0)
		if e := entryOf(t, v, "funder"); e.State != model.PledgeCommitted || e.CommittedAmount != 400_000 {
			t.Fatalf("funder committed: %+v", e)
		}
		code(t, f.a.WithdrawPledge(f.ctx, w.leads["beta"], beta.ID), model.EConflict)
		_, err = f.a.CreatePledge(f.ctx, w.leads["alpha"], g.ID, model.PledgeInput{Community: "alpha", Amount: 1})
		code(t, err, model.EConflict)
		_, err = f.a.CloseGoal(f.ctx, f.admin, g.ID)
		code(t, err, model.EConflict)

		// The committed pledges become invoices, then get paid.
		invoiced, err := f.a.IssueInvoices(f.ctx, f.admin, g.ID)
		if err != nil || len(invoiced) != 4 {
			t.Fatalf("invoices: %v %v", invoiced, err)
		}
		rc, err := f.a.GetReceipt(f.ctx, w.leads["beta"], beta.ID)
		if err != nil {
			t.Fatal(err)
		}
		if rc.Pledge.State != model.PledgeInvoiced || rc.Pledge.InvoiceNumber != app.InvoiceNumber(beta) || rc.Pledge.CommittedAmount != 500_000 || len(rc.History) < 2 {
			t.Fatalf("receipt: %+v (history %d)", rc.Pledge, len(rc.History))
		}
		_, err = f.a.GetReceipt(f.ctx, w.leads["alpha"], beta.ID)
		code(t, err, model.ENotFound) // another community's receipt
		code(t, f.a.MarkPaid(f.ctx, w.leads["beta"], beta.ID), model.EForbidden)
		if err := f.a.MarkPaid(f.ctx, f.admin, beta.ID); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.MarkPaid(f.ctx, f.admin, beta.ID), model.EConflict)
		if n := f.countRows(s, "audit_log WHERE entity_type = 'pledge'"); n < 4+2+4+4+1 {
			t.Fatalf("pledge changes audited: %d entries", n)
		}
		// The consortium hears of pledges and of the close (drafts stay quiet).
		if n := f.countRows(s, "events WHERE kind = 'pledge.made'"); n != 4 {
			t.Fatalf("pledge events: %d", n)
		}
		if n := f.countRows(s, "events WHERE kind = 'goal.closed'"); n != 1 {
			t.Fatalf("goal closed events: %d", n)
		}
	})
}

// TestFundingBadInput sends each class of bad input and checks that
// nothing is written.
func TestFundingBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newCofundWorld(t, s)
		f := w.f
		deadline := w.clock.Add(24 * time.Hour)
		g := w.goal(t, model.FundingGoalInput{Deadline: &deadline})
		w.pledge(t, g.ID, "alpha", model.PledgeInput{Amount: 1000})
		before := f.countRows(s, "pledges")
		audit := f.countRows(s, "audit_log")
		lead := w.leads["beta"]
		cases := []struct {
			name  string
			actor *model.User
			in    model.PledgeInput
			code  string
			field string
		}{
			{"zero amount", lead, model.PledgeInput{Amount: 0}, model.EInvalid, "amount"},
			{"negative amount", lead, model.PledgeInput{Amount: -5}, model.EInvalid, "amount"},
			{"overflow", lead, model.PledgeInput{Amount: math.MaxInt64}, model.EInvalid, "amount"},
			{"unknown currency", lead, model.PledgeInput{Amount: 10, Currency: "XYZ"}, model.EInvalid, "currency"},
			{"mixed currency", lead, model.PledgeInput{Amount: 10, Currency: "EUR"}, model.EInvalid, "currency"},
			{"unknown pledger", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: model.CondPledger, Community: "nobody"}}, model.EInvalid, "condition.community"},
			{"nested unknown pledger", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: model.CondAny, Of: []model.PledgeCondition{
				{Type: model.CondOthersCount, Value: 2}, {Type: model.CondPledger, Community: "nobody"}}}}, model.EInvalid, "condition.of[1].community"},
			{"own community", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: model.CondPledger, Community: "beta"}}, model.EInvalid, "condition.community"},
			{"non-monotone", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: "others_total_at_most", Value: 5}}, model.EInvalid, "condition.type"},
			{"negation", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: model.CondAll, Of: []model.PledgeCondition{{Type: "not"}}}}, model.EInvalid, "condition.of[0].type"},
			{"empty any", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: model.CondAny}}, model.EInvalid, "condition.of"},
			{"negative threshold", lead, model.PledgeInput{Amount: 10, Condition: &model.PledgeCondition{Type: model.CondOthersTotal, Value: -1}}, model.EInvalid, "condition.value"},
			{"rate without kind", lead, model.PledgeInput{Amount: 10, Rate: "1/2"}, model.EInvalid, "rate"},
			{"crowdmatching without rate", lead, model.PledgeInput{Kind: model.PledgeCrowdmatching, Amount: 10}, model.EInvalid, "rate"},
			{"huge exponent rate", lead, model.PledgeInput{Kind: model.PledgeMatching, Amount: 10, Rate: "1e999999999"}, model.EInvalid, "rate"},
			{"zero ratio", lead, model.PledgeInput{Kind: model.PledgeMatching, Amount: 10, Rate: "0"}, model.EInvalid, "rate"},
			{"unknown kind", lead, model.PledgeInput{Kind: "loan", Amount: 10}, model.EInvalid, "kind"},
			{"twice", w.leads["alpha"], model.PledgeInput{Community: "alpha", Amount: 10}, model.EConflict, "community"},
			{"without the role", w.leads["delta"], model.PledgeInput{Community: "delta", Amount: 10}, model.EForbidden, ""},
			{"not its lead", lead, model.PledgeInput{Community: "gamma", Amount: 10}, model.EForbidden, ""},
			{"visitor", nil, model.PledgeInput{Amount: 10}, model.EUnauthorized, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				if c.in.Community == "" {
					c.in.Community = "beta"
				}
				_, err := f.a.CreatePledge(f.ctx, c.actor, g.ID, c.in)
				code(t, err, c.code)
				if c.field != "" {
					fieldNamed(t, err, c.field)
				}
			})
		}
		_, err := f.a.CreatePledge(f.ctx, lead, g.ID, model.PledgeInput{Community: "beta", Amount: 10, Condition: &model.PledgeCondition{Type: "not"}})
		if !strings.Contains(model.ErrorFields(err)[0].Message, "monotone") {
			t.Fatalf("non-monotone conditions are rejected with an explanation: %v", err)
		}
		_, err = f.a.WhatIf(f.ctx, nil, g.ID, 0, nil)
		code(t, err, model.EInvalid)
		_, err = f.a.WhatIf(f.ctx, nil, g.ID, math.MaxInt64, nil)
		code(t, err, model.EInvalid)
		// Goals: zero, negative, unknown currency, both or no subject.
		for _, in := range []model.FundingGoalInput{
			{ConsortiumRef: w.consortium.Slug},
			{ConsortiumRef: w.consortium.Slug, Amount: -1},
			{ConsortiumRef: w.consortium.Slug, Amount: 100, Currency: "ABC"},
			{ConsortiumRef: w.consortium.Slug, InitiativeRef: w.ini.Slug, Amount: 100},
			{},
		} {
			_, err := f.a.CreateGoal(f.ctx, f.admin, in)
			code(t, err, model.EInvalid)
		}
		// After the deadline.
		w.clock = deadline.Add(time.Minute)
		_, err = f.a.CreatePledge(f.ctx, lead, g.ID, model.PledgeInput{Community: "beta", Amount: 10})
		code(t, err, model.EConflict)
		if n := f.countRows(s, "pledges"); n != before {
			t.Fatalf("bad input wrote pledges: %d before, %d after", before, n)
		}
		if n := f.countRows(s, "funding_goals"); n != 1 {
			t.Fatalf("bad input wrote goals: %d", n)
		}
		if n := f.countRows(s, "audit_log"); n != audit {
			t.Fatalf("bad input was audited: %d before, %d after", audit, n)
		}
	})
}

// TestFundingAllOrNothingAndAnonymity: an all-or-nothing goal below its
// amount commits nothing; anonymous pledgers are hidden from others.
func TestFundingAllOrNothingAndAnonymity(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newCofundWorld(t, s)
		f := w.f
		g := w.goal(t, model.FundingGoalInput{ConsortiumRef: w.consortium.Slug, Amount: 1_000_000, AllOrNothing: true})
		if g.Kind != model.GoalSustenance {
			t.Fatalf("kind: %+v", g)
		}
		p := w.pledge(t, g.ID, "alpha", model.PledgeInput{Amount: 400_000, Anonymous: true})
		w.pledge(t, g.ID, "gamma", model.PledgeInput{Kind: model.PledgeCrowdmatching, Rate: "1/2", Amount: 100_000})
		_, err := f.a.CreatePledge(f.ctx, w.leads["delta"], g.ID, model.PledgeInput{Community: "delta", Amount: 10})
		code(t, err, model.EForbidden) // no co-fund role in this consortium
		v := w.view(t, nil, g.ID)
		if !v.Thermometer.Voided || v.Thermometer.Collected != 500_000 {
			t.Fatalf("all or nothing, unfunded: %+v", v.Thermometer)
		}
		for _, e := range v.Pledges {
			if e.ID == p.ID && (e.CommunityName != app.AnonymousName || e.CommunitySlug != "") {
				t.Fatalf("anonymous pledge shown to a visitor: %+v", e.Pledge)
			}
		}
		for _, who := range []*model.User{f.admin, w.leads["alpha"]} {
			if e := entryOf(t, w.view(t, who, g.ID), "alpha"); e.CommunityName != "Alpha" {
				t.Fatalf("staff and the community itself see the name: %+v", e.Pledge)
			}
		}
		res, err := f.a.CloseGoal(f.ctx, f.admin, g.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Committed) != 0 || len(res.Lapsed) != 2 || res.CommittedTotal != 0 {
			t.Fatalf("nothing committed: %+v", res)
		}
		if w.view(t, nil, g.ID).Thermometer.Committed != 0 {
			t.Fatal("committed money on a voided goal")
		}
	})
}

// TestFundingBudgetRoundEqualShares: members approve initiatives and the
// pool is allocated by the Method of Equal Shares, which gives the two
// members who want C their fair share where greedy-by-votes gives the
// majority everything.
func TestFundingBudgetRoundEqualShares(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		clock := time.Date(2027, 5, 1, 9, 0, 0, 0, time.UTC)
		f.a.Clock = func() time.Time { return clock }
		var ids []int64
		for _, in := range []model.InitiativeInput{{Title: "Project A", HoursLow: 400, HoursHigh: 400}, {Title: "Project B"}, {Title: "Project C"}} {
			ini, err := f.a.CreateInitiative(f.ctx, f.admin, in)
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, ini.ID)
		}
		a, b, c := ids[0], ids[1], ids[2]
		con, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Pool", Problem: "P.", InitiativeIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		leads := map[string]*model.User{}
		for _, slug := range []string{"one", "two", "three", "four", "five", "six"} {
			leads[slug] = f.user(slug+"@example.org", slug, model.RoleMember)
			f.community(slug, nil, leads[slug])
			role := model.RoleCoFund
			if slug == "six" {
				role = model.RoleTest
			}
			if _, err := f.a.Join(f.ctx, f.admin, con.Slug, slug, model.MemberInput{Roles: []string{role}}); err != nil {
				t.Fatal(err)
			}
		}
		in := model.BudgetRoundInput{Title: "2027 pool", Pool: 10_000_000, ClosesAt: clock.Add(7 * 24 * time.Hour), CandidateIDs: ids}
		_, err = f.a.CreateBudgetRound(f.ctx, f.admin, con.Slug, in)
		code(t, err, model.EInvalid) // B and C have no cost estimate
		in.Costs = map[int64]int64{b: 4_000_000, c: 5_000_000}
		_, err = f.a.CreateBudgetRound(f.ctx, leads["one"], con.Slug, in)
		code(t, err, model.EForbidden)
		r, err := f.a.CreateBudgetRound(f.ctx, f.admin, con.Slug, in)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Candidates) != 3 || r.Candidates[0].Cost != 6_000_000 || r.Rule != "mes" || r.Utility != "cost" || r.Completion != "add1" {
			t.Fatalf("round: %+v", r)
		}
		for slug, approved := range map[string][]int64{"one": {a, b}, "two": {a, b}, "three": {b, a}, "four": {c}, "five": {c}} {
			if err := f.a.CastBudgetBallot(f.ctx, leads[slug], r.ID, slug, approved); err != nil {
				t.Fatal(err)
			}
		}
		code(t, f.a.CastBudgetBallot(f.ctx, leads["six"], r.ID, "six", []int64{a}), model.EForbidden)
		code(t, f.a.CastBudgetBallot(f.ctx, leads["one"], r.ID, "two", []int64{a}), model.EForbidden)
		code(t, f.a.CastBudgetBallot(f.ctx, leads["one"], r.ID, "one", []int64{a, a}), model.EInvalid)
		code(t, f.a.CastBudgetBallot(f.ctx, leads["one"], r.ID, "one", []int64{999}), model.EInvalid)

		v, err := f.a.GetBudgetRound(f.ctx, leads["one"], r.ID)
		if err != nil || v.Result != nil || len(v.Voters) != 1 {
			t.Fatalf("results hidden from members while open: %+v %v", v, err)
		}
		if err := f.a.CloseBudgetRound(f.ctx, f.admin, r.ID); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.CastBudgetBallot(f.ctx, leads["one"], r.ID, "one", []int64{a}), model.EConflict)
		v, err = f.a.GetBudgetRound(f.ctx, nil, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, p := range v.Result.Selected {
			got = append(got, p.InitiativeID)
		}
		if !slices.Equal(got, []int64{b, c}) || v.Result.TotalCost != 9_000_000 || v.Result.Leftover != 1_000_000 {
			t.Fatalf("equal shares funds B and C: %+v", v.Result)
		}
		var greedy []int64
		for _, p := range v.Baseline.Selected {
			greedy = append(greedy, p.InitiativeID)
		}
		slices.Sort(greedy)
		if !slices.Equal(greedy, []int64{a, b}) {
			t.Fatalf("greedy by votes funds A and B: %+v", v.Baseline)
		}

		// Export, re-import, same outcome.
		name, body, err := f.a.ExportBudgetRound(f.ctx, nil, r.ID)
		if err != nil || !strings.HasSuffix(name, ".pb") {
			t.Fatalf("export: %s %v", name, err)
		}
		inst, err := budget.ParsePB(bytes.NewReader(body))
		if err != nil || len(inst.Votes) != 5 {
			t.Fatalf("export parses back: %v\n%s", err, body)
		}
		out, err := f.a.AllocatePB(f.ctx, f.admin, bytes.NewReader(body), "mes", "cost", "none")
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Selected) != 1 || out.Selected[0].Title != "Project B" {
			t.Fatalf("plain MES funds B only: %+v", out.Selected)
		}
		_, err = f.a.AllocatePB(f.ctx, f.admin, strings.NewReader("META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;2\n"), "mes", "", "")
		code(t, err, model.EInvalid)
		if !strings.Contains(err.Error(), "line 9") {
			t.Fatalf("a malformed .pb file names the line: %v", err)
		}
		_, err = f.a.AllocatePB(f.ctx, f.admin, strings.NewReader("META\n"), "magic", "", "")
		code(t, err, model.EInvalid)
	})
}

// TestFundingQuadraticMatching: a funder's pool matches the firm pledges to
// a consortium's initiatives by quadratic funding.
func TestFundingQuadraticMatching(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newCofundWorld(t, s)
		f := w.f
		g := w.goal(t, model.FundingGoalInput{})
		for _, slug := range []string{"alpha", "beta", "gamma"} {
			w.pledge(t, g.ID, slug, model.PledgeInput{Amount: 2500})
		}
		w.pledge(t, g.ID, "funder", model.PledgeInput{Amount: 2500})
		_, err := f.a.CreateMatchingPool(f.ctx, f.admin, w.consortium.Slug, model.MatchingPoolInput{Title: "Match", Funder: "F", Pool: 100, CapFraction: "2"})
		code(t, err, model.EInvalid)
		m, err := f.a.CreateMatchingPool(f.ctx, f.admin, w.consortium.Slug, model.MatchingPoolInput{Title: "Foundation match", Funder: "Foundation", Pool: 25_000, CapFraction: "1/2"})
		if err != nil {
			t.Fatal(err)
		}
		v, err := f.a.GetMatchingPool(f.ctx, nil, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		// Four contributors of 25.00: ideal (4·50)² − 10,000 = 30,000; the
		// cap is half the pool.
		if len(v.Rows) != 1 || v.Rows[0].Contributors != 4 || v.Rows[0].Ideal != 30_000 || v.Rows[0].Match != 12_500 || !v.Rows[0].AtCap {
			t.Fatalf("matches: %+v", v.Rows)
		}

		// The cap as an amount, and Gitcoin's ignore_saturation: a pool of
		// 100,000 is larger than the ideal 30,000, so the match is scaled up
		// to the whole pool, then cut to the 40,000 cap.
		capAmount := int64(40_000)
		_, err = f.a.CreateMatchingPool(f.ctx, f.admin, w.consortium.Slug, model.MatchingPoolInput{Title: "Both caps", Funder: "F", Pool: 100, CapFraction: "1/2", CapAmount: &capAmount})
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "matching_cap_amount")
		zero := int64(0)
		_, err = f.a.CreateMatchingPool(f.ctx, f.admin, w.consortium.Slug, model.MatchingPoolInput{Title: "Zero cap", Funder: "F", Pool: 100, CapAmount: &zero})
		code(t, err, model.EInvalid)
		if n := f.countRows(s, "matching_pools"); n != 1 {
			t.Fatalf("invalid pools were stored: %d pools", n)
		}
		m, err = f.a.CreateMatchingPool(f.ctx, f.admin, w.consortium.Slug, model.MatchingPoolInput{Title: "Spread it all", Funder: "Foundation", Pool: 100_000,
			CapAmount: &capAmount, IgnoreSaturation: true})
		if err != nil {
			t.Fatal(err)
		}
		if v, err = f.a.GetMatchingPool(f.ctx, nil, m.ID); err != nil {
			t.Fatal(err)
		}
		if !v.IgnoreSaturation || v.CapAmount == nil || *v.CapAmount != 40_000 || v.Rows[0].Match != 40_000 || !v.Rows[0].AtCap {
			t.Fatalf("pool %+v rows %+v", v.MatchingPool, v.Rows)
		}
		m, err = f.a.CreateMatchingPool(f.ctx, f.admin, w.consortium.Slug, model.MatchingPoolInput{Title: "Spread, no cap", Funder: "Foundation", Pool: 100_000, IgnoreSaturation: true})
		if err != nil {
			t.Fatal(err)
		}
		if v, err = f.a.GetMatchingPool(f.ctx, nil, m.ID); err != nil || v.Rows[0].Match != 100_000 {
			t.Fatalf("ignore_saturation spreads the whole pool: %+v %v", v, err)
		}
	})
}

// TestFundingGoalReachedEvent: the pledge that makes a goal's resolved
// total reach its amount announces it, once.
func TestFundingGoalReachedEvent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := newCofundWorld(t, s)
		g := w.goal(t, model.FundingGoalInput{ConsortiumRef: w.consortium.Slug, Amount: 1000})
		w.pledge(t, g.ID, "alpha", model.PledgeInput{Amount: 600})
		if n := w.f.countRows(s, "events WHERE kind = 'goal.reached'"); n != 0 {
			t.Fatalf("reached too early: %d", n)
		}
		draft := w.pledge(t, g.ID, "beta", model.PledgeInput{Amount: 400, Draft: true})
		if n := w.f.countRows(s, "events WHERE kind = 'goal.reached'"); n != 0 {
			t.Fatalf("a draft reached the goal: %d", n)
		}
		if err := w.f.a.OpenPledge(w.f.ctx, w.leads["beta"], draft.ID); err != nil {
			t.Fatal(err)
		}
		w.pledge(t, g.ID, "gamma", model.PledgeInput{Amount: 100})
		if n := w.f.countRows(s, "events WHERE kind = 'goal.reached'"); n != 1 {
			t.Fatalf("goal reached events: %d", n)
		}
	})
}
