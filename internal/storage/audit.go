package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"consortia/internal/model"
)

// Audit records a write in the audit log, in the same transaction as the
// write itself. actor is nil for system actions (the CLI, the demo seed).
func (q queries) Audit(ctx context.Context, actor *model.User, action, entityType, entityID string, before, after any) error {
	var actorID any
	actorName := "system"
	if actor != nil {
		actorID, actorName = actor.ID, actor.Name
	}
	b, err := jsonOrNil(before)
	if err != nil {
		return err
	}
	a, err := jsonOrNil(after)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, `INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, before, after)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, now(), actorID, actorName, action, entityType, entityID, b, a)
	return err
}

func jsonOrNil(v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	if string(b) == "null" {
		return nil, nil
	}
	return string(b), nil
}

// ListAudit returns a page of audit entries, newest first, with the total.
// A zero page size returns every matching entry (for exports).
func (q queries) ListAudit(ctx context.Context, f model.AuditFilter) ([]model.AuditEntry, int, error) {
	where, args := []string{"1=1"}, []any{}
	if f.ActorID != 0 {
		where, args = append(where, "actor_id = ?"), append(args, f.ActorID)
	}
	if f.EntityType != "" {
		where, args = append(where, "entity_type = ?"), append(args, f.EntityType)
	}
	if f.EntityID != "" {
		where, args = append(where, "entity_id = ?"), append(args, f.EntityID)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.Since != nil {
		where, args = append(where, "at >= ?"), append(args, f.Since.UTC())
	}
	if f.Until != nil {
		where, args = append(where, "at < ?"), append(args, f.Until.UTC())
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM audit_log WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	query := `SELECT id, at, actor_id, actor_name, action, entity_type, entity_id, before, after
		FROM audit_log WHERE ` + cond + ` ORDER BY id DESC`
	if f.Page.Size != 0 {
		p := f.Page.Normalize()
		query += ` LIMIT ? OFFSET ?`
		args = append(args, p.Size, p.Offset())
	}
	out, err := collect(ctx, q, func(rows scanner) (model.AuditEntry, error) {
		var e model.AuditEntry
		var actorID sql.NullInt64
		var before, after sql.NullString
		if err := rows.Scan(&e.ID, &e.At, &actorID, &e.ActorName, &e.Action, &e.EntityType, &e.EntityID, &before, &after); err != nil {
			return e, err
		}
		e.At = e.At.UTC()
		if actorID.Valid {
			e.ActorID = &actorID.Int64
		}
		if before.Valid {
			e.Before = json.RawMessage(before.String)
		}
		if after.Valid {
			e.After = json.RawMessage(after.String)
		}
		return e, nil
	}, query, args...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// AuditActions lists the distinct actions in the log, for filter menus.
func (q queries) AuditActions(ctx context.Context) ([]string, error) {
	return collect(ctx, q, func(rows scanner) (string, error) {
		var a string
		if err := rows.Scan(&a); err != nil {
			return a, err
		}
		return a, nil
	}, `SELECT DISTINCT action FROM audit_log ORDER BY action`)
}
