package delivery

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Worker drains the outbox: it claims due messages (each claimed by exactly
// one worker, across app instances), sends them, and records every attempt.
// Each message is claimed again right before it is sent and recorded the
// moment it is sent, so a receiver gets it once (storage.Claim tells how).
// Failures are retried with exponential backoff; permanent failures and
// messages out of attempts wait for an admin.
type Worker struct {
	Store   *storage.Store
	Senders map[string]Sender // by channel: email, slack, webhook
	ID      string
	Batch   int
	// Lease is how long a claim holds a message. The worker renews it every
	// Heartbeat (default: a third of it) while the batch lasts; when a
	// worker stops, others take its messages once it runs out. It must be
	// longer than SendTimeout, so a message whose send began is never
	// claimed again before that send has surely ended; the difference
	// covers recording the result and clock differences between instances.
	Lease       time.Duration
	Heartbeat   time.Duration
	SendTimeout time.Duration // bounds the send of one message
	MaxAttempts int
	// BaseBackoff is the wait after the first failure; it doubles with each
	// attempt up to MaxBackoff.
	BaseBackoff time.Duration
	MaxBackoff  time.Duration
	// Now is the clock retries are scheduled by (time.Now when nil); a
	// test sets it back to make every retry due at once, without waiting.
	Now func() time.Time
	Log *slog.Logger
	// Wake, when signalled, makes Run look for work at once.
	Wake chan struct{}
}

// NewWorker returns a worker with production settings.
func NewWorker(store *storage.Store, senders map[string]Sender, log *slog.Logger) *Worker {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Worker{Store: store, Senders: senders, ID: "worker-" + hex.EncodeToString(b[:]), Batch: 100, Lease: 2 * time.Minute,
		SendTimeout: 30 * time.Second, MaxAttempts: 10, BaseBackoff: 30 * time.Second, MaxBackoff: 6 * time.Hour, Log: log,
		Wake: make(chan struct{}, 1)}
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

func (w *Worker) now() time.Time {
	if w.Now != nil {
		return w.Now()
	}
	return time.Now()
}

// Result counts what one pass did.
type Result struct {
	Claimed, Sent, Retrying, Failed int
	// Skipped counts claimed messages another worker took over (or had
	// sent) before this one began sending them.
	Skipped int
}

func (r *Result) add(o Result) {
	r.Claimed += o.Claimed
	r.Sent += o.Sent
	r.Retrying += o.Retrying
	r.Failed += o.Failed
	r.Skipped += o.Skipped
}

// RunOnce claims one batch and delivers it.
func (w *Worker) RunOnce(ctx context.Context) (Result, error) {
	var res Result
	if w.SendTimeout <= 0 || w.Lease <= w.SendTimeout {
		return res, fmt.Errorf("outbox worker: the lease (%s) must be longer than the send timeout (%s)", w.Lease, w.SendTimeout)
	}
	msgs, err := w.Store.Claim(ctx, w.ID, w.Batch, w.Lease)
	if err != nil || len(msgs) == 0 {
		return res, err
	}
	res.Claimed = len(msgs)
	stopHeartbeat := w.heartbeat(ctx)
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
			r := w.deliver(ctx, channel, batch)
			mu.Lock()
			res.add(r)
			mu.Unlock()
		}()
	}
	wg.Wait()
	stopHeartbeat()
	// Messages this pass never began (it was stopped) go back in the queue
	// now rather than when the lease runs out.
	if err := w.Store.Release(context.WithoutCancel(ctx), w.ID); err != nil {
		w.Log.Warn("releasing unsent outbox messages", "err", err)
	}
	return res, nil
}

// heartbeat renews the lease of the worker's messages until stopped.
func (w *Worker) heartbeat(ctx context.Context) (stop func()) {
	every := w.Heartbeat
	if every <= 0 {
		every = w.Lease / 3
	}
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if err := w.Store.ExtendLeases(ctx, w.ID, w.Lease); err != nil && ctx.Err() == nil {
					w.Log.Warn("renewing the outbox lease", "err", err)
				}
			}
		}
	}()
	return func() { cancel(); <-done }
}

// deliver hands one channel's messages to its sender, claiming each right
// before it is sent and recording each outcome at once.
func (w *Worker) deliver(ctx context.Context, channel string, msgs []*model.OutboxMessage) Result {
	var res Result
	done := func(m *model.OutboxMessage, err error, d time.Duration) {
		switch w.record(ctx, m, err, d) {
		case model.OutboxSent:
			res.Sent++
		case model.OutboxPending:
			res.Retrying++
		default:
			res.Failed++
		}
	}
	sender := w.Senders[channel]
	if sender == nil {
		for _, m := range msgs {
			done(m, &PermanentError{Err: errNoSender(channel)}, 0)
		}
		return res
	}
	var started time.Time
	sender.Send(ctx, Batch{Messages: msgs, Timeout: w.SendTimeout,
		Begin: func(m *model.OutboxMessage) bool {
			ok, err := w.Store.BeginSend(ctx, m.ID, w.ID, m.Attempts, w.Lease)
			if err != nil {
				w.Log.Warn("claiming an outbox message to send it", "id", m.ID, "err", err)
			} else if !ok {
				w.Log.Info("skipped an outbox message another worker took over", "id", m.ID)
				res.Skipped++
			}
			if ok {
				started = time.Now()
			}
			return ok
		},
		Done: func(m *model.OutboxMessage, err error) {
			var d time.Duration
			if !started.IsZero() {
				d, started = time.Since(started), time.Time{}
			}
			done(m, err, d)
		}})
	return res
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
		t := w.now().Add(w.Backoff(m.Attempts))
		next, status = &t, model.OutboxPending
	}
	if e := w.Store.MarkFailed(rctx, m.ID, w.ID, m.Attempts, err.Error(), next, d); e != nil {
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
		total.add(r)
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
