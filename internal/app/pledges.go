package app

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"consortia/internal/model"
	"consortia/internal/pledge"
	"consortia/internal/storage"
)

// Pledges: who may pledge, checking a pledge and its condition, and its
// lifecycle from draft to open to withdrawn, with the events it emits.

// mayPledge checks that a community has the co-fund role in a consortium
// the goal belongs to.
func (a *App) mayPledge(ctx context.Context, tx *storage.Tx, g *model.FundingGoal, com *model.Community) error {
	members, err := a.coFunders(ctx, tx, g)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.CommunityID == com.ID {
			return nil
		}
	}
	if g.ConsortiumID != nil {
		return forbidden("%s does not have the co-fund role in %s, so it cannot pledge to its sustenance fund.", com.Name, g.ConsortiumSlug)
	}
	return forbidden("%s does not have the co-fund role in a consortium working on %s, so it cannot pledge towards it (staff can record a pledge for any community).", com.Name, g.Title)
}

var pledgePath = regexp.MustCompile(`^(?:pledges|matching)\[(\d+)\](?:\.(.*))?$`)

// pledgeProblems turns the resolver's validation errors about the pledge at
// index idx of the input into field errors of the pledge form.
func pledgeProblems(err error, kind string, idx int) error {
	var es pledge.Errors
	if !errors.As(err, &es) {
		if errors.Is(err, pledge.ErrOverflow) {
			return fieldErr("amount", "the goal's pledges would add up to more than 64 bits of minor units can hold")
		}
		return err
	}
	var p model.Problems
	list := "pledges"
	if kind == model.PledgeMatching {
		list = "matching"
	}
	for _, fe := range es {
		field := "amount"
		if m := pledgePath.FindStringSubmatch(fe.Field); m != nil && m[1] == strconv.Itoa(idx) && strings.HasPrefix(fe.Field, list) {
			field = m[2]
			switch {
			case field == "max" || field == "cap" || field == "":
				field = "amount"
			case field == "ratio":
				field = "rate"
			case strings.HasPrefix(field, "condition"):
				field = strings.ReplaceAll(field, ".id", ".community")
			}
		}
		p.Add(field, "%s", fe.Message)
	}
	return &model.Error{Code: model.EInvalid, Message: "The pledge is not valid.", Fields: p}
}

// checkCondition resolves the communities a new pledge's condition names
// (by slug) to ids, rejecting unknown ones and the pledger itself.
func checkCondition(ctx context.Context, tx *storage.Tx, c *model.PledgeCondition, self *model.Community, path string, p *model.Problems) {
	switch c.Type {
	case model.CondPledger:
		ref := c.Community
		if ref == "" && c.CommunityID != 0 {
			ref = idStr(c.CommunityID)
		}
		if ref == "" {
			p.Add(path+".community", "name the community that must also pledge")
			return
		}
		com, err := tx.CommunityByRef(ctx, ref)
		if err != nil {
			p.Add(path+".community", "unknown pledger %q: there is no such community", ref)
			return
		}
		if com.ID == self.ID {
			p.Add(path+".community", "a pledge cannot be conditional on its own community")
			return
		}
		c.CommunityID, c.Community, c.CommunityName = com.ID, com.Slug, com.Name
	case model.CondAll, model.CondAny:
		for i := range c.Of {
			checkCondition(ctx, tx, &c.Of[i], self, fmt.Sprintf("%s.of[%d]", path, i), p)
		}
	}
}

