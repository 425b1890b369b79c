package app

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// newNonce returns a random link nonce and the hash the database keeps.
func newNonce() (nonce, hash string, err error) {
	var b [18]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", "", err
	}
	nonce = base64.RawURLEncoding.EncodeToString(b[:])
	return nonce, hashNonce(nonce), nil
}

func hashNonce(nonce string) string {
	sum := sha256.Sum256([]byte(nonce))
	return hex.EncodeToString(sum[:])
}

func sameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// requireLinks refuses to make emailed links before ConfigureNotifications
// gave the app its base URL and signing key.
func (a *App) requireLinks() error {
	if a.Site.BaseURL == "" || len(a.Site.Signer.Key) == 0 {
		return errors.New("links cannot be made: notifications are not configured")
	}
	return nil
}

// invitationScope is what an actor may do with invitations: staff all of
// them, a lead those of the communities they lead.
type invitationScope struct {
	admin bool
	led   []int64
}

func (a *App) invitationScope(ctx context.Context, q interface {
	AffiliationsOfUser(context.Context, int64) ([]model.Affiliation, error)
}, actor *model.User) (invitationScope, error) {
	if err := requireSignIn(actor); err != nil {
		return invitationScope{}, err
	}
	if actor.IsAdmin() {
		return invitationScope{admin: true}, nil
	}
	affs, err := q.AffiliationsOfUser(ctx, actor.ID)
	if err != nil {
		return invitationScope{}, err
	}
	return invitationScope{led: ledCommunities(affs)}, nil
}

func (s invitationScope) covers(inv *model.Invitation) bool {
	if s.admin {
		return true
	}
	if inv.CommunityID == nil {
		return false
	}
	for _, id := range s.led {
		if id == *inv.CommunityID {
			return true
		}
	}
	return false
}

// Invite sends an invitation by email: staff invite anyone (with or
// without a community), a community's lead invites people to their own
// community. validity 0 means model.InvitationValidity.
func (a *App) Invite(ctx context.Context, actor *model.User, in model.InvitationInput, validity time.Duration) (*model.Invitation, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	if err := a.requireLinks(); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if in.Community == "" && !actor.IsAdmin() {
		return nil, forbidden("Only the host organization's staff can invite people without a community; name your community.")
	}
	var out *model.Invitation
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		out, err = a.invite(ctx, tx, actor, in, validity)
		return err
	})
	a.wake()
	return out, err
}

// invite checks and writes one invitation in tx.
func (a *App) invite(ctx context.Context, tx *storage.Tx, actor *model.User, in model.InvitationInput, validity time.Duration) (*model.Invitation, error) {
	if validity <= 0 {
		validity = model.InvitationValidity
	}
	row := storage.NewInvitation{Email: in.Email, Name: in.Name, Role: in.Role, InvitedBy: actor.ID, ExpiresAt: a.now().Add(validity)}
	if in.Community != "" {
		c, err := tx.CommunityByRef(ctx, in.Community)
		if err != nil {
			var p model.Problems
			p.Add("community", "no community %q", in.Community)
			return nil, p.Err()
		}
		if err := a.checkCanEdit(ctx, tx, actor, c); err != nil {
			return nil, forbidden("Only the host organization's staff and a community's leads can invite people to it.")
		}
		if c.ArchivedAt != nil {
			return nil, model.Errorf(model.EConflict, "%s is archived; restore it before inviting people.", c.Name)
		}
		row.CommunityID = &c.ID
	}
	if err := a.checkNotYetIn(ctx, tx, in, row.CommunityID); err != nil {
		return nil, err
	}
	nonce, hash, err := newNonce()
	if err != nil {
		return nil, err
	}
	row.NonceHash = hash
	id, err := tx.CreateInvitation(ctx, row)
	if err != nil {
		return nil, err
	}
	inv, err := tx.InvitationByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := a.sendInvitation(ctx, tx, inv, nonce); err != nil {
		return nil, err
	}
	inv.Status = inv.StatusAt(a.now())
	return inv, tx.Audit(ctx, actor, "invitation.create", "invitation", idStr(id), nil, inv)
}

