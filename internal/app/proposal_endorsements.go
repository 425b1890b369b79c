package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Endorsements of grant proposals: staff (or the lead community's leads)
// ask member communities for letters, stories, consent to be named and a
// reference; each community's lead answers on a page reached by a signed
// link, and may revoke consent at any time. Consent is the source of truth:
// whatever is generated names a community only while it holds.

// EndorsementsView is a proposal's endorsements as the reader may see them.
type EndorsementsView struct {
	Proposal     *model.Proposal
	Endorsements []*model.ProposalEndorsement
	// CanRequest: staff and the lead community's leads ask and remind.
	CanRequest bool
	// CanAnswer marks the communities among the endorsements the reader
	// may answer for (their leads, and staff for stories and references);
	// Leads those the reader leads (consent is theirs to give or revoke).
	CanAnswer map[int64]bool
	Leads     map[int64]bool
}

// Endorsement is the community's endorsement, or nil.
func (v *EndorsementsView) Endorsement(communityID int64) *model.ProposalEndorsement {
	for _, e := range v.Endorsements {
		if e.Community.ID == communityID {
			return e
		}
	}
	return nil
}

// ProposalEndorsements lists a proposal's endorsements: status per
// community, what was asked and answered, letters and their history.
func (a *App) ProposalEndorsements(ctx context.Context, actor *model.User, proposalID int64) (*EndorsementsView, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	p, err := loadVisibleProposal(ctx, a.store, actor, proposalID)
	if err != nil {
		return nil, err
	}
	v := &EndorsementsView{Proposal: p, CanAnswer: map[int64]bool{}, Leads: map[int64]bool{}}
	if v.Endorsements, err = a.store.ProposalEndorsements(ctx, p.ID); err != nil {
		return nil, err
	}
	if v.CanRequest, err = canEditProposal(ctx, a.store, actor, p); err != nil {
		return nil, err
	}
	affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	for _, e := range v.Endorsements {
		v.CanAnswer[e.Community.ID] = model.CanEditCommunity(actor, affs, e.Community.ID)
		v.Leads[e.Community.ID] = model.CanConsentFor(actor, affs, e.Community.ID)
	}
	return v, nil
}

// RequestEndorsements asks communities to endorse a proposal and emails each
// community's leads a signed link to the answer page. Without communities,
// the linked consortium's members with the endorse or co-propose role are
// asked. It returns the endorsements asked.
func (a *App) RequestEndorsements(ctx context.Context, actor *model.User, proposalID int64, in model.EndorsementRequestInput) ([]*model.ProposalEndorsement, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var asked []*model.ProposalEndorsement
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := a.editableProposal(ctx, tx, actor, proposalID)
		if err != nil {
			return err
		}
		if !model.ProposalOpen(p.Status) && p.Status != model.ProposalSubmitted {
			return model.Errorf(model.EConflict, "Endorsements are asked for while a proposal is being prepared; this one is %s.", p.Status)
		}
		communities, err := a.endorsementCommunities(ctx, tx, p, in.Communities)
		if err != nil {
			return err
		}
		for _, c := range communities {
			wording := in.ConsentWording
			if wording == "" {
				wording = model.ProposalConsentWording(c.Name, p.Title, p.Funder)
			}
			if err := tx.RequestEndorsement(ctx, p.ID, c.ID, storage.EndorsementRequest{Asks: in.Asks, Message: in.Message, ConsentWording: wording}, actor); err != nil {
				return err
			}
			if err := a.askForEndorsement(ctx, tx, actor, p, c.ID, c.Name, in.Message); err != nil {
				return err
			}
		}
		list, err := tx.ProposalEndorsements(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, e := range list {
			if slices.ContainsFunc(communities, func(c *model.Community) bool { return c.ID == e.Community.ID }) {
				asked = append(asked, e)
			}
		}
		return tx.Audit(ctx, actor, "proposal.endorsements.request", "proposal", idStr(p.ID), nil, asked)
	})
	return asked, err
}

