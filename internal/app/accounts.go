package app

import (
	"context"
	"errors"
	"strconv"

	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// CreateUser adds a person. actor is nil when an operator does it from the
// command line; otherwise only admins may.
func (a *App) CreateUser(ctx context.Context, actor *model.User, in model.UserInput, password string) (*model.User, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return nil, err
		}
	}
	in.Normalize()
	err := in.Validate()
	if password != "" {
		err = joinProblems(err, model.ValidatePassword("password", password))
	}
	if err != nil {
		return nil, err
	}
	hash := ""
	if password != "" {
		if hash, err = a.hashPassword(ctx, password); err != nil {
			return nil, err
		}
	}
	var u *model.User
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		if u, err = tx.CreateUser(ctx, in, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "user.create", "user", idStr(u.ID), nil, u)
	})
	return u, err
}

// joinProblems merges the field errors of two validation results.
func joinProblems(errs ...error) error {
	var p model.Problems
	for _, err := range errs {
		if err == nil {
			continue
		}
		fields := model.ErrorFields(err)
		if len(fields) == 0 {
			return err
		}
		p = append(p, fields...)
	}
	return p.Err()
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// ChangePassword replaces the actor's password after checking the current
// one, and ends the actor's other sessions: the caller keeps the current
// one by stamping it with the returned session version. revokeTokens also
// revokes all the actor's API tokens. Wrong current passwords are limited
// like sign-in failures, so a borrowed session cannot be used to guess the
// password.
func (a *App) ChangePassword(ctx context.Context, actor *model.User, current, next string, revokeTokens bool) (int64, error) {
	if err := requireSignIn(actor); err != nil {
		return 0, err
	}
	l := a.LoginLimits
	bucket := limitBucket("password", idStr(actor.ID))
	if err := a.inTx(ctx, func(tx *storage.Tx) error {
		return takeSlot(ctx, tx, bucket, l.Window, l.PerPair, "Too many wrong current passwords.")
	}); err != nil {
		return 0, err
	}
	hash, err := a.store.PasswordHash(ctx, actor.ID)
	if err != nil {
		return 0, err
	}
	ok, err := a.checkPassword(ctx, current, hash)
	if model.ErrorCode(err) == model.ERateLimited {
		return 0, errors.Join(err, a.store.ReleaseLoginSlot(context.WithoutCancel(ctx), bucket))
	}
	if !ok {
		var p model.Problems
		p.Add("current_password", "is not correct")
		return 0, p.Err()
	}
	if err := a.store.ClearLoginSlots(ctx, bucket); err != nil {
		return 0, err
	}
	if err := model.ValidatePassword("new_password", next); err != nil {
		return 0, err
	}
	newHash, err := a.hashPassword(ctx, next)
	if err != nil {
		return 0, err
	}
	var version int64
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetPasswordHash(ctx, actor.ID, newHash); err != nil {
			return err
		}
		if version, err = tx.EndSessions(ctx, actor.ID); err != nil {
			return err
		}
		var revoked int64
		if revokeTokens {
			if revoked, err = tx.DeleteAPITokensOfUser(ctx, actor.ID); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "user.password_change", "user", idStr(actor.ID), nil, map[string]any{"tokens_revoked": revoked})
	})
	a.tokens.forget()
	return version, err
}

// SetPassword sets a user's password from the command line.
func (a *App) SetPassword(ctx context.Context, email, password string) error {
	if err := model.ValidatePassword("password", password); err != nil {
		return err
	}
	u, err := a.store.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	hash, err := a.hashPassword(ctx, password)
	if err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetPasswordHash(ctx, u.ID, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, nil, "user.password_set", "user", idStr(u.ID), nil, nil)
	})
}

// CreateToken makes a new API token for owner; actor nil is the command
// line. The token is returned once and only its hash is kept.
func (a *App) CreateToken(ctx context.Context, actor, owner *model.User, name string) (string, *model.APIToken, error) {
	if actor != nil {
		if err := requireSignIn(actor); err != nil {
			return "", nil, err
		}
		if actor.ID != owner.ID {
			return "", nil, forbidden("You can only create tokens for yourself.")
		}
	}
	if name == "" {
		name = "API token"
	}
	if err := model.ValidateTokenName(name); err != nil {
		return "", nil, err
	}
	token, hash, display, err := auth.NewToken()
	if err != nil {
		return "", nil, err
	}
	var t *model.APIToken
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		if t, err = tx.CreateAPIToken(ctx, owner.ID, name, display, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "token.create", "api_token", idStr(t.ID), nil, t)
	})
	return token, t, err
}

// RevokeToken deletes one of the actor's tokens.
func (a *App) RevokeToken(ctx context.Context, actor *model.User, tokenID int64) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	defer a.tokens.forget()
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.DeleteAPIToken(ctx, actor.ID, tokenID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "token.revoke", "api_token", idStr(tokenID), nil, nil)
	})
}

