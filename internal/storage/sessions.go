package storage

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"consortia/internal/model"
)

// SessionStore keeps web sessions in the database, so any app instance can
// serve any request. It implements the scs CtxStore interface. Session
// tokens are stored hashed: a copy of the table does not let anyone sign in.
type SessionStore struct{ s *Store }

// Sessions returns the database-backed session store.
func (s *Store) Sessions() *SessionStore { return &SessionStore{s: s} }

func hashSessionToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// FindCtx returns the data of an unexpired session.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	err := st.s.queryRow(ctx, `SELECT data FROM sessions WHERE token_hash = ? AND expiry > ?`,
		hashSessionToken(token), now()).Scan(&data)
	if err != nil {
		if model.ErrorCode(mapError(err)) == model.ENotFound {
			return nil, false, nil
		}
		return nil, false, err
	}
	return data, true, nil
}

// CommitCtx saves a session.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, expiry time.Time) error {
	_, err := st.s.exec(ctx, `INSERT INTO sessions (token_hash, data, expiry) VALUES (?, ?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry`,
		hashSessionToken(token), data, expiry.UTC())
	return err
}

// DeleteCtx removes a session.
func (st *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := st.s.exec(ctx, `DELETE FROM sessions WHERE token_hash = ?`, hashSessionToken(token))
	return err
}

// Find, Commit and Delete satisfy scs.Store; scs calls the Ctx variants.
func (st *SessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// Commit saves a session.
func (st *SessionStore) Commit(token string, data []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, data, expiry)
}

// Delete removes a session.
func (st *SessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// DeleteExpired removes expired sessions and sign-in counters whose window
// ended long ago.
func (s *Store) DeleteExpired(ctx context.Context) error {
	_, err1 := s.exec(ctx, `DELETE FROM sessions WHERE expiry <= ?`, now())
	_, err2 := s.exec(ctx, `DELETE FROM login_limits WHERE window_start < ?`, now().Add(-24*time.Hour))
	return errors.Join(err1, err2)
}
