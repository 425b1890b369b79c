package app

import (
	"errors"
	"fmt"
	"math/big"
	"sort"

	"consortia/internal/model"
	"consortia/internal/pledge"
)

// A goal's pledges fed to the exact resolver (package pledge) and its outcome read back.

// goalState is a goal's pledges fed to the resolver.
type goalState struct {
	input   pledge.Input
	counted []*model.Pledge          // pledges in the input, in input order
	slugOf  map[int64]string         // community id → pledger id (slug) of counted pledges
	absent  map[int64]map[int64]bool // pledge id → communities its condition names that have not pledged
}

// goalInput builds the resolver's input from a goal's pledges: every pledge
// for which include is true, pledger ids being community slugs. A condition
// naming a community that has no counted pledge can never hold: it becomes
// "at least N others pledge" with N above the number of entries (including
// a what-if newcomer), which the resolver treats exactly like any other
// monotone condition.
func goalInput(g *model.FundingGoal, pledges []*model.Pledge, include func(*model.Pledge) bool) (*goalState, error) {
	st := &goalState{slugOf: map[int64]string{}, absent: map[int64]map[int64]bool{}}
	for _, p := range pledges {
		if include(p) {
			st.counted = append(st.counted, p)
			st.slugOf[p.CommunityID] = p.CommunitySlug
		}
	}
	goal := g.Goal.Amount
	st.input = pledge.Input{Currency: g.Goal.Currency, Goal: &goal, AllOrNothing: g.AllOrNothing, MatchCountsAsOthers: g.MatchCountsAsOthers,
		Pledges: []pledge.Pledge{}}
	unreachable := int64(len(st.counted) + 2)
	for _, p := range st.counted {
		var cond *pledge.Condition
		if p.Condition != nil {
			cond = st.condition(p, p.Condition, unreachable)
		}
		var rate = pledgeRate(p.Rate)
		if p.Kind != model.PledgeFixed && rate == nil {
			return nil, fmt.Errorf("pledge %d: bad stored rate %q", p.ID, p.Rate)
		}
		switch p.Kind {
		case model.PledgeFixed:
			st.input.Pledges = append(st.input.Pledges, pledge.Fixed(p.CommunitySlug, p.Amount.Amount, cond))
		case model.PledgeCrowdmatching:
			st.input.Pledges = append(st.input.Pledges, pledge.Crowdmatching(p.CommunitySlug, rate, p.Amount.Amount, cond))
		case model.PledgeMatching:
			st.input.Matching = append(st.input.Matching, pledge.MatchingOffer{ID: p.CommunitySlug, Ratio: rate, Cap: p.Amount.Amount, Condition: cond})
		}
	}
	return st, nil
}

func pledgeRate(s string) *big.Rat {
	if s == "" {
		return nil
	}
	r, err := pledge.ParseRat(s)
	if err != nil {
		return nil
	}
	return r
}

func (st *goalState) condition(p *model.Pledge, c *model.PledgeCondition, unreachable int64) *pledge.Condition {
	switch c.Type {
	case model.CondPledger:
		if s, ok := st.slugOf[c.CommunityID]; ok && c.CommunityID != p.CommunityID {
			return pledge.Active(s)
		}
		if st.absent[p.ID] == nil {
			st.absent[p.ID] = map[int64]bool{}
		}
		st.absent[p.ID][c.CommunityID] = true
		return pledge.CountAtLeast(unreachable)
	case model.CondAll, model.CondAny:
		out := &pledge.Condition{Type: pledge.ConditionType(c.Type), Of: []pledge.Condition{}}
		for i := range c.Of {
			out.Of = append(out.Of, *st.condition(p, &c.Of[i], unreachable))
		}
		return out
	}
	return &pledge.Condition{Type: pledge.ConditionType(c.Type), Value: c.Value}
}

// countedOpen selects the pledges an open goal resolves: open ones.
func countedOpen(p *model.Pledge) bool { return p.State == model.PledgeOpen }

// resolved is the outcome to show: the resolved one, even when an unfunded
// all-or-nothing goal voids it.
func resolved(res pledge.Result) pledge.Outcome {
	if res.WouldBe != nil {
		return *res.WouldBe
	}
	return res.Outcome
}

func isActive(out pledge.Outcome, id string) bool {
	i := sort.SearchStrings(out.Active, id)
	return i < len(out.Active) && out.Active[i] == id
}

// resolveErr turns resolver errors on stored pledges into internal errors
// (they were validated when made), keeping overflow understandable.
func resolveErr(err error) error {
	if errors.Is(err, pledge.ErrOverflow) {
		return model.Errorf(model.EInvalid, "The pledges' total does not fit in 64 bits of minor units.")
	}
	return fmt.Errorf("resolve: %w", err)
}

// goalInputChecked builds the input of an open goal's counted pledges plus
// the candidate, turning a stored rate the resolver cannot read into a
// field error.
func goalInputChecked(g *model.FundingGoal, all []*model.Pledge, candidate *model.Pledge) (*goalState, error) {
	if candidate.Kind != model.PledgeFixed {
		if _, err := pledge.ParseRat(candidate.Rate); err != nil {
			return nil, fieldErr("rate", "%v", err)
		}
	}
	return goalInput(g, all, func(p *model.Pledge) bool { return p == candidate || p.State == model.PledgeOpen })
}
