package web

import (
	"net/http"
	"net/url"

	"consortia/internal/identity"
	"consortia/internal/model"
)

// resetSent is the one answer to a reset request, whether or not the
// address has an account.
const resetSent = "If an account has that address, we sent it a link to choose a new password. It works for an hour."

// PasswordResetForm asks for the address to send a reset link to.
func (ui *UI) PasswordResetForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ui.render(w, r, http.StatusOK, "password_reset", ui.page(r, "Reset your password", "login", nil))
		return nil
	})
}

// RequestPasswordReset sends a reset link, answering the same whether or
// not the address has an account.
func (ui *UI) RequestPasswordReset() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := ui.page(r, "Reset your password", "login", nil)
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "password_reset", p)
			return nil
		}
		if err := ui.app.RequestPasswordReset(r.Context(), r.PostForm.Get("email"), clientAddress(r)); err != nil {
			ui.formFailed(w, r, err, "password_reset", p)
			return nil
		}
		ui.flash(r, resetSent)
		redirect(w, r, "/login")
		return nil
	})
}

type resetData struct{ Token string }

// passwordsMatch checks a form's password against its repetition; on a
// mismatch both are cleared so the form does not send them back.
func passwordsMatch(f url.Values) error {
	if f.Get("password") == f.Get("confirm_password") {
		return nil
	}
	f.Del("password")
	f.Del("confirm_password")
	var p model.Problems
	p.Add("confirm_password", "does not match the password")
	return p.Err()
}

// ResetPasswordForm asks for a new password on a reset link.
func (ui *UI) ResetPasswordForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		if err := ui.app.CheckResetLink(r.Context(), token); err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "password_reset_new", ui.page(r, "Choose a new password", "login", resetData{Token: token}))
		return nil
	})
}

// ResetPassword sets the new password, ends every other session and signs
// the person in.
func (ui *UI) ResetPassword() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		p := ui.page(r, "Choose a new password", "login", resetData{Token: token})
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "password_reset_new", p)
			return nil
		}
		f := r.PostForm
		if err := passwordsMatch(f); err != nil {
			ui.formFailed(w, r, err, "password_reset_new", p)
			return nil
		}
		u, err := ui.app.ResetPassword(r.Context(), token, f.Get("password"))
		if err != nil {
			if model.ErrorCode(err) == model.EInvalid && len(model.ErrorFields(err)) == 0 {
				return err // the link itself: an error page, not the form
			}
			f.Del("password")
			f.Del("confirm_password")
			ui.formFailed(w, r, err, "password_reset_new", p)
			return nil
		}
		if err := identity.SignIn(r.Context(), ui.sessions, u); err != nil {
			return err
		}
		ui.flash(r, "Your password was changed and every other session was signed out.")
		redirect(w, r, "/")
		return nil
	})
}
