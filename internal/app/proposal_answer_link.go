package app

import (
	"context"
	"time"

	"consortia/internal/model"
	"consortia/internal/notify"
)

// The answer page of an endorsement request: the email's link is signed
// for one lead, one proposal and one community, so the lead answers without
// signing in. Each use checks again that the person is still a lead of the
// community.

// EndorsementLinkPage is what the answer page shows.
type EndorsementLinkPage struct {
	Proposal    *model.Proposal
	Community   *model.Community
	Person      *model.User
	Endorsement *model.ProposalEndorsement
}

// CheckEndorsementLink reads an endorsement request's link without
// recording anything.
func (a *App) CheckEndorsementLink(ctx context.Context, token string) (*EndorsementLinkPage, error) {
	proposalID, communityID, userID, err := a.Site.Signer.ParseEndorsementLink(token, a.now())
	if err != nil {
		if err == notify.ErrExpired {
			return nil, model.Errorf(model.EInvalid, "This link has expired. Sign in and open the proposal to answer.")
		}
		return nil, model.Errorf(model.ENotFound, "This link is not valid: it may have been cut or changed.")
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil || u.DisabledAt != nil {
		return nil, model.Errorf(model.ENotFound, "This link belongs to an account that no longer exists.")
	}
	affs, err := a.store.AffiliationsOfUser(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if !model.CanConsentFor(u, affs, communityID) {
		return nil, forbidden("This link was sent to a lead of the community; you are not one any more.")
	}
	p, err := loadVisibleProposal(ctx, a.store, u, proposalID)
	if err != nil {
		return nil, err
	}
	c, err := a.store.CommunityByRef(ctx, idStr(communityID))
	if err != nil {
		return nil, err
	}
	e, err := a.store.ProposalEndorsements(ctx, p.ID)
	if err != nil {
		return nil, err
	}
	page := &EndorsementLinkPage{Proposal: p, Community: c, Person: u}
	for _, x := range e {
		if x.Community.ID == c.ID {
			page.Endorsement = x
		}
	}
	if page.Endorsement == nil {
		return nil, model.Errorf(model.ENotFound, "This request was withdrawn.")
	}
	return page, nil
}

// AnswerEndorsementByLink records the answer given on the link's page, as
// the lead the link was sent to.
func (a *App) AnswerEndorsementByLink(ctx context.Context, token string, in model.ProposalEndorsementInput) (*model.ProposalEndorsement, error) {
	page, err := a.CheckEndorsementLink(ctx, token)
	if err != nil {
		return nil, err
	}
	return a.AnswerEndorsement(ctx, page.Person, page.Proposal.ID, page.Community.Slug, in)
}

// UploadLetterByLink stores a letter uploaded on the link's page.
func (a *App) UploadLetterByLink(ctx context.Context, token, fileName string, content []byte) (*model.ProposalEndorsement, error) {
	page, err := a.CheckEndorsementLink(ctx, token)
	if err != nil {
		return nil, err
	}
	return a.UploadLetter(ctx, page.Person, page.Proposal.ID, page.Community.Slug, fileName, content)
}

// WithdrawLetterByLink withdraws the community's letter from the link's page.
func (a *App) WithdrawLetterByLink(ctx context.Context, token string) error {
	page, err := a.CheckEndorsementLink(ctx, token)
	if err != nil {
		return err
	}
	return a.WithdrawLetter(ctx, page.Person, page.Proposal.ID, page.Community.Slug)
}

// AnswerLinkFor is the answer page's address for a signed-in lead of the
// community who did not keep the email: the same signed link, made for them.
func (a *App) AnswerLinkFor(ctx context.Context, actor *model.User, proposalID int64, communityRef string) (string, error) {
	if err := requireSignIn(actor); err != nil {
		return "", err
	}
	p, err := loadVisibleProposal(ctx, a.store, actor, proposalID)
	if err != nil {
		return "", err
	}
	c, err := a.store.CommunityByRef(ctx, communityRef)
	if err != nil {
		return "", model.NotFound(model.EntityCommunity, communityRef)
	}
	affs, err := a.store.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return "", err
	}
	if !model.CanConsentFor(actor, affs, c.ID) {
		return "", forbidden("Only a lead of this community answers for it.")
	}
	return "/endorse/" + a.Site.Signer.EndorsementLink(p.ID, c.ID, actor.ID, p.Deadline.Add(7*24*time.Hour)), nil
}
