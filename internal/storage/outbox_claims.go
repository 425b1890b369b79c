package storage

import (
	"context"
	"database/sql"
	"slices"
	"time"

	"consortia/internal/model"
)

// How a message moves through a worker, so that a receiver gets it once:
//
//  1. Claim reserves a batch for one worker for a lease (the worker's
//     heartbeat, ExtendLeases, keeps it while the batch lasts).
//  2. BeginSend claims each message again, on its own, right before it is
//     sent: only while that worker's claim still holds it and nobody has
//     recorded it sent. It holds the message for a whole lease, longer than
//     any send may take, so nobody else can claim it until the send has
//     surely ended.
//  3. MarkSent records the delivery at once, whoever holds the message by
//     then; MarkFailed changes the message only if the claim still holds it.

// Claim takes up to limit due messages for one worker, for lease. Each
// message is claimed by exactly one worker: PostgreSQL skips rows other
// workers have locked; SQLite's single writer serializes claims. A message
// whose worker stopped is claimed again when its lease runs out; if that
// worker had begun sending it, the claim records an interrupted send.
// Webhook posts come with their hook's secret, to be signed when sent.
func (s *Store) Claim(ctx context.Context, worker string, limit int, lease time.Duration) ([]*model.OutboxMessage, error) {
	t := now()
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []*model.OutboxMessage
	err := s.InTx(ctx, func(tx *Tx) error {
		var ids []int64
		interrupted := map[int64]string{} // message → the worker that stopped mid-send
		if err := tx.eachRow(ctx, `SELECT id, locked_by, status = 'sending' AND send_started_at IS NOT NULL FROM outbox
			WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?)
			ORDER BY next_attempt_at, id LIMIT ?`+lock, []any{t, t, limit}, func(rows *sql.Rows) error {
			var id int64
			var holder string
			var inFlight bool
			if err := rows.Scan(&id, &holder, &inFlight); err != nil {
				return err
			}
			ids = append(ids, id)
			if inFlight {
				interrupted[id] = holder
			}
			return nil
		}); err != nil || len(ids) == 0 {
			return err
		}
		for id, holder := range interrupted {
			if _, err := tx.exec(ctx, `INSERT INTO delivery_attempts (outbox_id, worker, at, ok, error, duration_ms) VALUES (?, ?, ?, FALSE, ?, 0)`,
				id, holder, t, interruptedNote); err != nil {
				return err
			}
		}
		in, args := placeholders(ids)
		claimed, err := collect(ctx, tx.queries, func(rows scanner) (*model.OutboxMessage, error) {
			var secret string
			m, err := scanOutbox(rows, &secret)
			if err != nil {
				return nil, err
			}
			m.SigningSecret = secret
			return m, nil
		}, `UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1,
			interrupted_sends = interrupted_sends + CASE WHEN status = 'sending' AND send_started_at IS NOT NULL THEN 1 ELSE 0 END,
			last_error = CASE WHEN status = 'sending' AND send_started_at IS NOT NULL THEN ? ELSE last_error END,
			send_started_at = NULL
			WHERE id IN (`+in+`) RETURNING `+outboxColumns+`, COALESCE((SELECT secret FROM hooks WHERE hooks.id = outbox.hook_id), '')`,
			append([]any{worker, t.Add(lease), interruptedNote}, args...)...)
		if err != nil {
			return err
		}
		// RETURNING keeps no order: due first, as selected.
		slices.SortFunc(claimed, func(a, b *model.OutboxMessage) int { return slices.Index(ids, a.ID) - slices.Index(ids, b.ID) })
		out = claimed
		return nil
	})
	return out, err
}

const interruptedNote = "The worker stopped after it began sending and before it recorded the result: the receiver may have this message twice."

// BeginSend claims one message of a worker's batch right before it is sent.
// It succeeds only while the worker's claim (its attempt number) still holds
// the message and nobody has recorded it sent; it marks the send in flight
// and holds the message for lease, which must be longer than a send may
// take. false: skip the message.
func (q queries) BeginSend(ctx context.Context, id int64, worker string, attempt int, lease time.Duration) (bool, error) {
	t := now()
	res, err := q.exec(ctx, `UPDATE outbox SET locked_until = ?, send_started_at = ? WHERE id = ? AND status = 'sending' AND locked_by = ? AND attempts = ?`,
		t.Add(lease), t, id, worker, attempt)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ExtendLeases is a worker's heartbeat: the messages it still holds are
// held for another lease.
func (q queries) ExtendLeases(ctx context.Context, worker string, lease time.Duration) error {
	_, err := q.exec(ctx, `UPDATE outbox SET locked_until = ? WHERE status = 'sending' AND locked_by = ?`, now().Add(lease), worker)
	return err
}

// MarkSent records a delivery whoever holds the message by now: it went
// out, so the queue must say so, and no later BeginSend will send it again.
func (s *Store) MarkSent(ctx context.Context, id int64, worker string, d time.Duration) error {
	return s.InTx(ctx, func(tx *Tx) error {
		t := now()
		if _, err := tx.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = COALESCE(sent_at, ?), last_error = '', locked_until = NULL,
			send_started_at = NULL WHERE id = ?`, t, id); err != nil {
			return err
		}
		_, err := tx.exec(ctx, `INSERT INTO delivery_attempts (outbox_id, worker, at, ok, duration_ms) VALUES (?, ?, ?, TRUE, ?)`, id, worker, t, d.Milliseconds())
		return err
	})
}

// MarkFailed records a failed attempt of a worker's claim (attempt): the
// message is retried at next, or — when next is nil — failed for good, for
// an admin to look at. A message another worker has taken over, or that is
// recorded sent, keeps its state; the attempt is recorded either way.
func (s *Store) MarkFailed(ctx context.Context, id int64, worker string, attempt int, msg string, next *time.Time, d time.Duration) error {
	return s.InTx(ctx, func(tx *Tx) error {
		t := now()
		const mine = ` WHERE id = ? AND status = 'sending' AND locked_by = ? AND attempts = ?`
		var err error
		if next == nil {
			_, err = tx.exec(ctx, `UPDATE outbox SET status = 'failed', last_error = ?, locked_until = NULL, send_started_at = NULL`+mine,
				msg, id, worker, attempt)
		} else {
			_, err = tx.exec(ctx, `UPDATE outbox SET status = 'pending', last_error = ?, next_attempt_at = ?, locked_until = NULL, send_started_at = NULL`+mine,
				msg, next.UTC(), id, worker, attempt)
		}
		if err != nil {
			return err
		}
		_, err = tx.exec(ctx, `INSERT INTO delivery_attempts (outbox_id, worker, at, ok, error, duration_ms) VALUES (?, ?, ?, FALSE, ?, ?)`,
			id, worker, t, msg, d.Milliseconds())
		return err
	})
}

// Release puts back in the queue the messages a worker claimed and never
// began sending (it was stopped), undoing their claim.
func (q queries) Release(ctx context.Context, worker string) error {
	_, err := q.exec(ctx, `UPDATE outbox SET status = 'pending', locked_until = NULL, attempts = attempts - 1
		WHERE status = 'sending' AND locked_by = ? AND send_started_at IS NULL`, worker)
	return err
}
