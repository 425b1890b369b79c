package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
	"consortia/internal/pledge"
	"consortia/internal/storage"
)

// Co-funding use cases: funding goals for initiatives and consortia's
// sustenance funds, conditional / crowdmatching / matching pledges made by
// communities, their exact resolution (package pledge, never reimplemented
// here), the funding thermometer, what-if questions and the lifecycle of a
// pledge from draft to paid.

// fundingReader is what funding reads need; both Store and Tx provide it.
type fundingReader interface {
	GoalByID(context.Context, int64) (*model.FundingGoal, error)
	InitiativeByRef(context.Context, string) (*model.Initiative, error)
	ConsortiumByRef(context.Context, string) (*model.Consortium, error)
	CanSeeConsortium(context.Context, int64, model.Visibility) (bool, error)
	MembershipsOfCommunity(context.Context, int64) ([]model.Member, error)
	CurrentMember(context.Context, int64, int64) (*model.Member, error)
}

// canSeeGoal: an initiative's goal is as visible as the initiative, a
// sustenance fund as its consortium.
func canSeeGoal(ctx context.Context, q fundingReader, actor *model.User, g *model.FundingGoal) (bool, error) {
	if g.InitiativeID != nil {
		return g.InitiativePublic || model.SignedIn(actor), nil
	}
	return q.CanSeeConsortium(ctx, *g.ConsortiumID, visibility(actor))
}

func loadVisibleGoal(ctx context.Context, q fundingReader, actor *model.User, id int64) (*model.FundingGoal, error) {
	g, err := q.GoalByID(ctx, id)
	if err != nil {
		return nil, err
	}
	ok, err := canSeeGoal(ctx, q, actor, g)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound(model.EntityFundingGoal, id)
	}
	return g, nil
}

// CreateGoal sets a funding goal for an initiative (by default its cost
// estimate, high end) or a consortium's general sustenance fund; staff only.
// There is at most one open goal per initiative and per consortium.
func (a *App) CreateGoal(ctx context.Context, actor *model.User, in model.FundingGoalInput) (*model.FundingGoal, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var g *model.FundingGoal
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var iniID, conID *int64
		switch {
		case in.InitiativeRef != "" && in.ConsortiumRef == "":
			ini, err := tx.InitiativeByRef(ctx, in.InitiativeRef)
			if err != nil {
				return fieldErr("initiative", "no initiative %q", in.InitiativeRef)
			}
			rate, err := tx.BlendedRate(ctx)
			if err != nil {
				return err
			}
			withCost(ini, rate)
			if in.Amount == 0 {
				if ini.CostHigh.Amount <= 0 {
					return fieldErr("amount", "%s has no cost estimate yet: give the amount it needs", ini.Title)
				}
				in.Amount = ini.CostHigh.Amount
			}
			if in.Currency == "" {
				in.Currency = ini.CostHigh.Currency
			}
			iniID = &ini.ID
		case in.ConsortiumRef != "" && in.InitiativeRef == "":
			c, err := tx.ConsortiumByRef(ctx, in.ConsortiumRef)
			if err != nil {
				return fieldErr("consortium", "no consortium %q", in.ConsortiumRef)
			}
			if err := a.requireOpen(c); err != nil {
				return err
			}
			if in.Currency == "" {
				in.Currency = model.DefaultCurrency
			}
			conID = &c.ID
		}
		if err := in.Validate(); err != nil {
			return err
		}
		var err error
		if g, err = tx.CreateGoal(ctx, iniID, conID, in, actor); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "funding_goal.create", "funding_goal", idStr(g.ID), nil, g)
	})
	return g, err
}