// CreatePledge records a community's pledge towards an open goal before its
// deadline. A lead pledges for their community, which needs the co-fund role
// in a consortium working on the initiative (or, for a sustenance fund, in
// that consortium); staff record pledges for any community. The pledge is
// checked with the resolver's own rules together with the goal's other
// pledges: currency, amounts, rates, monotone conditions, overflow.
func (a *App) CreatePledge(ctx context.Context, actor *model.User, goalID int64, in model.PledgeInput) (*model.Pledge, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var out *model.Pledge
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		g, err := loadVisibleGoal(ctx, tx, actor, goalID)
		if err != nil {
			return err
		}
		if g.State != model.GoalOpen {
			return model.Errorf(model.EConflict, "This goal is closed; it takes no more pledges.")
		}
		if g.PastDeadline(a.now()) {
			return model.Errorf(model.EConflict, "The deadline for pledges passed on %s.", g.Deadline.Format("2 Jan 2006 15:04 MST"))
		}
		if in.Currency == "" {
			in.Currency = g.Goal.Currency
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if in.Currency != g.Goal.Currency {
			return fieldErr("currency", "the goal is in %s; one goal never mixes currencies", g.Goal.Currency)
		}
		com, err := tx.CommunityByRef(ctx, in.Community)
		if err != nil {
			return fieldErr("community", "no community %q", in.Community)
		}
		if err := leadOf(ctx, tx, actor, com); err != nil {
			return err
		}
		if !actor.IsAdmin() {
			if err := a.mayPledge(ctx, tx, g, com); err != nil {
				return err
			}
		}
		if in.Condition != nil {
			var p model.Problems
			checkCondition(ctx, tx, in.Condition, com, "condition", &p)
			if err := p.Err(); err != nil {
				return err
			}
		}
		// Validate with the resolver, together with the goal's pledges.
		ps, err := tx.PledgesOfGoals(ctx, []int64{g.ID})
		if err != nil {
			return err
		}
		for _, p := range ps[g.ID] {
			if model.PledgeLive(p.State) && p.CommunityID == com.ID {
				return model.ErrAlreadyPledged()
			}
		}
		candidate := &model.Pledge{ID: -1, CommunityID: com.ID, CommunitySlug: com.Slug, Kind: in.Kind, Rate: in.Rate,
			Amount: model.Money{Amount: in.Amount, Currency: in.Currency}, Condition: in.Condition, State: model.PledgeOpen}
		all := append(ps[g.ID], candidate)
		st, err := goalInputChecked(g, all, candidate)
		if err != nil {
			return err
		}
		idx := 0
		for i, p := range st.counted {
			if p == candidate {
				idx = i
			}
		}
		// Index within its own list (pledges or matching offers).
		own := 0
		for _, p := range st.counted[:idx] {
			if (p.Kind == model.PledgeMatching) == (candidate.Kind == model.PledgeMatching) {
				own++
			}
		}
		if err := pledge.Validate(st.input); err != nil {
			return pledgeProblems(err, candidate.Kind, own)
		}
		fundedBefore, err := fundedNow(g, ps[g.ID])
		if err != nil {
			return err
		}
		if out, err = tx.CreatePledge(ctx, g.ID, com.ID, in, actor); err != nil {
			return err
		}
		out.Condition = in.Condition
		if err := tx.Audit(ctx, actor, "pledge.create", "pledge", idStr(out.ID), nil, out); err != nil {
			return err
		}
		if out.State != model.PledgeOpen {
			return nil
		}
		return a.pledgeEvents(ctx, tx, actor, g, out, fundedBefore)
	})
	return out, err
}

// pledgeAction loads a pledge the actor may act for (a lead of its
// community, or staff), with its goal.
func (a *App) pledgeAction(ctx context.Context, tx *storage.Tx, actor *model.User, id int64) (*model.Pledge, *model.FundingGoal, error) {
	p, err := tx.PledgeByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	g, err := loadVisibleGoal(ctx, tx, actor, p.GoalID)
	if err != nil {
		return nil, nil, model.NotFound(model.EntityPledge, id)
	}
	com, err := tx.CommunityByRef(ctx, idStr(p.CommunityID))
	if err != nil {
		return nil, nil, err
	}
	// Pledges may be anonymous: the refusal must not say whose it is.
	if err := leadOf(ctx, tx, actor, com); err != nil {
		return nil, nil, forbidden("You cannot act for this pledge.")
	}
	return p, g, nil
}

// OpenPledge turns a draft into an open pledge that counts; the pledging
// community's lead or staff, before the deadline.
func (a *App) OpenPledge(ctx context.Context, actor *model.User, id int64) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		p, g, err := a.pledgeAction(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if g.State != model.GoalOpen || g.PastDeadline(a.now()) {
			return model.Errorf(model.EConflict, "The goal no longer takes pledges.")
		}
		ps, err := tx.PledgesOfGoals(ctx, []int64{g.ID})
		if err != nil {
			return err
		}
		fundedBefore, err := fundedNow(g, ps[g.ID])
		if err != nil {
			return err
		}
		ok, err := tx.SetPledgeState(ctx, id, []string{model.PledgeDraft}, model.PledgeOpen, nil, "")
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "Only a draft can be opened (this pledge is %s).", p.State)
		}
		if err := tx.Audit(ctx, actor, "pledge.open", "pledge", idStr(id), map[string]string{"state": p.State}, map[string]string{"state": model.PledgeOpen}); err != nil {
			return err
		}
		if err := a.nameConditions(ctx, []*model.Pledge{p}); err != nil {
			return err
		}
		return a.pledgeEvents(ctx, tx, actor, g, p, fundedBefore)
	})
}

