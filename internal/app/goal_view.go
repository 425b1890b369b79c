package app

import (
	"context"
	"sort"

	"consortia/internal/model"
	"consortia/internal/pledge"
)

// A goal's page: its pledges as the viewer may see them, unlock hints, names
// and the communities the viewer may pledge for.

// AnonymousName is what people other than staff and the pledging community
// see instead of an anonymous pledger's name.
const AnonymousName = "Anonymous"

// PledgeEntry is a pledge as a goal's page shows it.
type PledgeEntry struct {
	*model.Pledge
	Terms    string `json:"terms" doc:"What the pledge promises, in words."`
	Category string `json:"category" enum:"committed,active,waiting,draft,withdrawn,lapsed"`
	// Gives is what the pledge gives in the current resolution (after
	// close: what was committed).
	Gives int64 `json:"gives"`
	// Exact is the exact amount of a crowdmatching pledge or matching
	// offer before flooring, e.g. "9/2".
	Exact string `json:"exact_amount,omitempty"`
	// MoreMoney / MorePledgers / WaitingOn say how far a waiting pledge is
	// from taking effect (see pledge.UnlockHint); UnlockAmount is the
	// smallest new firm pledge that would activate it, cascades included.
	MoreMoney    *int64   `json:"more_money,omitempty"`
	MorePledgers *int64   `json:"more_pledgers,omitempty"`
	WaitingOn    []string `json:"waiting_on,omitempty"`
	UnlockAmount *int64   `json:"unlock_amount,omitempty"`
	// Mine: the actor may see the pledge's receipt and act for it.
	Mine bool `json:"-"`
}

// GoalView is a goal with its pledges, resolution and thermometer.
type GoalView struct {
	*model.FundingGoal
	Thermometer Thermometer   `json:"thermometer"`
	Pledges     []PledgeEntry `json:"pledges"`
	// Closest lists the waiting pledges closest to taking effect.
	Closest []PledgeEntry `json:"closest_to_unlocking"`
	// Resolution is the resolver's full output (staff only): ids are
	// community slugs.
	Resolution *pledge.Result `json:"resolution,omitempty"`
	// PledgeFor lists the communities the actor may pledge for now
	// (staff: empty, they may pledge for any community).
	PledgeFor []model.CommunityRef `json:"-"`
	// Pledgers are communities a condition may name: the co-funding
	// members of the consortia concerned and the visible pledgers.
	Pledgers  []model.CommunityRef `json:"-"`
	CanManage bool                 `json:"-"`
	CanPledge bool                 `json:"-"`
	PastDue   bool                 `json:"past_deadline"`
}

// viewer knows which communities the actor belongs to.
type viewer struct {
	actor *model.User
	mine  map[int64]bool // communities the actor is affiliated with
	leads map[int64]bool // communities the actor leads
}

func (a *App) viewer(ctx context.Context, actor *model.User) (*viewer, error) {
	v := &viewer{actor: actor, mine: map[int64]bool{}, leads: map[int64]bool{}}
	if !model.SignedIn(actor) {
		return v, nil
	}
	affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	for _, af := range affs {
		v.mine[af.CommunityID] = true
		if af.Role == model.AffiliationLead {
			v.leads[af.CommunityID] = true
		}
	}
	return v, nil
}

// sees reports whether the viewer may see who made a pledge and its drafts.
func (v *viewer) sees(p *model.Pledge) bool { return v.actor.IsAdmin() || v.mine[p.CommunityID] }

