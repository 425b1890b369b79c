package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
	"consortia/internal/proposalbudget"
	"consortia/internal/storage"
)

// Grant proposals: who may see and edit them, creating, editing and moving
// them through their statuses. Budgets are in proposal_budget.go, sections
// and reminders in proposal_sections.go.

// proposalReader is whose proposals the actor may see: staff all; others
// those involving a community they belong to, those with a section they
// own, and awarded proposals listed publicly.
func proposalReader(actor *model.User) storage.ProposalReader {
	switch {
	case actor.IsAdmin():
		return storage.ProposalReader{All: true}
	case actor != nil && actor.DisabledAt == nil:
		return storage.ProposalReader{UserID: actor.ID}
	}
	return storage.ProposalReader{}
}

// proposalQueries is what loading a visible proposal needs (Store or Tx).
type proposalQueries interface {
	ProposalByID(context.Context, int64) (*model.Proposal, error)
	CanSeeProposal(context.Context, int64, storage.ProposalReader) (bool, error)
}

// loadVisibleProposal returns a proposal the actor may see; one they may not
// see answers 404 like one that does not exist.
func loadVisibleProposal(ctx context.Context, q proposalQueries, actor *model.User, id int64) (*model.Proposal, error) {
	ok, err := q.CanSeeProposal(ctx, id, proposalReader(actor))
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, model.NotFound(model.EntityProposal, id)
	}
	return q.ProposalByID(ctx, id)
}

// canEditProposal: staff, and the leads of the lead community.
func canEditProposal(ctx context.Context, q interface {
	AffiliationsOfUser(context.Context, int64) ([]model.Affiliation, error)
}, actor *model.User, p *model.Proposal) (bool, error) {
	if actor.IsAdmin() {
		return true, nil
	}
	if actor == nil || actor.DisabledAt != nil || p.LeadCommunityID == nil {
		return false, nil
	}
	affs, err := q.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return false, err
	}
	return model.CanEditCommunity(actor, affs, *p.LeadCommunityID), nil
}

// editableProposal loads a proposal the actor may see and edit: one they
// may not see is 404, one they see but may not edit 403.
func (a *App) editableProposal(ctx context.Context, tx *storage.Tx, actor *model.User, id int64) (*model.Proposal, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	p, err := loadVisibleProposal(ctx, tx, actor, id)
	if err != nil {
		return nil, err
	}
	ok, err := canEditProposal(ctx, tx, actor, p)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, forbidden("Only staff and the leads of the lead community can change this proposal.")
	}
	return p, nil
}

// editProposal is the frame of every change to a proposal: in one
// transaction the proposal must be one the actor sees (else 404) and may
// edit (else 403), then the input must be valid (validate; nil for none),
// then act runs with it. Validation comes after the permission check, so
// people who may not act learn nothing from it.
func (a *App) editProposal(ctx context.Context, actor *model.User, id int64, validate func() error,
	act func(tx *storage.Tx, p *model.Proposal) error) error {
	return a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := a.editableProposal(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if validate != nil {
			if err := validate(); err != nil {
				return err
			}
		}
		return act(tx, p)
	})
}

