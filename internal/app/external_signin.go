package app

import (
	"context"
	"errors"
	"slices"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// SignInOptions say how people may sign in besides their provider
// identities: whether passwords work, and which email domains may create
// an account on first sign-in with a provider (self sign-up).
type SignInOptions struct {
	PasswordOff   bool
	SignupDomains []string
	// Providers lists the configured single sign-on providers for pages.
	Providers []ProviderInfo
}

// ProviderInfo names a sign-in provider: Name is its path segment,
// Label what the button says.
type ProviderInfo struct{ Name, Label string }

// Providers lists the configured sign-in providers.
func (a *App) Providers() []ProviderInfo { return a.SignIn.Providers }

// PasswordSignIn reports whether password sign-in is on.
func (a *App) PasswordSignIn() bool { return !a.SignIn.PasswordOff }

// requirePasswords refuses password use when password sign-in is off.
func (a *App) requirePasswords() error {
	if a.SignIn.PasswordOff {
		return forbidden("Password sign-in is turned off here; sign in with your organization's account.")
	}
	return nil
}

// SignInExternal signs in a person a provider vouched for. An identity
// seen before signs in its account. A first sign-in links to an account
// only by an email address the provider verified that matches, or by
// accepting an invitation (token, from the invitation page); an address in
// a self sign-up domain creates an account; anyone else is recorded as
// asking for access, for staff to invite.
func (a *App) SignInExternal(ctx context.Context, id model.ExternalIdentity, invitation string) (*model.User, error) {
	id.Email = model.NormalizeEmail(id.Email)
	id.Name = strings.TrimSpace(id.Name)
	if id.Provider == "" || id.Subject == "" || model.TextProblem(id.Subject, false) != "" || model.TextProblem(id.Name, false) != "" {
		return nil, model.Errorf(model.EInvalid, "The sign-in provider's answer is not usable.")
	}
	u, err := a.store.UserByIdentity(ctx, id.Provider, id.Subject)
	switch {
	case err == nil:
		return a.externalSignedIn(ctx, u)
	case !errors.Is(err, storage.ErrNotFound):
		return nil, err
	}
	if invitation != "" {
		return a.acceptWithIdentity(ctx, id, invitation)
	}
	if !id.EmailVerified || !model.ValidEmail(id.Email) {
		return nil, forbidden("Your sign-in provider did not confirm your email address, so it cannot be matched to an account. Confirm it with the provider, or ask the host organization's staff for an invitation.")
	}
	u, err = a.store.UserByEmail(ctx, id.Email)
	switch {
	case err == nil:
		if err := a.linkIdentity(ctx, u, id); err != nil {
			return nil, err
		}
		return a.externalSignedIn(ctx, u)
	case !errors.Is(err, storage.ErrNotFound):
		return nil, err
	}
	if slices.Contains(a.SignIn.SignupDomains, model.EmailDomain(id.Email)) {
		return a.signUpExternal(ctx, id)
	}
	if err := a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.RecordAccessRequest(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, nil, "access.request", "access_request", id.Email, nil, map[string]string{"provider": id.Provider, "email": id.Email, "name": id.Name})
	}); err != nil {
		return nil, err
	}
	return nil, forbidden("There is no account for %s yet. The host organization's staff were asked to invite you; you will get an email.", id.Email)
}

func (a *App) externalSignedIn(ctx context.Context, u *model.User) (*model.User, error) {
	if u.DisabledAt != nil {
		return nil, forbidden("This account is disabled. Ask the host organization's staff to enable it.")
	}
	return u, a.store.TouchLogin(ctx, u.ID)
}

func (a *App) linkIdentity(ctx context.Context, u *model.User, id model.ExternalIdentity) error {
	if u.DisabledAt != nil {
		return forbidden("This account is disabled. Ask the host organization's staff to enable it.")
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.LinkIdentity(ctx, id, u.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, u, "user.identity_link", "user", idStr(u.ID), nil, map[string]string{"provider": id.Provider})
	})
}

// acceptWithIdentity accepts an invitation for a person signing in with a
// provider: a new account linked to the identity, or, for an address with
// an account, that account when the provider verified the same address.
func (a *App) acceptWithIdentity(ctx context.Context, id model.ExternalIdentity, token string) (*model.User, error) {
	v, err := a.CheckInvitation(ctx, token)
	if err != nil {
		return nil, err
	}
	var actor *model.User
	if v.HasAccount {
		if !id.EmailVerified || id.Email != v.Email {
			return nil, model.Errorf(model.EUnauthorized, "Sign in as %s to accept this invitation.", v.Email)
		}
		if actor, err = a.store.UserByEmail(ctx, v.Email); err != nil {
			return nil, err
		}
		if err := a.linkIdentity(ctx, actor, id); err != nil {
			return nil, err
		}
	}
	name := id.Name
	if name == "" {
		name = v.Name
	}
	if name == "" {
		name, _, _ = strings.Cut(v.Email, "@")
	}
	return a.AcceptInvitation(ctx, actor, token, AcceptInput{Name: name, Identity: &id})
}

// signUpExternal creates an account for a verified address of a self
// sign-up domain.
func (a *App) signUpExternal(ctx context.Context, id model.ExternalIdentity) (*model.User, error) {
	in := model.UserInput{Email: id.Email, Name: id.Name, Role: model.RoleMember}
	if in.Name == "" {
		in.Name, _, _ = strings.Cut(id.Email, "@")
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var u *model.User
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if u, err = tx.CreateUser(ctx, in, ""); err != nil {
			return err
		}
		if err := tx.LinkIdentity(ctx, id, u.ID); err != nil {
			return err
		}
		if err := tx.DeleteAccessRequests(ctx, id.Email); err != nil {
			return err
		}
		return tx.Audit(ctx, u, "user.sign_up", "user", idStr(u.ID), nil, map[string]string{"provider": id.Provider})
	})
	return u, err
}

// AccessRequest is someone who signed in with a provider and has no account.
type AccessRequest = storage.AccessRequest

// AccessRequests lists the people asking for access; staff only.
func (a *App) AccessRequests(ctx context.Context, actor *model.User) ([]AccessRequest, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return a.store.ListAccessRequests(ctx)
}
