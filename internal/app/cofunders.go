package app

import (
	"slices"

	"consortia/internal/model"
)

// pledgingCommunities counts the distinct communities with a live pledge
// (the definition storage.PledgingCommunities uses for initiatives).
func pledgingCommunities(pledges []*model.Pledge) int {
	seen := map[int64]bool{}
	for _, p := range pledges {
		if slices.Contains(model.LivePledgeStates, p.State) {
			seen[p.CommunityID] = true
		}
	}
	return len(seen)
}
