package app

import (
	"context"
	"slices"

	"consortia/internal/model"
)

// MyAffiliations lists the communities the actor belongs to, with their
// role in each; nobody's for a visitor.
func (a *App) MyAffiliations(ctx context.Context, actor *model.User) ([]model.Affiliation, error) {
	if !model.SignedIn(actor) {
		return nil, nil
	}
	return a.store.AffiliationsOfUser(ctx, actor.ID)
}

// MyLeadAffiliations lists the communities the actor leads.
func (a *App) MyLeadAffiliations(ctx context.Context, actor *model.User) ([]model.Affiliation, error) {
	affs, err := a.MyAffiliations(ctx, actor)
	if err != nil {
		return nil, err
	}
	var out []model.Affiliation
	for _, af := range affs {
		if af.Role == model.AffiliationLead {
			out = append(out, af)
		}
	}
	return out, nil
}

// MyConsortiumIDs lists the consortia that communities the actor belongs
// to are current members of.
func (a *App) MyConsortiumIDs(ctx context.Context, actor *model.User) ([]int64, error) {
	affs, err := a.MyAffiliations(ctx, actor)
	if err != nil {
		return nil, err
	}
	var ids []int64
	for _, af := range affs {
		members, err := a.store.MembershipsOfCommunity(ctx, af.CommunityID)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if !slices.Contains(ids, m.ConsortiumID) {
				ids = append(ids, m.ConsortiumID)
			}
		}
	}
	return ids, nil
}
