// Package app holds consortia's use cases: each checks who may do it,
// validates the input, writes in one transaction and records the write in the
// audit log. The web UI, the JSON API and the command line all call it, so
// they enforce the same rules.
package app

import (
	"context"
	"log/slog"
	"time"

	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// LoginLimits bound failed sign-ins within Window.
type LoginLimits struct {
	Window     time.Duration
	PerAccount int
	PerAddress int
}

// DefaultLoginLimits allow 5 failures per account and 20 per address in 15
// minutes.
var DefaultLoginLimits = LoginLimits{Window: 15 * time.Minute, PerAccount: 5, PerAddress: 20}

// App is the application service.
type App struct {
	Store       *storage.Store
	Password    auth.Params
	LoginLimits LoginLimits
	Log         *slog.Logger
	// Clock tells the time rounds open and close by; tests set it.
	Clock func() time.Time
	// Site is where messages link to and how their links are signed; set
	// by ConfigureNotifications. Without it events are recorded but no
	// message is composed.
	Site notify.Site
	// Wake, when set, tells the outbox worker there is work.
	Wake func()

	computing computeGuard // one uploaded computation per person and kind
}

func (a *App) now() time.Time {
	if a.Clock != nil {
		return a.Clock()
	}
	return time.Now()
}

// New returns an App with default settings.
func New(store *storage.Store, log *slog.Logger) *App {
	return &App{Store: store, Password: auth.DefaultParams, LoginLimits: DefaultLoginLimits, Log: log}
}

func forbidden(format string, args ...any) error {
	return model.Errorf(model.EForbidden, format, args...)
}

func requireSignIn(actor *model.User) error {
	if actor == nil {
		return model.Errorf(model.EUnauthorized, "Please sign in.")
	}
	if actor.DisabledAt != nil {
		return forbidden("This account is disabled.")
	}
	return nil
}

func requireAdmin(actor *model.User) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	if !actor.IsAdmin() {
		return forbidden("Only staff of the host organization can do this.")
	}
	return nil
}

func (a *App) inTx(ctx context.Context, fn func(tx *storage.Tx) error) error {
	return a.Store.InTx(ctx, fn)
}