// UserByToken returns the enabled user owning an API token.
func (a *App) UserByToken(ctx context.Context, token string) (*model.User, error) {
	hash, now := auth.HashToken(token), a.now()
	use, err := a.tokens.lookup(ctx, a.store, hash, now)
	if err != nil {
		if model.ErrorCode(err) == model.ENotFound {
			return nil, model.Errorf(model.EUnauthorized, "The API token is not valid.")
		}
		return nil, err
	}
	if a.tokens.claimTouch(hash, use, now) {
		if err := a.store.TouchAPIToken(ctx, use.ID, now); err != nil {
			return nil, err
		}
	}
	u, err := a.store.UserByID(ctx, use.UserID)
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, model.Errorf(model.EUnauthorized, "The API token's account is disabled.")
	}
	return u, nil
}

// APITokens lists the actor's own API tokens (names and use, never the
// secrets).
func (a *App) APITokens(ctx context.Context, actor *model.User) ([]model.APIToken, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	return a.store.ListAPITokens(ctx, actor.ID)
}

// SessionUser returns the person a session signed in, or nil when the
// session no longer counts: the account is gone or disabled, or its
// sessions were ended after this one began (version is the session
// version stamped into it at sign-in).
func (a *App) SessionUser(ctx context.Context, id, version int64) (*model.User, error) {
	u, err := a.store.UserByID(ctx, id)
	if model.ErrorCode(err) == model.ENotFound {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil || u.SessionVersion != version {
		return nil, nil
	}
	return u, nil
}

// UpdateUser lets an admin change a person's name, address and role. The
// last enabled admin cannot be demoted.
func (a *App) UpdateUser(ctx context.Context, actor *model.User, id int64, in model.UserInput) (*model.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var u *model.User
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if before.IsAdmin() && in.Role != model.RoleAdmin {
			if n, err := tx.CountAdmins(ctx); err != nil {
				return err
			} else if n <= 1 {
				return model.Errorf(model.EConflict, "%s is the last admin; make someone else an admin first.", before.Name)
			}
		}
		if u, err = tx.UpdateUser(ctx, id, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "user.update", "user", idStr(id), before, u)
	})
	return u, err
}

// SetUserDisabled lets an admin disable or enable a person's account.
// Disabling ends the person's sessions, revokes their API tokens and
// invalidates their calendar links for good: enabling the account again
// brings none of them back.
func (a *App) SetUserDisabled(ctx context.Context, actor *model.User, id int64, disabled bool) (*model.User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if disabled && actor.ID == id {
		return nil, model.Errorf(model.EConflict, "You cannot disable your own account.")
	}
	var u *model.User
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, err := tx.UserByID(ctx, id)
		if err != nil {
			return err
		}
		if u, err = tx.SetUserDisabled(ctx, id, disabled); err != nil {
			return err
		}
		action := "user.enable"
		if disabled {
			action = "user.disable"
			if u, err = endEverything(ctx, tx, id); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, action, "user", idStr(id), before, u)
	})
	a.tokens.forget()
	return u, err
}

// Person is a user with their affiliations.
type Person struct {
	*model.User
	Affiliations []model.Affiliation `json:"affiliations"`
}

// ListPeople lists people for signed-in users, with their affiliations
// loaded in one query for the page; each shows what the actor may see
// (model.CanSeeAccountDetails), and a search matches only the addresses
// the actor may see.
func (a *App) ListPeople(ctx context.Context, actor *model.User, f model.PeopleFilter) ([]Person, int, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, 0, err
	}
	viewer, err := a.peopleViewer(ctx, actor)
	if err != nil {
		return nil, 0, err
	}
	if !actor.IsAdmin() {
		// Addresses the actor may not see must not be searchable either.
		f.EmailsOf = &model.EmailScope{UserID: actor.ID, LedCommunityIDs: ledCommunities(viewer.affiliations)}
	}
	users, total, err := a.store.ListUsers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	affs, err := a.store.AffiliationsOfUsers(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]Person, len(users))
	for i, u := range users {
		p := Person{User: u, Affiliations: affs[u.ID]}
		if p.Affiliations == nil {
			p.Affiliations = []model.Affiliation{}
		}
		out[i] = viewer.person(p)
	}
	return out, total, nil
}

// GetPerson returns one person with affiliations, for signed-in users,
// as far as the actor may see them.
func (a *App) GetPerson(ctx context.Context, actor *model.User, id int64) (*Person, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	u, err := a.store.UserByID(ctx, id)
	if err != nil {
		return nil, model.Errorf(model.ENotFound, "No person with id %d.", id)
	}
	affs, err := a.store.AffiliationsOfUser(ctx, id)
	if err != nil {
		return nil, err
	}
	viewer, err := a.peopleViewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	p := viewer.person(Person{User: u, Affiliations: affs})
	return &p, nil
}

// HashPassword hashes a password with the configured cost.
func (a *App) HashPassword(password string) (string, error) {
	return a.hashPassword(context.Background(), password)
}

// ListAccounts lists every account with what staff see; staff only.
func (a *App) ListAccounts(ctx context.Context, actor *model.User, f model.PeopleFilter) ([]Person, int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	return a.ListPeople(ctx, actor, f)
}
