package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"time"

	"consortia/internal/model"
)

// DigestUsers returns, in id order after afterID, up to limit people who
// have pending notifications of the period and whose last digest of that
// period was sent before dueBefore (or never).
func (q queries) DigestUsers(ctx context.Context, period string, dueBefore time.Time, afterID int64, limit int) ([]Recipient, error) {
	return collect(ctx, q, func(rows scanner) (Recipient, error) {
		var r Recipient
		if err := rows.Scan(&r.UserID, &r.Email, &r.Name); err != nil {
			return r, err
		}
		return r, nil
	}, `SELECT u.id, u.email, u.name FROM users u
		WHERE u.id > ? AND u.disabled_at IS NULL
		AND EXISTS (SELECT 1 FROM notifications n WHERE n.user_id = u.id AND n.period = ? AND n.state = 'pending')
		AND NOT EXISTS (SELECT 1 FROM digest_runs d WHERE d.user_id = u.id AND d.period = ? AND d.sent_at >= ?)
		ORDER BY u.id LIMIT ?`, afterID, period, period, dueBefore.UTC(), limit)
}

// DigestItem is a pending notification with its event.
type DigestItem struct {
	NotificationID int64
	UserID         int64
	model.Event
}

// lockRows locks the selected rows of a table on PostgreSQL until the
// transaction ends, so two instances composing digests at once cannot both
// take the same notifications (the second waits, then no longer sees them
// as pending). SQLite's single writer needs no lock.
func (q queries) lockRows(table string) string {
	if q.dialect == Postgres {
		return " FOR UPDATE OF " + table
	}
	return ""
}

