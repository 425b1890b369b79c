package app

import (
	"context"
	"slices"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Introductions: who may make, see and edit them, and what each reader
// sees of them. The pipeline's moves and the double opt-in are in
// introduction_moves.go.

// IntroductionView is an introduction as the reader may see it, with what
// the reader may do.
type IntroductionView struct {
	*model.Introduction
	CanEdit bool `json:"-"` // staff or the introducer, while suggested
	CanMove bool `json:"-"` // staff or the introducer
	// Next lists the statuses the reader may move it to.
	Next []string `json:"next_statuses"`
	// Answerable lists the communities the reader leads that are still
	// asked to answer.
	Answerable []model.CommunityRef `json:"-"`
}

func (a *App) introductionReader(ctx context.Context, actor *model.User) ([]model.Affiliation, error) {
	if actor == nil || actor.DisabledAt != nil {
		return nil, nil
	}
	return a.store.AffiliationsOfUser(ctx, actor.ID)
}

// canSeeIntroduction: staff, the introducer, the people of either
// community, and anyone once two communities both accepted.
func canSeeIntroduction(actor *model.User, affs []model.Affiliation, in *model.Introduction) bool {
	if actor.IsAdmin() || (actor != nil && actor.DisabledAt == nil && actor.ID == in.IntroducerID) {
		return true
	}
	if actor != nil && actor.DisabledAt == nil && model.IntroductionInvolves(in, affs) {
		return true
	}
	return in.BetweenCommunities() && slices.Contains([]string{model.IntroIntroduced, model.IntroInConversation, model.IntroOutcome}, in.Status)
}

// redactIntroduction removes what the reader may not see: the external
// contact, a non-public initiative from visitors, an outcome consortium the
// reader may not see.
func (a *App) redactIntroduction(ctx context.Context, actor *model.User, in *model.Introduction) error {
	if !model.CanSeeIntroductionContact(actor, in) {
		in.Contact = nil
	}
	if in.Initiative != nil && !in.Initiative.Public && (actor == nil || actor.DisabledAt != nil) {
		in.Initiative = nil
	}
	if c := in.OutcomeConsortium; c != nil {
		ok, err := a.store.CanSeeConsortium(ctx, c.ID, visibility(actor))
		if err != nil {
			return err
		}
		if !ok {
			in.OutcomeConsortium = nil
		}
	}
	return nil
}

func (a *App) introductionView(ctx context.Context, actor *model.User, affs []model.Affiliation, in *model.Introduction) (*IntroductionView, error) {
	v := &IntroductionView{Introduction: in, Next: []string{}}
	manager := model.CanSeeIntroductionContact(actor, in) // staff or the introducer
	v.CanEdit = manager && in.Status == model.IntroSuggested
	v.CanMove = manager
	if manager {
		for _, s := range model.NextIntroductionStatuses(in.Status) {
			if s == model.IntroIntroduced && in.BetweenCommunities() {
				continue // made when both communities accept
			}
			v.Next = append(v.Next, s)
		}
	}
	if in.Status == model.IntroAsked && in.BetweenCommunities() {
		for _, side := range []*model.CommunityRef{in.From, in.To} {
			if in.ConsentOf(side.ID) == "" && leadsCommunity(affs, side.ID) {
				v.Answerable = append(v.Answerable, *side)
			}
		}
	}
	return v, a.redactIntroduction(ctx, actor, in)
}

func leadsCommunity(affs []model.Affiliation, communityID int64) bool {
	for _, a := range affs {
		if a.CommunityID == communityID && a.Role == model.AffiliationLead {
			return true
		}
	}
	return false
}

// GetIntroduction returns an introduction the reader may see (404
// otherwise, so its existence is not revealed).
func (a *App) GetIntroduction(ctx context.Context, actor *model.User, id int64) (*IntroductionView, error) {
	in, err := a.store.IntroductionByID(ctx, id)
	if err != nil {
		return nil, err
	}
	affs, err := a.introductionReader(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !canSeeIntroduction(actor, affs, in) {
		return nil, model.NotFound(model.EntityIntroduction, id)
	}
	return a.introductionView(ctx, actor, affs, in)
}

// IntroductionQuery selects a list of introductions by community or
// consortium (id or slug; empty: all the reader may see).
type IntroductionQuery struct {
	Community  string
	Consortium string
	Limit      int
}

// ListIntroductions lists the introductions the reader may see.
func (a *App) ListIntroductions(ctx context.Context, actor *model.User, q IntroductionQuery) ([]*model.Introduction, error) {
	f := storage.IntroductionFilter{All: actor.IsAdmin(), Limit: q.Limit}
	if actor != nil && actor.DisabledAt == nil {
		f.Reader = actor.ID
	}
	if q.Community != "" {
		c, err := a.store.CommunityByRef(ctx, q.Community)
		if err != nil {
			return nil, err
		}
		if c.ArchivedAt != nil && !actor.IsAdmin() {
			return nil, model.NotFound(model.EntityCommunity, q.Community)
		}
		f.Community = c.ID
	}
	if q.Consortium != "" {
		c, err := loadVisibleConsortium(ctx, a.store, actor, q.Consortium)
		if err != nil {
			return nil, err
		}
		f.Consortium = c.ID
	}
	list, err := a.store.ListIntroductions(ctx, f)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if err := a.redactIntroduction(ctx, actor, in); err != nil {
			return nil, err
		}
	}
	return list, nil
}

// Connections lists the introductions a community made (it is their
// connector) and what came of them, as the reader may see them.
func (a *App) Connections(ctx context.Context, actor *model.User, communityRef string) ([]*model.Introduction, error) {
	list, err := a.ListIntroductions(ctx, actor, IntroductionQuery{Community: communityRef})
	if err != nil {
		return nil, err
	}
	out := []*model.Introduction{}
	for _, in := range list {
		if c := in.Connector(); c != nil && (c.Slug == communityRef || idStr(c.ID) == communityRef) {
			out = append(out, in)
		}
	}
	return out, nil
}

// resolveIntroduction checks an input and turns its references into ids:
// communities must exist and not be archived, the initiative must exist.
func (a *App) resolveIntroduction(ctx context.Context, q interface {
	CommunityByRef(context.Context, string) (*model.Community, error)
	InitiativeByRef(context.Context, string) (*model.Initiative, error)
}, in model.IntroductionInput) (storage.IntroductionRecord, error) {
	r := storage.IntroductionRecord{Kind: in.Kind, Note: in.Note}
	if in.Contact != nil {
		r.Contact = *in.Contact
	}
	var p model.Problems
	community := func(field, ref string) *int64 {
		if ref == "" {
			return nil
		}
		c, err := q.CommunityByRef(ctx, ref)
		if err != nil || c.ArchivedAt != nil {
			p.Add(field, "names no community")
			return nil
		}
		return &c.ID
	}
	r.FromID, r.ToID = community("from_community", in.FromCommunity), community("to_community", in.ToCommunity)
	if r.FromID != nil && r.ToID != nil && *r.FromID == *r.ToID {
		p.Add("to_community", "must be another community than from_community: a community cannot be introduced to itself")
	}
	if in.Initiative != "" {
		ini, err := q.InitiativeByRef(ctx, in.Initiative)
		if err != nil {
			p.Add("initiative", "names no initiative")
		} else {
			r.InitiativeID = &ini.ID
		}
	}
	return r, p.Err()
}

// mayIntroduce: the host (staff) makes any introduction; a member makes
// peer, funder and collaborator introductions for a community they belong
// to.
func mayIntroduce(actor *model.User, affs []model.Affiliation, r storage.IntroductionRecord) error {
	if actor.IsAdmin() {
		return nil
	}
	if r.Kind == model.IntroProblemSolver {
		return forbidden("Only staff make problem ↔ solution introductions; suggest one to them.")
	}
	if r.FromID == nil {
		var p model.Problems
		p.Add("from_community", "is required: the community you introduce for")
		return p.Err()
	}
	for _, af := range affs {
		if af.CommunityID == *r.FromID {
			return nil
		}
	}
	return forbidden("You can only make introductions for a community you belong to.")
}

// checkIntroduction validates an input and returns the affiliations of the
// actor, for writeIntroduction.
func (a *App) checkIntroduction(ctx context.Context, actor *model.User, in *model.IntroductionInput) ([]model.Affiliation, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	return a.introductionReader(ctx, actor)
}

// writeIntroduction resolves an input in the transaction, checks that the
// actor may make it, and hands the record to write.
func (a *App) writeIntroduction(ctx context.Context, tx *storage.Tx, actor *model.User, affs []model.Affiliation,
	in model.IntroductionInput, write func(storage.IntroductionRecord) error) error {
	r, err := a.resolveIntroduction(ctx, tx, in)
	if err != nil {
		return err
	}
	if err := mayIntroduce(actor, affs, r); err != nil {
		return err
	}
	return write(r)
}

// CreateIntroduction records a suggested introduction.
func (a *App) CreateIntroduction(ctx context.Context, actor *model.User, in model.IntroductionInput) (*IntroductionView, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	affs, err := a.checkIntroduction(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	var id int64
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		return a.writeIntroduction(ctx, tx, actor, affs, in, func(r storage.IntroductionRecord) (err error) {
			if id, err = tx.CreateIntroduction(ctx, r, actor); err != nil {
				return err
			}
			return tx.Audit(ctx, actor, "introduction.create", "introduction", idStr(id), nil, in)
		})
	})
	if err != nil {
		return nil, err
	}
	return a.GetIntroduction(ctx, actor, id)
}