// resolveProposal turns the input's references into ids, as far as the
// actor may see them: a community, consortium or initiative the actor may
// not see is reported like one that does not exist.
func (a *App) resolveProposal(ctx context.Context, tx *storage.Tx, actor *model.User, in model.ProposalInput) (storage.ProposalRow, []int64, []int64, error) {
	row := storage.ProposalRow{ProposalInput: in}
	var p model.Problems
	if in.LeadCommunity != "" {
		c, err := tx.CommunityByRef(ctx, in.LeadCommunity)
		switch {
		case err != nil || c.ArchivedAt != nil:
			p.Add("lead_community", "no community %q", in.LeadCommunity)
		default:
			row.LeadCommunityID = &c.ID
		}
	}
	if in.Consortium != "" {
		c, err := loadVisibleConsortium(ctx, tx, actor, in.Consortium)
		if err != nil {
			p.Add("consortium", "no consortium %q", in.Consortium)
		} else {
			row.ConsortiumID = &c.ID
		}
	}
	var initiatives, partners []int64
	for i, ref := range in.Initiatives {
		ini, err := tx.InitiativeByRef(ctx, ref)
		if err != nil || !canSeeInitiative(actor, ini) {
			p.Add(fmt.Sprintf("initiatives[%d]", i), "no initiative %q", ref)
			continue
		}
		initiatives = append(initiatives, ini.ID)
	}
	for i, ref := range in.Partners {
		c, err := tx.CommunityByRef(ctx, ref)
		if err != nil || c.ArchivedAt != nil {
			p.Add(fmt.Sprintf("partners[%d]", i), "no community %q", ref)
			continue
		}
		if row.LeadCommunityID == nil || *row.LeadCommunityID != c.ID {
			partners = append(partners, c.ID)
		}
	}
	return row, initiatives, partners, p.Err()
}

// CreateProposal starts a proposal (status idea). Staff create any; a lead
// of a community creates one their community leads, with the host as
// subawardee or collaborator.
func (a *App) CreateProposal(ctx context.Context, actor *model.User, in model.ProposalInput) (*ProposalView, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(a.now(), true); err != nil {
		return nil, err
	}
	var id int64
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		row, initiatives, partners, err := a.resolveProposal(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		if !actor.IsAdmin() {
			if row.LeadCommunityID == nil {
				return forbidden("Only staff can start a proposal the host leads; a community's lead starts one their community leads.")
			}
			affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
			if err != nil {
				return err
			}
			if !model.CanEditCommunity(actor, affs, *row.LeadCommunityID) {
				return forbidden("Only a lead of the lead community (or staff) can start this proposal.")
			}
		}
		if id, err = tx.CreateProposal(ctx, row, actor); err != nil {
			return err
		}
		if err := tx.SetProposalInitiatives(ctx, id, initiatives); err != nil {
			return err
		}
		if err := tx.SetProposalPartners(ctx, id, partners); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.create", "proposal", idStr(id), nil, in)
	})
	if err != nil {
		return nil, err
	}
	return a.GetProposal(ctx, actor, id)
}

// ProposalInputOf is a proposal's current fields as an input, for partial
// updates.
func ProposalInputOf(v *ProposalView) model.ProposalInput {
	p := v.Proposal
	in := model.ProposalInput{Title: p.Title, Funder: p.Funder, FunderWebsite: p.FunderWebsite, Programme: p.Programme, CallURL: p.CallURL,
		Deadline: p.Deadline, TimeZone: p.TimeZone, Amount: p.Amount.Amount, Currency: p.Amount.Currency, PeriodStart: p.PeriodStart,
		PeriodEnd: p.PeriodEnd, Summary: p.Summary, HostRole: p.HostRole, PublicAward: p.PublicAward,
		Initiatives: []string{}, Partners: []string{}}
	if p.LeadCommunity != nil {
		in.LeadCommunity = p.LeadCommunity.Slug
	}
	if p.Consortium != nil {
		in.Consortium = p.Consortium.Slug
	}
	for _, it := range v.AllInitiativeIDs {
		in.Initiatives = append(in.Initiatives, idStr(it))
	}
	for _, c := range v.Communities {
		if c.Role == model.ProposalRolePartner {
			in.Partners = append(in.Partners, c.Slug)
		}
	}
	return in
}

