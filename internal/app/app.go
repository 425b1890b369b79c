// Package app holds consortia's use cases: each checks who may do it,
// validates the input, writes in one transaction and records the write in the
// audit log. The web UI, the JSON API and the command line all call it, so
// they enforce the same rules.
package app

import (
	"context"
	"log/slog"
	"runtime"
	"time"

	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// LoginLimits bound sign-in attempts within Window. An address may try
// PerPair times per account and PerAddress times in all; past that it is
// refused until the window ends. Attempts on one account from everywhere
// are never refused (a stranger must not be able to lock the owner out):
// past FreePerAccount each waits a delay that doubles from DelayBase up to
// DelayMax.
type LoginLimits struct {
	Window         time.Duration
	PerPair        int
	PerAddress     int
	FreePerAccount int
	DelayBase      time.Duration
	DelayMax       time.Duration
}

// DefaultLoginLimits allow 5 attempts per account and address and 20 per
// address in 15 minutes, and slow an account down after 5 attempts.
var DefaultLoginLimits = LoginLimits{
	Window: 15 * time.Minute, PerPair: 5, PerAddress: 20,
	FreePerAccount: 5, DelayBase: time.Second, DelayMax: 10 * time.Second,
}

// App is the application service.
type App struct {
	store       *storage.Store
	Password    auth.Params
	LoginLimits LoginLimits
	// Hashing bounds how many password hashes run at once.
	Hashing *auth.Gate
	Log     *slog.Logger
	// Clock tells the time rounds open and close by; tests set it.
	Clock func() time.Time
	// Site is where messages link to and how their links are signed; set
	// by ConfigureNotifications. Without it events are recorded but no
	// message is composed.
	Site notify.Site
	// Wake, when set, tells the outbox worker there is work.
	Wake func()
	// SignIn says whether passwords work and who may sign up with a
	// provider (external_signin.go).
	SignIn SignInOptions

	computing computeGuard // one uploaded computation per person and kind
	tokens    tokenCache   // recently checked API tokens
}

func (a *App) now() time.Time {
	if a.Clock != nil {
		return a.Clock()
	}
	return time.Now()
}

// New returns an App with default settings.
func New(store *storage.Store, log *slog.Logger) *App {
	return &App{store: store, Password: auth.DefaultParams, LoginLimits: DefaultLoginLimits,
		Hashing: auth.NewGate(runtime.NumCPU(), 2*time.Second), Log: log}
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

// RequireAdmin refuses anyone but enabled staff: the rule every staff use
// case applies, for pages open to staff only to ask before loading anything.
func RequireAdmin(actor *model.User) error { return requireAdmin(actor) }

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
	return a.store.InTx(ctx, fn)
}