// UpdateIntroduction changes an introduction while it is only suggested
// (staff or the introducer). A non-zero version must match.
func (a *App) UpdateIntroduction(ctx context.Context, actor *model.User, id, version int64, in model.IntroductionInput) (*IntroductionView, error) {
	v, err := a.GetIntroduction(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !v.CanMove {
		return nil, forbidden("Only staff and the person who made an introduction can change it.")
	}
	if !v.CanEdit {
		return nil, model.Errorf(model.EConflict, "This introduction is %s: only a suggested introduction can be changed.", model.IntroductionStatusLabel(v.Status))
	}
	affs, err := a.checkIntroduction(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		return a.writeIntroduction(ctx, tx, actor, affs, in, func(r storage.IntroductionRecord) error {
			if err := tx.UpdateIntroduction(ctx, id, version, r, model.IntroSuggested); err != nil {
				return err
			}
			return tx.Audit(ctx, actor, "introduction.update", "introduction", idStr(id), v.Introduction, in)
		})
	})
	if err != nil {
		return nil, err
	}
	return a.GetIntroduction(ctx, actor, id)
}

func init() { RegisterTodoProvider(model.TodoIntroduction, introductionTodos) }

// introductionTodos: introductions waiting for the answer of a community
// the person leads (one query).
func introductionTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	list, err := q.store.PendingConsents(ctx, q.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]model.Todo, 0, len(list))
	for _, in := range list {
		out = append(out, model.Todo{Kind: model.TodoIntroduction, Action: "Answer the introduction", Title: in.Title(),
			URL: "/introductions/" + idStr(in.ID), Key: "introduction:" + idStr(in.ID)})
	}
	return out, nil
}

// PendingIntroductionAnswers lists the introductions waiting for the
// person's answer (for a community they lead), as title and page.
func (a *App) PendingIntroductionAnswers(ctx context.Context, actor *model.User) ([]model.PendingAnswer, error) {
	out := []model.PendingAnswer{}
	if actor == nil || actor.DisabledAt != nil {
		return out, nil
	}
	list, err := introductionTodos(ctx, TodoQuery{store: a.store, User: actor})
	if err != nil {
		return nil, err
	}
	for _, t := range list {
		out = append(out, model.PendingAnswer{Title: "Introduction: " + t.Title + " — your answer, please", URL: t.URL})
	}
	return out, nil
}
