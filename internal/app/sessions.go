package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// SignOutEverywhere ends every session of the actor, this one included.
// API tokens are listed on the account page and revoked there.
func (a *App) SignOutEverywhere(ctx context.Context, actor *model.User) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if _, err := tx.EndSessions(ctx, actor.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "user.sign_out_everywhere", "user", idStr(actor.ID), nil, nil)
	})
}

// NewCalendarKey gives the actor a new calendar key; every calendar link
// made with an older one stops working.
func (a *App) NewCalendarKey(ctx context.Context, actor *model.User) (*model.User, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var u *model.User
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if u, err = tx.RotateCalendarKey(ctx, actor.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "user.calendar_key_rotate", "user", idStr(actor.ID), nil, nil)
	})
	return u, err
}

// endEverything ends a person's sessions, API tokens and calendar links,
// and returns the person as they now are.
func endEverything(ctx context.Context, tx *storage.Tx, id int64) (*model.User, error) {
	if _, err := tx.EndSessions(ctx, id); err != nil {
		return nil, err
	}
	if _, err := tx.DeleteAPITokensOfUser(ctx, id); err != nil {
		return nil, err
	}
	return tx.RotateCalendarKey(ctx, id)
}