// GetGoal returns a goal with its pledges, current resolution and
// thermometer, as the actor may see them.
func (a *App) GetGoal(ctx context.Context, actor *model.User, id int64) (*GoalView, error) {
	g, err := loadVisibleGoal(ctx, a.store, actor, id)
	if err != nil {
		return nil, err
	}
	ps, err := a.store.PledgesOfGoals(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	v, err := a.goalView(ctx, vw, g, ps[id], true)
	if err != nil {
		return nil, err
	}
	if err := a.pledgeChoices(ctx, vw, v, ps[id]); err != nil {
		return nil, err
	}
	return v, nil
}

// goalView resolves a goal and builds what its page shows. With hints, the
// waiting pledges carry how close they are to taking effect.
func (a *App) goalView(ctx context.Context, vw *viewer, g *model.FundingGoal, pledges []*model.Pledge, hints bool) (*GoalView, error) {
	if err := a.nameConditions(ctx, pledges); err != nil {
		return nil, err
	}
	v := &GoalView{FundingGoal: g, Pledges: []PledgeEntry{}, Closest: []PledgeEntry{}, CanManage: vw.actor.IsAdmin(),
		PastDue: g.PastDeadline(a.now())}
	t := &v.Thermometer
	t.Currency, t.Goal, t.AllOrNothing, t.Closed = g.Goal.Currency, g.Goal.Amount, g.AllOrNothing, g.State == model.GoalClosed
	entries := map[int64]*PledgeEntry{}
	for _, p := range pledges {
		if !vw.sees(p) && (p.State == model.PledgeDraft) {
			continue
		}
		e := PledgeEntry{Pledge: p, Terms: p.Terms(), Mine: vw.sees(p)}
		switch p.State {
		case model.PledgeDraft:
			e.Category = CatDraft
		case model.PledgeWithdrawn:
			e.Category = CatWithdrawn
		case model.PledgeLapsed:
			e.Category = CatLapsed
		case model.PledgeCommitted, model.PledgeInvoiced, model.PledgePaid:
			e.Category, e.Gives = CatCommitted, p.CommittedAmount
			t.Committed += p.CommittedAmount
		}
		v.Pledges = append(v.Pledges, e)
	}
	for i := range v.Pledges {
		entries[v.Pledges[i].ID] = &v.Pledges[i]
	}
	if g.State == model.GoalOpen {
		st, err := goalInput(g, pledges, countedOpen)
		if err != nil {
			return nil, err
		}
		res, err := pledge.Resolve(st.input)
		if err != nil {
			return nil, resolveErr(err)
		}
		out := resolved(res)
		t.Voided = res.WouldBe != nil
		for _, p := range st.counted {
			e := entries[p.ID]
			slug := p.CommunitySlug
			if isActive(out, slug) {
				amt, _ := out.Amounts.Get(slug)
				e.Gives, e.Exact = amt, out.Exact[slug]
				if p.Firm() {
					e.Category, t.Committed = CatCommitted, t.Committed+amt
				} else {
					e.Category, t.Active = CatActive, t.Active+amt
				}
			} else {
				e.Category, t.Waiting = CatWaiting, t.Waiting+p.Amount.Amount
			}
		}
		if hints {
			if err := a.unlockHints(vw, st, entries, v); err != nil {
				return nil, err
			}
		}
		if vw.actor.IsAdmin() {
			v.Resolution = &res
		}
	}
	t.Pledgers = pledgingCommunities(pledges)
	t.Collected = t.Committed + t.Active
	t.Funded = t.Collected >= t.Goal
	t.Gap = max(t.Goal-t.Collected, 0)
	for i := range v.Pledges {
		redact(vw, &v.Pledges[i])
	}
	for i := range v.Closest {
		redact(vw, &v.Closest[i])
	}
	return v, nil
}

// redact hides who made an anonymous pledge from people other than staff
// and the pledging community.
func redact(vw *viewer, e *PledgeEntry) {
	if !e.Anonymous || vw.sees(e.Pledge) {
		return
	}
	cp := *e.Pledge
	cp.CommunityID, cp.CommunitySlug, cp.CommunityName, cp.CreatedByName, cp.Note = 0, "", AnonymousName, "", ""
	e.Pledge = &cp
}

// unlockHints fills how close each waiting pledge is to taking effect and
// lists the closest ones, using pledge.ClosestToUnlocking and
// pledge.UnlockAmount.
func (a *App) unlockHints(vw *viewer, st *goalState, entries map[int64]*PledgeEntry, v *GoalView) error {
	hints, err := pledge.ClosestToUnlocking(st.input)
	if err != nil {
		return resolveErr(err)
	}
	bySlug := map[string]*model.Pledge{}
	for _, p := range st.counted {
		bySlug[p.CommunitySlug] = p
	}
	for _, h := range hints {
		p := bySlug[h.ID]
		if p == nil {
			continue
		}
		e := entries[p.ID]
		e.MoreMoney, e.MorePledgers = h.MoreMoney, h.MorePledgers
		for _, w := range h.WaitingOn {
			e.WaitingOn = append(e.WaitingOn, nameFor(vw, bySlug[w]))
		}
		if absent := st.absent[p.ID]; len(absent) > 0 {
			// It waits for communities that have not pledged: no amount
			// or number of other pledgers alone will do.
			e.MorePledgers = nil
			for id := range absent {
				e.WaitingOn = append(e.WaitingOn, a.absentName(p, id)+" (not pledged yet)")
			}
			sort.Strings(e.WaitingOn)
		}
		if amt, ok, err := pledge.UnlockAmount(st.input, h.ID); err != nil {
			return resolveErr(err)
		} else if ok {
			e.UnlockAmount = &amt
		}
		if len(v.Closest) < 5 {
			v.Closest = append(v.Closest, *e)
		}
	}
	return nil
}

func (a *App) absentName(p *model.Pledge, id int64) string {
	name := ""
	p.Condition.Walk(func(c *model.PledgeCondition) {
		if c.Type == model.CondPledger && c.CommunityID == id {
			name = c.CommunityName
		}
	})
	if name == "" {
		name = "community " + idStr(id)
	}
	return name
}

func nameFor(vw *viewer, p *model.Pledge) string {
	if p == nil {
		return "?"
	}
	if p.Anonymous && !vw.sees(p) {
		return AnonymousName
	}
	return p.CommunityName
}

// nameConditions fills the slug and name of every community a condition
// names (conditions store community ids).
func (a *App) nameConditions(ctx context.Context, pledges []*model.Pledge) error {
	var ids []int64
	for _, p := range pledges {
		if p.Condition != nil {
			p.Condition.Walk(func(c *model.PledgeCondition) {
				if c.Type == model.CondPledger && c.CommunityName == "" {
					ids = append(ids, c.CommunityID)
				}
			})
		}
	}
	if len(ids) == 0 {
		return nil
	}
	refs, err := a.store.CommunityRefs(ctx, ids)
	if err != nil {
		return err
	}
	for _, p := range pledges {
		if p.Condition != nil {
			p.Condition.Walk(func(c *model.PledgeCondition) {
				if r, ok := refs[c.CommunityID]; ok && c.Type == model.CondPledger {
					c.Community, c.CommunityName = r.Slug, r.Name
				}
			})
		}
	}
	return nil
}

// pledgeChoices fills which communities the actor may pledge for, and which
// communities a condition may name.
func (a *App) pledgeChoices(ctx context.Context, vw *viewer, v *GoalView, pledges []*model.Pledge) error {
	if v.State != model.GoalOpen || v.PastDue || !model.SignedIn(vw.actor) {
		return nil
	}
	live := map[int64]bool{}
	for _, p := range pledges {
		if model.PledgeLive(p.State) {
			live[p.CommunityID] = true
		}
	}
	members, err := a.coFunders(ctx, a.store, v.FundingGoal)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, m := range members {
		if !seen[m.CommunityID] {
			seen[m.CommunityID] = true
			v.Pledgers = append(v.Pledgers, model.CommunityRef{ID: m.CommunityID, Slug: m.CommunitySlug, Name: m.CommunityName})
		}
		if vw.leads[m.CommunityID] && !live[m.CommunityID] && !vw.actor.IsAdmin() {
			v.PledgeFor = append(v.PledgeFor, model.CommunityRef{ID: m.CommunityID, Slug: m.CommunitySlug, Name: m.CommunityName})
		}
	}
	for _, p := range pledges {
		if model.PledgeLive(p.State) && !seen[p.CommunityID] && (!p.Anonymous || vw.sees(p)) {
			seen[p.CommunityID] = true
			v.Pledgers = append(v.Pledgers, model.CommunityRef{ID: p.CommunityID, Slug: p.CommunitySlug, Name: p.CommunityName})
		}
	}
	sort.Slice(v.Pledgers, func(i, j int) bool { return v.Pledgers[i].Name < v.Pledgers[j].Name })
	sort.Slice(v.PledgeFor, func(i, j int) bool { return v.PledgeFor[i].Name < v.PledgeFor[j].Name })
	v.CanPledge = vw.actor.IsAdmin() || len(v.PledgeFor) > 0
	return nil
}

// coFunders lists the current members with the co-fund role of the
// consortia a goal belongs to: the consortium of a sustenance fund, or every
// open consortium that has the initiative in scope.
func (a *App) coFunders(ctx context.Context, q interface {
	fundingReader
	Members(context.Context, int64, bool) ([]model.Member, error)
}, g *model.FundingGoal) ([]model.Member, error) {
	var consortia []int64
	if g.ConsortiumID != nil {
		consortia = append(consortia, *g.ConsortiumID)
	} else {
		ini, err := q.InitiativeByRef(ctx, idStr(*g.InitiativeID))
		if err != nil {
			return nil, err
		}
		for _, c := range ini.Consortia {
			if !model.Closed(c.Stage) {
				consortia = append(consortia, c.ID)
			}
		}
	}
	var out []model.Member
	for _, id := range consortia {
		ms, err := q.Members(ctx, id, false)
		if err != nil {
			return nil, err
		}
		for _, m := range ms {
			if m.HasRole(model.RoleCoFund) {
				out = append(out, m)
			}
		}
	}
	return out, nil
}
