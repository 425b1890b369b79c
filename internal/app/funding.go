package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"consortia/internal/matching"
	"consortia/internal/model"
	"consortia/internal/pledge"
	"consortia/internal/storage"
)

// Co-funding use cases: funding goals for initiatives and consortia's
// sustenance funds, conditional / crowdmatching / matching pledges made by
// communities, their exact resolution (package pledge, never reimplemented
// here), the funding thermometer, what-if questions and the lifecycle of a
// pledge from draft to paid.

// AnonymousName is what people other than staff and the pledging community
// see instead of an anonymous pledger's name.
const AnonymousName = "Anonymous"

// whatIfID is the pledger id of the hypothetical pledge of a what-if; it
// can never be a community slug.
const whatIfID = "(you)"

// fundingReader is what funding reads need; both Store and Tx provide it.
type fundingReader interface {
	GoalByID(context.Context, int64) (*model.FundingGoal, error)
	InitiativeByRef(context.Context, string) (*model.Initiative, error)
	ConsortiumByRef(context.Context, string) (*model.Consortium, error)
	CanSeeConsortium(context.Context, int64, storage.Visibility) (bool, error)
	MembershipsOfCommunity(context.Context, int64) ([]model.Member, error)
	CurrentMember(context.Context, int64, int64) (*model.Member, error)
}

