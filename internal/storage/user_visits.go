package storage

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"consortia/internal/model"
)

// Visit is when a person was last seen and when their previous visit ended.
type Visit struct {
	SeenAt     time.Time
	PreviousAt *time.Time
}

// VisitOf reads a person's visit record (nil when they were never seen).
func (q queries) VisitOf(ctx context.Context, userID int64) (*Visit, error) {
	var v Visit
	var prev sql.NullTime
	err := q.queryRow(ctx, `SELECT seen_at, previous_at FROM user_visits WHERE user_id = ?`, userID).Scan(&v.SeenAt, &prev)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, mapError(err)
	}
	v.SeenAt = v.SeenAt.UTC()
	if prev.Valid {
		t := prev.Time.UTC()
		v.PreviousAt = &t
	}
	return &v, nil
}

// SaveVisit records a person's visit.
func (q queries) SaveVisit(ctx context.Context, userID int64, v Visit) error {
	_, err := q.exec(ctx, `INSERT INTO user_visits (user_id, seen_at, previous_at) VALUES (?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at, previous_at = excluded.previous_at`,
		userID, v.SeenAt.UTC(), v.PreviousAt)
	return mapError(err)
}

// EventsSince lists the events of the given consortia after since, newest
// first, at most limit.
func (q queries) EventsSince(ctx context.Context, consortiumIDs []int64, since time.Time, limit int) ([]model.Event, error) {
	if len(consortiumIDs) == 0 {
		return []model.Event{}, nil
	}
	ph, args := placeholders(consortiumIDs)
	return collect(ctx, q, scanEvent, `SELECT e.id, e.kind, e.audience, e.consortium_id, COALESCE(c.name, ''), e.title, e.body, e.url, e.importance,
		e.request_id, e.actor_name, e.created_at FROM events e LEFT JOIN consortia c ON c.id = e.consortium_id
		WHERE e.consortium_id IN (`+ph+`) AND e.audience <> 'people' AND e.created_at > ? ORDER BY e.id DESC LIMIT ?`, append(args, since.UTC(), limit)...)
}
