package app

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// withCost fills the cost estimate: hours × the initiative's rate, or the
// site's blended rate when it has none. Integer minor units throughout.
func withCost(in *model.Initiative, blended model.Money) {
	if in.Rate.Amount == 0 {
		in.Rate, in.RateIsBlended = blended, true
	}
	in.CostLow = model.Money{Amount: in.HoursLow * in.Rate.Amount, Currency: in.Rate.Currency}
	in.CostHigh = model.Money{Amount: in.HoursHigh * in.Rate.Amount, Currency: in.Rate.Currency}
}

func (a *App) costs(ctx context.Context, list ...*model.Initiative) error {
	rate, err := a.store.BlendedRate(ctx)
	if err != nil {
		return err
	}
	for _, in := range list {
		withCost(in, rate)
	}
	return nil
}

// canSeeInitiative: public ones are for everyone, the rest for people signed in.
func canSeeInitiative(actor *model.User, in *model.Initiative) bool {
	return in.Public || model.SignedIn(actor)
}

func canEditInitiative(actor *model.User, in *model.Initiative) bool {
	if actor.IsAdmin() {
		return true
	}
	return model.SignedIn(actor) && in.AuthorID != nil && *in.AuthorID == actor.ID && in.Status == model.StatusIdea
}

// canTickTasks: staff and the author tick an initiative's sub-tasks.
func canTickTasks(actor *model.User, in *model.Initiative) bool {
	return actor.IsAdmin() || (model.SignedIn(actor) && in.AuthorID != nil && *in.AuthorID == actor.ID)
}

func mayEditInitiative(actor *model.User, in *model.Initiative) error {
	if !canEditInitiative(actor, in) {
		return forbidden("Only staff, or the author while it is an idea, can edit this initiative.")
	}
	return nil
}

// InitiativeForEdit returns an initiative's fields as stored (links and
// notes not trimmed for the reader), for an editor to change some of them:
// 404 if the actor may not see it, refused if they may not edit it.
func (a *App) InitiativeForEdit(ctx context.Context, actor *model.User, ref string) (*model.Initiative, error) {
	in, err := a.store.InitiativeByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !canSeeInitiative(actor, in) {
		return nil, model.NotFound(model.EntityInitiative, ref)
	}
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	if err := mayEditInitiative(actor, in); err != nil {
		return nil, err
	}
	return in, nil
}

// InitiativeView is an initiative with what its page shows.
type InitiativeView struct {
	*model.Initiative
	Checklist    []model.CheckItem    `json:"checklist"`
	Ready        bool                 `json:"ready_for_candidate"`
	History      []model.StatusChange `json:"history"`
	CanEdit      bool                 `json:"-"`
	CanTick      bool                 `json:"-"` // may tick sub-tasks
	CanMove      []string             `json:"-"`
	SimilarPeers []model.Peer         `json:"other_communities_with_this_problem"`
	SolvedPeers  []model.Peer         `json:"communities_that_solved_something_like_this"`
	Testing      InitiativeTesting    `json:"testing"`
}

// GetInitiative returns an initiative with its checklist, history and the
// communities a leader may want to meet about it.
func (a *App) GetInitiative(ctx context.Context, actor *model.User, ref string) (*InitiativeView, error) {
	in, err := a.store.InitiativeByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !canSeeInitiative(actor, in) {
		return nil, model.NotFound(model.EntityInitiative, ref)
	}
	if err := a.costs(ctx, in); err != nil {
		return nil, err
	}
	if !model.SignedIn(actor) {
		hideNonPublic(in)
	}
	if err := a.filterLinks(ctx, actor, in); err != nil {
		return nil, err
	}
	v := &InitiativeView{Initiative: in, Checklist: model.DetailChecklist(in), CanEdit: canEditInitiative(actor, in), CanTick: canTickTasks(actor, in)}
	v.Ready = model.DetailReady(v.Checklist)
	if v.History, err = a.store.StatusHistory(ctx, in.ID); err != nil {
		return nil, err
	}
	if !model.SignedIn(actor) {
		for i := range v.History {
			v.History[i].ByID, v.History[i].ByName = nil, ""
		}
	}
	for _, to := range model.NextStatuses(in.Status) {
		if actor.IsAdmin() || (v.CanEdit && (to == model.StatusCandidate)) {
			v.CanMove = append(v.CanMove, to)
		}
	}
	if v.SimilarPeers, err = a.store.CommunitiesWithThemes(ctx, in.Themes, in.ID, 6); err != nil {
		return nil, err
	}
	if v.SolvedPeers, err = a.store.SolvedBy(ctx, in.Themes, 0, !model.SignedIn(actor), 6); err != nil {
		return nil, err
	}
	if v.Testing, err = a.initiativeTesting(ctx, actor, in); err != nil {
		return nil, err
	}
	return v, nil
}

