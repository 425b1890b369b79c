package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/sso"
)

const ssoKey = "sso"

func (ui *UI) provider(r *http.Request) (*sso.Provider, error) {
	p, ok := ui.cfg.Providers[r.PathValue("provider")]
	if !ok {
		return nil, model.Errorf(model.ENotFound, "There is no sign-in provider %q.", r.PathValue("provider"))
	}
	return p, nil
}

// callback is where a provider sends people back to.
func (ui *UI) callback(p *sso.Provider) string {
	return strings.TrimRight(ui.cfg.BaseURL, "/") + "/login/sso/" + p.Name + "/callback"
}

// SSOStart sends the visitor to a provider, keeping the state, nonce and
// PKCE verifier (and where to go next, or the invitation to accept) in
// their session.
func (ui *UI) SSOStart() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.provider(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		to, pending, err := p.Start(ui.callback(p), time.Now())
		if err != nil {
			return err
		}
		pending.Next, pending.Invitation = safeNext(r.PostForm.Get("next")), r.PostForm.Get("invitation")
		b, err := json.Marshal(pending)
		if err != nil {
			return err
		}
		ui.sessions.Put(r.Context(), ssoKey, string(b))
		http.Redirect(w, r, to, http.StatusSeeOther)
		return nil
	})
}

// SSOCallback is where the provider sends the visitor back: the answer is
// checked against the session (once: the pending sign-in is taken out
// first), and the person the provider vouched for is signed in.
func (ui *UI) SSOCallback() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.provider(r)
		if err != nil {
			return err
		}
		var pending sso.Pending
		if raw := ui.sessions.PopString(r.Context(), ssoKey); raw != "" {
			_ = json.Unmarshal([]byte(raw), &pending) // a broken value fails Finish's checks
		}
		id, err := p.Finish(r.Context(), ui.callback(p), pending, r.URL.Query(), time.Now())
		if err != nil {
			return err
		}
		u, err := ui.app.SignInExternal(r.Context(), id, pending.Invitation)
		if err != nil {
			return err
		}
		if err := identity.SignIn(r.Context(), ui.sessions, u); err != nil {
			return err
		}
		ui.flash(r, "Welcome, "+u.Name+".")
		redirect(w, r, safeNext(pending.Next))
		return nil
	})
}
