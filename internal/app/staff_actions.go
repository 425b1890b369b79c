package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// staffInOpenConsortium is the frame of every staff action in a consortium
// (opening rounds and budget rounds, matching pools, scheduling meetings,
// posting demos): the actor must be staff, then the input must be valid
// (prepare normalizes and validates it; nil for none), then, in one
// transaction, the consortium must exist and still be open before act runs
// with it. The checks run in this order so that people who may not act
// learn nothing from validation.
func (a *App) staffInOpenConsortium(ctx context.Context, actor *model.User, consortiumRef string, prepare func() error,
	act func(tx *storage.Tx, c *model.Consortium) error) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if prepare != nil {
		if err := prepare(); err != nil {
			return err
		}
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		c, err := tx.ConsortiumByRef(ctx, consortiumRef)
		if err != nil {
			return err
		}
		if err := a.requireOpen(c); err != nil {
			return err
		}
		return act(tx, c)
	})
}