// hideNonPublic removes what a visitor should not see: people's names and
// links to non-public narratives and consortia.
func hideNonPublic(in *model.Initiative) {
	in.AuthorName, in.AuthorID, in.StatusByName = "", nil, ""
}

// readable completes initiatives a use case returns to the actor: cost
// estimates, and only the links the actor may see.
func (a *App) readable(ctx context.Context, actor *model.User, list ...*model.Initiative) error {
	if err := a.costs(ctx, list...); err != nil {
		return err
	}
	return a.filterLinks(ctx, actor, list...)
}

// filterLinks keeps only the consortia (and, for visitors, narratives) an
// initiative links to that the actor may see.
func (a *App) filterLinks(ctx context.Context, actor *model.User, list ...*model.Initiative) error {
	var ids []int64
	for _, in := range list {
		for _, c := range in.Consortia {
			ids = append(ids, c.ID)
		}
	}
	visible := map[int64]bool{}
	if len(ids) > 0 && !actor.IsAdmin() {
		cs, _, err := a.store.ListConsortia(ctx, model.ConsortiumFilter{IDs: ids, Page: model.Page{Size: model.MaxPageSize}}, visibility(actor))
		if err != nil {
			return err
		}
		for _, c := range cs {
			visible[c.ID] = true
		}
	}
	var publicNarratives map[int64]bool
	if !model.SignedIn(actor) {
		ns, err := a.store.ListNarratives(ctx, true)
		if err != nil {
			return err
		}
		publicNarratives = map[int64]bool{}
		for _, n := range ns {
			publicNarratives[n.ID] = true
		}
	}
	for _, in := range list {
		if !actor.IsAdmin() {
			keep := []model.ConsortiumRef{}
			for _, c := range in.Consortia {
				if visible[c.ID] {
					keep = append(keep, c)
				}
			}
			in.Consortia = keep
		}
		if publicNarratives != nil {
			keep := []model.NarrativeRef{}
			for _, n := range in.Narratives {
				if publicNarratives[n.ID] {
					keep = append(keep, n)
				}
			}
			in.Narratives = keep
		}
	}
	return nil
}

// ListInitiatives lists initiatives; visitors see public ones only.
func (a *App) ListInitiatives(ctx context.Context, actor *model.User, f model.InitiativeFilter) ([]*model.Initiative, int, error) {
	if !model.SignedIn(actor) {
		f.PublicOnly = true
	}
	list, total, err := a.store.ListInitiatives(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if err := a.costs(ctx, list...); err != nil {
		return nil, 0, err
	}
	if !model.SignedIn(actor) {
		for _, in := range list {
			hideNonPublic(in)
		}
	}
	return list, total, a.filterLinks(ctx, actor, list...)
}

// CreateInitiative records an idea; anyone signed in may propose one.
func (a *App) CreateInitiative(ctx context.Context, actor *model.User, in model.InitiativeInput) (*model.Initiative, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	if !actor.IsAdmin() {
		in.Public = false // staff decide what the public roadmap shows
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *model.Initiative
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if out, err = tx.CreateInitiative(ctx, in, actor); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "initiative.create", "initiative", idStr(out.ID), nil, out)
	})
	if err != nil {
		return nil, err
	}
	return out, a.readable(ctx, actor, out)
}

