package app

import "context"

// Ping checks that the database answers (for the readiness check).
func (a *App) Ping(ctx context.Context) error { return a.store.Ping(ctx) }
