package storage

import (
	"context"
	"strings"
	"time"

	"consortia/internal/model"
)

// The rows behind a person's to-do list (app/todos.go). Each provider reads
// its rows in one query over the person's scope, read once, so the list
// costs the same number of queries however many consortia a person is in.

// TodoMembership is a current consortium membership of a community the
// person is affiliated with (archived communities left out).
type TodoMembership struct {
	MemberID       int64
	ConsortiumID   int64
	ConsortiumSlug string
	ConsortiumName string
	CommunityID    int64
	CommunityName  string
	Lead           bool // the person leads the community
	Roles          []string
}

// TodoScope is what a person's to-dos are read from.
type TodoScope struct {
	UserID      int64
	Memberships []TodoMembership
	// Consortia the person takes part in: their communities' and the ones
	// they support, id → name.
	Consortia map[int64]string
	// MemberOfHost: the person belongs to a community that is a member of
	// the host organization (site-wide updates are addressed to them).
	MemberOfHost bool
}

// ConsortiumIDs lists the scope's consortia.
func (s *TodoScope) ConsortiumIDs() []int64 {
	ids := make([]int64, 0, len(s.Consortia))
	for id := range s.Consortia {
		ids = append(ids, id)
	}
	return ids
}

// LoadTodoScope reads a person's memberships and consortia (two queries).
func (q queries) LoadTodoScope(ctx context.Context, userID int64) (*TodoScope, error) {
	s := &TodoScope{UserID: userID, Consortia: map[int64]string{}}
	var err error
	s.Memberships, err = collect(ctx, q, func(r scanner) (TodoMembership, error) {
		var m TodoMembership
		var role, roles string
		err := r.Scan(&m.MemberID, &m.ConsortiumID, &m.ConsortiumSlug, &m.ConsortiumName, &m.CommunityID, &m.CommunityName, &role, &roles)
		m.Lead, m.Roles = role == model.AffiliationLead, splitRoles(roles)
		return m, err
	}, `SELECT m.id, m.consortium_id, k.slug, k.name, m.community_id, c.name, a.role, m.roles
		FROM affiliations a
		JOIN communities c ON c.id = a.community_id AND c.archived_at IS NULL
		JOIN consortium_members m ON m.community_id = a.community_id AND m.left_at IS NULL
		JOIN consortia k ON k.id = m.consortium_id
		WHERE a.user_id = ? ORDER BY m.id`, userID)
	if err != nil {
		return nil, err
	}
	for _, m := range s.Memberships {
		s.Consortia[m.ConsortiumID] = m.ConsortiumName
	}
	type row struct {
		id   int64
		name string
	}
	rows, err := collect(ctx, q, func(r scanner) (row, error) {
		var x row
		return x, r.Scan(&x.id, &x.name)
	}, `SELECT k.id, k.name FROM consortium_supporters s JOIN consortia k ON k.id = s.consortium_id WHERE s.user_id = ?
		UNION ALL
		SELECT 0, '' FROM affiliations a JOIN communities c ON c.id = a.community_id
			WHERE a.user_id = ? AND c.tier <> '' AND c.archived_at IS NULL`, userID, userID)
	if err != nil {
		return nil, err
	}
	for _, x := range rows {
		if x.id == 0 {
			s.MemberOfHost = true
		} else {
			s.Consortia[x.id] = x.name
		}
	}
	return s, nil
}

// TodoRow is one thing a provider found: the record, the membership it
// concerns (0 when it concerns the person alone) and its date.
type TodoRow struct {
	ID           int64
	MemberID     int64
	ConsortiumID int64
	Title        string
	At           *time.Time
}

func scanTodoRow(r scanner) (TodoRow, error) {
	var x TodoRow
	return x, r.Scan(&x.ID, &x.MemberID, &x.ConsortiumID, &x.Title, &x.At)
}

