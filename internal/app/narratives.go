package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/storage"
)

func canSeeNarrative(actor *model.User, n *model.Narrative) bool {
	return n.Public || model.SignedIn(actor)
}

// ListNarratives lists narratives; visitors see public ones with public initiatives.
func (a *App) ListNarratives(ctx context.Context, actor *model.User) ([]*model.Narrative, error) {
	list, err := a.store.ListNarratives(ctx, !model.SignedIn(actor))
	if err != nil {
		return nil, err
	}
	if !model.SignedIn(actor) {
		for _, n := range list {
			n.Initiatives = publicRefs(n.Initiatives)
			narrativeForReader(actor, n)
		}
	}
	return list, nil
}

func publicRefs(refs []model.InitiativeRef) []model.InitiativeRef {
	out := []model.InitiativeRef{}
	for _, r := range refs {
		if r.Public {
			out = append(out, r)
		}
	}
	return out
}

// GetNarrative returns a narrative by id or slug.
func (a *App) GetNarrative(ctx context.Context, actor *model.User, ref string) (*model.Narrative, error) {
	n, err := a.store.NarrativeByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !canSeeNarrative(actor, n) {
		return nil, model.NotFound(model.EntityNarrative, ref)
	}
	if !model.SignedIn(actor) {
		n.Initiatives = publicRefs(n.Initiatives)
	}
	narrativeForReader(actor, n)
	return n, nil
}

// CreateNarrative adds a narrative; staff only.
func (a *App) CreateNarrative(ctx context.Context, actor *model.User, in model.NarrativeInput) (*model.Narrative, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var n *model.Narrative
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if n, err = tx.CreateNarrative(ctx, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "narrative.create", "narrative", idStr(n.ID), nil, n)
	})
	return n, err
}

// UpdateNarrative edits a narrative; staff only.
func (a *App) UpdateNarrative(ctx context.Context, actor *model.User, ref string, version int64, in model.NarrativeInput) (*model.Narrative, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var n *model.Narrative
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.NarrativeByRef(ctx, ref)
		if err != nil {
			return err
		}
		if n, err = tx.UpdateNarrative(ctx, before.ID, version, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "narrative.update", "narrative", idStr(n.ID), before, n)
	})
	return n, err
}

// LinkInitiative adds an initiative to a narrative (or removes it); staff only.
func (a *App) LinkInitiative(ctx context.Context, actor *model.User, narrativeRef, initiativeRef string, on bool) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		n, err := tx.NarrativeByRef(ctx, narrativeRef)
		if err != nil {
			return err
		}
		in, err := tx.InitiativeByRef(ctx, initiativeRef)
		if err != nil {
			var p model.Problems
			p.Add("initiative", "no initiative %q", initiativeRef)
			return p.Err()
		}
		if err := tx.SetNarrativeInitiative(ctx, n.ID, in.ID, on); err != nil {
			return err
		}
		action := "narrative.link"
		if !on {
			action = "narrative.unlink"
		}
		return tx.Audit(ctx, actor, action, "narrative", idStr(n.ID), nil, map[string]any{"initiative_id": in.ID})
	})
}

// EndorseNarrative records that a community endorses a whole area, with an
// optional story and consent to be named (ans nil withdraws the endorsement);
// a lead for their community, staff for any. Only a lead of the community
// gives or revokes consent: staff may record an endorsement without it.
// Re-endorsing with consent keeps the first consent (its wording, who, when);
// dropping it records who revoked it and when.
func (a *App) EndorseNarrative(ctx context.Context, actor *model.User, narrativeRef, communityRef string, ans *model.EndorsementAnswer) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	if ans != nil {
		ans.Normalize()
		if err := ans.Validate(); err != nil {
			return err
		}
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		n, err := tx.NarrativeByRef(ctx, narrativeRef)
		if err != nil {
			return err
		}
		if !canSeeNarrative(actor, n) {
			return model.NotFound(model.EntityNarrative, narrativeRef)
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
		var before *model.NarrativeEndorsement
		for i := range n.Endorsements {
			if n.Endorsements[i].Community.ID == c.ID {
				before = &n.Endorsements[i]
			}
		}
		if ans == nil {
			if err := tx.DeleteNarrativeEndorsement(ctx, n.ID, c.ID); err != nil {
				return err
			}
			return tx.Audit(ctx, actor, "narrative.unendorse", "narrative", idStr(n.ID), before, map[string]any{"community_id": c.ID})
		}
		var had model.NamingConsent
		if before != nil {
			had = before.Consent
		}
		consent, err := a.nextConsent(ctx, tx, actor, c.ID, had, ans.ConsentToBeNamed, model.NarrativeConsentWording(c.Name, n.Title))
		if err != nil {
			return err
		}
		if err := tx.PutNarrativeEndorsement(ctx, n.ID, c.ID, consent, ans.Story); err != nil {
			return err
		}
		after := model.NarrativeEndorsement{Community: model.CommunityRef{ID: c.ID, Slug: c.Slug, Name: c.Name}, Consent: consent}
		if !ans.Story.Empty() {
			after.Story = &ans.Story
		}
		return tx.Audit(ctx, actor, "narrative.endorse", "narrative", idStr(n.ID), before, after)
	})
}

// nextConsent is a community's consent after an answer: kept as it was when
// nothing changes, given (with the wording, the person and the time) or
// revoked (who and when). Changing it takes a lead of the community.
func (a *App) nextConsent(ctx context.Context, tx *storage.Tx, actor *model.User, communityID int64, had model.NamingConsent, want bool, wording string) (model.NamingConsent, error) {
	if had.Given == want {
		return had, nil
	}
	affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return model.NamingConsent{}, err
	}
	if !model.CanConsentFor(actor, affs, communityID) {
		return model.NamingConsent{}, forbidden("Only a lead of this community can give or revoke its consent to be named.")
	}
	t := a.now()
	if want {
		return model.NamingConsent{Given: true, Wording: wording, ByName: actor.Name, At: &t}, nil
	}
	return model.NamingConsent{Wording: had.Wording, ByName: actor.Name, At: &t}, nil
}

// narrativeForReader hides from visitors the stories of communities that
// have not consented to be named.
func narrativeForReader(actor *model.User, n *model.Narrative) {
	if actor != nil {
		return
	}
	for i := range n.Endorsements {
		if !n.Endorsements[i].Consent.Given {
			n.Endorsements[i].Story = nil
		}
	}
}
