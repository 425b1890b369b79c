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
		hook_id, status, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?) RETURNING id`,
		m.Channel, m.Recipient, m.UserID, m.Subject, m.Text, m.HTML, m.Payload, headers, m.MessageID, m.HookID, t, t).Scan(&m.ID))
}

const outboxColumns = `id, channel, recipient, user_id, subject, text_body, html_body, payload, headers, message_id, status, attempts,
	next_attempt_at, last_error, created_at, sent_at, interrupted_sends, hook_id`

// scanOutbox reads outboxColumns, then any extra destinations.
func scanOutbox(sc interface{ Scan(...any) error }, extra ...any) (*model.OutboxMessage, error) {
	var m model.OutboxMessage
	var uid, hook sql.NullInt64
	var sent sql.NullTime
	var headers string
	dest := []any{&m.ID, &m.Channel, &m.Recipient, &uid, &m.Subject, &m.Text, &m.HTML, &m.Payload, &headers, &m.MessageID, &m.Status,
		&m.Attempts, &m.NextAttemptAt, &m.LastError, &m.CreatedAt, &sent, &m.InterruptedSends, &hook}
	if err := sc.Scan(append(dest, extra...)...); err != nil {
		return nil, mapError(err)
	}
	if hook.Valid {
		m.HookID = &hook.Int64
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

// OutboxStatus summarizes the queue.
func (q queries) OutboxStatus(ctx context.Context) (model.OutboxStats, error) {
	st := model.OutboxStats{ByChannel: map[string]int{}}
	if err := q.eachRow(ctx, `SELECT status, channel, COUNT(*) FROM outbox GROUP BY status, channel`, nil, func(rows *sql.Rows) error {
		var status, channel string
		var n int
		if err := rows.Scan(&status, &channel, &n); err != nil {
			return err
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
		return nil
	}); err != nil {
		return st, err
	}
	// Two successful sends need two claims, so only retried messages are
	// looked up in the attempts.
	if err := q.queryRow(ctx, `SELECT COALESCE(SUM(CASE WHEN attempts > 1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN interrupted_sends > 0 OR (attempts > 1 AND (SELECT COUNT(*) FROM delivery_attempts d WHERE d.outbox_id = o.id AND d.ok) > 1)
			THEN 1 ELSE 0 END), 0) FROM outbox o`).Scan(&st.Retried, &st.DuplicatesSuspected); err != nil {
		return st, mapError(err)
	}
	// ORDER BY rather than MIN(): SQLite returns aggregates as text.
	var oldest time.Time
	err := q.queryRow(ctx, `SELECT created_at FROM outbox WHERE status = 'pending' ORDER BY created_at LIMIT 1`).Scan(&oldest)
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
	out, err := collect(ctx, q, func(sc scanner) (*model.OutboxMessage, error) { return scanOutbox(sc) }, `SELECT `+outboxColumns+` FROM outbox WHERE `+where+` ORDER BY id DESC LIMIT ? OFFSET ?`, append(args, p.Size, p.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
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
