package app

import (
	"context"
	"errors"
	"sort"
	"strconv"

	"consortia/internal/matching"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// Matching pools distribute a funder's money by quadratic funding (package
// matching) over the co-funding pledged to a consortium's initiatives.

// MatchingPoolView is a matching pool with its quadratic-funding result.
type MatchingPoolView struct {
	*model.MatchingPool
	Rows         []MatchRow `json:"initiatives"`
	TotalMatched int64      `json:"total_matched"`
	Leftover     int64      `json:"leftover"`
	Saturated    bool       `json:"pool_saturated"`
	Scale        string     `json:"scale,omitempty"`
	Cap          *int64     `json:"cap,omitempty"`
	CanManage    bool       `json:"-"`
}

// MatchRow is one initiative's contributions and match.
type MatchRow struct {
	InitiativeID int64  `json:"initiative_id"`
	Title        string `json:"title"`
	Slug         string `json:"slug"`
	Contributors int    `json:"contributors"`
	Contributed  int64  `json:"contributed"`
	Ideal        int64  `json:"ideal"`
	Match        int64  `json:"match"`
	AtCap        bool   `json:"at_cap"`
}

// CreateMatchingPool records a funder's quadratic-funding matching pool for
// a consortium's initiatives; staff only.
func (a *App) CreateMatchingPool(ctx context.Context, actor *model.User, consortiumRef string, in model.MatchingPoolInput) (*model.MatchingPool, error) {
	var m *model.MatchingPool
	err := a.staffInOpenConsortium(ctx, actor, consortiumRef, func() error {
		in.Normalize()
		return in.Validate()
	}, func(tx *storage.Tx, c *model.Consortium) error {
		var err error
		if m, err = tx.CreateMatchingPool(ctx, c.ID, in, actor); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "matching_pool.create", "matching_pool", idStr(m.ID), nil, m)
	})
	return m, err
}

// MatchingPools lists the matching pools the actor may see.
func (a *App) MatchingPools(ctx context.Context, actor *model.User) ([]*model.MatchingPool, error) {
	all, err := a.store.MatchingPools(ctx, 0)
	if err != nil {
		return nil, err
	}
	out := []*model.MatchingPool{}
	for _, m := range all {
		ok, err := a.store.CanSeeConsortium(ctx, m.ConsortiumID, visibility(actor))
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, m)
		}
	}
	return out, nil
}

// GetMatchingPool computes a pool's matches. The contributions are the
// money communities pledged to the consortium's initiatives in the pool's
// currency: firm pledges of open goals, and what was committed (matching
// offers aside) on closed ones; one community's pledges to one initiative
// count as one contributor.
func (a *App) GetMatchingPool(ctx context.Context, actor *model.User, id int64) (*MatchingPoolView, error) {
	m, err := a.store.MatchingPoolByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := loadVisibleConsortium(ctx, a.store, actor, idStr(m.ConsortiumID))
	if err != nil {
		return nil, model.NotFound(model.EntityMatchingPool, id)
	}
	v := &MatchingPoolView{MatchingPool: m, Rows: []MatchRow{}, CanManage: actor.IsAdmin()}
	refs := map[int64]model.InitiativeRef{}
	var ids []int64
	for _, in := range c.Initiatives {
		if in.Public || model.SignedIn(actor) {
			refs[in.ID] = in
			ids = append(ids, in.ID)
		}
	}
	if ids == nil {
		ids = []int64{}
	}
	goals, err := a.store.ListGoals(ctx, storage.GoalFilter{InitiativeIDs: ids})
	if err != nil {
		return nil, err
	}
	var gids []int64
	goalOf := map[int64]*model.FundingGoal{}
	for _, g := range goals {
		if g.Goal.Currency == m.Pool.Currency {
			gids = append(gids, g.ID)
			goalOf[g.ID] = g
		}
	}
	ps, err := a.store.PledgesOfGoals(ctx, gids)
	if err != nil {
		return nil, err
	}
	in := matching.Input{MatchPool: m.Pool.Amount, MatchingCapAmount: m.CapAmount, IgnoreSaturation: m.IgnoreSaturation,
		KeepCapOverflow: m.KeepCapOverflow, Contributions: []matching.Contribution{}}
	if m.CapFraction != "" {
		in.MatchingCapPerProject, _ = model.ParseRatio(m.CapFraction)
	}
	for _, gid := range gids {
		g := goalOf[gid]
		for _, p := range ps[gid] {
			var amt int64
			switch {
			case g.State == model.GoalOpen && p.State == model.PledgeOpen && p.Firm():
				amt = p.Amount.Amount
			case g.State == model.GoalClosed && p.Kind != model.PledgeMatching &&
				(p.State == model.PledgeCommitted || p.State == model.PledgeInvoiced || p.State == model.PledgePaid):
				amt = p.CommittedAmount
			}
			if amt > 0 {
				in.Contributions = append(in.Contributions, matching.Contribution{Contributor: p.CommunitySlug,
					Recipient: strconv.FormatInt(*g.InitiativeID, 10), Amount: amt})
			}
		}
	}
	if len(in.Contributions) == 0 {
		v.Leftover = m.Pool.Amount
		return v, nil
	}
	res, err := matching.QuadraticFunding(in)
	if err != nil {
		var es matching.Errors
		if errors.As(err, &es) {
			return nil, model.Errorf(model.EInvalid, "The contributions cannot be matched: %v", err)
		}
		return nil, err
	}
	v.TotalMatched, v.Leftover, v.Saturated, v.Scale, v.Cap = res.TotalMatched, res.Leftover, res.PoolSaturated, res.Scale, res.Cap
	saturated := map[string]bool{}
	for _, s := range res.Saturated {
		saturated[s] = true
	}
	for key, contributed := range res.Contributed {
		iid, _ := strconv.ParseInt(key, 10, 64)
		ref := refs[iid]
		v.Rows = append(v.Rows, MatchRow{InitiativeID: iid, Title: ref.Title, Slug: ref.Slug, Contributors: res.Contributors[key],
			Contributed: contributed, Ideal: res.Ideal[key], Match: res.Matches[key], AtCap: saturated[key]})
	}
	sort.Slice(v.Rows, func(i, j int) bool {
		if v.Rows[i].Match != v.Rows[j].Match {
			return v.Rows[i].Match > v.Rows[j].Match
		}
		return v.Rows[i].Title < v.Rows[j].Title
	})
	return v, nil
}
