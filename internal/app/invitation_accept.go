package app

import (
	"context"
	"errors"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// InvitationView is an invitation as its link shows it.
type InvitationView struct {
	*model.Invitation
	// HasAccount: the address has an account, so accepting means signing
	// in as it; otherwise accepting creates one.
	HasAccount bool
}

// invitationLinkProblem is what a person reads about a link that does not
// work; no variant says whether an address has an account.
func invitationLinkProblem(err error) error {
	if errors.Is(err, notify.ErrExpired) {
		return model.Errorf(model.EInvalid, "This invitation has expired. Ask the person who invited you to send it again.")
	}
	return model.Errorf(model.EInvalid, "This invitation link is not valid: it may have been cut, changed or replaced by a newer one.")
}

// readInvitationLink checks a link's signature and expiry, then that its
// invitation exists, still carries its nonce and is pending.
func (a *App) readInvitationLink(ctx context.Context, q interface {
	InvitationByID(context.Context, int64) (*model.Invitation, error)
	InvitationNonce(context.Context, int64) (string, error)
}, token string) (*model.Invitation, string, error) {
	id, nonce, err := a.Site.Signer.ParseOneTimeLink(notify.LinkInvitation, token, a.now())
	if err != nil {
		return nil, "", invitationLinkProblem(err)
	}
	stored, err := q.InvitationNonce(ctx, id)
	if err != nil || !sameHash(stored, hashNonce(nonce)) {
		return nil, "", invitationLinkProblem(notify.ErrTampered)
	}
	inv, err := q.InvitationByID(ctx, id)
	if err != nil {
		return nil, "", invitationLinkProblem(notify.ErrTampered)
	}
	switch inv.Status = inv.StatusAt(a.now()); inv.Status {
	case model.InvitationAccepted:
		return nil, "", model.Errorf(model.EConflict, "This invitation was already accepted. Sign in instead.")
	case model.InvitationRevoked:
		return nil, "", model.Errorf(model.EInvalid, "This invitation was withdrawn.")
	case model.InvitationExpired:
		return nil, "", invitationLinkProblem(notify.ErrExpired)
	}
	return inv, stored, nil
}

// CheckInvitation reads an invitation link without writing anything (the
// page that asks for a name and password).
func (a *App) CheckInvitation(ctx context.Context, token string) (*InvitationView, error) {
	inv, _, err := a.readInvitationLink(ctx, a.store, token)
	if err != nil {
		return nil, err
	}
	v := &InvitationView{Invitation: inv}
	if _, err := a.store.UserByEmail(ctx, inv.Email); err == nil {
		v.HasAccount = true
	} else if !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	return v, nil
}

// AcceptInput is what accepting an invitation needs: for a new account a
// name and either a password or a provider's identity.
type AcceptInput struct {
	Name     string
	Password string
	Identity *model.ExternalIdentity
}

// AcceptInvitation accepts the invitation a link carries. An address with
// an account gains the affiliation, once its owner is signed in (actor);
// otherwise the account is created with the affiliation in one step. The
// person to sign in is returned.
func (a *App) AcceptInvitation(ctx context.Context, actor *model.User, token string, in AcceptInput) (*model.User, error) {
	inv, nonceHash, err := a.readInvitationLink(ctx, a.store, token)
	if err != nil {
		return nil, err
	}
	existing, err := a.store.UserByEmail(ctx, inv.Email)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return nil, err
	}
	hash, newUser := "", model.UserInput{}
	switch {
	case existing != nil && existing.DisabledAt != nil:
		return nil, forbidden("The account of this address is disabled. Ask the host organization's staff to enable it.")
	case existing != nil && (actor == nil || actor.ID != existing.ID):
		return nil, model.Errorf(model.EUnauthorized, "Sign in as %s to accept this invitation.", inv.Email)
	case existing == nil && actor != nil:
		return nil, model.Errorf(model.EConflict, "You are signed in as someone else; sign out to accept an invitation for %s.", inv.Email)
	case existing == nil:
		if in.Name == "" {
			in.Name = inv.Name
		}
		newUser = model.UserInput{Email: inv.Email, Name: in.Name, Role: model.RoleMember}
		newUser.Normalize()
		err := newUser.Validate()
		if in.Identity == nil {
			if perr := a.requirePasswords(); perr != nil {
				return nil, perr
			}
			err = joinProblems(err, model.ValidatePassword("password", in.Password))
		}
		if err != nil {
			return nil, err
		}
		if in.Identity == nil {
			if hash, err = a.hashPassword(ctx, in.Password); err != nil {
				return nil, err
			}
		}
	}
	var out *model.User
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		out = existing
		if out == nil {
			if out, err = tx.CreateUser(ctx, newUser, hash); err != nil {
				return err
			}
			if in.Identity != nil {
				if err := tx.LinkIdentity(ctx, *in.Identity, out.ID); err != nil {
					return err
				}
			}
			if err := tx.Audit(ctx, out, "user.create", "user", idStr(out.ID), nil, out); err != nil {
				return err
			}
		}
		return a.acceptIn(ctx, tx, inv, nonceHash, out)
	})
	return out, err
}

