package budget

import (
	"cmp"
	"math/big"
	"slices"
)

// greedyOrder lists all projects by decreasing number of votes (total
// points for cumulative/scoring ballots), ties broken by rank.
func (pr *profile) greedyOrder() []int {
	order := make([]int, len(pr.ids))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if pr.points != nil {
			if c := pr.points[b].Cmp(pr.points[a]); c != 0 {
				return c
			}
		} else if c := cmp.Compare(pr.votes[b], pr.votes[a]); c != 0 {
			return c
		}
		return cmp.Compare(pr.rank[a], pr.rank[b])
	})
	return order
}

// greedyFill goes through the projects by decreasing votes and adds every
// project not yet selected whose cost still fits in the budget; a project
// that does not fit is skipped and the scan continues. Projects nobody
// voted for come last but are still added if they fit, so the outcome is
// exhaustive (as in pabutools). It marks the added projects in selected
// and returns them in order; spent is the cost already committed.
func (pr *profile) greedyFill(selected []bool, spent *big.Rat) []int {
	var added []int
	left := new(big.Rat).Sub(pr.budget, spent)
	for _, p := range pr.greedyOrder() {
		if selected[p] || pr.costs[p].Cmp(left) > 0 {
			continue
		}
		selected[p] = true
		left.Sub(left, pr.costs[p])
		added = append(added, p)
	}
	return added
}
