package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/storage"
)

func canSeeNarrative(actor *model.User, n *model.Narrative) bool {
	return n.Public || (actor != nil && actor.DisabledAt == nil)
}

// ListNarratives lists narratives; visitors see public ones with public initiatives.
func (a *App) ListNarratives(ctx context.Context, actor *model.User) ([]*model.Narrative, error) {
	list, err := a.store.ListNarratives(ctx, actor == nil)
	if err != nil {
		return nil, err
	}
	if actor == nil {
		for _, n := range list {
			n.Initiatives = publicRefs(n.Initiatives)
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
	if actor == nil {
		n.Initiatives = publicRefs(n.Initiatives)
	}
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

// EndorseNarrative records that a community endorses a whole area; a lead
// for their community, staff for any.
func (a *App) EndorseNarrative(ctx context.Context, actor *model.User, narrativeRef, communityRef string, on bool) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		n, err := tx.NarrativeByRef(ctx, narrativeRef)
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
		if err := tx.SetNarrativeEndorsement(ctx, n.ID, c.ID, on); err != nil {
			return err
		}
		action := "narrative.endorse"
		if !on {
			action = "narrative.unendorse"
		}
		return tx.Audit(ctx, actor, action, "narrative", idStr(n.ID), nil, map[string]any{"community_id": c.ID})
	})
}
