package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"sync"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Worker drains the outbox: it claims due messages (each claimed by exactly
// one worker, across app instances), sends them, and records every attempt.
// Failures are retried with exponential backoff; permanent failures and
// messages out of attempts wait for an admin.
type Worker struct {
	Store       *storage.Store
	Senders     map[string]Sender // by channel: email, slack, webhook
	ID          string
	Batch       int
	Lease       time.Duration
	MaxAttempts int
	// BaseBackoff is the wait after the first failure; it doubles with each
	// attempt up to MaxBackoff.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	Log         *slog.Logger
	// Wake, when signalled, makes Run look for work at once.
	Wake chan struct{}
}

// NewWorker returns a worker with production settings.
func NewWorker(store *storage.Store, senders map[string]Sender, log *slog.Logger) *Worker {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Worker{Store: store, Senders: senders, ID: "worker-" + hex.EncodeToString(b[:]), Batch: 100, Lease: 5 * time.Minute,
		MaxAttempts: 10, BaseBackoff: 30 * time.Second, MaxBackoff: 6 * time.Hour, Log: log, Wake: make(chan struct{}, 1)}
}

// Backoff is the wait before retrying after the given number of attempts.
func (w *Worker) Backoff(attempts int) time.Duration {
	d := w.BaseBackoff
	for i := 1; i < attempts && d < w.MaxBackoff; i++ {
		d *= 2
	}
	if d > w.MaxBackoff {
		d = w.MaxBackoff
	}
	return d
}

// Result counts what one pass did.
type Result struct {
	Claimed, Sent, Retrying, Failed int
}

// RunOnce claims one batch and delivers it.
func (w *Worker) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	msgs, err := w.Store.Claim(ctx, w.ID, w.Batch, w.Lease)
	if err != nil || len(msgs) == 0 {
		return res, err
	}
	res.Claimed = len(msgs)
	byChannel := map[string][]*model.OutboxMessage{}
	for _, m := range msgs {
		byChannel[m.Channel] = append(byChannel[m.Channel], m)
	}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for channel, batch := range byChannel {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sender := w.Senders[channel]
			start := time.Now()
			var errs []error
			if sender == nil {
				errs = make([]error, len(batch))
				for i := range errs {
					errs[i] = &PermanentError{Err: errNoSender(channel)}
				}
			} else {
				errs = sender.Send(ctx, batch)
			}
			d := time.Since(start) / time.Duration(len(batch))
			for i, m := range batch {
				r := w.record(ctx, m, errs[i], d)
				mu.Lock()
				switch r {
				case model.OutboxSent:
					res.Sent++
				case model.OutboxPending:
					res.Retrying++
				default:
					res.Failed++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return res, nil
}

type errNoSender string

func (e errNoSender) Error() string {
	return "no sender is configured for the " + string(e) + " channel"
}

func (w *Worker) record(ctx context.Context, m *model.OutboxMessage, err error, d time.Duration) string {
	// Recording must happen even when ctx is being cancelled: the message
	// went out (or not) and the queue must say so.
	rctx := context.WithoutCancel(ctx)
	if err == nil {
		if e := w.Store.MarkSent(rctx, m.ID, w.ID, d); e != nil {
			w.Log.Error("recording a delivery", "id", m.ID, "err", e)
		}
		return model.OutboxSent
	}
	var next *time.Time
	status := model.OutboxDead
	if !IsPermanent(err) && m.Attempts < w.MaxAttempts {
		t := time.Now().Add(w.Backoff(m.Attempts))
		next, status = &t, model.OutboxPending
	}
	if e := w.Store.MarkFailed(rctx, m.ID, w.ID, err.Error(), next, d); e != nil {
		w.Log.Error("recording a failed delivery", "id", m.ID, "err", e)
	}
	level := slog.LevelWarn
	if status == model.OutboxDead {
		level = slog.LevelError
	}
	w.Log.Log(ctx, level, "delivery failed", "id", m.ID, "channel", m.Channel, "attempt", m.Attempts, "permanent", status == model.OutboxDead, "err", err)
	return status
}

// Drain delivers until nothing is due.
func (w *Worker) Drain(ctx context.Context) (Result, error) {
	var total Result
	for {
		r, err := w.RunOnce(ctx)
		total.Claimed += r.Claimed
		total.Sent += r.Sent
		total.Retrying += r.Retrying
		total.Failed += r.Failed
		if err != nil || r.Claimed == 0 || ctx.Err() != nil {
			return total, err
		}
	}
}

// Run delivers until ctx ends, looking for work every interval or when woken.
func (w *Worker) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Log.Warn("outbox worker", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.Wake:
		}
	}
}
