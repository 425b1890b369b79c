package app

import (
	"context"
	"errors"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// The introduction pipeline: suggested → asked → introduced → in
// conversation → outcome, every move recorded with who and when. Between
// two communities the move to asked emails every lead of both a signed
// one-click accept and decline link; the introduction is made (and the
// email that connects them goes out) only when both communities accepted.
// For an external contact the introducer confirms they asked the contact.

// MoveIntroduction moves an introduction along its pipeline (staff or the
// introducer).
func (a *App) MoveIntroduction(ctx context.Context, actor *model.User, id int64, m model.StatusMove) (*IntroductionView, error) {
	v, err := a.GetIntroduction(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !v.CanMove {
		return nil, forbidden("Only staff and the person who made an introduction can move it.")
	}
	if err := model.ValidateStatusMove(v.Status, m); err != nil {
		return nil, err
	}
	if m.To == model.IntroIntroduced && v.BetweenCommunities() {
		return nil, model.Errorf(model.EConflict, "Both communities must accept first: the introduction is made when they have (%d of 2 answered).", len(v.Consents))
	}
	if m.To == model.IntroAsked && !v.BetweenCommunities() && !m.ContactAsked {
		var p model.Problems
		p.Add("contact_asked", "must be true: confirm that you asked the contact whether they want to be introduced")
		return nil, p.Err()
	}
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		out := storage.IntroductionOutcome{Outcome: m.Outcome, Goal: m.Goal}
		if m.Outcome == model.OutcomeJoinedConsortium {
			c, err := loadVisibleConsortium(ctx, tx, actor, m.Consortium)
			if err != nil {
				var p model.Problems
				p.Add("consortium", "names no consortium")
				return p.Err()
			}
			out.ConsortiumID = &c.ID
		}
		if m.Outcome == model.OutcomeFunded {
			out.Amount, out.Currency = m.Amount, m.Currency
		}
		if err := tx.MoveIntroduction(ctx, id, v.Status, m.To, out, actor, m.Note); err != nil {
			return moveConflict(err)
		}
		if m.To == model.IntroAsked && v.BetweenCommunities() {
			cur, err := tx.IntroductionByID(ctx, id)
			if err != nil {
				return err
			}
			if err := a.askCommunities(ctx, tx, cur); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "introduction.move", "introduction", idStr(id), map[string]string{"status": v.Status}, m)
	})
	if err != nil {
		return nil, err
	}
	if a.Wake != nil {
		a.Wake()
	}
	return a.GetIntroduction(ctx, actor, id)
}

func moveConflict(err error) error {
	if errors.Is(err, storage.ErrStale) {
		return model.Errorf(model.EConflict, "This introduction was moved by someone else meanwhile; reload and try again.")
	}
	return err
}

// leadsOf lists a community's leads as email recipients.
func leadsOf(ctx context.Context, tx *storage.Tx, communityID int64) ([]notify.Person, error) {
	affs, err := tx.AffiliationsOfCommunity(ctx, communityID)
	if err != nil {
		return nil, err
	}
	var out []notify.Person
	for _, af := range affs {
		if af.Role == model.AffiliationLead {
			out = append(out, notify.Person{ID: af.UserID, Name: af.UserName, Email: af.UserEmail})
		}
	}
	return out, nil
}

// askCommunities queues the double opt-in emails: every lead of each
// community gets its own signed accept and decline links.
func (a *App) askCommunities(ctx context.Context, tx *storage.Tx, in *model.Introduction) error {
	sides := [][2]*model.CommunityRef{{in.From, in.To}, {in.To, in.From}}
	for _, s := range sides {
		leads, err := leadsOf(ctx, tx, s[0].ID)
		if err != nil {
			return err
		}
		if len(leads) == 0 {
			return model.Errorf(model.EConflict, "%s has no lead to ask; add a lead to the community first.", s[0].Name)
		}
		if err := a.enqueueEmails(ctx, tx, leads, func(p notify.Person) (model.OutboxMessage, error) {
			return a.Site.IntroductionAsk(p, in, s[0].Name, s[1].Name, s[0].ID, a.now())
		}); err != nil {
			return err
		}
	}
	return nil
}

// enqueueEmails queues one email per person, composed by compose, unless
// notifications are not configured (tests of other features).
func (a *App) enqueueEmails(ctx context.Context, tx *storage.Tx, people []notify.Person, compose func(notify.Person) (model.OutboxMessage, error)) error {
	if a.Site.BaseURL == "" {
		return nil
	}
	for _, p := range people {
		msg, err := compose(p)
		if err != nil {
			return err
		}
		msg.MessageID = a.messageID()
		if err := tx.Enqueue(ctx, &msg); err != nil {
			return err
		}
	}
	return nil
}

