package auth

import (
	"context"
	"errors"
	"time"
)

// ErrBusy means every hashing slot stayed taken for the whole wait.
var ErrBusy = errors.New("password hashing is at capacity")

// Gate bounds how many password hashes run at once. Each argon2id call
// holds its memory cost (19 MiB by default) for its whole run, so without a
// bound a burst of simultaneous sign-ins grows memory without limit; with
// one slot per CPU the extra requests would only wait for a core anyway.
type Gate struct {
	slots chan struct{}
	wait  time.Duration
}

// NewGate allows n hashes at once; a caller waits at most wait for a slot.
func NewGate(n int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(n, 1)), wait: wait}
}

// Do runs fn in a slot. It returns ErrBusy when no slot frees up within the
// gate's wait, or the context's error when the caller gives up first. A
// nil gate runs fn at once.
func (g *Gate) Do(ctx context.Context, fn func()) error {
	if g == nil {
		fn()
		return nil
	}
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-t.C:
			return ErrBusy
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	defer func() { <-g.slots }()
	fn()
	return nil
}

// Wait is how long a caller may wait for a slot, a fair Retry-After for
// callers turned away.
func (g *Gate) Wait() time.Duration { return g.wait }
