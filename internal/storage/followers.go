package storage

import (
	"context"

	"consortia/internal/model"
)

// SetFollowing starts or stops a person's following of an initiative.
func (q queries) SetFollowing(ctx context.Context, initiativeID, userID int64, on bool) error {
	if !on {
		_, err := q.exec(ctx, `DELETE FROM initiative_followers WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID)
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO initiative_followers (initiative_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		initiativeID, userID, now())
	return err
}

// Following reports whether a person follows an initiative.
func (q queries) Following(ctx context.Context, initiativeID, userID int64) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM initiative_followers WHERE initiative_id = ? AND user_id = ?`, initiativeID, userID).Scan(&n)
	return n > 0, mapError(err)
}

// Followers lists the enabled people who follow an initiative.
func (q queries) Followers(ctx context.Context, initiativeID int64) ([]*model.User, error) {
	return collect(ctx, q, scanUser, `SELECT `+userColumns+` FROM users WHERE disabled_at IS NULL
		AND id IN (SELECT user_id FROM initiative_followers WHERE initiative_id = ?) ORDER BY id`, initiativeID)
}