// UpdateInitiative edits an initiative: staff always, the author while it
// is an idea.
func (a *App) UpdateInitiative(ctx context.Context, actor *model.User, ref string, version int64, in model.InitiativeInput) (*model.Initiative, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var out *model.Initiative
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.InitiativeByRef(ctx, ref)
		if err != nil {
			return err
		}
		if !canSeeInitiative(actor, before) {
			return model.NotFound(model.EntityInitiative, ref)
		}
		if err := mayEditInitiative(actor, before); err != nil {
			return err
		}
		if !actor.IsAdmin() {
			in.Public = before.Public
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if out, err = tx.UpdateInitiative(ctx, before.ID, version, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "initiative.update", "initiative", idStr(out.ID), before, out)
	})
	if err != nil {
		return nil, err
	}
	return out, a.readable(ctx, actor, out)
}

// MoveInitiative changes an initiative's status. Staff make any allowed
// move; an author may ask for their idea to become a candidate. Becoming a
// candidate needs the level-of-detail checklist to pass: the error lists
// what is missing.
func (a *App) MoveInitiative(ctx context.Context, actor *model.User, ref, to, note string) (*model.Initiative, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var p model.Problems
	if model.CheckNote(&p, "note", note, model.MaxLongTextLength); p.Err() != nil {
		return nil, p.Err()
	}
	var out *model.Initiative
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		in, err := tx.InitiativeByRef(ctx, ref)
		if err != nil {
			return err
		}
		if !canSeeInitiative(actor, in) {
			return model.NotFound(model.EntityInitiative, ref)
		}
		if !actor.IsAdmin() && !(canEditInitiative(actor, in) && to == model.StatusCandidate) {
			return forbidden("Only staff can move initiatives along the roadmap.")
		}
		if err := model.CheckStatusMove(in.Status, to); err != nil {
			return err
		}
		if to == model.StatusCandidate {
			if err := checklistError(model.DetailChecklist(in)); err != nil {
				return err
			}
		}
		if err := tx.SetInitiativeStatus(ctx, in.ID, in.Status, to, actor, note, nil); err != nil {
			return err
		}
		if err := a.emitStatus(ctx, tx, actor, in, to, note); err != nil {
			return err
		}
		if out, err = tx.InitiativeByRef(ctx, strconv.FormatInt(in.ID, 10)); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "initiative.status", "initiative", idStr(in.ID),
			map[string]string{"status": in.Status}, map[string]string{"status": to, "note": note})
	})
	if err != nil {
		return nil, err
	}
	return out, a.readable(ctx, actor, out)
}

// checklistError turns unmet checklist items into field errors.
func checklistError(items []model.CheckItem) error {
	var p model.Problems
	for _, it := range items {
		if !it.OK {
			p.Add(it.Field, "%s: %s", it.Label, it.Message)
		}
	}
	if err := p.Err(); err != nil {
		return &model.Error{Code: model.EInvalid, Message: "This idea needs more detail before it can become a candidate.", Fields: p}
	}
	return nil
}

// SetTaskDone ticks a sub-task; staff or the author.
func (a *App) SetTaskDone(ctx context.Context, actor *model.User, ref string, taskID int64, done bool) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		in, err := tx.InitiativeByRef(ctx, ref)
		if err != nil {
			return err
		}
		if !canTickTasks(actor, in) {
			return forbidden("Only staff and the author can tick sub-tasks.")
		}
		if err := tx.SetTaskDone(ctx, in.ID, taskID, done); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "initiative.task", "initiative", idStr(in.ID), nil, map[string]any{"task_id": taskID, "done": done})
	})
}

// leadOf checks the actor leads the community (staff act for any). The
// refusal names no community: the reference may be a guessed id, and the
// community may be archived or stand behind an anonymous pledge.
func leadOf(ctx context.Context, tx *storage.Tx, actor *model.User, c *model.Community) error {
	if actor.IsAdmin() {
		return nil
	}
	affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return err
	}
	if !model.CanEditCommunity(actor, affs, c.ID) {
		return forbidden("Only a lead of this community (or staff) can act for it.")
	}
	return nil
}