// canSeeGoal: an initiative's goal is as visible as the initiative, a
// sustenance fund as its consortium.
func canSeeGoal(ctx context.Context, q fundingReader, actor *model.User, g *model.FundingGoal) (bool, error) {
	if g.InitiativeID != nil {
		return g.InitiativePublic || (actor != nil && actor.DisabledAt == nil), nil
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
		return nil, model.Errorf(model.ENotFound, "No funding goal %d.", id)
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

// Thermometer is what a funding thermometer shows, in minor units of
// Currency. Before the goal closes, Committed is the money of firm pledges
// (fixed, unconditional), Active the money of conditional, crowdmatching
// and matching pledges that take effect now, and Waiting what the pledges
// whose conditions do not hold yet would give (their amount, maximum or
// cap). After close, Committed is what was committed and the rest is 0.
type Thermometer struct {
	Currency     string `json:"currency"`
	Goal         int64  `json:"goal"`
	Committed    int64  `json:"committed"`
	Active       int64  `json:"active" doc:"Conditional money whose conditions hold now."`
	Waiting      int64  `json:"waiting" doc:"Money of pledges whose conditions do not hold yet (amounts, maxima and caps)."`
	Collected    int64  `json:"collected" doc:"committed + active."`
	Gap          int64  `json:"gap" doc:"goal − collected, at least 0."`
	Funded       bool   `json:"funded"`
	AllOrNothing bool   `json:"all_or_nothing"`
	// Voided: an all-or-nothing goal below its amount; closing it now
	// would commit nothing.
	Voided   bool `json:"voided"`
	Closed   bool `json:"closed"`
	Pledgers int  `json:"pledgers" doc:"Communities co-funding the goal: distinct communities with a live pledge (open or committed, not withdrawn, lapsed or a draft), whether or not its condition holds yet."`
}

// Percent returns part of the larger of the goal and everything pledged, for
// drawing: 0–100.
func (t Thermometer) Percent(part int64) int {
	scale := max(t.Goal, t.Collected+t.Waiting)
	if scale <= 0 || part <= 0 {
		return 0
	}
	return int(part * 100 / scale)
}

// Pledge categories on the thermometer.
const (
	CatCommitted = "committed" // firm, or committed at close
	CatActive    = "active"    // conditional and active now
	CatWaiting   = "waiting"   // condition does not hold yet
	CatDraft     = "draft"
	CatWithdrawn = "withdrawn"
	CatLapsed    = "lapsed"
)

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
	if actor == nil || actor.DisabledAt != nil {
		return v, nil
	}
	affs, err := a.Store.AffiliationsOfUser(ctx, actor.ID)
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

// goalState is a goal's pledges fed to the resolver.
type goalState struct {
	input   pledge.Input
	counted []*model.Pledge          // pledges in the input, in input order
	slugOf  map[int64]string         // community id → pledger id (slug) of counted pledges
	absent  map[int64]map[int64]bool // pledge id → communities its condition names that have not pledged
}

// goalInput builds the resolver's input from a goal's pledges: every pledge
// for which include is true, pledger ids being community slugs. A condition
// naming a community that has no counted pledge can never hold: it becomes
// "at least N others pledge" with N above the number of entries (including
// a what-if newcomer), which the resolver treats exactly like any other
// monotone condition.
func goalInput(g *model.FundingGoal, pledges []*model.Pledge, include func(*model.Pledge) bool) (*goalState, error) {
	st := &goalState{slugOf: map[int64]string{}, absent: map[int64]map[int64]bool{}}
	for _, p := range pledges {
		if include(p) {
			st.counted = append(st.counted, p)
			st.slugOf[p.CommunityID] = p.CommunitySlug
		}
	}
	goal := g.Goal.Amount
	st.input = pledge.Input{Currency: g.Goal.Currency, Goal: &goal, AllOrNothing: g.AllOrNothing, MatchCountsAsOthers: g.MatchCountsAsOthers,
		Pledges: []pledge.Pledge{}}
	unreachable := int64(len(st.counted) + 2)
	for _, p := range st.counted {
		var cond *pledge.Condition
		if p.Condition != nil {
			cond = st.condition(p, p.Condition, unreachable)
		}
		var rate = pledgeRate(p.Rate)
		if p.Kind != model.PledgeFixed && rate == nil {
			return nil, fmt.Errorf("pledge %d: bad stored rate %q", p.ID, p.Rate)
		}
		switch p.Kind {
		case model.PledgeFixed:
			st.input.Pledges = append(st.input.Pledges, pledge.Fixed(p.CommunitySlug, p.Amount.Amount, cond))
		case model.PledgeCrowdmatching:
			st.input.Pledges = append(st.input.Pledges, pledge.Crowdmatching(p.CommunitySlug, rate, p.Amount.Amount, cond))
		case model.PledgeMatching:
			st.input.Matching = append(st.input.Matching, pledge.MatchingOffer{ID: p.CommunitySlug, Ratio: rate, Cap: p.Amount.Amount, Condition: cond})
		}
	}
	return st, nil
}

func pledgeRate(s string) *big.Rat {
	if s == "" {
		return nil
	}
	r, err := pledge.ParseRat(s)
	if err != nil {
		return nil
	}
	return r
}

func (st *goalState) condition(p *model.Pledge, c *model.PledgeCondition, unreachable int64) *pledge.Condition {
	switch c.Type {
	case model.CondPledger:
		if s, ok := st.slugOf[c.CommunityID]; ok && c.CommunityID != p.CommunityID {
			return pledge.Active(s)
		}
		if st.absent[p.ID] == nil {
			st.absent[p.ID] = map[int64]bool{}
		}
		st.absent[p.ID][c.CommunityID] = true
		return pledge.CountAtLeast(unreachable)
	case model.CondAll, model.CondAny:
		out := &pledge.Condition{Type: pledge.ConditionType(c.Type), Of: []pledge.Condition{}}
		for i := range c.Of {
			out.Of = append(out.Of, *st.condition(p, &c.Of[i], unreachable))
		}
		return out
	}
	return &pledge.Condition{Type: pledge.ConditionType(c.Type), Value: c.Value}
}

// countedOpen selects the pledges an open goal resolves: open ones.
func countedOpen(p *model.Pledge) bool { return p.State == model.PledgeOpen }

// resolved is the outcome to show: the resolved one, even when an unfunded
// all-or-nothing goal voids it.
func resolved(res pledge.Result) pledge.Outcome {
	if res.WouldBe != nil {
		return *res.WouldBe
	}
	return res.Outcome
}

func isActive(out pledge.Outcome, id string) bool {
	i := sort.SearchStrings(out.Active, id)
	return i < len(out.Active) && out.Active[i] == id
}

// resolveErr turns resolver errors on stored pledges into internal errors
// (they were validated when made), keeping overflow understandable.
func resolveErr(err error) error {
	if errors.Is(err, pledge.ErrOverflow) {
		return model.Errorf(model.EInvalid, "The pledges' total does not fit in 64 bits of minor units.")
	}
	return fmt.Errorf("resolve: %w", err)
}

// GetGoal returns a goal with its pledges, current resolution and
// thermometer, as the actor may see them.
func (a *App) GetGoal(ctx context.Context, actor *model.User, id int64) (*GoalView, error) {
	g, err := loadVisibleGoal(ctx, a.Store, actor, id)
	if err != nil {
		return nil, err
	}
	ps, err := a.Store.PledgesOfGoals(ctx, []int64{id})
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
	refs, err := a.Store.CommunityRefs(ctx, ids)
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
	if v.State != model.GoalOpen || v.PastDue || vw.actor == nil {
		return nil
	}
	live := map[int64]bool{}
	for _, p := range pledges {
		if model.PledgeLive(p.State) {
			live[p.CommunityID] = true
		}
	}
	members, err := a.coFunders(ctx, a.Store, v.FundingGoal)
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
				return &model.Error{Code: model.EConflict, Message: "This community has already pledged towards this goal; withdraw that pledge to make a new one.",
					Fields: []model.FieldError{{Field: "community", Message: "has already pledged towards this goal"}}}
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

// goalInputChecked builds the input of an open goal's counted pledges plus
// the candidate, turning a stored rate the resolver cannot read into a
// field error.
func goalInputChecked(g *model.FundingGoal, all []*model.Pledge, candidate *model.Pledge) (*goalState, error) {
	if candidate.Kind != model.PledgeFixed {
		if _, err := pledge.ParseRat(candidate.Rate); err != nil {
			return nil, fieldErr("rate", "%v", err)
		}
	}
	return goalInput(g, all, func(p *model.Pledge) bool { return p == candidate || p.State == model.PledgeOpen })
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
		return nil, nil, model.Errorf(model.ENotFound, "No pledge %d.", id)
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

// InvoiceNumber is the invoice number of a committed pledge.
func InvoiceNumber(p *model.Pledge) string { return fmt.Sprintf("CF-%d-%05d", p.GoalID, p.ID) }

// IssueInvoices invoices every committed pledge of a closed goal and returns
// the pledges invoiced; staff only.
func (a *App) IssueInvoices(ctx context.Context, actor *model.User, goalID int64) ([]int64, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	done := []int64{}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		g, err := tx.GoalByID(ctx, goalID)
		if err != nil {
			return err
		}
		if g.State != model.GoalClosed {
			return model.Errorf(model.EConflict, "Invoices are issued once the goal has closed.")
		}
		ps, err := tx.PledgesOfGoals(ctx, []int64{goalID})
		if err != nil {
			return err
		}
		for _, p := range ps[goalID] {
			if p.State != model.PledgeCommitted {
				continue
			}
			if _, err := tx.SetPledgeState(ctx, p.ID, []string{model.PledgeCommitted}, model.PledgeInvoiced, nil, InvoiceNumber(p)); err != nil {
				return err
			}
			if err := tx.Audit(ctx, actor, "pledge.invoice", "pledge", idStr(p.ID), map[string]string{"state": p.State},
				map[string]any{"state": model.PledgeInvoiced, "invoice_number": InvoiceNumber(p), "amount": p.CommittedAmount}); err != nil {
				return err
			}
			done = append(done, p.ID)
		}
		return nil
	})
	return done, err
}

// MarkPaid records that an invoiced pledge was paid; staff only.
func (a *App) MarkPaid(ctx context.Context, actor *model.User, pledgeID int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := tx.PledgeByID(ctx, pledgeID)
		if err != nil {
			return err
		}
		ok, err := tx.SetPledgeState(ctx, pledgeID, []string{model.PledgeInvoiced}, model.PledgePaid, nil, "")
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "Only an invoiced pledge can be marked paid (this one is %s).", p.State)
		}
		return tx.Audit(ctx, actor, "pledge.paid", "pledge", idStr(pledgeID), map[string]string{"state": p.State}, map[string]string{"state": model.PledgePaid})
	})
}

