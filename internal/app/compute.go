package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"consortia/internal/model"
)

// Limits of the computations a request runs while the caller waits (the
// uploads to /funding/budget/allocate, /funding/resolve and /funding/match).
// The offline commands (`consortia budget`, `pledges resolve`, `match`) run
// the same code without them.
const (
	// MaxSyncBudgetCells bounds projects × ballots of an uploaded .pb file:
	// one MES run costs about that much per pick.
	MaxSyncBudgetCells = 1_000_000
	// MaxSyncPledges bounds the pledges and matching offers of a resolve
	// document (rule-based pledges can need a resolution round per removal).
	MaxSyncPledges = 5_000
	// MaxSyncContributions bounds the contributions of a match document (a
	// cap can need one round over all recipients per capped recipient).
	MaxSyncContributions = 20_000
	// SyncComputeTimeout stops a computation that still runs this long after
	// it started, before the server's 60-second write timeout.
	SyncComputeTimeout = 45 * time.Second
)

// computeGuard lets each person run one computation of a kind at a time, in
// this process: a second request while the first runs gets 429 instead of
// another CPU core.
type computeGuard struct {
	mu      sync.Mutex
	running map[computeKey]bool
}

type computeKey struct {
	user int64
	kind string
}

// startComputation reserves the actor's slot for kind and returns a context
// bounded by SyncComputeTimeout; done releases both. what names the
// computation for people ("allocation").
func (a *App) startComputation(ctx context.Context, actor *model.User, kind, what string) (context.Context, func(), error) {
	g := &a.computing
	k := computeKey{actor.ID, kind}
	g.mu.Lock()
	if g.running[k] {
		g.mu.Unlock()
		return nil, nil, model.Errorf(model.ERateLimited,
			"Another %s of yours is still running; one runs at a time per person. Wait for it to finish, then try again.", what)
	}
	if g.running == nil {
		g.running = map[computeKey]bool{}
	}
	g.running[k] = true
	g.mu.Unlock()
	ctx, cancel := context.WithTimeout(ctx, SyncComputeTimeout)
	return ctx, func() {
		cancel()
		g.mu.Lock()
		delete(g.running, k)
		g.mu.Unlock()
	}, nil
}

// tooLargeToCompute is the problem for an input over a synchronous limit:
// what the input has (size, e.g. "1,001 projects × 1,000 ballots", or ""
// for got in the measure's unit), the measure the limit is in and the limit.
func tooLargeToCompute(field, size, measure string, got, limit int64, offline string) error {
	if size == "" {
		size = groupThousands(got) + " " + measure
	} else {
		size += " (" + groupThousands(got) + ")"
	}
	msg := fmt.Sprintf("This input has %s; requests are limited to %s %s. Run `%s` offline for larger inputs.",
		size, groupThousands(limit), measure, offline)
	return &model.Error{Code: model.ETooLarge, Message: msg, Fields: []model.FieldError{{Field: field, Message: msg}}}
}

// computationStopped turns a stopped computation into the caller's answer:
// the timeout becomes a 413 problem; a cancelled request (the client went
// away) keeps context.Canceled. Other errors are returned unchanged.
func computationStopped(err error, offline string) error {
	if errors.Is(err, context.DeadlineExceeded) {
		return model.Errorf(model.ETooLarge, "The computation was stopped after %d seconds. Run `%s` offline for inputs this large.",
			int(SyncComputeTimeout.Seconds()), offline)
	}
	return err
}

func stoppedByContext(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func groupThousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
