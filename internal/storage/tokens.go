package storage

import (
	"context"
	"database/sql"
	"time"

	"consortia/internal/model"
)

// CreateAPIToken stores a token's hash and its displayable prefix.
func (q queries) CreateAPIToken(ctx context.Context, userID int64, name, prefix, hash string) (*model.APIToken, error) {
	var t model.APIToken
	err := q.queryRow(ctx, `INSERT INTO api_tokens (user_id, name, prefix, token_hash, created_at)
		VALUES (?, ?, ?, ?, ?) RETURNING id, user_id, name, prefix, created_at`,
		userID, name, prefix, hash, now()).Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt)
	if err != nil {
		return nil, mapError(err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

// TokenUse is what checking a bearer token needs: whose it is and when it
// was last used (nil if never).
type TokenUse struct {
	ID, UserID int64
	LastUsedAt *time.Time
}

// APITokenByHash looks a token up by its hash, without writing anything.
func (q queries) APITokenByHash(ctx context.Context, hash string) (TokenUse, error) {
	var t TokenUse
	var used sql.NullTime
	if err := q.queryRow(ctx, `SELECT id, user_id, last_used_at FROM api_tokens WHERE token_hash = ?`, hash).Scan(&t.ID, &t.UserID, &used); err != nil {
		return t, mapError(err)
	}
	t.LastUsedAt = nullTime(used)
	return t, nil
}

// TouchAPIToken records when a token was last used (callers do it at most
// once a minute, so reads do not queue behind writes).
func (q queries) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	_, err := q.exec(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, at.UTC().Truncate(time.Microsecond), id)
	return err
}

// ListAPITokens lists a user's tokens, newest first.
func (q queries) ListAPITokens(ctx context.Context, userID int64) ([]model.APIToken, error) {
	return collect(ctx, q, func(rows scanner) (model.APIToken, error) {
		var t model.APIToken
		var used sql.NullTime
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.Prefix, &t.CreatedAt, &used); err != nil {
			return t, err
		}
		t.CreatedAt = t.CreatedAt.UTC()
		t.LastUsedAt = nullTime(used)
		return t, nil
	}, `SELECT id, user_id, name, prefix, created_at, last_used_at
		FROM api_tokens WHERE user_id = ? ORDER BY id DESC`, userID)
}

// DeleteAPIToken revokes one of a user's tokens.
func (q queries) DeleteAPIToken(ctx context.Context, userID, tokenID int64) error {
	res, err := q.exec(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, tokenID, userID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NotFoundError{Entity: model.EntityToken, Key: tokenID}
	}
	return nil
}

// DeleteAPITokensOfUser revokes all of a user's tokens and says how many
// there were.
func (q queries) DeleteAPITokensOfUser(ctx context.Context, userID int64) (int64, error) {
	res, err := q.exec(ctx, `DELETE FROM api_tokens WHERE user_id = ?`, userID)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return n, nil
}
