package storage

import (
	"context"
	"database/sql"
	"strings"

	"consortia/internal/model"
)

// InsertEvent stores an event and fans it out: one notification per person
// it concerns, in the same transaction as the change that caused it. The
// period of each notification is the person's effective email mode for the
// event, so digests and immediate mail never both carry it. It returns the
// recipients who want it at once.
func (q queries) InsertEvent(ctx context.Context, e *model.Event) ([]Recipient, error) {
	e.CreatedAt = now()
	err := q.queryRow(ctx, `INSERT INTO events (kind, audience, consortium_id, title, body, url, importance, request_id, actor_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, e.Kind, e.Audience, e.ConsortiumID, e.Title, e.Body, e.URL, e.Importance,
		e.RequestID, e.ActorName, e.CreatedAt).Scan(&e.ID)
	if err != nil {
		return nil, mapError(err)
	}
	recipients, err := q.recipients(ctx, e)
	if err != nil {
		return nil, err
	}
	var cid int64
	if e.ConsortiumID != nil {
		cid = *e.ConsortiumID
	}
	var immediate []Recipient
	for _, r := range recipients {
		mode := model.EffectiveMode(r.Prefs, model.ChannelEmail, cid, e.Importance)
		if mode == model.ModeOff {
			continue
		}
		state := "pending"
		if mode == model.ModeImmediate {
			state = "immediate"
			immediate = append(immediate, r)
		}
		if _, err := q.exec(ctx, `INSERT INTO notifications (event_id, user_id, period, state, created_at) VALUES (?, ?, ?, ?, ?)`,
			e.ID, r.UserID, mode, state, e.CreatedAt); err != nil {
			return nil, err
		}
	}
	return immediate, nil
}

// Recipient is a person an event concerns, with their preferences.
type Recipient struct {
	UserID int64
	Email  string
	Name   string
	Prefs  []model.Preference
}

// recipients lists the enabled people an event concerns, by its audience.
func (q queries) recipients(ctx context.Context, e *model.Event) ([]Recipient, error) {
	var query string
	var args []any
	switch {
	case e.To != nil:
		if len(e.To) == 0 {
			return nil, nil
		}
		var ph string
		ph, args = placeholders(e.To)
		query = `SELECT id, email, name FROM users WHERE disabled_at IS NULL AND id IN (` + ph + `) ORDER BY id`
	case e.Audience == model.AudienceConsortium:
		if e.ConsortiumID == nil {
			return nil, nil
		}
		query = `SELECT id, email, name FROM users WHERE disabled_at IS NULL AND (role = 'admin'
			OR id IN (SELECT a.user_id FROM affiliations a JOIN consortium_members m ON m.community_id = a.community_id
				WHERE m.consortium_id = ? AND m.left_at IS NULL)
			OR id IN (SELECT user_id FROM consortium_supporters WHERE consortium_id = ?)) ORDER BY id`
		args = []any{*e.ConsortiumID, *e.ConsortiumID}
	case e.Audience == model.AudiencePeople:
		query = `SELECT id, email, name FROM users WHERE 1 = 0`
	case e.Audience == model.AudienceAllMembers:
		query = `SELECT id, email, name FROM users WHERE disabled_at IS NULL AND (role = 'admin'
			OR id IN (SELECT a.user_id FROM affiliations a JOIN communities c ON c.id = a.community_id
				WHERE c.tier <> '' AND c.archived_at IS NULL)) ORDER BY id`
	default:
		query = `SELECT id, email, name FROM users WHERE disabled_at IS NULL AND role = 'admin' ORDER BY id`
	}
	scan := func(rows scanner) (Recipient, error) {
		var r Recipient
		return r, rows.Scan(&r.UserID, &r.Email, &r.Name)
	}
	out, err := collect(ctx, q, scan, query, args...)
	if err != nil {
		return nil, err
	}
	index := make(map[int64]int, len(out))
	for i, r := range out {
		index[r.UserID] = i
	}
	if e.To == nil && len(e.Also) > 0 {
		ph, args := placeholders(e.Also)
		also, err := collect(ctx, q, scan, `SELECT id, email, name FROM users WHERE disabled_at IS NULL AND id IN (`+ph+`) ORDER BY id`, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range also {
			if _, ok := index[r.UserID]; !ok {
				index[r.UserID] = len(out)
				out = append(out, r)
			}
		}
	}
	if len(out) == 0 {
		return out, nil
	}
	// Preferences of everyone at once.
	prefs, err := q.allPreferences(ctx)
	if err != nil {
		return nil, err
	}
	for uid, ps := range prefs {
		if i, ok := index[uid]; ok {
			out[i].Prefs = ps
		}
	}
	return out, nil
}

func (q queries) allPreferences(ctx context.Context) (map[int64][]model.Preference, error) {
	out := map[int64][]model.Preference{}
	if err := q.eachRow(ctx, `SELECT user_id, consortium_id, channel, mode FROM preferences`, nil, func(rows *sql.Rows) error {
		var uid int64
		var p model.Preference
		if err := rows.Scan(&uid, &p.ConsortiumID, &p.Channel, &p.Mode); err != nil {
			return err
		}
		out[uid] = append(out[uid], p)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// Preferences returns a person's preferences.
func (q queries) Preferences(ctx context.Context, userID int64) ([]model.Preference, error) {
	return collect(ctx, q, func(rows scanner) (model.Preference, error) {
		var p model.Preference
		if err := rows.Scan(&p.ConsortiumID, &p.Channel, &p.Mode); err != nil {
			return p, err
		}
		return p, nil
	}, `SELECT consortium_id, channel, mode FROM preferences WHERE user_id = ? ORDER BY consortium_id, channel`, userID)
}

// SetPreference stores a preference; an empty mode removes an override.
func (q queries) SetPreference(ctx context.Context, userID int64, p model.Preference) error {
	if p.Mode == "" {
		_, err := q.exec(ctx, `DELETE FROM preferences WHERE user_id = ? AND consortium_id = ? AND channel = ?`, userID, p.ConsortiumID, p.Channel)
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO preferences (user_id, consortium_id, channel, mode) VALUES (?, ?, ?, ?)
		ON CONFLICT (user_id, consortium_id, channel) DO UPDATE SET mode = excluded.mode`, userID, p.ConsortiumID, p.Channel, p.Mode)
	return err
}

