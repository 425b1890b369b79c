// Package server assembles consortia's HTTP handler: the web pages, the
// JSON API, health checks and metrics, behind one middleware stack.
package server

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"consortia/internal/app"
	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/problem"
	"consortia/internal/sso"
	"consortia/internal/web"
)

// Config holds the server's settings.
type Config struct {
	BaseURL string // e.g. https://consortia.example.org; used in links and the API document
	Version string
	Demo    bool   // show the demo banner and sign-in hint
	Mail    string // how email leaves: "SMTP" or "files in DIR" (shown on the admin outbox page)
	// MetricsToken, when set, serves /metrics on this handler to callers
	// sending it as a bearer token; without it /metrics is not served here
	// (see MetricsListener for a separate, private listener).
	MetricsToken string
	// Providers are the single sign-on providers, by name.
	Providers map[string]*sso.Provider
}

// MaxBodyBytes bounds any request body (the API has its own, smaller limit).
const MaxBodyBytes = 1 << 20

// bodyLimit is the limit of a request's body: MaxBodyBytes, except for the
// uploads of letters of support (a 10 MB PDF and its form's framing).
func bodyLimit(r *http.Request) int64 {
	if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/letter") {
		return model.MaxLetterUploadBytes
	}
	return MaxBodyBytes
}

// NewServer returns the whole application as one http.Handler.
func NewServer(a *app.App, sessions *scs.SessionManager, metrics *Metrics, cfg Config, log *slog.Logger) (http.Handler, error) {
	ui, err := web.New(a, sessions, web.Config{BaseURL: cfg.BaseURL, Version: cfg.Version, Demo: cfg.Demo, Mail: cfg.Mail, Providers: cfg.Providers}, log)
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	addRoutes(mux, a, ui, cfg, log)

	// onAuthError answers errors raised before a handler runs (sign-in,
	// CSRF, body size): problem details for the API, a page for the web.
	onAuthError := func(w http.ResponseWriter, r *http.Request, err error) {
		if strings.HasPrefix(r.URL.Path, "/api/") {
			problem.Write(w, r, err, log)
			return
		}
		ui.Error(w, r, err)
	}
	csrf := http.NewCrossOriginProtection()
	// One-click unsubscribe (RFC 8058): mail providers POST
	// "List-Unsubscribe=One-Click" from their servers (no Origin or
	// Sec-Fetch-Site: allowed anyway), but webmail may send it from the
	// reader's browser, cross-site, which would be refused. The signed token
	// in the path is the only credential (no session is used), so a forged
	// cross-site POST can do nothing the link's holder could not.
	csrf.AddInsecureBypassPattern("POST /unsubscribe/{token}")
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		onAuthError(w, r, errCrossOrigin)
	}))

	var h http.Handler = recordRoute(mux)
	h = refuseBadText(mux, onAuthError, h)
	h = identity.Middleware(a, sessions, onAuthError)(h)
	h = csrf.Handler(h)
	// Inside the sessions, so the 413 page can be rendered.
	h = limitBody(bodyLimit, onAuthError, h)
	h = sessions.LoadAndSave(h)
	// Anonymous reads of the busiest public lists are kept for a second.
	h = newMicroCache(time.Second, "/api/v1/communities", "/communities").wrap(h)
	if cfg.MetricsToken != "" {
		h = withMetrics(metrics.Protected(cfg.MetricsToken), h)
	}
	h = securityHeaders(strings.HasPrefix(cfg.BaseURL, "https://"), h)
	h = observe(log, metrics, h)
	return h, nil
}