// acceptIn records an acceptance by u in tx: the affiliation, and the
// invitation used (only if it still carries nonceHash and is pending).
func (a *App) acceptIn(ctx context.Context, tx *storage.Tx, inv *model.Invitation, nonceHash string, u *model.User) error {
	ok, err := tx.AcceptInvitation(ctx, inv.ID, nonceHash, u.ID, a.now())
	if err != nil {
		return err
	}
	if !ok {
		return model.Errorf(model.EConflict, "This invitation was just used, withdrawn or replaced.")
	}
	if inv.CommunityID != nil {
		if err := tx.SetAffiliation(ctx, *inv.CommunityID, u.ID, inv.Role); err != nil {
			return err
		}
	}
	if err := tx.DeleteAccessRequests(ctx, inv.Email); err != nil {
		return err
	}
	return tx.Audit(ctx, u, "invitation.accept", "invitation", idStr(inv.ID), nil, inv)
}

// MyInvitations lists the pending invitations sent to the actor's address.
func (a *App) MyInvitations(ctx context.Context, actor *model.User) ([]*model.Invitation, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	list, err := a.store.PendingInvitationsFor(ctx, actor.Email, a.now())
	for _, inv := range list {
		inv.Status = model.InvitationPending
	}
	return list, err
}

// PendingInvitations lists the actor's pending invitations as to-dos, each
// one click from being accepted (on the account page).
func (a *App) PendingInvitations(ctx context.Context, actor *model.User) ([]model.Todo, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	return invitationTodos(ctx, TodoQuery{store: a.store, User: actor, Now: a.now()})
}

func init() { RegisterTodoProvider(model.TodoInvitation, invitationTodos) }

// invitationTodos is the to-do provider of pending invitations: one query.
func invitationTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	list, err := q.store.PendingInvitationsFor(ctx, q.User.Email, q.Now)
	if err != nil {
		return nil, err
	}
	out := make([]model.Todo, 0, len(list))
	for _, inv := range list {
		t := model.Todo{Kind: model.TodoInvitation, Action: "Accept the invitation", Title: "An account invitation",
			URL: "/account#invitations", Community: inv.CommunityName, Due: &inv.ExpiresAt, Key: "invitation:" + idStr(inv.ID)}
		if inv.CommunityID != nil {
			t.Title = "Join " + inv.CommunityName + " as " + inv.Role
		}
		out = append(out, t)
	}
	return out, nil
}

// AcceptMyInvitation lets a signed-in person accept a pending invitation
// sent to their own address (from their account page, without the link).
func (a *App) AcceptMyInvitation(ctx context.Context, actor *model.User, id int64) (*model.Invitation, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var inv *model.Invitation
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		inv, err = tx.InvitationByID(ctx, id)
		if err != nil || inv.Email != model.NormalizeEmail(actor.Email) {
			return model.NotFound(model.EntityInvitation, id)
		}
		if inv.Status = inv.StatusAt(a.now()); inv.Status != model.InvitationPending {
			return model.Errorf(model.EConflict, "This invitation is %s.", inv.Status)
		}
		nonceHash, err := tx.InvitationNonce(ctx, id)
		if err != nil {
			return err
		}
		return a.acceptIn(ctx, tx, inv, nonceHash, actor)
	})
	return inv, err
}