// UpdateGoal changes an open goal's amount, deadline and settings; staff
// only. The currency cannot change once pledges are made in it.
func (a *App) UpdateGoal(ctx context.Context, actor *model.User, id, version int64, in model.FundingGoalInput) (*model.FundingGoal, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var g *model.FundingGoal
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.GoalByID(ctx, id)
		if err != nil {
			return err
		}
		if before.State != model.GoalOpen {
			return model.Errorf(model.EConflict, "The goal is closed; it can no longer be changed.")
		}
		// The goal's subject never changes.
		in.InitiativeRef, in.ConsortiumRef = "", ""
		if before.InitiativeID != nil {
			in.InitiativeRef = idStr(*before.InitiativeID)
		} else {
			in.ConsortiumRef = idStr(*before.ConsortiumID)
		}
		if in.Currency == "" {
			in.Currency = before.Goal.Currency
		}
		if in.Amount == 0 {
			in.Amount = before.Goal.Amount
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if in.Currency != before.Goal.Currency {
			ps, err := tx.PledgesOfGoals(ctx, []int64{id})
			if err != nil {
				return err
			}
			for _, p := range ps[id] {
				if model.PledgeLive(p.State) {
					return fieldErr("currency", "pledges were made in %s; one goal never mixes currencies", before.Goal.Currency)
				}
			}
		}
		if g, err = tx.UpdateGoal(ctx, id, version, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "funding_goal.update", "funding_goal", idStr(id), before, g)
	})
	return g, err
}

func fieldErr(field, format string, args ...any) error {
	var p model.Problems
	p.Add(field, format, args...)
	return p.Err()
}

// CloseResult says what closing a goal committed.
type CloseResult struct {
	Committed      []int64 `json:"committed" doc:"Ids of the pledges now committed."`
	Lapsed         []int64 `json:"lapsed" doc:"Ids of the pledges that did not take effect."`
	CommittedTotal int64   `json:"committed_total"`
	Funded         bool    `json:"funded"`
}

