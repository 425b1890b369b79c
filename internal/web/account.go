package web

import (
	"net/http"

	"consortia/internal/app"
	"consortia/internal/identity"
	"consortia/internal/model"
)

type accountData struct {
	Person      *app.Person
	Tokens      []model.APIToken
	NewToken    string
	Invitations []*model.Invitation
}

func (ui *UI) accountPage(r *http.Request) (*Page, error) {
	u := user(r)
	if u == nil {
		return nil, model.Errorf(model.EUnauthorized, "Please sign in.")
	}
	person, err := ui.app.GetPerson(r.Context(), u, u.ID)
	if err != nil {
		return nil, err
	}
	tokens, err := ui.app.APITokens(r.Context(), u)
	if err != nil {
		return nil, err
	}
	invitations, err := ui.app.MyInvitations(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return ui.page(r, "Your account", "account", &accountData{Person: person, Tokens: tokens, Invitations: invitations}), nil
}

// Account shows the account settings: password and API tokens.
func (ui *UI) Account() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.accountPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "account", p)
		return nil
	})
}

// ChangePassword handles the password form.
func (ui *UI) ChangePassword() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.accountPage(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "account", p)
			return nil
		}
		f := r.PostForm
		if f.Get("new_password") != f.Get("confirm_password") {
			var pr model.Problems
			pr.Add("confirm_password", "does not match the new password")
			ui.formFailed(w, r, pr.Err(), "account", p)
			return nil
		}
		revokeTokens := f.Get("revoke_tokens") != ""
		version, err := ui.app.ChangePassword(r.Context(), user(r), f.Get("current_password"), f.Get("new_password"), revokeTokens)
		if err != nil {
			r.PostForm = nil
			ui.formFailed(w, r, err, "account", p)
			return nil
		}
		if err := identity.KeepSession(r.Context(), ui.sessions, version); err != nil {
			return err
		}
		msg := "Your password was changed and your other sessions were signed out."
		if revokeTokens {
			msg = "Your password was changed; your other sessions were signed out and your API tokens revoked."
		}
		ui.flash(r, msg)
		redirect(w, r, "/account")
		return nil
	})
}

// CreateToken makes an API token and shows it once.
func (ui *UI) CreateToken() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.accountPage(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "account", p)
			return nil
		}
		token, _, err := ui.app.CreateToken(r.Context(), user(r), user(r), r.PostForm.Get("name"))
		if err != nil {
			ui.formFailed(w, r, err, "account", p)
			return nil
		}
		// Render directly (no redirect) so the secret is never stored in
		// the session: it is shown exactly once.
		p, err = ui.accountPage(r)
		if err != nil {
			return err
		}
		p.Data.(*accountData).NewToken = token
		ui.render(w, r, http.StatusCreated, "account", p)
		return nil
	})
}

// RevokeToken deletes a token.
func (ui *UI) RevokeToken() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := ui.app.RevokeToken(r.Context(), user(r), id); err != nil {
			return err
		}
		ui.flash(r, "The token was revoked.")
		redirect(w, r, "/account#tokens")
		return nil
	})
}

// SignOutEverywhere ends all of the person's sessions, this one included.
func (ui *UI) SignOutEverywhere() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := ui.app.SignOutEverywhere(r.Context(), user(r)); err != nil {
			return err
		}
		if err := identity.SignOut(r.Context(), ui.sessions); err != nil {
			return err
		}
		ui.flash(r, "You were signed out on every device.")
		redirect(w, r, "/login")
		return nil
	})
}

// NewCalendarKey retires the person's calendar links and makes a new key.
func (ui *UI) NewCalendarKey() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := ui.app.NewCalendarKey(r.Context(), user(r)); err != nil {
			return err
		}
		ui.flash(r, "Your old calendar links no longer work. Subscribe again from a consortium's meetings page.")
		redirect(w, r, "/account#calendar")
		return nil
	})
}
