package app

import (
	"context"

	"consortia/internal/model"
)

// peersShown is how many suggested communities a community's page shows
// in each list.
const peersShown = 6

// SiteStats counts the active communities, member communities and people.
func (a *App) SiteStats(ctx context.Context) (model.Stats, error) {
	return a.store.CountStats(ctx)
}

// CommunityTags lists the tags in use by active communities, most used
// first.
func (a *App) CommunityTags(ctx context.Context) ([]model.TagCount, error) {
	return a.store.CommunityTags(ctx)
}

// InitiativeThemes lists the themes of the initiatives the actor may see,
// most used first.
func (a *App) InitiativeThemes(ctx context.Context, actor *model.User) ([]model.TagCount, error) {
	return a.store.InitiativeThemes(ctx, !model.SignedIn(actor))
}

// CommunityPeers suggests communities like c (similar) and communities
// that solved something like its problems (solved), counting only what
// the actor may see.
func (a *App) CommunityPeers(ctx context.Context, actor *model.User, c *model.Community) (similar, solved []model.Peer, err error) {
	if similar, err = a.store.SimilarCommunities(ctx, c.ID, !model.SignedIn(actor), peersShown); err != nil {
		return nil, nil, err
	}
	if solved, err = a.store.SolvedBy(ctx, c.Tags, c.ID, !model.SignedIn(actor), peersShown); err != nil {
		return nil, nil, err
	}
	return similar, solved, nil
}