// endorsementCommunities resolves the communities to ask: the named ones
// (each must exist and be active), or the consortium's endorsers.
func (a *App) endorsementCommunities(ctx context.Context, tx *storage.Tx, p *model.Proposal, refs []string) ([]*model.Community, error) {
	var out []*model.Community
	if len(refs) == 0 {
		if p.ConsortiumID == nil {
			var pr model.Problems
			pr.Add("communities", "name the communities to ask: this proposal is linked to no consortium whose endorsers could be asked")
			return nil, pr.Err()
		}
		members, err := tx.Members(ctx, *p.ConsortiumID, false)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if m.HasRole(model.RoleEndorse) || m.HasRole(model.RoleCoPropose) {
				refs = append(refs, m.CommunitySlug)
			}
		}
		if len(refs) == 0 {
			return nil, model.Errorf(model.EConflict, "No member of the linked consortium has the endorse or co-propose role; name the communities to ask.")
		}
	}
	for _, ref := range refs {
		c, err := tx.CommunityByRef(ctx, ref)
		if err != nil || c.ArchivedAt != nil {
			var pr model.Problems
			pr.Add("communities", "no community %q", ref)
			return nil, pr.Err()
		}
		if !slices.ContainsFunc(out, func(o *model.Community) bool { return o.ID == c.ID }) {
			out = append(out, c)
		}
	}
	return out, nil
}

// askForEndorsement emails each lead of the community a link signed for
// them; the link works until a week after the proposal's deadline.
func (a *App) askForEndorsement(ctx context.Context, tx *storage.Tx, actor *model.User, p *model.Proposal, communityID int64, community, message string) error {
	leads, err := tx.LeadsOf(ctx, []int64{communityID})
	if err != nil {
		return err
	}
	body := fmt.Sprintf("%s is asked to endorse the proposal “%s” to %s (deadline %s). Answer on the page the link opens: "+
		"a letter of support, a story of impact, consent to be named, a reference — whatever was asked.",
		community, p.Title, p.Funder, p.LocalDeadline().Format("2 January 2006 15:04 MST"))
	if message != "" {
		body += "\n\n" + message
	}
	exp := p.Deadline.Add(7 * 24 * time.Hour)
	for _, lead := range leads {
		e := model.Event{Kind: model.EventEndorsementAsked, Title: "Endorse “" + p.Title + "”", Body: body,
			URL: "/endorse/" + a.Site.Signer.EndorsementLink(p.ID, communityID, lead, exp), Importance: model.ImportanceRequest, To: []int64{lead}}
		if err := a.emit(ctx, tx, actor, e, nil); err != nil {
			return err
		}
	}
	return nil
}

// RemindEndorsements asks again the communities that have not answered;
// staff and the lead community's leads. It returns how many were reminded.
func (a *App) RemindEndorsements(ctx context.Context, actor *model.User, proposalID int64) (int, error) {
	if err := requireSignIn(actor); err != nil {
		return 0, err
	}
	n := 0
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := a.editableProposal(ctx, tx, actor, proposalID)
		if err != nil {
			return err
		}
		list, err := tx.ProposalEndorsements(ctx, p.ID)
		if err != nil {
			return err
		}
		for _, e := range list {
			if e.Status != model.EndorsementAsked {
				continue
			}
			if err := tx.RemindEndorsement(ctx, p.ID, e.Community.ID); err != nil {
				return err
			}
			if err := a.askForEndorsement(ctx, tx, actor, p, e.Community.ID, e.Community.Name, "A reminder: "+e.Message); err != nil {
				return err
			}
			n++
		}
		return tx.Audit(ctx, actor, "proposal.endorsements.remind", "proposal", idStr(p.ID), nil, map[string]int{"reminded": n})
	})
	return n, err
}