// AnswerIntroduction records the answer of a lead, signed in, for their
// community.
func (a *App) AnswerIntroduction(ctx context.Context, actor *model.User, id int64, communityRef, answer string) (*IntroductionView, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	v, err := a.GetIntroduction(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if answer != model.ConsentAccepted && answer != model.ConsentDeclined {
		var p model.Problems
		p.Add("answer", "must be accepted or declined")
		return nil, p.Err()
	}
	var side *model.CommunityRef
	for _, c := range []*model.CommunityRef{v.From, v.To} {
		if c != nil && (c.Slug == communityRef || idStr(c.ID) == communityRef) {
			side = c
		}
	}
	affs, err := a.introductionReader(ctx, actor)
	if err != nil {
		return nil, err
	}
	if side == nil || !v.BetweenCommunities() || !leadsCommunity(affs, side.ID) {
		return nil, forbidden("Only a lead of one of the two communities can answer for it.")
	}
	if err := a.consent(ctx, actor, id, side.ID, answer); err != nil {
		return nil, err
	}
	return a.GetIntroduction(ctx, actor, id)
}

// IntroductionLink is what a one-click answer link stands for.
type IntroductionLink struct {
	Introduction *model.Introduction
	Community    model.CommunityRef
	Person       *model.User
	Answer       string
}

// Link problems of introduction answers (IntroductionLinkProblem).
const LinkUsed = "used"

// CheckIntroductionLink reads a one-click answer link without recording
// anything (the confirmation page).
func (a *App) CheckIntroductionLink(ctx context.Context, token string) (*IntroductionLink, error) {
	ans, err := a.Site.Signer.ParseIntroductionAnswer(token, a.now())
	if errors.Is(err, notify.ErrExpired) {
		return nil, model.Errorf(model.EInvalid, "This link has expired. Sign in and answer on the introduction's page.")
	}
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "This link is not valid: it may have been cut or changed.")
	}
	in, err := a.store.IntroductionByID(ctx, ans.IntroductionID)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "This introduction no longer exists.")
	}
	u, err := a.store.UserByID(ctx, ans.UserID)
	if err != nil || u.DisabledAt != nil {
		return nil, model.Errorf(model.EInvalid, "This link belongs to an account that no longer exists.")
	}
	l := &IntroductionLink{Introduction: in, Person: u, Answer: ans.Answer}
	for _, c := range []*model.CommunityRef{in.From, in.To} {
		if c != nil && c.ID == ans.CommunityID {
			l.Community = *c
		}
	}
	if l.Community.ID == 0 {
		return nil, model.Errorf(model.EInvalid, "This link is not valid: it may have been cut or changed.")
	}
	if got := in.ConsentOf(ans.CommunityID); got != "" {
		return nil, model.Errorf(model.EConflict, "%s already answered: %s. The link works once.", l.Community.Name, got)
	}
	if in.Status != model.IntroAsked {
		return nil, model.Errorf(model.EConflict, "This introduction is %s: it no longer waits for answers.", in.StatusLabel())
	}
	in.Contact = nil
	return l, nil
}

// IntroductionLinkProblem says why a link cannot be used after
// CheckIntroductionLink or AnswerIntroductionByLink failed with err:
// LinkExpired, LinkUsed or LinkTampered.
func (a *App) IntroductionLinkProblem(token string, err error) string {
	if err == nil {
		return LinkOK
	}
	if _, perr := a.Site.Signer.ParseIntroductionAnswer(token, a.now()); errors.Is(perr, notify.ErrExpired) {
		return LinkExpired
	}
	if model.ErrorCode(err) == model.EConflict {
		return LinkUsed
	}
	return LinkTampered
}

// AnswerIntroductionByLink records the answer a link carries, after the
// person confirmed it. The link is the credential; it works once.
func (a *App) AnswerIntroductionByLink(ctx context.Context, token string) (*IntroductionLink, error) {
	l, err := a.CheckIntroductionLink(ctx, token)
	if err != nil {
		return nil, err
	}
	return l, a.consent(ctx, l.Person, l.Introduction.ID, l.Community.ID, l.Answer)
}

// consent records a community's answer. When both accepted, the
// introduction is made and the email that connects the leads goes out; a
// decline closes it with no fit.
func (a *App) consent(ctx context.Context, by *model.User, id, communityID int64, answer string) error {
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.LockIntroduction(ctx, id, model.IntroAsked); err != nil {
			if errors.Is(err, storage.ErrStale) {
				return model.Errorf(model.EConflict, "This introduction no longer waits for answers.")
			}
			return err
		}
		in, err := tx.IntroductionByID(ctx, id)
		if err != nil {
			return err
		}
		ok, err := tx.RecordConsent(ctx, id, communityID, answer, by)
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "This community already answered. The answer is given once.")
		}
		if err := tx.Audit(ctx, by, "introduction.answer", "introduction", idStr(id), nil,
			map[string]any{"community_id": communityID, "answer": answer}); err != nil {
			return err
		}
		if answer == model.ConsentDeclined {
			name := "A community"
			for _, c := range []*model.CommunityRef{in.From, in.To} {
				if c.ID == communityID {
					name = c.Name
				}
			}
			return moveConflict(tx.MoveIntroduction(ctx, id, model.IntroAsked, model.IntroOutcome,
				storage.IntroductionOutcome{Outcome: model.OutcomeNoFit}, by, name+" declined the introduction."))
		}
		if other := in.From.ID + in.To.ID - communityID; in.ConsentOf(other) != model.ConsentAccepted {
			return nil // waiting for the other community
		}
		if err := tx.MoveIntroduction(ctx, id, model.IntroAsked, model.IntroIntroduced, storage.IntroductionOutcome{}, by,
			"Both communities accepted."); err != nil {
			return moveConflict(err)
		}
		return a.introduce(ctx, tx, in)
	})
	if err == nil && a.Wake != nil {
		a.Wake()
	}
	return err
}

// introduce queues the email that connects the leads of both communities.
func (a *App) introduce(ctx context.Context, tx *storage.Tx, in *model.Introduction) error {
	var parties []notify.IntroductionParty
	var everyone []notify.Person
	for _, c := range []*model.CommunityRef{in.From, in.To} {
		leads, err := leadsOf(ctx, tx, c.ID)
		if err != nil {
			return err
		}
		parties = append(parties, notify.IntroductionParty{Community: c.Name, Leads: leads})
		everyone = append(everyone, leads...)
	}
	return a.enqueueEmails(ctx, tx, everyone, func(p notify.Person) (model.OutboxMessage, error) {
		return a.Site.IntroductionMade(p, in, parties)
	})
}