// Receipt is a pledge's receipt (and, once invoiced, its invoice) for the
// pledging community.
type Receipt struct {
	Pledge    *model.Pledge      `json:"pledge"`
	Terms     string             `json:"terms"`
	Goal      *model.FundingGoal `json:"goal"`
	Community *model.Community   `json:"-"`
	History   []model.AuditEntry `json:"history"`
	CanAct    bool               `json:"-"` // a lead or staff: may withdraw or open it
}

// GetReceipt returns a pledge's receipt: staff and the people of the
// pledging community only.
func (a *App) GetReceipt(ctx context.Context, actor *model.User, id int64) (*Receipt, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	p, err := a.Store.PledgeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !vw.sees(p) {
		return nil, model.Errorf(model.ENotFound, "No pledge %d.", id)
	}
	g, err := a.Store.GoalByID(ctx, p.GoalID)
	if err != nil {
		return nil, err
	}
	com, err := a.Store.CommunityByRef(ctx, idStr(p.CommunityID))
	if err != nil {
		return nil, err
	}
	if err := a.nameConditions(ctx, []*model.Pledge{p}); err != nil {
		return nil, err
	}
	hist, _, err := a.Store.ListAudit(ctx, model.AuditFilter{EntityType: "pledge", EntityID: idStr(id), Page: model.Page{Size: 0}})
	if err != nil {
		return nil, err
	}
	for i := range hist {
		hist[i].Before, hist[i].After = nil, nil
	}
	return &Receipt{Pledge: p, Terms: p.Terms(), Goal: g, Community: com, History: hist, CanAct: actor.IsAdmin() || vw.leads[p.CommunityID]}, nil
}

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
	g, err := loadVisibleGoal(ctx, a.Store, actor, goalID)
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
	ps, err := a.Store.PledgesOfGoals(ctx, []int64{goalID})
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
		com, err := a.Store.CommunityByRef(ctx, strings.TrimSpace(c.Community))
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
		ini, err := a.Store.InitiativeByRef(ctx, f.InitiativeRef)
		if err != nil {
			return nil, err
		}
		sf.InitiativeIDs = []int64{ini.ID}
	}
	if f.ConsortiumRef != "" {
		c, err := loadVisibleConsortium(ctx, a.Store, actor, f.ConsortiumRef)
		if err != nil {
			return nil, err
		}
		sf.ConsortiumID = c.ID
	}
	goals, err := a.Store.ListGoals(ctx, sf)
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
				if ok, err = a.Store.CanSeeConsortium(ctx, *g.ConsortiumID, visibility(actor)); err != nil {
					return nil, err
				}
				seen[*g.ConsortiumID] = ok
			}
			if !ok {
				continue
			}
		} else if !g.InitiativePublic && (actor == nil || actor.DisabledAt != nil) {
			continue
		}
		visible = append(visible, g)
		ids = append(ids, g.ID)
	}
	ps, err := a.Store.PledgesOfGoals(ctx, ids)
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
	goals, err := a.Store.ListGoals(ctx, storage.GoalFilter{InitiativeIDs: []int64{initiativeID}})
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
	c, err := loadVisibleConsortium(ctx, a.Store, actor, idStr(consortiumID))
	if err != nil {
		return nil, err
	}
	f := &Funding{ConsortiumRef: c.Slug}
	goals, err := a.Store.ListGoals(ctx, storage.GoalFilter{ConsortiumID: c.ID})
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
	igoals, err := a.Store.ListGoals(ctx, storage.GoalFilter{InitiativeIDs: ids, State: model.GoalOpen})
	if err != nil {
		return nil, err
	}
	if f.Initiatives, err = a.summaries(ctx, actor, igoals, false); err != nil {
		return nil, err
	}
	f.CanCreate = actor.IsAdmin() && !model.Closed(c.Stage) && (f.Goal == nil || f.Goal.State == model.GoalClosed)
	return f, nil
}

