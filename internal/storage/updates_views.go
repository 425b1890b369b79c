package storage

import (
	"context"

	"consortia/internal/model"
)

// VisibleUpdates lists posted updates a reader may see, newest first: the
// ones for all member communities and those of the consortia vis allows.
func (q queries) VisibleUpdates(ctx context.Context, vis model.Visibility, limit int) ([]model.Event, error) {
	return collect(ctx, q, scanEvent, `SELECT e.id, e.kind, e.audience, e.consortium_id, COALESCE(c.name, ''), e.title, e.body, e.url, e.importance,
		e.request_id, e.actor_name, e.created_at FROM events e LEFT JOIN consortia c ON c.id = e.consortium_id
		WHERE e.kind = ? AND (e.audience = 'all_members' OR e.consortium_id IN (SELECT id FROM consortia WHERE `+visibilityClause(vis)+`))
		ORDER BY e.id DESC LIMIT ?`, append(append([]any{model.EventUpdatePosted}, visibilityArgs(vis)...), limit)...)
}

// ConsortiaOfUser lists the consortia a person takes part in — through a
// member community they belong to, as a supporter, or because they chose
// a preference for it — or, with all, every consortium; by name.
func (q queries) ConsortiaOfUser(ctx context.Context, userID int64, all bool) ([]model.ConsortiumName, error) {
	where, args := "1=1", []any(nil)
	if !all {
		where = `id IN (SELECT m.consortium_id FROM consortium_members m JOIN affiliations a ON a.community_id = m.community_id
				WHERE a.user_id = ? AND m.left_at IS NULL)
			OR id IN (SELECT consortium_id FROM consortium_supporters WHERE user_id = ?)
			OR id IN (SELECT consortium_id FROM preferences WHERE user_id = ?)`
		args = []any{userID, userID, userID}
	}
	return collect(ctx, q, func(rows scanner) (model.ConsortiumName, error) {
		var c model.ConsortiumName
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name, &c.Stage); err != nil {
			return c, err
		}
		return c, nil
	}, `SELECT id, slug, name, stage FROM consortia WHERE `+where+` ORDER BY name, id`, args...)
}

// DeliveryAttempts lists the attempts at delivering a message, oldest first.
func (q queries) DeliveryAttempts(ctx context.Context, outboxID int64) ([]model.DeliveryAttempt, error) {
	return collect(ctx, q, func(rows scanner) (model.DeliveryAttempt, error) {
		var a model.DeliveryAttempt
		if err := rows.Scan(&a.At, &a.Worker, &a.OK, &a.Error, &a.DurationMS); err != nil {
			return a, err
		}
		a.At = a.At.UTC()
		return a, nil
	}, `SELECT at, worker, ok, error, duration_ms FROM delivery_attempts WHERE outbox_id = ? ORDER BY id`, outboxID)
}