// WithdrawPledge withdraws a draft or open pledge until the goal closes;
// the pledging community's lead or staff.
func (a *App) WithdrawPledge(ctx context.Context, actor *model.User, id int64) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		p, g, err := a.pledgeAction(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if g.State != model.GoalOpen {
			return model.Errorf(model.EConflict, "The goal has closed; pledges can no longer be withdrawn.")
		}
		ok, err := tx.SetPledgeState(ctx, id, []string{model.PledgeDraft, model.PledgeOpen}, model.PledgeWithdrawn, nil, "")
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "This pledge is %s; it cannot be withdrawn.", p.State)
		}
		return tx.Audit(ctx, actor, "pledge.withdraw", "pledge", idStr(id), map[string]string{"state": p.State}, map[string]string{"state": model.PledgeWithdrawn})
	})
}

// CommunityPledges lists a community's pledges for its people and staff.
func (a *App) CommunityPledges(ctx context.Context, actor *model.User, communityRef string) ([]*model.Pledge, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	com, err := a.store.CommunityByRef(ctx, communityRef)
	if err != nil {
		return nil, err
	}
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !actor.IsAdmin() && !vw.mine[com.ID] {
		return nil, forbidden("Only staff and the people of this community can list its pledges.")
	}
	ps, err := a.store.PledgesOfCommunity(ctx, com.ID)
	if err != nil {
		return nil, err
	}
	return ps, a.nameConditions(ctx, ps)
}

// pledgeEvents announces a pledge that now counts and, when it makes the
// goal's resolved total reach the goal, that the goal is reached.
func (a *App) pledgeEvents(ctx context.Context, tx *storage.Tx, actor *model.User, g *model.FundingGoal, p *model.Pledge, fundedBefore bool) error {
	if err := a.fundingEvent(ctx, tx, actor, g, model.EventPledgeMade, pledgeHeadline(p, g),
		pledgeWho(p)+" pledged "+p.Terms()+".", model.ImportanceNews); err != nil {
		return err
	}
	if fundedBefore {
		return nil
	}
	ps, err := tx.PledgesOfGoals(ctx, []int64{g.ID})
	if err != nil {
		return err
	}
	st, err := goalInput(g, ps[g.ID], countedOpen)
	if err != nil {
		return err
	}
	res, err := pledge.Resolve(st.input)
	if err != nil {
		return resolveErr(err)
	}
	if !res.Funded {
		return nil
	}
	return a.fundingEvent(ctx, tx, actor, g, model.EventGoalReached, "Goal reached: "+g.Title,
		fmt.Sprintf("With today's pledges %s of %s is active. Staff close the goal to commit the pledges.",
			model.Money{Amount: resolved(res).Collected, Currency: g.Goal.Currency}, g.Goal), model.ImportanceResult)
}

// pledgeWho names a pledger in news: "A community" when it is anonymous.
func pledgeWho(p *model.Pledge) string {
	if p.Anonymous {
		return "A community"
	}
	return p.CommunityName
}

// pledgeHeadline says who pledged what towards which goal, e.g.
// "Northfield pledged USD 5,000 to Per-course resource quotas".
func pledgeHeadline(p *model.Pledge, g *model.FundingGoal) string {
	what := "pledged " + p.Amount.String()
	switch p.Kind {
	case model.PledgeCrowdmatching:
		what = "offered crowdmatching up to " + p.Amount.String()
	case model.PledgeMatching:
		what = "offered to match up to " + p.Amount.String()
	}
	if p.Condition != nil {
		what += " (conditional)"
	}
	return pledgeWho(p) + " " + what + " to " + g.Title
}

func checkAmount(p *model.Problems, field string, amount int64) {
	switch {
	case amount <= 0:
		p.Add(field, "must be a positive amount")
	case amount > model.MaxFundingAmount:
		p.Add(field, "must be at most %d minor units", model.MaxFundingAmount)
	}
}
