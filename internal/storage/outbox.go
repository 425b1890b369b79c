package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"consortia/internal/model"
)

// Enqueue adds a message to the outbox, in the caller's transaction.
func (q queries) Enqueue(ctx context.Context, m *model.OutboxMessage) error {
	t := now()
	m.CreatedAt, m.NextAttemptAt, m.Status = t, t, model.OutboxPending
	headers := ""
	if len(m.Headers) > 0 {
		b, err := json.Marshal(m.Headers)
		if err != nil {
			return err
		}
		headers = string(b)
	}
	return mapError(q.queryRow(ctx, `INSERT INTO outbox (channel, recipient, user_id, subject, text_body, html_body, payload, headers, message_id,
		status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id`,
		m.Channel, m.Recipient, m.UserID, m.Subject, m.Text, m.HTML, m.Payload, headers, m.MessageID, t, t).Scan(&m.ID))
}

const outboxColumns = `id, channel, recipient, user_id, subject, text_body, html_body, payload, headers, message_id, status, attempts,
	next_attempt_at, last_error, created_at, sent_at`

func scanOutbox(sc interface{ Scan(...any) error }) (*model.OutboxMessage, error) {
	var m model.OutboxMessage
	var uid sql.NullInt64
	var sent sql.NullTime
	var headers string
	if err := sc.Scan(&m.ID, &m.Channel, &m.Recipient, &uid, &m.Subject, &m.Text, &m.HTML, &m.Payload, &headers, &m.MessageID, &m.Status,
		&m.Attempts, &m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent); err != nil {
		return nil, mapError(err)
	}
	if headers != "" {
		if err := json.Unmarshal([]byte(headers), &m.Headers); err != nil {
			return nil, err
		}
	}
	if uid.Valid {
		m.UserID = &uid.Int64
	}
	m.NextAttemptAt, m.CreatedAt, m.SentAt = m.NextAttemptAt.UTC(), m.CreatedAt.UTC(), nullTime(sent)
	return &m, nil
}

// Claim takes up to limit due messages for one worker, for lease. Each
// message is claimed by exactly one worker: PostgreSQL skips rows other
// workers have locked; SQLite's single writer serializes claims. A message
// whose worker died is claimed again when its lease runs out.
func (s *Store) Claim(ctx context.Context, worker string, limit int, lease time.Duration) ([]*model.OutboxMessage, error) {
	t := now()
	lock := ""
	if s.dialect == Postgres {
		lock = " FOR UPDATE SKIP LOCKED"
	}
	var out []*model.OutboxMessage
	err := s.InTx(ctx, func(tx *Tx) error {
		rows, err := tx.query(ctx, `UPDATE outbox SET status = 'sending', locked_by = ?, locked_until = ?, attempts = attempts + 1
			WHERE id IN (SELECT id FROM outbox WHERE (status = 'pending' AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?)
				ORDER BY next_attempt_at, id LIMIT ?`+lock+`)
			RETURNING `+outboxColumns, worker, t.Add(lease), t, t, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			m, err := scanOutbox(rows)
			if err != nil {
				return err
			}
			out = append(out, m)
		}
		return mapError(rows.Err())
	})
	return out, err
}

// MarkSent records a delivery.
func (q queries) MarkSent(ctx context.Context, id int64, worker string, d time.Duration) error {
	t := now()
	if _, err := q.exec(ctx, `UPDATE outbox SET status = 'sent', sent_at = ?, last_error = '', locked_until = NULL WHERE id = ? AND locked_by = ?`, t, id, worker); err != nil {
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO delivery_attempts (outbox_id, worker, at, ok, duration_ms) VALUES (?, ?, ?, TRUE, ?)`, id, worker, t, d.Milliseconds())
	return err
}

// MarkFailed records a failed attempt: retried at next, or — when next is
// nil — failed for good, for an admin to look at.
func (q queries) MarkFailed(ctx context.Context, id int64, worker, msg string, next *time.Time, d time.Duration) error {
	t := now()
	var err error
	if next == nil {
		_, err = q.exec(ctx, `UPDATE outbox SET status = 'failed', last_error = ?, locked_until = NULL WHERE id = ? AND locked_by = ?`, msg, id, worker)
	} else {
		_, err = q.exec(ctx, `UPDATE outbox SET status = 'pending', last_error = ?, next_attempt_at = ?, locked_until = NULL WHERE id = ? AND locked_by = ?`,
			msg, next.UTC(), id, worker)
	}
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, `INSERT INTO delivery_attempts (outbox_id, worker, at, ok, error, duration_ms) VALUES (?, ?, ?, FALSE, ?, ?)`, id, worker, t, msg, d.Milliseconds())
	return err
}

// Retry puts failed messages (all, or one by id) back in the queue.
func (q queries) Retry(ctx context.Context, id int64) (int64, error) {
	query, args := `UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0 WHERE status = 'failed'`, []any{now()}
	if id != 0 {
		query += ` AND id = ?`
		args = append(args, id)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// OutboxStats counts messages by status and channel.
type OutboxStats struct {
	Pending, Sending, Sent, Failed int
	ByChannel                      map[string]int
	OldestPending                  *time.Time
}

// OutboxStatus summarizes the queue.
func (q queries) OutboxStatus(ctx context.Context) (OutboxStats, error) {
	st := OutboxStats{ByChannel: map[string]int{}}
	rows, err := q.query(ctx, `SELECT status, channel, COUNT(*) FROM outbox GROUP BY status, channel`)
	if err != nil {
		return st, err
	}
	for rows.Next() {
		var status, channel string
		var n int
		if err := rows.Scan(&status, &channel, &n); err != nil {
			rows.Close()
			return st, mapError(err)
		}
		switch status {
		case model.OutboxPending:
			st.Pending += n
		case model.OutboxSending:
			st.Sending += n
		case model.OutboxSent:
			st.Sent += n
		case model.OutboxDead:
			st.Failed += n
		}
		st.ByChannel[channel] += n
	}
	rows.Close()
	// ORDER BY rather than MIN(): SQLite returns aggregates as text.
	var oldest time.Time
	err = q.queryRow(ctx, `SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY created_at LIMIT 1`).Scan(&oldest)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, mapError(err)
	}
	oldest = oldest.UTC()
	st.OldestPending = &oldest
	return st, nil
}

// ListOutbox lists messages with a status ("" for all), newest first.
func (q queries) ListOutbox(ctx context.Context, status string, p model.Page) ([]*model.OutboxMessage, int, error) {
	where, args := "1=1", []any{}
	if status != "" {
		where, args = "status = ?", []any{status}
	}
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM outbox WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	p = p.Normalize()
	rows, err := q.query(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, p.Size, p.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []*model.OutboxMessage
	for rows.Next() {
		m, err := scanOutbox(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, mapError(rows.Err())
}

// OutboxMessage returns one message.
func (q queries) OutboxMessage(ctx context.Context, id int64) (*model.OutboxMessage, error) {
	return scanOutbox(q.queryRow(ctx, `SELECT `+outboxColumns+` FROM outbox WHERE id = ?`, id))
}

// DiscardUndelivered drops every message still waiting in the outbox and
// retires the notifications waiting for a digest: the demo's sample history
// happened before anyone could read it, so none of it is mailed.
func (q queries) DiscardUndelivered(ctx context.Context) error {
	if _, err := q.exec(ctx, `UPDATE notifications SET state = 'retired' WHERE state = 'pending'`); err != nil {
		return err
	}
	_, err := q.exec(ctx, `DELETE FROM outbox WHERE status = 'pending'`)
	return err
}
