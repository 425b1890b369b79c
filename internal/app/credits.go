package app

import (
	"context"

	"consortia/internal/model"
)

// Credit follows each community's share-credit choice (model/credits.go).

// ConsortiumCredits lists a consortium's members for media and outreach by
// their share-credit choice, for those who may see the consortium.
func (a *App) ConsortiumCredits(ctx context.Context, actor *model.User, ref string) (*model.Credits, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, ref)
	if err != nil {
		return nil, err
	}
	entries, err := a.store.MemberCredits(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	out := model.SortCredits(entries)
	out.Consortium = model.ConsortiumRef{ID: c.ID, Slug: c.Slug, Name: c.Name, Stage: c.Stage}
	return &out, nil
}

// creditReader is what credit lines are read from: the store or a
// transaction.
type creditReader interface {
	ScopeMembers(context.Context, []int64) (map[int64][]model.Member, error)
	TestedBy(context.Context, []int64) (map[int64][]model.CommunityRef, error)
}

// creditLines returns, for each delivered initiative of the list, the
// sentence that credits its co-funders and testers ("Co-funded by A. Tested
// by B."), leaving out the communities that declined credit (share credit
// "none" in a consortium that has the initiative in scope). Two queries for
// the whole list.
func creditLines(ctx context.Context, q creditReader, list []*model.Initiative) (map[int64]string, error) {
	out := map[int64]string{}
	var ids []int64
	for _, in := range list {
		if in.Status == model.StatusDone {
			ids = append(ids, in.ID)
		}
	}
	if len(ids) == 0 {
		return out, nil
	}
	members, err := q.ScopeMembers(ctx, ids)
	if err != nil {
		return nil, err
	}
	testers, err := q.TestedBy(ctx, ids)
	if err != nil {
		return nil, err
	}
	for _, in := range list {
		if in.Status != model.StatusDone {
			continue
		}
		optedOut := map[int64]bool{}
		for _, m := range members[in.ID] {
			if !model.Credited(m.ShareCredit) {
				optedOut[m.CommunityID] = true
			}
		}
		if line := model.CreditLine(model.CreditedNames(in.CoFunded, optedOut), model.CreditedNames(testers[in.ID], optedOut)); line != "" {
			out[in.ID] = line
		}
	}
	return out, nil
}

// DeliveredCredits is creditLines for pages and feeds: the credit sentence
// of each delivered initiative of a list the reader was given.
func (a *App) DeliveredCredits(ctx context.Context, list []*model.Initiative) (map[int64]string, error) {
	return creditLines(ctx, a.store, list)
}
