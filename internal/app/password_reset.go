package app

import (
	"context"
	"errors"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// ResetsPerAccount is how many reset emails one address may ask for in a
// sign-in limit window.
const ResetsPerAccount = 3

// RequestPasswordReset emails a single-use reset link to the address if it
// belongs to an enabled account. It answers the same whether or not it
// does; requests are limited per client address and per account address
// (counted for unknown addresses too, so the limit reveals nothing).
func (a *App) RequestPasswordReset(ctx context.Context, email, address string) error {
	if err := a.requirePasswords(); err != nil {
		return err
	}
	if err := a.requireLinks(); err != nil {
		return err
	}
	if err := checkSignInEmail(email); err != nil {
		return err
	}
	account := model.NormalizeEmail(email)
	if !model.ValidEmail(account) {
		var p model.Problems
		p.Add("email", "must be an email address like name@example.org")
		return p.Err()
	}
	l := a.LoginLimits
	if err := a.inTx(ctx, func(tx *storage.Tx) error {
		if err := takeSlot(ctx, tx, limitBucket("reset-address", address), l.Window, l.PerAddress, "Too many password reset requests from your network."); err != nil {
			return err
		}
		return takeSlot(ctx, tx, limitBucket("reset-account", account), l.Window, ResetsPerAccount, "Too many password reset requests for this address.")
	}); err != nil {
		return err
	}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		u, err := tx.UserByEmail(ctx, account)
		if errors.Is(err, storage.ErrNotFound) || (err == nil && u.DisabledAt != nil) {
			return nil
		}
		if err != nil {
			return err
		}
		nonce, hash, err := newNonce()
		if err != nil {
			return err
		}
		exp := a.now().Add(model.ResetValidity)
		id, err := tx.CreatePasswordReset(ctx, u.ID, hash, exp)
		if err != nil {
			return err
		}
		link := a.Site.Link("/password-reset/" + a.Site.Signer.OneTimeLink(notify.LinkReset, id, nonce, exp))
		msg, err := a.Site.AccountEmail(notify.AccountMail{To: notify.Person{ID: u.ID, Name: u.Name, Email: u.Email}, Link: link, Expires: exp}, false)
		if err != nil {
			return err
		}
		msg.MessageID = a.messageID()
		if err := tx.Enqueue(ctx, &msg); err != nil {
			return err
		}
		return tx.Audit(ctx, nil, "user.password_reset_request", "user", idStr(u.ID), nil, nil)
	})
	a.wake()
	return err
}

func resetLinkProblem(err error) error {
	if errors.Is(err, notify.ErrExpired) {
		return model.Errorf(model.EInvalid, "This password reset link has expired. Ask for a new one.")
	}
	return model.Errorf(model.EInvalid, "This password reset link is not valid: it may have been cut, changed or already used. Ask for a new one.")
}

// checkResetLink reads a reset link: signature, expiry, its row, nonce,
// unused, and an enabled account.
func (a *App) checkResetLink(ctx context.Context, token string) (storage.PasswordReset, *model.User, error) {
	id, nonce, err := a.Site.Signer.ParseOneTimeLink(notify.LinkReset, token, a.now())
	if err != nil {
		return storage.PasswordReset{}, nil, resetLinkProblem(err)
	}
	r, err := a.store.PasswordResetByID(ctx, id)
	if err != nil || r.Used || !sameHash(r.NonceHash, hashNonce(nonce)) {
		return r, nil, resetLinkProblem(notify.ErrTampered)
	}
	if !a.now().Before(r.ExpiresAt) {
		return r, nil, resetLinkProblem(notify.ErrExpired)
	}
	u, err := a.store.UserByID(ctx, r.UserID)
	if err != nil {
		return r, nil, resetLinkProblem(notify.ErrTampered)
	}
	if u.DisabledAt != nil {
		return r, nil, forbidden("This account is disabled. Ask the host organization's staff to enable it.")
	}
	return r, u, nil
}

// CheckResetLink reads a reset link without using it (the form's page).
func (a *App) CheckResetLink(ctx context.Context, token string) error {
	_, _, err := a.checkResetLink(ctx, token)
	return err
}

// ResetPassword sets a new password with a reset link, which then stops
// working (with every other reset link of the account), and ends every
// session of the account. The person is returned to be signed in afresh.
func (a *App) ResetPassword(ctx context.Context, token, password string) (*model.User, error) {
	r, u, err := a.checkResetLink(ctx, token)
	if err != nil {
		return nil, err
	}
	if err := model.ValidatePassword("password", password); err != nil {
		return nil, err
	}
	hash, err := a.hashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		ok, err := tx.UsePasswordResets(ctx, u.ID, r.ID)
		if err != nil {
			return err
		}
		if !ok {
			return resetLinkProblem(notify.ErrTampered)
		}
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		if u.SessionVersion, err = tx.EndSessions(ctx, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, u, "user.password_reset", "user", idStr(u.ID), nil, nil)
	})
	if err != nil {
		return nil, err
	}
	return u, nil
}