// CommunityPledges lists a community's pledges for its people and staff.
func (a *App) CommunityPledges(ctx context.Context, actor *model.User, communityRef string) ([]*model.Pledge, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	com, err := a.Store.CommunityByRef(ctx, communityRef)
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
	ps, err := a.Store.PledgesOfCommunity(ctx, com.ID)
	if err != nil {
		return nil, err
	}
	return ps, a.nameConditions(ctx, ps)
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

func checkAmount(p *model.Problems, field string, amount int64) {
	switch {
	case amount <= 0:
		p.Add(field, "must be a positive amount")
	case amount > model.MaxFundingAmount:
		p.Add(field, "must be at most %d minor units", model.MaxFundingAmount)
	}
}

// documentErrors turns the field errors of the algorithms' JSON parsers
// (which carry the line and column of each problem) into invalid input.
func documentErrors(what string, fields []model.FieldError) error {
	return &model.Error{Code: model.EInvalid, Message: "The " + what + " document is not valid.", Fields: fields}
}

func located(field, msg string, line, col int) model.FieldError {
	if field == "" {
		field = "document"
	}
	if line > 0 {
		msg = fmt.Sprintf("%s (line %d, column %d)", msg, line, col)
	}
	return model.FieldError{Field: field, Message: msg}
}

// ResolveDocument resolves an uploaded pledge document in the format of
// `consortia pledges resolve` (internal/pledge/FORMAT.md); nothing is
// stored. Problems name the JSON path, line and column.
func (a *App) ResolveDocument(ctx context.Context, actor *model.User, r io.Reader) (*pledge.Result, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in, err := pledge.ParseInput(r)
	if err == nil {
		if n := int64(len(in.Pledges) + len(in.Matching)); n > MaxSyncPledges {
			return nil, tooLargeToCompute("pledges", "", "pledges and matching offers", n, MaxSyncPledges, "consortia pledges resolve")
		}
		var done func()
		if ctx, done, err = a.startComputation(ctx, actor, "resolve", "pledge resolution"); err != nil {
			return nil, err
		}
		defer done()
		var res pledge.Result
		if res, err = pledge.ResolveContext(ctx, in); err == nil {
			return &res, nil
		}
		if stoppedByContext(err) {
			return nil, computationStopped(err, "consortia pledges resolve")
		}
	}
	var es pledge.Errors
	if errors.As(err, &es) {
		var fields []model.FieldError
		for _, fe := range es {
			fields = append(fields, located(fe.Field, fe.Message, fe.Line, fe.Column))
		}
		return nil, documentErrors("pledge", fields)
	}
	return nil, model.Errorf(model.EMalformed, "The document could not be read: %v", err)
}

// MatchDocument computes quadratic-funding matches for an uploaded round in
// the format of `consortia match` (internal/matching/FORMAT.md).
func (a *App) MatchDocument(ctx context.Context, actor *model.User, r io.Reader) (*matching.Result, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in, err := matching.ParseInput(r)
	if err == nil {
		if n := int64(len(in.Contributions)); n > MaxSyncContributions {
			return nil, tooLargeToCompute("contributions", "", "contributions", n, MaxSyncContributions, "consortia match")
		}
		var done func()
		if ctx, done, err = a.startComputation(ctx, actor, "match", "matching computation"); err != nil {
			return nil, err
		}
		defer done()
		var res matching.Result
		if res, err = matching.QuadraticFundingContext(ctx, in); err == nil {
			return &res, nil
		}
		if stoppedByContext(err) {
			return nil, computationStopped(err, "consortia match")
		}
	}
	var es matching.Errors
	if errors.As(err, &es) {
		var fields []model.FieldError
		for _, fe := range es {
			fields = append(fields, located(fe.Field, fe.Message, fe.Line, fe.Column))
		}
		return nil, documentErrors("matching", fields)
	}
	return nil, model.Errorf(model.EMalformed, "The document could not be read: %v", err)
}
