package storage

import (
	"context"
	"time"

	"consortia/internal/model"
)

// UserByIdentity returns the person a provider's subject is linked to.
func (q queries) UserByIdentity(ctx context.Context, provider, subject string) (*model.User, error) {
	return scanUser(q.queryRow(ctx, `SELECT `+userColumns+` FROM users
		WHERE id = (SELECT user_id FROM external_identities WHERE provider = ? AND subject = ?)`, provider, subject))
}

// LinkIdentity links a provider's subject to a person.
func (q queries) LinkIdentity(ctx context.Context, id model.ExternalIdentity, userID int64) error {
	_, err := q.exec(ctx, `INSERT INTO external_identities (provider, subject, user_id, email, created_at) VALUES (?, ?, ?, ?, ?)`,
		id.Provider, id.Subject, userID, id.Email, now())
	return mapError(err)
}

// AccessRequest is a sign-in by a provider's subject with no account.
type AccessRequest struct {
	ID                             int64
	Provider, Subject, Email, Name string
	CreatedAt                      time.Time
}

// RecordAccessRequest keeps (or refreshes) a request for access.
func (q queries) RecordAccessRequest(ctx context.Context, id model.ExternalIdentity) error {
	_, err := q.exec(ctx, `INSERT INTO access_requests (provider, subject, email, name, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (provider, subject) DO UPDATE SET email = excluded.email, name = excluded.name, created_at = excluded.created_at`,
		id.Provider, id.Subject, id.Email, id.Name, now())
	return mapError(err)
}

// ListAccessRequests lists the open requests for access, newest first.
func (q queries) ListAccessRequests(ctx context.Context) ([]AccessRequest, error) {
	return collect(ctx, q, func(rows scanner) (AccessRequest, error) {
		var r AccessRequest
		err := rows.Scan(&r.ID, &r.Provider, &r.Subject, &r.Email, &r.Name, &r.CreatedAt)
		return r, err
	}, `SELECT id, provider, subject, email, name, created_at FROM access_requests ORDER BY id DESC LIMIT 200`)
}

// DeleteAccessRequests forgets the requests for access from an address.
func (q queries) DeleteAccessRequests(ctx context.Context, email string) error {
	_, err := q.exec(ctx, `DELETE FROM access_requests WHERE email = ?`, email)
	return err
}
