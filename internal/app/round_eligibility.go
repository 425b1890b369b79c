package app

import (
	"context"
	"slices"
	"time"

	"consortia/internal/model"
)

// Eligibility to vote is judged when the round closes, not only when a
// ballot is cast: a community that left the consortium, lost the react &
// prioritize role or was archived before the close has its ballot set
// aside, and the result says so.

// ExcludedBallot is a cast ballot that is not counted, and why.
type ExcludedBallot struct {
	CommunityID int64  `json:"-"`
	Community   string `json:"community,omitempty" doc:"The community that cast it (hidden from visitors, who do not see who voted)."`
	Reason      string `json:"reason" doc:"Why it is not counted, e.g. \"left the consortium\"."`
}

// Why a cast ballot is set aside.
const (
	excludedLeft     = "left the consortium"
	excludedRole     = "no longer has the react & prioritize role"
	excludedArchived = "was archived"
)

type eligibilityReader interface {
	LastMemberEvents(context.Context, int64, time.Time) (map[int64]model.MemberEvent, error)
	Members(context.Context, int64, bool) ([]model.Member, error)
}

// countedBallots splits a round's ballots into those that count and those
// of communities not eligible when the round closed (while it is open: now).
// Membership is read from the consortium's membership history; a community
// without history up to then is judged by its current membership.
func countedBallots(ctx context.Context, q eligibilityReader, r *model.Round, ballots []model.Ballot, now time.Time) ([]model.Ballot, []ExcludedBallot, error) {
	if len(ballots) == 0 {
		return ballots, nil, nil
	}
	at := r.ClosesAt
	if now.Before(at) {
		at = now
	}
	events, err := q.LastMemberEvents(ctx, r.ConsortiumID, at)
	if err != nil {
		return nil, nil, err
	}
	members, err := q.Members(ctx, r.ConsortiumID, false)
	if err != nil {
		return nil, nil, err
	}
	current := map[int64]model.Member{}
	for _, m := range members {
		current[m.CommunityID] = m
	}
	counted := make([]model.Ballot, 0, len(ballots))
	var excluded []ExcludedBallot
	for _, b := range ballots {
		reason := ""
		if b.CommunityArchivedAt != nil && !b.CommunityArchivedAt.After(at) {
			reason = excludedArchived
		} else if e, ok := events[b.CommunityID]; ok {
			switch {
			case e.Action == "left":
				reason = excludedLeft
			case !slices.Contains(e.Roles, model.RoleReactPrioritize):
				reason = excludedRole
			}
		} else if m, ok := current[b.CommunityID]; !ok {
			reason = excludedLeft
		} else if !m.HasRole(model.RoleReactPrioritize) {
			reason = excludedRole
		}
		if reason != "" {
			excluded = append(excluded, ExcludedBallot{CommunityID: b.CommunityID, Community: b.CommunityName, Reason: reason})
			continue
		}
		counted = append(counted, b)
	}
	return counted, excluded, nil
}