// SetInterest records that a community is interested in (or co-funded) an
// initiative. A lead acts for their own community; co-funding is recorded
// by staff.
func (a *App) SetInterest(ctx context.Context, actor *model.User, ref, communityRef, kind string, on bool, note string) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	if kind != model.InterestInterested && kind != model.InterestCoFunded {
		var p model.Problems
		p.Add("kind", "must be %q or %q", model.InterestInterested, model.InterestCoFunded)
		return p.Err()
	}
	if kind == model.InterestCoFunded && !actor.IsAdmin() {
		return forbidden("Co-funding is recorded by the host organization's staff.")
	}
	var p model.Problems
	if model.CheckNote(&p, "note", note, model.MaxLongTextLength); p.Err() != nil {
		return p.Err()
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		in, err := tx.InitiativeByRef(ctx, ref)
		if err != nil {
			return err
		}
		c, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			var p model.Problems
			p.Add("community", "no community %q", communityRef)
			return p.Err()
		}
		if err := leadOf(ctx, tx, actor, c); err != nil {
			return err
		}
		if err := tx.SetInterest(ctx, in.ID, c.ID, kind, on, note); err != nil {
			return err
		}
		action := "initiative.interest"
		if !on {
			action = "initiative.interest_removed"
		}
		return tx.Audit(ctx, actor, action, "initiative", idStr(in.ID), nil, map[string]any{"community_id": c.ID, "kind": kind, "note": note})
	})
}

// BlendedRate is the hourly rate cost estimates use.
func (a *App) BlendedRate(ctx context.Context) (model.Money, error) {
	return a.store.BlendedRate(ctx)
}

// SetBlendedRate changes the hourly rate for cost estimates; staff only.
func (a *App) SetBlendedRate(ctx context.Context, actor *model.User, rate model.Money) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	var p model.Problems
	if rate.Amount <= 0 || rate.Amount > model.MaxRateMinorUnits {
		p.Add("rate", "must be between 1 and %d minor units per hour", model.MaxRateMinorUnits)
	}
	if !slices.Contains(model.Currencies, rate.Currency) {
		p.Add("currency", "must be a supported currency")
	}
	if err := p.Err(); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.BlendedRate(ctx)
		if err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, "blended_rate_minor", fmt.Sprint(rate.Amount)); err != nil {
			return err
		}
		if err := tx.SetSetting(ctx, "blended_rate_currency", rate.Currency); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "settings.blended_rate", "settings", "blended_rate", before, rate)
	})
}

// emitStatus tells people an initiative moved: delivered work is announced
// to every member community of the host, not only the consortium's
// members, naming the co-funders and testers that agreed to be credited;
// other moves to the consortia that have it in scope. Its followers hear
// of every move, once.
func (a *App) emitStatus(ctx context.Context, tx *storage.Tx, actor *model.User, in *model.Initiative, to, note string) error {
	followers, err := statusFollowers(ctx, tx, actor, in)
	if err != nil {
		return err
	}
	e := model.Event{Kind: model.EventInitiativeStatus, Title: in.Title + ": " + model.StatusLabel(to), Body: note, URL: "/initiatives/" + in.Slug}
	if to == model.StatusDone {
		e.Audience, e.Title, e.Importance = model.AudienceAllMembers, "Delivered: "+in.Title, model.ImportanceResult
		delivered := *in
		delivered.Status = model.StatusDone
		credits, err := creditLines(ctx, tx, []*model.Initiative{&delivered})
		if err != nil {
			return err
		}
		if line := credits[in.ID]; line != "" {
			e.Body = strings.TrimSpace(e.Body + "\n\n" + line)
		}
		e.Also = followers
		return a.emit(ctx, tx, actor, e, nil)
	}
	news := to != model.StatusIdea && to != model.StatusCandidate // early moves are not news
	if !news || len(in.Consortia) == 0 {
		if len(followers) == 0 {
			return nil
		}
		fe := e
		fe.Audience, fe.To = model.AudiencePeople, followers
		return a.emit(ctx, tx, actor, fe, nil)
	}
	for i, c := range in.Consortia {
		ce := e
		ce.ConsortiumID, ce.Consortium = &c.ID, c.Name
		if i == 0 {
			ce.Also = followers
		}
		if err := a.emit(ctx, tx, actor, ce, nil); err != nil {
			return err
		}
	}
	return nil
}