// UpdateProposal changes a proposal's fields, initiatives and partners;
// staff or the leads of the lead community. Only staff may hand the lead to
// another community or to the host. A non-zero version must match.
func (a *App) UpdateProposal(ctx context.Context, actor *model.User, id, version int64, in model.ProposalInput) (*ProposalView, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := a.editableProposal(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		// The deadline of a proposal being written must lie ahead.
		if err := in.Validate(a.now(), model.ProposalOpen(before.Status) && !in.Deadline.Equal(before.Deadline)); err != nil {
			return err
		}
		row, initiatives, partners, err := a.resolveProposal(ctx, tx, actor, in)
		if err != nil {
			return err
		}
		if !actor.IsAdmin() && (row.LeadCommunityID == nil || *row.LeadCommunityID != *before.LeadCommunityID) {
			return forbidden("Only staff can hand the lead of a proposal to someone else.")
		}
		if err := tx.UpdateProposal(ctx, id, version, row); err != nil {
			return err
		}
		if !in.Deadline.Equal(before.Deadline) {
			if err := tx.ClearDeadlineReminder(ctx, id); err != nil {
				return err
			}
		}
		// Every signed-in person sees every initiative, so the input names
		// all of them.
		if err := tx.SetProposalInitiatives(ctx, id, initiatives); err != nil {
			return err
		}
		if err := tx.SetProposalPartners(ctx, id, partners); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.update", "proposal", idStr(id), before, in)
	})
	if err != nil {
		return nil, err
	}
	return a.GetProposal(ctx, actor, id)
}

// MoveProposal moves a proposal to another status (idea → drafting →
// submitted → awarded, declined or withdrawn); staff or the leads of the
// lead community. Every move is recorded; an award records its amount and
// date and credits the proposal's initiatives and communities.
func (a *App) MoveProposal(ctx context.Context, actor *model.User, id int64, m model.ProposalMove) (*ProposalView, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := a.editableProposal(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if err := m.Validate(); err != nil {
			return err
		}
		if err := model.CheckProposalMove(p.Status, m.To); err != nil {
			return err
		}
		if m.Award != nil {
			m.Award.On = m.Award.On.UTC()
		}
		if err := tx.MoveProposal(ctx, id, p.Status, m, actor); err != nil {
			return err
		}
		if m.To == model.ProposalAwarded {
			if err := tx.CreditAward(ctx, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "proposal.status", "proposal", idStr(id), map[string]string{"status": p.Status}, m)
	})
	if err != nil {
		return nil, err
	}
	return a.GetProposal(ctx, actor, id)
}

// ProposalView is a proposal with what its page shows, as far as the
// reader may see it.
type ProposalView struct {
	*model.Proposal
	Initiatives []model.ProposalInitiative `json:"initiatives"`
	Communities []model.ProposalCommunity  `json:"communities"`
	History     []model.StatusChange       `json:"history"`
	Next        []string                   `json:"next_statuses" doc:"Statuses the caller may move the proposal to."`
	Budget      *proposalbudget.Table      `json:"budget"`
	Lines       []model.BudgetLine         `json:"budget_lines" doc:"The lines added to the initiatives' estimates."`
	Sections    []model.Section            `json:"sections"`
	Checklist   []model.CheckItem          `json:"checklist" doc:"What is missing before the proposal can go to its funder."`
	CanEdit     bool                       `json:"-"`
	// Mine marks the sections the reader owns (and may write).
	Mine map[int64]bool `json:"-"`
	// Owners are who may own a section (for editors' forms).
	Owners []model.PersonRef `json:"-"`
	// AllInitiativeIDs are every linked initiative the reader may see, for
	// edit forms.
	AllInitiativeIDs []int64 `json:"-"`
}

