package storage

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"
)

// SessionStore keeps web sessions in the database, so any app instance can
// serve any request. It implements the scs CtxStore interface. Session
// tokens are stored hashed: a copy of the table does not let anyone sign in.
//
// The store, not scs, applies the idle timeout: scs would re-save every
// session on every request to push its expiry back. Here a session row
// keeps its absolute deadline and an expiry that reading it extends, at
// most once every SessionTouchEvery, up to the deadline.
type SessionStore struct {
	s *Store
	// IdleTimeout ends a session unused for this long (0: only the
	// deadline ends it).
	IdleTimeout time.Duration
	// Clock tells the time; tests set it.
	Clock func() time.Time
}

// SessionTouchEvery is how often reading a session may write its new
// expiry: a signed-in visitor's pages write at most once a minute.
const SessionTouchEvery = time.Minute

// Sessions returns the database-backed session store, ending sessions
// unused for idle (0: only their deadline ends them).
func (s *Store) Sessions(idle time.Duration) *SessionStore {
	return &SessionStore{s: s, IdleTimeout: idle}
}

func hashSessionToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func (st *SessionStore) now() time.Time {
	if st.Clock != nil {
		return st.Clock().UTC().Truncate(time.Microsecond)
	}
	return now()
}

// expiryAt is when a session used at t expires: after the idle timeout,
// never past its deadline.
func (st *SessionStore) expiryAt(t, deadline time.Time) time.Time {
	if st.IdleTimeout > 0 {
		if idle := t.Add(st.IdleTimeout); idle.Before(deadline) {
			return idle
		}
	}
	return deadline.UTC()
}

// FindCtx returns the data of an unexpired session, extending its idle
// expiry when the stored one is more than SessionTouchEvery old.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var data []byte
	var expiry time.Time
	var deadline sql.NullTime
	t, hash := st.now(), hashSessionToken(token)
	err := st.s.queryRow(ctx, `SELECT data, expiry, deadline FROM sessions WHERE token_hash = ? AND expiry > ?`,
		hash, t).Scan(&data, &expiry, &deadline)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, false, nil
		}
		return nil, false, err
	}
	if !deadline.Valid {
		// Saved before deadlines were kept: its expiry is its deadline.
		deadline.Time = expiry
	}
	if next := st.expiryAt(t, deadline.Time); next.Sub(expiry) >= SessionTouchEvery {
		if _, err := st.s.exec(ctx, `UPDATE sessions SET expiry = ? WHERE token_hash = ?`, next, hash); err != nil {
			return nil, false, err
		}
	}
	return data, true, nil
}

// CommitCtx saves a session; scs passes the session's absolute deadline.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, data []byte, deadline time.Time) error {
	deadline = deadline.UTC().Truncate(time.Microsecond)
	_, err := st.s.exec(ctx, `INSERT INTO sessions (token_hash, data, expiry, deadline) VALUES (?, ?, ?, ?)
		ON CONFLICT (token_hash) DO UPDATE SET data = excluded.data, expiry = excluded.expiry, deadline = excluded.deadline`,
		hashSessionToken(token), data, st.expiryAt(st.now(), deadline), deadline)
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
