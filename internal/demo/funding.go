package demo

import (
	"context"
	"fmt"
	"time"

	"consortia/internal/model"
)

// seedFundingAfter adds the co-funding picture once the consortia exist
// (err is the result of the step before, passed through).
func seedFundingAfter(ctx context.Context, a seeder, admin *model.User, err error) error {
	if err != nil {
		return err
	}
	return seedFunding(ctx, a, admin)
}

// seedFunding gives the cloud-cost consortium a co-funding picture: a
// funding goal on budget alerts with a firm pledge, "we commit $X if others
// invest $3X" and a matching offer; small firm pledges towards per-course
// quotas matched by a foundation's quadratic-funding pool; an all-or-nothing
// sustenance fund with a crowdmatching pledge; and an open budget round for
// pooled money.
func seedFunding(ctx context.Context, a seeder, admin *model.User) error {
	list, _, err := a.ListInitiatives(ctx, admin, model.InitiativeFilter{Page: model.Page{Size: -1}})
	if err != nil {
		return err
	}
	byTitle := map[string]*model.Initiative{}
	for _, in := range list {
		byTitle[in.Title] = in
	}
	lead := func(email string) (*model.User, error) { return a.store.UserByEmail(ctx, email) }
	priya, err := lead("priya.raman@northfield.example.edu")
	if err != nil {
		return err
	}
	tomas, err := lead("tomas@andes-climate.example.org")
	if err != nil {
		return err
	}
	const cloud = "cloud-cost-optimization-consortium"

	// Budget alerts: 30,000.00 needed (the estimate's high end).
	deadline := time.Now().UTC().AddDate(0, 0, 42).Truncate(time.Hour)
	alerts, err := a.CreateGoal(ctx, admin, model.FundingGoalInput{InitiativeRef: byTitle["Budget alerts before the bill arrives"].Slug, Deadline: &deadline,
		Note: "Alerts reach community leaders before the overspend; two members offered to co-fund at the kickoff."})
	if err != nil {
		return fmt.Errorf("alerts goal: %w", err)
	}
	pledges := []struct {
		actor *model.User
		in    model.PledgeInput
	}{
		{priya, model.PledgeInput{Community: "northfield-university-data-science", Amount: 500_000, Note: "From our research computing budget."}},
		{tomas, model.PledgeInput{Community: "andes-climate-modelling-collaboration", Amount: 500_000,
			Condition: &model.PledgeCondition{Type: model.CondOthersTotal, Value: 1_500_000},
			Note:      "We commit $5,000 if others invest $15,000."}},
		{admin, model.PledgeInput{Community: "coastal-climate-data-service", Kind: model.PledgeMatching, Rate: "1", Amount: 600_000,
			Note: "The agency matches community money 1:1 up to $6,000."}},
	}
	for _, p := range pledges {
		if _, err := a.CreatePledge(ctx, p.actor, alerts.ID, p.in); err != nil {
			return fmt.Errorf("pledge %s: %w", p.in.Community, err)
		}
	}

	// Per-course quotas: many small firm pledges, which quadratic funding
	// rewards.
	quotas, err := a.CreateGoal(ctx, admin, model.FundingGoalInput{InitiativeRef: byTitle["Per-course resource quotas"].Slug})
	if err != nil {
		return fmt.Errorf("quotas goal: %w", err)
	}
	for _, p := range []struct {
		actor     *model.User
		community string
		amount    int64
		anonymous bool
	}{
		{priya, "northfield-university-data-science", 300_000, false},
		{admin, "pacific-state-university", 200_000, false},
		{admin, "riverbend-community-college", 100_000, false},
		{admin, "lagos-open-data-lab", 50_000, true},
	} {
		if _, err := a.CreatePledge(ctx, p.actor, quotas.ID, model.PledgeInput{Community: p.community, Amount: p.amount, Anonymous: p.anonymous}); err != nil {
			return fmt.Errorf("quotas pledge %s: %w", p.community, err)
		}
	}
	if _, err := a.CreateMatchingPool(ctx, admin, cloud, model.MatchingPoolInput{Title: "Open Infrastructure Foundation match",
		Funder: "Open Infrastructure Foundation", Pool: 1_000_000, CapFraction: "1/2"}); err != nil {
		return fmt.Errorf("matching pool: %w", err)
	}

	// The consortium's general sustenance fund, all or nothing.
	fund, err := a.CreateGoal(ctx, admin, model.FundingGoalInput{ConsortiumRef: cloud, Amount: 2_000_000, AllOrNothing: true,
		Note: "Keeps the consortium's shared dashboards and documentation maintained for a year."})
	if err != nil {
		return fmt.Errorf("sustenance goal: %w", err)
	}
	if _, err := a.CreatePledge(ctx, tomas, fund.ID, model.PledgeInput{Community: "andes-climate-modelling-collaboration", Amount: 400_000}); err != nil {
		return fmt.Errorf("sustenance pledge: %w", err)
	}
	if _, err := a.CreatePledge(ctx, priya, fund.ID, model.PledgeInput{Community: "northfield-university-data-science", Kind: model.PledgeCrowdmatching,
		Rate: "1/2", Amount: 300_000, Note: "Half of what the others give, up to $3,000."}); err != nil {
		return fmt.Errorf("sustenance crowdmatching: %w", err)
	}

	// Pooled money: an open budget round over the consortium's upcoming work.
	var ids []int64
	for _, t := range []string{"Budget alerts before the bill arrives", "Scale to zero between classes", "Per-course resource quotas", "Spot instances for batch work"} {
		if in := byTitle[t]; in != nil {
			ids = append(ids, in.ID)
		}
	}
	round, err := a.CreateBudgetRound(ctx, admin, cloud, model.BudgetRoundInput{Title: "2027 pooled fund", Pool: 6_000_000,
		ClosesAt: time.Now().UTC().AddDate(0, 0, 14), CandidateIDs: ids})
	if err != nil {
		return fmt.Errorf("budget round: %w", err)
	}
	for community, picks := range map[string][]int{
		"northfield-university-data-science":    {0, 2},
		"andes-climate-modelling-collaboration": {0, 3},
		"pacific-state-university":              {1, 2},
		"riverbend-community-college":           {1},
	} {
		var approved []int64
		for _, i := range picks {
			if i < len(ids) {
				approved = append(approved, ids[i])
			}
		}
		if err := a.CastBudgetBallot(ctx, admin, round.ID, community, approved); err != nil {
			return fmt.Errorf("budget ballot %s: %w", community, err)
		}
	}
	return nil
}