// checkNotYetIn refuses an invitation that would change nothing: the
// address already has an account (and, for a community, belongs to it) or
// a pending invitation for the same thing.
func (a *App) checkNotYetIn(ctx context.Context, tx *storage.Tx, in model.InvitationInput, communityID *int64) error {
	if u, err := tx.UserByEmail(ctx, in.Email); err == nil {
		if communityID == nil {
			return model.Errorf(model.EConflict, "%s already has an account.", in.Email)
		}
		affs, err := tx.AffiliationsOfUser(ctx, u.ID)
		if err != nil {
			return err
		}
		for _, af := range affs {
			if af.CommunityID == *communityID {
				return model.Errorf(model.EConflict, "%s already belongs to %s.", in.Email, af.CommunityName)
			}
		}
	} else if !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	pending, err := tx.PendingInvitationsFor(ctx, in.Email, a.now())
	if err != nil {
		return err
	}
	for _, p := range pending {
		if (p.CommunityID == nil) == (communityID == nil) && (communityID == nil || *p.CommunityID == *communityID) {
			return model.Errorf(model.EConflict, "%s already has a pending invitation; resend it instead.", in.Email)
		}
	}
	return nil
}

// sendInvitation queues the invitation email with a link carrying nonce.
func (a *App) sendInvitation(ctx context.Context, tx *storage.Tx, inv *model.Invitation, nonce string) error {
	link := a.Site.Link("/invitations/" + a.Site.Signer.OneTimeLink(notify.LinkInvitation, inv.ID, nonce, inv.ExpiresAt))
	inviter := inv.InvitedBy
	if inviter == "" {
		inviter = "The host organization's staff"
	}
	msg, err := a.Site.AccountEmail(notify.AccountMail{To: notify.Person{Name: inv.Name, Email: inv.Email}, Inviter: inviter,
		Community: inv.CommunityName, Role: inv.Role, Link: link, Expires: inv.ExpiresAt}, true)
	if err != nil {
		return err
	}
	msg.MessageID = a.messageID()
	return tx.Enqueue(ctx, &msg)
}

func (a *App) wake() {
	if a.Wake != nil {
		a.Wake()
	}
}

// ListInvitations lists invitations: all of them for staff, those of the
// communities they lead for a lead; anyone else is refused.
func (a *App) ListInvitations(ctx context.Context, actor *model.User, f model.InvitationFilter) ([]*model.Invitation, int, error) {
	scope, err := a.invitationScope(ctx, a.store, actor)
	if err != nil {
		return nil, 0, err
	}
	if err := model.ValidateInvitationStatus("status", f.Status); err != nil {
		return nil, 0, err
	}
	if !scope.admin {
		if len(scope.led) == 0 {
			return nil, 0, forbidden("Only the host organization's staff and community leads can see invitations.")
		}
		f.CommunityIDs = scope.led
	}
	now := a.now()
	list, total, err := a.store.ListInvitations(ctx, f, now)
	for _, inv := range list {
		inv.Status = inv.StatusAt(now)
	}
	return list, total, err
}

// managedInvitation loads an invitation the actor may manage, in tx; one
// they may not is not found.
func (a *App) managedInvitation(ctx context.Context, tx *storage.Tx, actor *model.User, id int64) (*model.Invitation, error) {
	scope, err := a.invitationScope(ctx, tx, actor)
	if err != nil {
		return nil, err
	}
	inv, err := tx.InvitationByID(ctx, id)
	if err != nil || !scope.covers(inv) {
		return nil, model.NotFound(model.EntityInvitation, id)
	}
	inv.Status = inv.StatusAt(a.now())
	return inv, nil
}

// ResendInvitation sends a pending or expired invitation again with a new
// link and a new expiry; the older link stops working.
func (a *App) ResendInvitation(ctx context.Context, actor *model.User, id int64) (*model.Invitation, error) {
	if err := a.requireLinks(); err != nil {
		return nil, err
	}
	var out *model.Invitation
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		inv, err := a.managedInvitation(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if inv.Status == model.InvitationAccepted || inv.Status == model.InvitationRevoked {
			return model.Errorf(model.EConflict, "This invitation was %s; send a new one instead.", inv.Status)
		}
		nonce, hash, err := newNonce()
		if err != nil {
			return err
		}
		if err := tx.ResendInvitation(ctx, id, hash, a.now().Add(model.InvitationValidity)); err != nil {
			return err
		}
		if out, err = tx.InvitationByID(ctx, id); err != nil {
			return err
		}
		out.Status = out.StatusAt(a.now())
		if err := a.sendInvitation(ctx, tx, out, nonce); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "invitation.resend", "invitation", idStr(id), inv, out)
	})
	a.wake()
	return out, err
}

// RevokeInvitation withdraws a pending invitation: its link stops working.
func (a *App) RevokeInvitation(ctx context.Context, actor *model.User, id int64) error {
	return a.inTx(ctx, func(tx *storage.Tx) error {
		inv, err := a.managedInvitation(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		ok, err := tx.RevokeInvitation(ctx, id)
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "This invitation was already %s.", inv.Status)
		}
		return tx.Audit(ctx, actor, "invitation.revoke", "invitation", idStr(id), inv, nil)
	})
}