// DigestItems returns the pending notifications of the period for the
// given people, with their events, oldest first. The notifications are
// read (and locked) alone, and each event once however many people it
// concerns: a digest run reads a million notifications of a few thousand
// events.
func (q queries) DigestItems(ctx context.Context, period string, userIDs []int64) (map[int64][]DigestItem, error) {
	out := map[int64][]DigestItem{}
	if len(userIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(userIDs)
	type pending struct{ id, user, event int64 }
	var list []pending
	events := map[int64]*model.Event{}
	if err := q.eachRow(ctx, `SELECT n.id, n.user_id, n.event_id FROM notifications n
		WHERE n.state = 'pending' AND n.period = ? AND n.user_id IN (`+ph+`) ORDER BY n.user_id, n.id`+q.lockRows("n"), append([]any{period}, args...), func(rows *sql.Rows) error {
		var p pending
		if err := rows.Scan(&p.id, &p.user, &p.event); err != nil {
			return err
		}
		list = append(list, p)
		events[p.event] = nil
		return nil
	}); err != nil {
		return nil, err
	}
	ids := make([]int64, 0, len(events))
	for id := range events {
		ids = append(ids, id)
	}
	for start := 0; start < len(ids); start += 1000 {
		ph, args := placeholders(ids[start:min(start+1000, len(ids))])
		if err := q.eachRow(ctx, `SELECT e.id, e.kind, e.audience, e.consortium_id, COALESCE(c.name, ''), e.title, e.body, e.url, e.importance,
			e.request_id, e.actor_name, e.created_at FROM events e LEFT JOIN consortia c ON c.id = e.consortium_id WHERE e.id IN (`+ph+`)`, args, func(rows *sql.Rows) error {
			e, err := scanEvent(rows)
			if err != nil {
				return err
			}
			events[e.ID] = &e
			return nil
		}); err != nil {
			return nil, err
		}
	}
	for _, p := range list {
		if e := events[p.event]; e != nil { // always: notifications cascade with their event
			out[p.user] = append(out[p.user], DigestItem{NotificationID: p.id, UserID: p.user, Event: *e})
		}
	}
	return out, nil
}

// PendingDigestIDs returns the ids of the pending notifications of the
// period for the given people, oldest first, locking them (PostgreSQL)
// until the transaction ends.
func (q queries) PendingDigestIDs(ctx context.Context, period string, userIDs []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(userIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(userIDs)
	if err := q.eachRow(ctx, `SELECT n.id, n.user_id FROM notifications n WHERE n.state = 'pending' AND n.period = ? AND n.user_id IN (`+ph+`)
		ORDER BY n.user_id, n.id`+q.lockRows("n"), append([]any{period}, args...), func(rows *sql.Rows) error {
		var id, user int64
		if err := rows.Scan(&id, &user); err != nil {
			return err
		}
		out[user] = append(out[user], id)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// Digest is one person's digest: the message and the notifications it
// carries.
type Digest struct {
	UserID          int64
	Message         *model.OutboxMessage
	NotificationIDs []int64
}

// QueueDigests puts digests in the outbox and marks their notifications as
// sent in them (so each appears in exactly one digest), in the caller's
// transaction and in a few statements for many people.
func (q queries) QueueDigests(ctx context.Context, period string, ds []Digest) error {
	t := now()
	// The messages, many to a statement; their ids come back by Message-ID.
	for start := 0; start < len(ds); start += 50 {
		chunk := ds[start:min(start+50, len(ds))]
		var values strings.Builder
		args := make([]any, 0, len(chunk)*11)
		byMessageID := make(map[string]*model.OutboxMessage, len(chunk))
		for i, d := range chunk {
			m := d.Message
			m.CreatedAt, m.NextAttemptAt, m.Status = t, t, model.OutboxPending
			headers := ""
			if len(m.Headers) > 0 {
				b, err := json.Marshal(m.Headers)
				if err != nil {
					return err
				}
				headers = string(b)
			}
			if i > 0 {
				values.WriteString(", ")
			}
			values.WriteString("(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)")
			args = append(args, m.Channel, m.Recipient, m.UserID, m.Subject, m.Text, m.HTML, m.Payload, headers, m.MessageID, t, t)
			byMessageID[m.MessageID] = m
		}
		if err := q.eachRow(ctx, `INSERT INTO outbox (channel, recipient, user_id, subject, text_body, html_body, payload, headers, message_id,
			status, next_attempt_at, created_at) VALUES `+values.String()+` RETURNING id, message_id`, args, func(rows *sql.Rows) error {
			var id int64
			var mid string
			if err := rows.Scan(&id, &mid); err != nil {
				return err
			}
			if m := byMessageID[mid]; m != nil {
				m.ID = id
			}
			return nil
		}); err != nil {
			return err
		}
	}
	// The notifications, by id: exactly those the digests carry (read as
	// pending, and locked, in this transaction). By primary key only: a
	// condition on state would lead SQLite to scan every pending row.
	for start := 0; start < len(ds); {
		var cases strings.Builder
		var caseArgs, idArgs []any
		for start < len(ds) && len(idArgs) < 2000 {
			d := ds[start]
			start++
			cases.WriteString(" WHEN CAST(? AS BIGINT) THEN CAST(? AS BIGINT)")
			caseArgs = append(caseArgs, d.UserID, d.Message.ID)
			for _, id := range d.NotificationIDs {
				idArgs = append(idArgs, id)
			}
		}
		if len(idArgs) == 0 {
			continue
		}
		if _, err := q.exec(ctx, `UPDATE notifications SET state = 'digested', digest_outbox_id = CASE user_id`+cases.String()+` END
			WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?,", len(idArgs)), ",")+`)`, append(caseArgs, idArgs...)...); err != nil {
			return err
		}
	}
	// When each person last had a digest of the period.
	for start := 0; start < len(ds); start += 500 {
		chunk := ds[start:min(start+500, len(ds))]
		args := make([]any, 0, len(chunk)*3)
		for _, d := range chunk {
			args = append(args, d.UserID, period, t)
		}
		if _, err := q.exec(ctx, `INSERT INTO digest_runs (user_id, period, sent_at) VALUES `+strings.TrimSuffix(strings.Repeat("(?, ?, ?), ", len(chunk)), ", ")+`
			ON CONFLICT (user_id, period) DO UPDATE SET sent_at = excluded.sent_at`, args...); err != nil {
			return err
		}
	}
	return nil
}

// CreateRequest stores a request for one-click answers.
func (q queries) CreateRequest(ctx context.Context, r *model.Request, by string) error {
	r.CreatedAt = now()
	return mapError(q.queryRow(ctx, `INSERT INTO requests (consortium_id, title, question, options, url, deadline, created_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, r.ConsortiumID, r.Title, r.Question, strings.Join(r.Options, "\n"), r.URL,
		r.Deadline, by, r.CreatedAt).Scan(&r.ID))
}

// RequestByID returns a request with its answers.
func (q queries) RequestByID(ctx context.Context, id int64) (*model.Request, error) {
	var r model.Request
	var cid sql.NullInt64
	var deadline sql.NullTime
	var options string
	err := q.queryRow(ctx, `SELECT id, consortium_id, title, question, options, url, deadline, created_at FROM requests WHERE id = ?`, id).
		Scan(&r.ID, &cid, &r.Title, &r.Question, &options, &r.URL, &deadline, &r.CreatedAt)
	if err != nil {
		return nil, notFound(err, model.EntityRequest, id)
	}
	if cid.Valid {
		r.ConsortiumID = &cid.Int64
	}
	r.Options, r.Deadline, r.CreatedAt = strings.Split(options, "\n"), nullTime(deadline), r.CreatedAt.UTC()
	r.Answers, err = collect(ctx, q, func(rows scanner) (model.Answer, error) {
		var a model.Answer
		err := rows.Scan(&a.UserID, &a.UserName, &a.Answer, &a.At)
		a.At = a.At.UTC()
		return a, err
	}, `SELECT a.user_id, u.name, a.answer, a.at FROM request_answers a JOIN users u ON u.id = a.user_id
		WHERE a.request_id = ? ORDER BY a.at`, id)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// AnswerRequest records (or changes) a person's answer.
func (q queries) AnswerRequest(ctx context.Context, requestID, userID int64, answer string) error {
	_, err := q.exec(ctx, `INSERT INTO request_answers (request_id, user_id, answer, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (request_id, user_id) DO UPDATE SET answer = excluded.answer, at = excluded.at`, requestID, userID, answer, now())
	return err
}

// AddHook stores a hook.
func (q queries) AddHook(ctx context.Context, h *model.Hook) error {
	return mapError(q.queryRow(ctx, `INSERT INTO hooks (consortium_id, kind, url, secret, created_at) VALUES (?, ?, ?, ?, ?) RETURNING id`,
		h.ConsortiumID, h.Kind, h.URL, h.Secret, now()).Scan(&h.ID))
}

// DeleteHook removes a hook.
func (q queries) DeleteHook(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `DELETE FROM hooks WHERE id = ?`, id)
	return err
}

// Hooks lists the hooks of a consortium (consortiumID 0: the site-wide hooks).
func (q queries) Hooks(ctx context.Context, consortiumID int64) ([]model.Hook, error) {
	where, args := "consortium_id = ?", []any{consortiumID}
	if consortiumID == 0 {
		where, args = "consortium_id IS NULL", nil
	}
	return collect(ctx, q, func(rows scanner) (model.Hook, error) {
		var h model.Hook
		var cid sql.NullInt64
		if err := rows.Scan(&h.ID, &cid, &h.Kind, &h.URL, &h.Secret); err != nil {
			return h, err
		}
		if cid.Valid {
			h.ConsortiumID = &cid.Int64
		}
		return h, nil
	}, `SELECT id, consortium_id, kind, url, secret FROM hooks WHERE `+where+` ORDER BY id`, args...)
}