// CloseGoal resolves a goal's open pledges one last time and closes it:
// the pledges in the resolved set that give money become committed with
// the amount the resolver assigned (none, for an all-or-nothing goal below
// its amount); the others lapse. Staff only.
func (a *App) CloseGoal(ctx context.Context, actor *model.User, id int64) (*CloseResult, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	out := &CloseResult{Committed: []int64{}, Lapsed: []int64{}}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		g, err := tx.GoalByID(ctx, id)
		if err != nil {
			return err
		}
		if g.State != model.GoalOpen {
			return model.Errorf(model.EConflict, "The goal is already closed.")
		}
		ps, err := tx.PledgesOfGoals(ctx, []int64{id})
		if err != nil {
			return err
		}
		st, err := goalInput(g, ps[id], countedOpen)
		if err != nil {
			return err
		}
		res, err := pledge.Resolve(st.input)
		if err != nil {
			return resolveErr(err)
		}
		out.Funded = res.Funded
		for _, p := range ps[id] {
			switch p.State {
			case model.PledgeOpen:
				amt, _ := res.Amounts.Get(p.CommunitySlug)
				if res.Committed && isActive(res.Outcome, p.CommunitySlug) && amt > 0 {
					if _, err := tx.SetPledgeState(ctx, p.ID, []string{model.PledgeOpen}, model.PledgeCommitted, &amt, ""); err != nil {
						return err
					}
					if err := tx.Audit(ctx, actor, "pledge.commit", "pledge", idStr(p.ID), map[string]string{"state": p.State},
						map[string]any{"state": model.PledgeCommitted, "committed_amount": amt}); err != nil {
						return err
					}
					out.Committed = append(out.Committed, p.ID)
					out.CommittedTotal += amt
					continue
				}
			case model.PledgeDraft:
			default:
				continue
			}
			zero := int64(0)
			if _, err := tx.SetPledgeState(ctx, p.ID, []string{p.State}, model.PledgeLapsed, &zero, ""); err != nil {
				return err
			}
			if err := tx.Audit(ctx, actor, "pledge.lapse", "pledge", idStr(p.ID), map[string]string{"state": p.State},
				map[string]string{"state": model.PledgeLapsed}); err != nil {
				return err
			}
			out.Lapsed = append(out.Lapsed, p.ID)
		}
		if err := tx.CloseGoal(ctx, id, res, out.CommittedTotal, actor); err != nil {
			return err
		}
		body := fmt.Sprintf("%d pledges committed, %s in all; invoices follow.", len(out.Committed), model.Money{Amount: out.CommittedTotal, Currency: g.Goal.Currency})
		if !res.Committed {
			body = "The goal was all or nothing and was not reached: nothing is committed."
		}
		if err := a.fundingEvent(ctx, tx, actor, g, model.EventGoalClosed, "Funding closed: "+g.Title, body, model.ImportanceResult); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "funding_goal.close", "funding_goal", idStr(id), map[string]string{"state": model.GoalOpen}, out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// GoalSummary is one line of the funding dashboard.
type GoalSummary struct {
	*GoalView
	DaysLeft *int `json:"days_left,omitempty"`
}

// GoalsFilter selects goals for a list.
type GoalsFilter struct {
	InitiativeRef string
	ConsortiumRef string
	State         string
}

// ListGoals lists the funding goals the actor may see, open ones first,
// each with its thermometer; for staff (the funding dashboard) also the
// pledges closest to taking effect.
func (a *App) ListGoals(ctx context.Context, actor *model.User, f GoalsFilter) ([]GoalSummary, error) {
	sf := storage.GoalFilter{State: f.State}
	if f.InitiativeRef != "" {
		ini, err := a.store.InitiativeByRef(ctx, f.InitiativeRef)
		if err != nil {
			return nil, err
		}
		sf.InitiativeIDs = []int64{ini.ID}
	}
	if f.ConsortiumRef != "" {
		c, err := loadVisibleConsortium(ctx, a.store, actor, f.ConsortiumRef)
		if err != nil {
			return nil, err
		}
		sf.ConsortiumID = c.ID
	}
	goals, err := a.store.ListGoals(ctx, sf)
	if err != nil {
		return nil, err
	}
	return a.summaries(ctx, actor, goals, actor.IsAdmin())
}

func (a *App) summaries(ctx context.Context, actor *model.User, goals []*model.FundingGoal, hints bool) ([]GoalSummary, error) {
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	var visible []*model.FundingGoal
	var ids []int64
	for _, g := range goals {
		if g.ConsortiumID != nil {
			ok, known := seen[*g.ConsortiumID]
			if !known {
				if ok, err = a.store.CanSeeConsortium(ctx, *g.ConsortiumID, visibility(actor)); err != nil {
					return nil, err
				}
				seen[*g.ConsortiumID] = ok
			}
			if !ok {
				continue
			}
		} else if !g.InitiativePublic && !model.SignedIn(actor) {
			continue
		}
		visible = append(visible, g)
		ids = append(ids, g.ID)
	}
	ps, err := a.store.PledgesOfGoals(ctx, ids)
	if err != nil {
		return nil, err
	}
	var all []*model.Pledge
	for _, list := range ps {
		all = append(all, list...)
	}
	if err := a.nameConditions(ctx, all); err != nil { // one query for every goal
		return nil, err
	}
	out := []GoalSummary{}
	now := a.now()
	for _, g := range visible {
		v, err := a.goalView(ctx, vw, g, ps[g.ID], hints)
		if err != nil {
			return nil, err
		}
		s := GoalSummary{GoalView: v}
		if g.Deadline != nil && g.State == model.GoalOpen {
			d := int(g.Deadline.Sub(now).Hours() / 24)
			s.DaysLeft = &d
		}
		out = append(out, s)
	}
	return out, nil
}

// Funding is what an initiative's or a consortium's page shows about
// co-funding: its own goal (the open one, else the latest) and, for a
// consortium, the goals of the initiatives in its scope.
type Funding struct {
	Goal        *GoalView
	Initiatives []GoalSummary
	CanCreate   bool // staff may set a goal
	InitiativeRef,
	ConsortiumRef string
}

// InitiativeFunding returns the funding section of an initiative's page.
func (a *App) InitiativeFunding(ctx context.Context, actor *model.User, initiativeID int64) (*Funding, error) {
	goals, err := a.store.ListGoals(ctx, storage.GoalFilter{InitiativeIDs: []int64{initiativeID}})
	if err != nil {
		return nil, err
	}
	f := &Funding{InitiativeRef: idStr(initiativeID)}
	if len(goals) > 0 {
		if f.Goal, err = a.GetGoal(ctx, actor, goals[0].ID); err != nil {
			if model.ErrorCode(err) == model.ENotFound {
				return nil, nil
			}
			return nil, err
		}
	}
	f.CanCreate = actor.IsAdmin() && (f.Goal == nil || f.Goal.State == model.GoalClosed)
	return f, nil
}

// ConsortiumFunding returns the funding section of a consortium's page.
func (a *App) ConsortiumFunding(ctx context.Context, actor *model.User, consortiumID int64) (*Funding, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, idStr(consortiumID))
	if err != nil {
		return nil, err
	}
	f := &Funding{ConsortiumRef: c.Slug}
	goals, err := a.store.ListGoals(ctx, storage.GoalFilter{ConsortiumID: c.ID})
	if err != nil {
		return nil, err
	}
	if len(goals) > 0 {
		if f.Goal, err = a.GetGoal(ctx, actor, goals[0].ID); err != nil {
			return nil, err
		}
	}
	var ids []int64
	for _, in := range c.Initiatives {
		ids = append(ids, in.ID)
	}
	if ids == nil {
		ids = []int64{}
	}
	igoals, err := a.store.ListGoals(ctx, storage.GoalFilter{InitiativeIDs: ids, State: model.GoalOpen})
	if err != nil {
		return nil, err
	}
	if f.Initiatives, err = a.summaries(ctx, actor, igoals, false); err != nil {
		return nil, err
	}
	f.CanCreate = actor.IsAdmin() && !model.Closed(c.Stage) && (f.Goal == nil || f.Goal.State == model.GoalClosed)
	return f, nil
}

