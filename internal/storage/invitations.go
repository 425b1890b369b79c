package storage

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"consortia/internal/model"
)

const invitationSelect = `SELECT i.id, i.email, i.name, i.community_id, COALESCE(c.slug, ''), COALESCE(c.name, ''), i.role,
	COALESCE(u.name, ''), i.sent_count, i.created_at, i.expires_at, i.accepted_at, i.revoked_at
	FROM invitations i LEFT JOIN communities c ON c.id = i.community_id LEFT JOIN users u ON u.id = i.invited_by`

func scanInvitation(sc scanner) (*model.Invitation, error) {
	var in model.Invitation
	var cid sql.NullInt64
	var accepted, revoked sql.NullTime
	if err := sc.Scan(&in.ID, &in.Email, &in.Name, &cid, &in.CommunitySlug, &in.CommunityName, &in.Role, &in.InvitedBy,
		&in.SentCount, &in.CreatedAt, &in.ExpiresAt, &accepted, &revoked); err != nil {
		return nil, err
	}
	if cid.Valid {
		in.CommunityID = &cid.Int64
	}
	in.CreatedAt, in.ExpiresAt = in.CreatedAt.UTC(), in.ExpiresAt.UTC()
	in.AcceptedAt, in.RevokedAt = nullTime(accepted), nullTime(revoked)
	return &in, nil
}

// NewInvitation is a row to insert.
type NewInvitation struct {
	Email, Name, Role string
	CommunityID       *int64
	InvitedBy         int64
	NonceHash         string
	ExpiresAt         time.Time
}

// CreateInvitation stores an invitation and returns its id.
func (q queries) CreateInvitation(ctx context.Context, n NewInvitation) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `INSERT INTO invitations (email, name, community_id, role, invited_by, nonce_hash, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, n.Email, n.Name, n.CommunityID, n.Role, n.InvitedBy, n.NonceHash, now(),
		n.ExpiresAt.UTC().Truncate(time.Microsecond)).Scan(&id)
	return id, mapError(err)
}

// InvitationByID returns an invitation.
func (q queries) InvitationByID(ctx context.Context, id int64) (*model.Invitation, error) {
	in, err := scanInvitation(q.queryRow(ctx, invitationSelect+` WHERE i.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityInvitation, id)
	}
	return in, nil
}

// InvitationNonce returns the hash of an invitation's current link nonce.
func (q queries) InvitationNonce(ctx context.Context, id int64) (string, error) {
	var h string
	err := q.queryRow(ctx, `SELECT nonce_hash FROM invitations WHERE id = ?`, id).Scan(&h)
	return h, notFound(err, model.EntityInvitation, id)
}

// ResendInvitation gives an invitation a new link nonce and expiry (the
// older link stops working) and counts the send.
func (q queries) ResendInvitation(ctx context.Context, id int64, nonceHash string, expires time.Time) error {
	_, err := q.exec(ctx, `UPDATE invitations SET nonce_hash = ?, expires_at = ?, sent_count = sent_count + 1 WHERE id = ?`,
		nonceHash, expires.UTC().Truncate(time.Microsecond), id)
	return err
}

// RevokeInvitation marks a pending invitation revoked; it reports whether
// one was.
func (q queries) RevokeInvitation(ctx context.Context, id int64) (bool, error) {
	res, err := q.exec(ctx, `UPDATE invitations SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL AND accepted_at IS NULL`, now(), id)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// AcceptInvitation marks an invitation accepted by a person, only if it is
// still pending with this nonce at at: a link works once, even when two
// requests race with it.
func (q queries) AcceptInvitation(ctx context.Context, id int64, nonceHash string, userID int64, at time.Time) (bool, error) {
	res, err := q.exec(ctx, `UPDATE invitations SET accepted_at = ?, accepted_by = ?
		WHERE id = ? AND nonce_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`,
		now(), userID, id, nonceHash, at.UTC())
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

func invitationWhere(f model.InvitationFilter, at time.Time) (string, []any) {
	where, args := []string{"1=1"}, []any{}
	switch f.Status {
	case model.InvitationPending:
		where = append(where, "i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > ?")
		args = append(args, at)
	case model.InvitationAccepted:
		where = append(where, "i.accepted_at IS NOT NULL")
	case model.InvitationRevoked:
		where = append(where, "i.accepted_at IS NULL AND i.revoked_at IS NOT NULL")
	case model.InvitationExpired:
		where = append(where, "i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at <= ?")
		args = append(args, at)
	}
	if f.CommunityID != 0 {
		where = append(where, "i.community_id = ?")
		args = append(args, f.CommunityID)
	}
	if f.CommunityIDs != nil {
		if len(f.CommunityIDs) == 0 {
			where = append(where, "1=0")
		} else {
			ph, ids := placeholders(f.CommunityIDs)
			where = append(where, "i.community_id IN ("+ph+")")
			args = append(args, ids...)
		}
	}
	return strings.Join(where, " AND "), args
}

// ListInvitations returns a page of invitations, newest first, with the total.
func (q queries) ListInvitations(ctx context.Context, f model.InvitationFilter, at time.Time) ([]*model.Invitation, int, error) {
	cond, args := invitationWhere(f, at.UTC())
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM invitations i WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	p := f.Page.Normalize()
	out, err := collect(ctx, q, scanInvitation, invitationSelect+` WHERE `+cond+` ORDER BY i.id DESC LIMIT ? OFFSET ?`,
		append(args, p.Size, p.Offset())...)
	return out, total, err
}

// PendingInvitationsFor lists the pending invitations sent to an address.
func (q queries) PendingInvitationsFor(ctx context.Context, email string, at time.Time) ([]*model.Invitation, error) {
	return collect(ctx, q, scanInvitation, invitationSelect+` WHERE i.email = ? AND i.accepted_at IS NULL
		AND i.revoked_at IS NULL AND i.expires_at > ? ORDER BY i.id`, model.NormalizeEmail(email), at.UTC())
}
