package app

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// Authenticate checks an email and password. The attempt is counted before
// the password is hashed, atomically in the database (so every app instance
// and every concurrent request sees it): per address, per account and
// address, and per account (see LoginLimits). A successful sign-in gives
// its attempt back.
func (a *App) Authenticate(ctx context.Context, email, password, address string) (*model.User, error) {
	if err := a.requirePasswords(); err != nil {
		return nil, err
	}
	if err := checkSignInEmail(email); err != nil {
		return nil, err
	}
	account := model.NormalizeEmail(email)
	b := signInBuckets(account, address)
	n, err := a.reserveSignIn(ctx, b)
	if err != nil {
		return nil, err
	}
	if err := sleep(ctx, a.LoginLimits.accountDelay(n)); err != nil {
		return nil, err
	}
	u, err := a.verifySignIn(ctx, account, password)
	if model.ErrorCode(err) == model.ERateLimited {
		// Turned away before checking: the attempt does not count.
		return nil, errors.Join(err, a.releaseSignIn(ctx, b))
	}
	if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, forbidden("This account is disabled. Ask the host organization's staff to enable it.")
	}
	if err := a.releaseSignIn(ctx, b); err != nil {
		return nil, err
	}
	if err := a.store.ClearLoginSlots(ctx, b.pair); err != nil {
		return nil, err
	}
	return u, a.store.TouchLogin(ctx, u.ID)
}

// verifySignIn checks the password of an account, answering the same for
// an unknown account as for a wrong password.
func (a *App) verifySignIn(ctx context.Context, account, password string) (*model.User, error) {
	wrong := model.Errorf(model.EUnauthorized, "The email or password is not correct.")
	u, err := a.store.UserByEmail(ctx, account)
	if model.ErrorCode(err) == model.ENotFound {
		// Hash anyway so the response time does not reveal which
		// addresses have accounts.
		if _, err := a.hashPassword(ctx, password); err != nil {
			return nil, err
		}
		return nil, wrong
	}
	if err != nil {
		return nil, err
	}
	hash, err := a.store.PasswordHash(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	if hash == "" {
		return nil, wrong
	}
	ok, err := a.checkPassword(ctx, password, hash)
	if model.ErrorCode(err) == model.ERateLimited {
		return nil, err
	}
	if err != nil || !ok {
		return nil, wrong
	}
	return u, nil
}

// signInLimitBuckets name the counters of one sign-in attempt. Accounts
// and addresses are hashed: the names stay short whatever was typed, and
// the table holds no email addresses.
type signInLimitBuckets struct{ address, pair, account string }

func signInBuckets(account, address string) signInLimitBuckets {
	return signInLimitBuckets{
		address: limitBucket("address", address),
		pair:    limitBucket("pair", address, account),
		account: limitBucket("account", account),
	}
}

func limitBucket(kind string, parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return kind + ":" + hex.EncodeToString(h.Sum(nil)[:16])
}

// reserveSignIn takes the attempt in all three counters in one transaction
// and returns the account's count. A refused attempt rolls back, so it
// takes nothing.
func (a *App) reserveSignIn(ctx context.Context, b signInLimitBuckets) (int, error) {
	l := a.LoginLimits
	var n int
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		// Always the same order (address, pair, account), so two
		// transactions never wait for each other's rows in a cycle.
		if err := takeSlot(ctx, tx, b.address, l.Window, l.PerAddress, "Too many sign-in attempts from your network."); err != nil {
			return err
		}
		if err := takeSlot(ctx, tx, b.pair, l.Window, l.PerPair, "Too many failed sign-in attempts for this account."); err != nil {
			return err
		}
		var err error
		n, _, err = tx.TakeLoginSlot(ctx, b.account, l.Window)
		return err
	})
	return n, err
}

// takeSlot counts an attempt in a bucket and refuses it past limit.
func takeSlot(ctx context.Context, tx *storage.Tx, bucket string, window time.Duration, limit int, why string) error {
	n, resets, err := tx.TakeLoginSlot(ctx, bucket, window)
	if err != nil {
		return err
	}
	if n <= limit {
		return nil
	}
	wait := max(time.Until(resets), time.Second)
	return model.RateLimited(wait, "%s Please wait %s and try again.", why, minutes(wait))
}

func minutes(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m == 1 {
		return "a minute"
	}
	return strconv.Itoa(m) + " minutes"
}

// releaseSignIn gives back an attempt that was not a failed guess.
func (a *App) releaseSignIn(ctx context.Context, b signInLimitBuckets) error {
	ctx = context.WithoutCancel(ctx)
	return errors.Join(a.store.ReleaseLoginSlot(ctx, b.address), a.store.ReleaseLoginSlot(ctx, b.pair),
		a.store.ReleaseLoginSlot(ctx, b.account))
}

// accountDelay is how long the nth attempt on one account in a window
// waits before its password is checked: nothing for the first
// FreePerAccount, then DelayBase doubling up to DelayMax. Slowing instead
// of refusing means a flood of guesses from many addresses costs the owner
// seconds, never the account.
func (l LoginLimits) accountDelay(n int) time.Duration {
	over := n - l.FreePerAccount
	if over <= 0 || l.DelayBase <= 0 {
		return 0
	}
	d := l.DelayBase
	for i := 1; i < over && d < l.DelayMax; i++ {
		d *= 2
	}
	return min(d, l.DelayMax)
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// hashPassword hashes a new password in a hashing slot.
func (a *App) hashPassword(ctx context.Context, password string) (string, error) {
	var hash string
	var err error
	if gerr := a.Hashing.Do(ctx, func() { hash, err = auth.HashPassword(password, a.Password) }); gerr != nil {
		return "", a.hashingBusy(gerr)
	}
	return hash, err
}

// checkPassword compares a password with a hash in a hashing slot.
func (a *App) checkPassword(ctx context.Context, password, hash string) (bool, error) {
	var ok bool
	var err error
	if gerr := a.Hashing.Do(ctx, func() { ok, err = auth.CheckPassword(password, hash) }); gerr != nil {
		return false, a.hashingBusy(gerr)
	}
	return ok, err
}

func (a *App) hashingBusy(err error) error {
	if errors.Is(err, auth.ErrBusy) {
		return model.RateLimited(a.Hashing.Wait(), "The server is busy checking other passwords. Please try again in a moment.")
	}
	return err
}