// fundingEvent tells the consortia a goal belongs to (or staff, when none)
// about a pledge or a goal's progress, through the updates machinery.
func (a *App) fundingEvent(ctx context.Context, tx *storage.Tx, actor *model.User, g *model.FundingGoal, kind, title, body string, importance int) error {
	var consortia []int64
	if g.ConsortiumID != nil {
		consortia = append(consortia, *g.ConsortiumID)
	} else {
		ini, err := tx.InitiativeByRef(ctx, idStr(*g.InitiativeID))
		if err != nil {
			return err
		}
		for _, c := range ini.Consortia {
			if !model.Closed(c.Stage) {
				consortia = append(consortia, c.ID)
			}
		}
	}
	e := model.Event{Kind: kind, Title: title, Body: body, URL: fmt.Sprintf("/funding/%d", g.ID), Importance: importance}
	if len(consortia) == 0 {
		e.Audience = model.AudienceStaff
		return a.emit(ctx, tx, actor, e, nil)
	}
	for _, id := range consortia {
		e.ConsortiumID, e.Consortium = &id, ""
		if err := a.emit(ctx, tx, actor, e, nil); err != nil {
			return err
		}
	}
	return nil
}

// fundedNow reports whether the goal's open pledges reach its amount.
func fundedNow(g *model.FundingGoal, pledges []*model.Pledge) (bool, error) {
	st, err := goalInput(g, pledges, countedOpen)
	if err != nil {
		return false, err
	}
	res, err := pledge.Resolve(st.input)
	if err != nil {
		return false, resolveErr(err)
	}
	return res.Funded, nil
}