// GetProposal returns a proposal the actor may see; initiatives the actor
// may not see are left out.
func (a *App) GetProposal(ctx context.Context, actor *model.User, id int64) (*ProposalView, error) {
	p, err := loadVisibleProposal(ctx, a.store, actor, id)
	if err != nil {
		return nil, err
	}
	v := &ProposalView{Proposal: p, Initiatives: []model.ProposalInitiative{}, Communities: []model.ProposalCommunity{}, Next: []string{}}
	if v.CanEdit, err = canEditProposal(ctx, a.store, actor, p); err != nil {
		return nil, err
	}
	inis, err := a.store.ProposalInitiatives(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	for _, it := range inis[id] {
		if it.Public || (actor != nil && actor.DisabledAt == nil) {
			v.Initiatives = append(v.Initiatives, it)
			v.AllInitiativeIDs = append(v.AllInitiativeIDs, it.ID)
		}
	}
	if err := a.initiativeRates(ctx, v.Initiatives); err != nil {
		return nil, err
	}
	coms, err := a.store.ProposalCommunities(ctx, []int64{id})
	if err != nil {
		return nil, err
	}
	if coms[id] != nil {
		v.Communities = coms[id]
	}
	if v.History, err = a.store.ProposalHistory(ctx, id); err != nil {
		return nil, err
	}
	if actor == nil {
		p.CreatedByName = ""
		for i := range v.History {
			v.History[i].ByID, v.History[i].ByName = nil, ""
		}
	}
	if v.CanEdit {
		v.Next = append(v.Next, model.NextProposalStatuses(p.Status)...)
		if v.Owners, err = a.store.SectionOwners(ctx, p.LeadCommunityID); err != nil {
			return nil, err
		}
	}
	if err := a.proposalWork(ctx, actor, v); err != nil {
		return nil, err
	}
	return v, nil
}

// proposalWork fills in the budget, the sections and the checklist. Only
// people signed in see the sections (visitors read a public award).
func (a *App) proposalWork(ctx context.Context, actor *model.User, v *ProposalView) error {
	var err error
	if v.Lines, err = a.store.BudgetLines(ctx, v.ID); err != nil {
		return err
	}
	if v.Budget, err = proposalBudget(v.Proposal, v.Initiatives, v.Lines); err != nil {
		return err
	}
	v.Sections, v.Mine, v.Checklist = []model.Section{}, map[int64]bool{}, []model.CheckItem{}
	if actor == nil {
		return nil
	}
	if v.Sections, err = a.store.Sections(ctx, v.ID); err != nil {
		return err
	}
	for _, s := range v.Sections {
		v.Mine[s.ID] = s.OwnerID != nil && *s.OwnerID == actor.ID
	}
	v.Checklist = model.ProposalChecklist(v.Proposal, len(v.Initiatives), len(v.Lines), v.Sections, a.now())
	return nil
}

// initiativeRates fills in the blended rate for initiatives without a rate
// of their own.
func (a *App) initiativeRates(ctx context.Context, list []model.ProposalInitiative) error {
	rate, err := a.store.BlendedRate(ctx)
	if err != nil {
		return err
	}
	for i := range list {
		if list[i].Rate.Amount == 0 {
			list[i].Rate = rate
		}
	}
	return nil
}

// ProposalFilter narrows the list of proposals.
type ProposalFilter struct {
	Consortium string // id or slug; "" for all
	Initiative string // id or slug; "" for all
	Open       bool   // only proposals still being written (idea, drafting)
}

// ListProposals lists the proposals the actor may see, by deadline.
func (a *App) ListProposals(ctx context.Context, actor *model.User, f ProposalFilter) ([]*model.Proposal, error) {
	var sf storage.ProposalFilter
	if f.Consortium != "" {
		c, err := loadVisibleConsortium(ctx, a.store, actor, f.Consortium)
		if err != nil {
			return nil, err
		}
		sf.ConsortiumID = c.ID
	}
	if f.Initiative != "" {
		in, err := a.store.InitiativeByRef(ctx, f.Initiative)
		if err != nil || !canSeeInitiative(actor, in) {
			return nil, model.NotFound(model.EntityInitiative, f.Initiative)
		}
		sf.InitiativeID = in.ID
	}
	if f.Open {
		sf.Statuses = []string{model.ProposalIdea, model.ProposalDrafting}
	}
	list, err := a.store.ListProposals(ctx, proposalReader(actor), sf)
	if err != nil {
		return nil, err
	}
	if actor == nil {
		for _, p := range list {
			p.CreatedByName = ""
		}
	}
	return list, nil
}
