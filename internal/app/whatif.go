package app

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"

	"consortia/internal/model"
	"consortia/internal/pledge"
)

// What-if: how a goal would resolve with one more, hypothetical pledge.

// whatIfID is the pledger id of the hypothetical pledge of a what-if; it
// can never be a community slug.
const whatIfID = "(you)"

// WhatIfView answers "if you pledge X, how much more becomes active".
type WhatIfView struct {
	Currency string `json:"currency"`
	Amount   int64  `json:"amount" doc:"What the hypothetical pledge would give (0 if its condition would not hold)."`
	Active   bool   `json:"active"`
	// Unlocked is the others' money the pledge brings in on top of its own.
	Unlocked         int64    `json:"unlocked"`
	DeltaCollected   int64    `json:"delta_collected"`
	CollectedBefore  int64    `json:"collected_before"`
	CollectedAfter   int64    `json:"collected_after"`
	NewlyActive      []string `json:"newly_active" doc:"Names of the other pledgers that would take effect (\"Anonymous\" for anonymous ones); the reader's own community is in your_pledge_active instead."`
	YourPledgeActive bool     `json:"your_pledge_active" doc:"The waiting pledge of the reader's own community would take effect."`
	YouPledged       bool     `json:"you_pledged" doc:"The reader's community already has a pledge on this goal: the what-if is about a pledge by another community."`
	FundedBefore     bool     `json:"funded_before"`
	FundedAfter      bool     `json:"funded_after"`
	Goal             int64    `json:"goal"`
}

// WhatIf computes, with the same resolver, what a new firm (or conditional)
// pledge of amount would bring in on an open goal. Anyone who can see the
// goal may ask; nothing is written.
func (a *App) WhatIf(ctx context.Context, actor *model.User, goalID, amount int64, cond *model.PledgeCondition) (*WhatIfView, error) {
	g, err := loadVisibleGoal(ctx, a.store, actor, goalID)
	if err != nil {
		return nil, err
	}
	if g.State != model.GoalOpen {
		return nil, model.Errorf(model.EConflict, "This goal is closed.")
	}
	var p model.Problems
	checkAmount(&p, "amount", amount)
	if err := p.Err(); err != nil {
		return nil, err
	}
	ps, err := a.store.PledgesOfGoals(ctx, []int64{goalID})
	if err != nil {
		return nil, err
	}
	st, err := goalInput(g, ps[goalID], countedOpen)
	if err != nil {
		return nil, err
	}
	var pc *pledge.Condition
	if cond != nil {
		var probs model.Problems
		a.whatIfCondition(ctx, cond, "condition", &probs)
		if err := probs.Err(); err != nil {
			return nil, err
		}
		newcomer := &model.Pledge{ID: -1, Condition: cond}
		pc = st.condition(newcomer, cond, int64(len(st.counted)+2))
	}
	res, err := pledge.WhatIf(st.input, pledge.Fixed(whatIfID, amount, pc))
	if err != nil {
		var es pledge.Errors
		if errors.As(err, &es) {
			var pr model.Problems
			for _, fe := range es {
				field := strings.TrimPrefix(strings.TrimPrefix(fe.Field, "pledge"), ".")
				if field == "" {
					field = "amount"
				}
				pr.Add(strings.ReplaceAll(field, ".id", ".community"), "%s", fe.Message)
			}
			return nil, pr.Err()
		}
		return nil, resolveErr(err)
	}
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	bySlug := map[string]*model.Pledge{}
	for _, p := range st.counted {
		bySlug[p.CommunitySlug] = p
	}
	out := &WhatIfView{Currency: g.Goal.Currency, Amount: res.Amount, Active: res.Active, Unlocked: res.Unlocked, DeltaCollected: res.DeltaCollected,
		CollectedBefore: res.CollectedBefore, CollectedAfter: res.CollectedAfter, NewlyActive: []string{}, FundedBefore: res.FundedBefore,
		FundedAfter: res.FundedAfter, Goal: g.Goal.Amount}
	for _, id := range res.NewlyActive {
		// The reader's own pledge is "your pledge", not their community's name.
		if p := bySlug[id]; p != nil && vw.mine[p.CommunityID] {
			out.YourPledgeActive = true
			continue
		}
		out.NewlyActive = append(out.NewlyActive, nameFor(vw, bySlug[id]))
	}
	for _, p := range ps[goalID] {
		if model.PledgeLive(p.State) && vw.mine[p.CommunityID] {
			out.YouPledged = true
		}
	}
	sort.Strings(out.NewlyActive)
	return out, nil
}

// whatIfCondition resolves the communities a hypothetical condition names.
func (a *App) whatIfCondition(ctx context.Context, c *model.PledgeCondition, path string, p *model.Problems) {
	switch c.Type {
	case model.CondPledger:
		com, err := a.store.CommunityByRef(ctx, strings.TrimSpace(c.Community))
		if err != nil {
			p.Add(path+".community", "no community %q", c.Community)
			return
		}
		c.CommunityID = com.ID
	case model.CondAll, model.CondAny:
		for i := range c.Of {
			a.whatIfCondition(ctx, &c.Of[i], fmt.Sprintf("%s.of[%d]", path, i), p)
		}
	}
}