// OpenRoundsWithoutBallot lists, for each of the given memberships, the
// rounds open at now for which that community has cast no ballot.
func (q queries) OpenRoundsWithoutBallot(ctx context.Context, memberIDs []int64, now time.Time) ([]TodoRow, error) {
	if len(memberIDs) == 0 {
		return nil, nil
	}
	ph, args := placeholders(memberIDs)
	return collect(ctx, q, scanTodoRow, `SELECT r.id, m.id, r.consortium_id, r.title, r.closes_at
		FROM consortium_members m JOIN rounds r ON r.consortium_id = m.consortium_id
		WHERE m.id IN (`+ph+`) AND m.left_at IS NULL AND r.opens_at <= ? AND r.closes_at > ? AND r.published_at IS NULL
		  AND NOT EXISTS (SELECT 1 FROM ballots b WHERE b.round_id = r.id AND b.community_id = m.community_id)
		ORDER BY r.closes_at, r.id, m.id`, append(args, now, now)...)
}

// DemosWithoutReaction lists, for each of the given memberships, the demos
// posted since then that the community has not reacted to.
func (q queries) DemosWithoutReaction(ctx context.Context, memberIDs []int64, since time.Time) ([]TodoRow, error) {
	if len(memberIDs) == 0 {
		return nil, nil
	}
	ph, args := placeholders(memberIDs)
	return collect(ctx, q, scanTodoRow, `SELECT d.id, m.id, d.consortium_id, d.title, NULL
		FROM consortium_members m JOIN demos d ON d.consortium_id = m.consortium_id
		WHERE m.id IN (`+ph+`) AND m.left_at IS NULL AND d.created_at > ?
		  AND NOT EXISTS (SELECT 1 FROM demo_reactions x WHERE x.demo_id = d.id AND x.community_id = m.community_id)
		ORDER BY d.id, m.id`, append(args, since)...)
}

// MeetingsWithoutRSVP lists the meetings of the given consortia starting in
// [from, to), not cancelled, that the person has not answered.
func (q queries) MeetingsWithoutRSVP(ctx context.Context, userID int64, consortiumIDs []int64, from, to time.Time) ([]TodoRow, error) {
	if len(consortiumIDs) == 0 {
		return nil, nil
	}
	ph, args := placeholders(consortiumIDs)
	return collect(ctx, q, scanTodoRow, `SELECT g.id, 0, g.consortium_id, g.title, g.starts_at FROM meetings g
		WHERE g.consortium_id IN (`+ph+`) AND g.cancelled = FALSE AND g.starts_at >= ? AND g.starts_at < ?
		  AND NOT EXISTS (SELECT 1 FROM meeting_rsvps v WHERE v.meeting_id = g.id AND v.user_id = ?)
		ORDER BY g.starts_at, g.id`, append(args, from, to, userID)...)
}

// UnansweredRequests lists the questions of staff's updates addressed to
// the person (through the given consortia, or site-wide when
// memberOfHost), posted since and still open at now, that the person has
// not answered.
func (q queries) UnansweredRequests(ctx context.Context, userID int64, consortiumIDs []int64, memberOfHost bool, since, now time.Time) ([]TodoRow, error) {
	var audience []string
	var args []any
	if len(consortiumIDs) > 0 {
		ph, ids := placeholders(consortiumIDs)
		audience = append(audience, `(e.audience = '`+model.AudienceConsortium+`' AND e.consortium_id IN (`+ph+`))`)
		args = append(args, ids...)
	}
	if memberOfHost {
		audience = append(audience, `e.audience = '`+model.AudienceAllMembers+`'`)
	}
	if len(audience) == 0 {
		return nil, nil
	}
	args = append(args, model.EventUpdatePosted, since, now, userID)
	return collect(ctx, q, scanTodoRow, `SELECT r.id, 0, coalesce(r.consortium_id, 0), r.title, r.deadline
		FROM events e JOIN requests r ON r.id = e.request_id
		WHERE (`+strings.Join(audience, " OR ")+`) AND e.kind = ? AND r.created_at > ? AND (r.deadline IS NULL OR r.deadline > ?)
		  AND NOT EXISTS (SELECT 1 FROM request_answers x WHERE x.request_id = r.id AND x.user_id = ?)
		ORDER BY r.id`, args...)
}
