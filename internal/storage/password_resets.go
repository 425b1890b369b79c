package storage

import (
	"context"
	"database/sql"
	"time"
)

// CreatePasswordReset stores a reset link's nonce hash and returns its id.
func (q queries) CreatePasswordReset(ctx context.Context, userID int64, nonceHash string, expires time.Time) (int64, error) {
	var id int64
	err := q.queryRow(ctx, `INSERT INTO password_resets (user_id, nonce_hash, created_at, expires_at) VALUES (?, ?, ?, ?) RETURNING id`,
		userID, nonceHash, now(), expires.UTC().Truncate(time.Microsecond)).Scan(&id)
	return id, mapError(err)
}

// PasswordReset is a stored reset link.
type PasswordReset struct {
	ID, UserID int64
	NonceHash  string
	ExpiresAt  time.Time
	Used       bool
}

// PasswordResetByID returns a reset link's row.
func (q queries) PasswordResetByID(ctx context.Context, id int64) (PasswordReset, error) {
	var r PasswordReset
	var used sql.NullTime
	err := q.queryRow(ctx, `SELECT id, user_id, nonce_hash, expires_at, used_at FROM password_resets WHERE id = ?`, id).
		Scan(&r.ID, &r.UserID, &r.NonceHash, &r.ExpiresAt, &used)
	r.Used = used.Valid
	return r, notFound(err, "", id)
}

// UsePasswordResets marks the reset link named used, if it is the
// person's and still unused (the conditional update makes a link work once
// even when two requests race with it), and then every other unused link
// of the person. It reports whether the named link was unused.
func (q queries) UsePasswordResets(ctx context.Context, userID, id int64) (bool, error) {
	t := now()
	res, err := q.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE id = ? AND user_id = ? AND used_at IS NULL`, t, id, userID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	_, err = q.exec(ctx, `UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, t, userID)
	return err == nil, err
}
