package storage

import (
	"context"
	"database/sql"
	"strings"

	"consortia/internal/model"
)

const memberSelect = `SELECT m.id, m.consortium_id, m.community_id, c.slug, c.name, m.roles, m.co_create, m.share_credit,
	m.early_adopter, m.joined_at, m.left_at FROM consortium_members m JOIN communities c ON c.id = m.community_id`

func scanMember(r interface{ Scan(...any) error }) (model.Member, error) {
	var m model.Member
	var roles string
	var left sql.NullTime
	err := r.Scan(&m.ID, &m.ConsortiumID, &m.CommunityID, &m.CommunitySlug, &m.CommunityName, &roles, &m.CoCreate,
		&m.ShareCredit, &m.EarlyAdopter, &m.JoinedAt, &left)
	if err != nil {
		return m, mapError(err)
	}
	m.Roles = splitRoles(roles)
	m.JoinedAt = m.JoinedAt.UTC()
	m.LeftAt = nullTime(left)
	return m, nil
}

func splitRoles(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

func (q queries) listMembers(ctx context.Context, where string, args ...any) ([]model.Member, error) {
	return collect(ctx, q, scanMember, memberSelect+` WHERE `+where, args...)
}

// Members lists a consortium's current members (or, with past, everyone who
// ever was one).
func (q queries) Members(ctx context.Context, consortiumID int64, past bool) ([]model.Member, error) {
	where := `m.consortium_id = ?`
	if !past {
		where += ` AND m.left_at IS NULL`
	}
	return q.listMembers(ctx, where+` ORDER BY c.name, m.id`, consortiumID)
}

// CurrentMember returns a community's current membership in a consortium.
func (q queries) CurrentMember(ctx context.Context, consortiumID, communityID int64) (*model.Member, error) {
	list, err := q.listMembers(ctx, `m.consortium_id = ? AND m.community_id = ? AND m.left_at IS NULL`, consortiumID, communityID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, &NotFoundError{Entity: model.EntityMember}
	}
	return &list[0], nil
}

// MembershipsOfCommunity lists the consortia a community currently takes part in.
func (q queries) MembershipsOfCommunity(ctx context.Context, communityID int64) ([]model.Member, error) {
	return q.listMembers(ctx, `m.community_id = ? AND m.left_at IS NULL ORDER BY m.joined_at`, communityID)
}

// AddMember makes a community a member.
func (q queries) AddMember(ctx context.Context, consortiumID, communityID int64, in model.MemberInput) error {
	_, err := q.exec(ctx, `INSERT INTO consortium_members (consortium_id, community_id, roles, co_create, share_credit, early_adopter, joined_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, consortiumID, communityID, strings.Join(in.Roles, ","), in.CoCreate, in.ShareCredit, in.EarlyAdopter, now())
	return named(err, model.RuleOneMembership)
}

// UpdateMember changes a current member's roles and choices.
func (q queries) UpdateMember(ctx context.Context, memberID int64, in model.MemberInput) error {
	_, err := q.exec(ctx, `UPDATE consortium_members SET roles = ?, co_create = ?, share_credit = ?, early_adopter = ? WHERE id = ? AND left_at IS NULL`,
		strings.Join(in.Roles, ","), in.CoCreate, in.ShareCredit, in.EarlyAdopter, memberID)
	return err
}

// EndMember records that a member left; the row stays as history.
func (q queries) EndMember(ctx context.Context, memberID int64) error {
	_, err := q.exec(ctx, `UPDATE consortium_members SET left_at = ? WHERE id = ? AND left_at IS NULL`, now(), memberID)
	return err
}

// RecordMemberEvent appends to a consortium's membership history.
func (q queries) RecordMemberEvent(ctx context.Context, consortiumID, communityID int64, action string, roles []string, by *model.User) error {
	name := "system"
	if by != nil {
		name = by.Name
	}
	_, err := q.exec(ctx, `INSERT INTO consortium_member_events (consortium_id, community_id, action, roles, by_name, at) VALUES (?, ?, ?, ?, ?, ?)`,
		consortiumID, communityID, action, strings.Join(roles, ","), name, now())
	return err
}

// MemberEvents lists a consortium's membership history, newest first.
func (q queries) MemberEvents(ctx context.Context, consortiumID int64) ([]model.MemberEvent, error) {
	return collect(ctx, q, func(rows scanner) (model.MemberEvent, error) {
		var e model.MemberEvent
		var roles string
		if err := rows.Scan(&e.CommunityID, &e.CommunityName, &e.Action, &roles, &e.ByName, &e.At); err != nil {
			return e, err
		}
		e.Roles, e.At = splitRoles(roles), e.At.UTC()
		return e, nil
	}, `SELECT e.community_id, c.name, e.action, e.roles, e.by_name, e.at FROM consortium_member_events e
		JOIN communities c ON c.id = e.community_id WHERE e.consortium_id = ? ORDER BY e.id DESC LIMIT 200`, consortiumID)
}

// SetSupport records that a person agrees with the problem statement (and
// whether they will take part in meetings), or withdraws it.
func (q queries) SetSupport(ctx context.Context, consortiumID, userID int64, communityID *int64, on, willMeet bool, comment string) error {
	if !on {
		_, err := q.exec(ctx, `DELETE FROM consortium_supporters WHERE consortium_id = ? AND user_id = ?`, consortiumID, userID)
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO consortium_supporters (consortium_id, user_id, community_id, will_meet, comment, created_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (consortium_id, user_id) DO UPDATE SET community_id = excluded.community_id,
		will_meet = excluded.will_meet, comment = excluded.comment`, consortiumID, userID, communityID, willMeet, comment, now())
	return err
}

// Supporters lists the people who agree with a consortium's problem.
func (q queries) Supporters(ctx context.Context, consortiumID int64) ([]model.Supporter, error) {
	return collect(ctx, q, func(rows scanner) (model.Supporter, error) {
		var s model.Supporter
		var cid sql.NullInt64
		if err := rows.Scan(&s.UserID, &s.UserName, &cid, &s.CommunityName, &s.WillMeet, &s.Comment, &s.At); err != nil {
			return s, err
		}
		if cid.Valid {
			s.CommunityID = &cid.Int64
		}
		s.At = s.At.UTC()
		return s, nil
	}, `SELECT s.user_id, u.name, s.community_id, COALESCE(c.name, ''), s.will_meet, s.comment, s.created_at
		FROM consortium_supporters s JOIN users u ON u.id = s.user_id LEFT JOIN communities c ON c.id = s.community_id
		WHERE s.consortium_id = ? ORDER BY s.created_at, u.name`, consortiumID)
}

// MemberCredits lists a consortium's current members with their websites
// and share-credit choices, by name.
func (q queries) MemberCredits(ctx context.Context, consortiumID int64) ([]model.CreditEntry, error) {
	return collect(ctx, q, func(rows scanner) (model.CreditEntry, error) {
		var e model.CreditEntry
		return e, rows.Scan(&e.CommunitySlug, &e.CommunityName, &e.Website, &e.ShareCredit)
	}, `SELECT c.slug, c.name, c.website, m.share_credit FROM consortium_members m JOIN communities c ON c.id = m.community_id
		WHERE m.consortium_id = ? AND m.left_at IS NULL AND c.archived_at IS NULL ORDER BY c.name, c.id`, consortiumID)
}
