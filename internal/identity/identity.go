// Package identity works out who is making a request — from an API bearer
// token or a web session — and keeps the answer in the request context.
package identity

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"consortia/internal/app"
	"consortia/internal/model"
)

type ctxKey struct{}

// Session fields: the signed-in user's id, and the user's session version
// when the session started (raising the version ends the session).
const (
	sessionUserKey    = "user_id"
	sessionVersionKey = "session_version"
)

// User returns the user making the request, nil for anonymous visitors.
func User(ctx context.Context) *model.User {
	u, _ := ctx.Value(ctxKey{}).(*model.User)
	return u
}

// WithUser returns a context carrying u.
func WithUser(ctx context.Context, u *model.User) context.Context {
	return context.WithValue(ctx, ctxKey{}, u)
}

// IdleTimeout ends a session unused for a week. The session store applies
// it, extending it at most once a minute: scs's own IdleTimeout would
// re-save the session on every request, so a read would write.
const IdleTimeout = 7 * 24 * time.Hour

// NewSessions returns a session manager that keeps sessions in sessions
// (the database's, ending those idle for IdleTimeout). secure sets the
// cookie's Secure flag (on whenever the site is served over HTTPS).
func NewSessions(sessions scs.Store, secure bool) *scs.SessionManager {
	sm := scs.New()
	sm.Store = sessions
	sm.Lifetime = 14 * 24 * time.Hour
	sm.Cookie.Name = "consortia_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = secure
	sm.Cookie.Path = "/"
	return sm
}

// SignIn starts a new session for u, renewing the token so a session id
// planted before sign-in is worthless after it.
func SignIn(ctx context.Context, sm *scs.SessionManager, u *model.User) error {
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionUserKey, u.ID)
	sm.Put(ctx, sessionVersionKey, u.SessionVersion)
	return nil
}

// KeepSession carries the current session over to a new session version
// (after a password change ended all the others), with a new token.
func KeepSession(ctx context.Context, sm *scs.SessionManager, version int64) error {
	if err := sm.RenewToken(ctx); err != nil {
		return err
	}
	sm.Put(ctx, sessionVersionKey, version)
	return nil
}

// SignOut ends the session.
func SignOut(ctx context.Context, sm *scs.SessionManager) error { return sm.Destroy(ctx) }

// Middleware identifies the requester. A bearer token that does not check
// out is answered 401 at once (a client that sends one expects it to work);
// a session whose user is gone or disabled, or that was ended (its version
// is older than the user's), is treated as anonymous.
// It must run inside sm.LoadAndSave.
func Middleware(a *app.App, sm *scs.SessionManager, onError func(http.ResponseWriter, *http.Request, error)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ctx := r.Context()
			if h := r.Header.Get("Authorization"); h != "" {
				token, ok := strings.CutPrefix(h, "Bearer ")
				if !ok {
					onError(w, r, model.Errorf(model.EUnauthorized, "The Authorization header must be \"Bearer <token>\"."))
					return
				}
				u, err := a.UserByToken(ctx, strings.TrimSpace(token))
				if err != nil {
					onError(w, r, err)
					return
				}
				next.ServeHTTP(w, r.WithContext(WithUser(ctx, u)))
				return
			}
			if id := sm.GetInt64(ctx, sessionUserKey); id != 0 {
				u, err := a.SessionUser(ctx, id, sm.GetInt64(ctx, sessionVersionKey))
				if err != nil {
					onError(w, r, err)
					return
				}
				if u != nil {
					ctx = WithUser(ctx, u)
				}
			}
			next.ServeHTTP(w, r.WithContext(ctx))
		})
	}
}