// Events lists recent events of a consortium (or, with consortiumID 0, the
// ones for all members), newest first: the consortium's news and its feed.
func (q queries) Events(ctx context.Context, consortiumID int64, kinds []string, limit int) ([]model.Event, error) {
	// Personal events (a mention) are not news.
	where, args := "consortium_id = ? AND audience <> 'people'", []any{consortiumID}
	if consortiumID == 0 {
		where, args = "audience = 'all_members'", nil
	}
	if len(kinds) > 0 {
		where += ` AND kind IN (` + strings.TrimSuffix(strings.Repeat("?,", len(kinds)), ",") + `)`
		for _, k := range kinds {
			args = append(args, k)
		}
	}
	return collect(ctx, q, scanEvent, `SELECT e.id, e.kind, e.audience, e.consortium_id, COALESCE(c.name, ''), e.title, e.body, e.url, e.importance,
		e.request_id, e.actor_name, e.created_at FROM events e LEFT JOIN consortia c ON c.id = e.consortium_id WHERE `+
		strings.ReplaceAll(strings.ReplaceAll(where, "consortium_id", "e.consortium_id"), "audience", "e.audience")+
		` ORDER BY e.id DESC LIMIT ?`, append(args, limit)...)
}

func scanEvent(sc interface{ Scan(...any) error }) (model.Event, error) {
	var e model.Event
	var cid, rid sql.NullInt64
	if err := sc.Scan(&e.ID, &e.Kind, &e.Audience, &cid, &e.Consortium, &e.Title, &e.Body, &e.URL, &e.Importance, &rid, &e.ActorName, &e.CreatedAt); err != nil {
		return e, mapError(err)
	}
	if cid.Valid {
		e.ConsortiumID = &cid.Int64
	}
	if rid.Valid {
		e.RequestID = &rid.Int64
	}
	e.CreatedAt = e.CreatedAt.UTC()
	return e, nil
}

// PersonNotifications lists the latest events a person was notified of,
// newest first.
func (q queries) PersonNotifications(ctx context.Context, userID int64, limit int) ([]model.Event, error) {
	return collect(ctx, q, scanEvent, `SELECT e.id, e.kind, e.audience, e.consortium_id, COALESCE(c.name, ''), e.title, e.body, e.url, e.importance,
		e.request_id, e.actor_name, e.created_at FROM notifications n JOIN events e ON e.id = n.event_id
		LEFT JOIN consortia c ON c.id = e.consortium_id WHERE n.user_id = ? ORDER BY n.id DESC LIMIT ?`, userID, limit)
}