// AnswerEndorsement records a community's answer: consent to be named (only
// its lead gives or revokes it), a story, a reference, or a decline. Staff
// may record a story or reference for a community, never its consent.
func (a *App) AnswerEndorsement(ctx context.Context, actor *model.User, proposalID int64, communityRef string, in model.ProposalEndorsementInput) (*model.ProposalEndorsement, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *model.ProposalEndorsement
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, c, before, err := a.endorsementFor(ctx, tx, actor, proposalID, communityRef)
		if err != nil {
			return err
		}
		ans := storage.EndorsementAnswer{Status: model.EndorsementAnswered, ConsentWording: model.ProposalConsentWording(c.Name, p.Title, p.Funder)}
		var had model.NamingConsent
		if before != nil {
			had, ans.RevokedAfterSubmission = before.Consent, before.RevokedAfterSubmission
			if before.ConsentWording != "" {
				ans.ConsentWording = before.ConsentWording
			}
		}
		if in.Decline {
			ans.Status = model.EndorsementDeclined
		}
		if ans.Consent, err = a.nextConsent(ctx, tx, actor, c.ID, had, in.ConsentToBeNamed, ans.ConsentWording); err != nil {
			return err
		}
		switch {
		case had.Given && !ans.Consent.Given:
			ans.RevokedAfterSubmission = !model.ProposalOpen(p.Status)
		case ans.Consent.Given:
			ans.RevokedAfterSubmission = false
		}
		if in.Story != nil {
			ans.Story = *in.Story
		}
		if in.Reference != nil {
			ans.Reference = *in.Reference
		}
		if err := tx.AnswerEndorsement(ctx, p.ID, c.ID, ans, actor); err != nil {
			return err
		}
		if out, err = endorsementOf(ctx, tx, p.ID, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.endorsement.answer", "proposal", idStr(p.ID), before, out)
	})
	return out, err
}

// RevokeConsent withdraws a community's consent to be named; only its lead.
// After the proposal was submitted the revocation is recorded and shown.
func (a *App) RevokeConsent(ctx context.Context, actor *model.User, proposalID int64, communityRef string) (*model.ProposalEndorsement, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var out *model.ProposalEndorsement
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, c, before, err := a.endorsementFor(ctx, tx, actor, proposalID, communityRef)
		if err != nil {
			return err
		}
		if before == nil || !before.Consent.Given {
			return model.Errorf(model.EConflict, "%s has no consent to be named on record for this proposal.", c.Name)
		}
		consent, err := a.nextConsent(ctx, tx, actor, c.ID, before.Consent, false, before.ConsentWording)
		if err != nil {
			return err
		}
		if err := tx.SetEndorsementConsent(ctx, p.ID, c.ID, consent, !model.ProposalOpen(p.Status)); err != nil {
			return err
		}
		if out, err = endorsementOf(ctx, tx, p.ID, c.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.endorsement.revoke_consent", "proposal", idStr(p.ID), before, out)
	})
	return out, err
}

// endorsementFor loads, for an answer, the proposal (visible to the actor,
// else 404), the community (the actor must be its lead, or staff) and its
// endorsement so far (nil when it was never asked or answered).
func (a *App) endorsementFor(ctx context.Context, tx *storage.Tx, actor *model.User, proposalID int64, communityRef string) (*model.Proposal, *model.Community, *model.ProposalEndorsement, error) {
	p, err := loadVisibleProposal(ctx, tx, actor, proposalID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := tx.CommunityByRef(ctx, communityRef)
	if err != nil || c.ArchivedAt != nil {
		var pr model.Problems
		pr.Add("community", "no community %q", communityRef)
		return nil, nil, nil, pr.Err()
	}
	if err := leadOf(ctx, tx, actor, c); err != nil {
		return nil, nil, nil, err
	}
	e, err := endorsementOf(ctx, tx, p.ID, c.ID)
	return p, c, e, err
}

// endorsementOf is the community's endorsement of the proposal, or nil.
func endorsementOf(ctx context.Context, tx *storage.Tx, proposalID, communityID int64) (*model.ProposalEndorsement, error) {
	list, err := tx.ProposalEndorsements(ctx, proposalID)
	if err != nil {
		return nil, err
	}
	for _, e := range list {
		if e.Community.ID == communityID {
			return e, nil
		}
	}
	return nil, nil
}
