package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// CommunityView is a community with its people, as shown on its page.
type CommunityView struct {
	*model.Community
	People  []model.Affiliation `json:"people,omitempty"`
	CanEdit bool                `json:"-"`
}

// ListCommunities lists communities. Anyone may; only admins see archived ones.
func (a *App) ListCommunities(ctx context.Context, actor *model.User, f model.CommunityFilter) ([]*model.Community, int, error) {
	if !actor.IsAdmin() {
		f.IncludeArchived = false
	}
	list, total, err := a.store.ListCommunities(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	if !model.SignedIn(actor) {
		for _, c := range list {
			redactForPublic(c)
		}
	}
	return list, total, nil
}

// redactForPublic hides what anonymous visitors should not see.
func redactForPublic(c *model.Community) { c.SupportContact = "" }

// GetCommunity returns a community by id or slug. People are shown to
// signed-in users only; archived communities to admins only.
func (a *App) GetCommunity(ctx context.Context, actor *model.User, ref string) (*CommunityView, error) {
	c, err := a.store.CommunityByRef(ctx, ref)
	if err != nil {
		return nil, err
	}
	if c.ArchivedAt != nil && !actor.IsAdmin() {
		return nil, model.NotFound(model.EntityCommunity, ref)
	}
	v := &CommunityView{Community: c}
	if !model.SignedIn(actor) {
		redactForPublic(c)
		return v, nil
	}
	if v.People, err = a.store.AffiliationsOfCommunity(ctx, c.ID); err != nil {
		return nil, err
	}
	v.CanEdit = model.CanEditCommunity(actor, v.People, c.ID)
	viewer, err := a.peopleViewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if err := a.communityPeople(ctx, viewer, v.People); err != nil {
		return nil, err
	}
	return v, nil
}

// CreateCommunity adds a community; admins only.
func (a *App) CreateCommunity(ctx context.Context, actor *model.User, in model.CommunityInput) (*model.Community, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c *model.Community
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if c, err = tx.CreateCommunity(ctx, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "community.create", "community", idStr(c.ID), nil, c)
	})
	return c, err
}

// CreateCommunitySeed adds a community as the system (demo data, imports).
func (a *App) CreateCommunitySeed(ctx context.Context, in model.CommunityInput) (*model.Community, error) {
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var c *model.Community
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if c, err = tx.CreateCommunity(ctx, in); err != nil {
			return err
		}
		return tx.Audit(ctx, nil, "community.create", "community", idStr(c.ID), nil, c)
	})
	return c, err
}

// UpdateCommunity edits a community: admins edit any, a lead their own.
// A non-zero version must match the stored one. Archived communities are
// read-only until restored.
func (a *App) UpdateCommunity(ctx context.Context, actor *model.User, ref string, version int64, in model.CommunityInput) (*model.Community, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var c *model.Community
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.CommunityByRef(ctx, ref)
		if err != nil {
			return err
		}
		if err := a.checkCanEdit(ctx, tx, actor, before); err != nil {
			return err
		}
		if before.ArchivedAt != nil {
			return model.Errorf(model.EConflict, "%s is archived; restore it before editing.", before.Name)
		}
		if !actor.IsAdmin() && (in.Tier != before.Tier || !sameDate(in.MemberSince, before.MemberSince)) {
			return forbidden("Only the host organization's staff can change the membership tier and date.")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if c, err = tx.UpdateCommunity(ctx, before.ID, version, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "community.update", "community", idStr(c.ID), before, c)
	})
	return c, err
}

func (a *App) checkCanEdit(ctx context.Context, tx *storage.Tx, actor *model.User, c *model.Community) error {
	if actor.IsAdmin() {
		return nil
	}
	affs, err := tx.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return err
	}
	if !model.CanEditCommunity(actor, affs, c.ID) {
		return forbidden("Only the host organization's staff and this community's leads can change it.")
	}
	return nil
}

// ArchiveCommunity archives or restores a community; admins only.
func (a *App) ArchiveCommunity(ctx context.Context, actor *model.User, ref string, archived bool) (*model.Community, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var c *model.Community
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.CommunityByRef(ctx, ref)
		if err != nil {
			return err
		}
		if c, err = tx.SetCommunityArchived(ctx, before.ID, archived); err != nil {
			return err
		}
		action := "community.restore"
		if archived {
			action = "community.archive"
		}
		return tx.Audit(ctx, actor, action, "community", idStr(c.ID), before, c)
	})
	return c, err
}

// SetAffiliation adds a person (by email) to a community with a role, or
// changes their role. Admins may do it for any community; a lead for their own.
func (a *App) SetAffiliation(ctx context.Context, actor *model.User, ref, email, role string) (*model.Affiliation, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	if err := model.ValidateAffiliationRole(role); err != nil {
		return nil, err
	}
	var out *model.Affiliation
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := tx.CommunityByRef(ctx, ref)
		if err != nil {
			return err
		}
		if err := a.checkCanEdit(ctx, tx, actor, c); err != nil {
			return err
		}
		u, err := tx.UserByEmail(ctx, email)
		if err != nil {
			var p model.Problems
			p.Add("email", "no person has the address %q; ask staff to add them first", model.NormalizeEmail(email))
			return p.Err()
		}
		if err := tx.SetAffiliation(ctx, c.ID, u.ID, role); err != nil {
			return err
		}
		out = &model.Affiliation{CommunityID: c.ID, CommunitySlug: c.Slug, CommunityName: c.Name, UserID: u.ID, UserName: u.Name, Role: role}
		return tx.Audit(ctx, actor, "affiliation.set", "community", idStr(c.ID), nil, out)
	})
	return out, err
}

// RemoveAffiliation removes a person from a community.
func (a *App) RemoveAffiliation(ctx context.Context, actor *model.User, ref string, userID int64) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := tx.CommunityByRef(ctx, ref)
		if err != nil {
			return err
		}
		if err := a.checkCanEdit(ctx, tx, actor, c); err != nil {
			return err
		}
		if err := tx.RemoveAffiliation(ctx, c.ID, userID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "affiliation.remove", "community", idStr(c.ID), map[string]int64{"user_id": userID}, nil)
	})
}

// ListAudit returns audit entries; admins only.
func (a *App) ListAudit(ctx context.Context, actor *model.User, f model.AuditFilter) ([]model.AuditEntry, int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	return a.store.ListAudit(ctx, f)
}

// AuditActions lists the kinds of action the audit log holds, for its
// filter; admins only.
func (a *App) AuditActions(ctx context.Context, actor *model.User) ([]string, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return a.store.AuditActions(ctx)
}
