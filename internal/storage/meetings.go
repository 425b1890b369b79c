package storage

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"consortia/internal/model"
)

const meetingColumns = `id, consortium_id, kind, title, starts_at, duration, time_zone, location, video_url, agenda, notes,
	decisions, sequence, cancelled, created_at, updated_at, version`

func scanMeeting(sc interface{ Scan(...any) error }) (*model.Meeting, error) {
	var m model.Meeting
	err := sc.Scan(&m.ID, &m.ConsortiumID, &m.Kind, &m.Title, &m.StartsAt, &m.Duration, &m.TimeZone, &m.Location, &m.VideoURL,
		&m.Agenda, &m.Notes, &m.Decisions, &m.Sequence, &m.Cancelled, &m.CreatedAt, &m.UpdatedAt, &m.Version)
	if err != nil {
		return nil, mapError(err)
	}
	m.StartsAt, m.CreatedAt, m.UpdatedAt = m.StartsAt.UTC(), m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	m.RSVPs = []model.RSVP{}
	return &m, nil
}

// CreateMeeting schedules a meeting.
func (q queries) CreateMeeting(ctx context.Context, consortiumID int64, in model.MeetingInput) (*model.Meeting, error) {
	t := now()
	return scanMeeting(q.queryRow(ctx, `INSERT INTO meetings (consortium_id, kind, title, starts_at, duration, time_zone, location,
		video_url, agenda, notes, decisions, cancelled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING `+meetingColumns, consortiumID, in.Kind, in.Title, in.StartsAt, in.Duration, in.TimeZone, in.Location, in.VideoURL,
		in.Agenda, in.Notes, in.Decisions, in.Cancelled, t, t))
}

// UpdateMeeting changes a meeting; its iCalendar sequence increases so
// calendars pick up the change. A non-zero version must match.
func (q queries) UpdateMeeting(ctx context.Context, id, version int64, in model.MeetingInput) (*model.Meeting, error) {
	query := `UPDATE meetings SET kind = ?, title = ?, starts_at = ?, duration = ?, time_zone = ?, location = ?, video_url = ?,
		agenda = ?, notes = ?, decisions = ?, cancelled = ?, sequence = sequence + 1, updated_at = ?, version = version + 1 WHERE id = ?`
	args := []any{in.Kind, in.Title, in.StartsAt, in.Duration, in.TimeZone, in.Location, in.VideoURL, in.Agenda, in.Notes,
		in.Decisions, in.Cancelled, now(), id}
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	m, err := scanMeeting(q.queryRow(ctx, query+` RETURNING `+meetingColumns, args...))
	if errors.Is(err, ErrNotFound) && version != 0 {
		return nil, &StaleError{What: model.StaleMeeting, Version: version}
	}
	return m, err
}

// MeetingByID returns a meeting with its RSVPs.
func (q queries) MeetingByID(ctx context.Context, id int64) (*model.Meeting, error) {
	m, err := scanMeeting(q.queryRow(ctx, `SELECT `+meetingColumns+` FROM meetings WHERE id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityMeeting, id)
	}
	if err := q.eachRow(ctx, `SELECT r.user_id, u.name, r.response, r.at FROM meeting_rsvps r JOIN users u ON u.id = r.user_id
		WHERE r.meeting_id = ? ORDER BY u.name`, []any{id}, func(rows *sql.Rows) error {
		var r model.RSVP
		if err := rows.Scan(&r.UserID, &r.UserName, &r.Response, &r.At); err != nil {
			return err
		}
		r.At = r.At.UTC()
		m.RSVPs = append(m.RSVPs, r)
		return nil
	}); err != nil {
		return nil, err
	}
	return m, nil
}

// MeetingsOf lists a consortium's meetings by start time (all consortia
// when consortiumID is 0 and ids lists which).
func (q queries) MeetingsOf(ctx context.Context, consortiumIDs []int64) ([]*model.Meeting, error) {
	if len(consortiumIDs) == 0 {
		return []*model.Meeting{}, nil
	}
	ph, args := placeholders(consortiumIDs)
	return collect(ctx, q, scanMeeting, `SELECT `+meetingColumns+` FROM meetings WHERE consortium_id IN (`+ph+`) ORDER BY starts_at, id`, args...)
}

// SetRSVP records a person's answer to a meeting.
func (q queries) SetRSVP(ctx context.Context, meetingID, userID int64, response string) error {
	_, err := q.exec(ctx, `INSERT INTO meeting_rsvps (meeting_id, user_id, response, at) VALUES (?, ?, ?, ?)
		ON CONFLICT (meeting_id, user_id) DO UPDATE SET response = excluded.response, at = excluded.at`, meetingID, userID, response, now())
	return err
}

const demoSelect = `SELECT d.id, d.consortium_id, d.meeting_id, d.initiative_id, COALESCE(i.title, ''), COALESCE(i.slug, ''),
	d.title, d.description, d.video_url, d.created_at FROM demos d LEFT JOIN initiatives i ON i.id = d.initiative_id`

func scanDemo(sc interface{ Scan(...any) error }) (*model.Demo, error) {
	var d model.Demo
	var meeting, initiative sql.NullInt64
	if err := sc.Scan(&d.ID, &d.ConsortiumID, &meeting, &initiative, &d.InitiativeTitle, &d.InitiativeSlug, &d.Title,
		&d.Description, &d.VideoURL, &d.CreatedAt); err != nil {
		return nil, mapError(err)
	}
	if meeting.Valid {
		d.MeetingID = &meeting.Int64
	}
	if initiative.Valid {
		d.InitiativeID = &initiative.Int64
	}
	d.CreatedAt = d.CreatedAt.UTC()
	d.Reactions = []model.Reaction{}
	return &d, nil
}

// CreateDemo records a demo.
func (q queries) CreateDemo(ctx context.Context, consortiumID int64, in model.DemoInput) (*model.Demo, error) {
	var id int64
	err := q.queryRow(ctx, `INSERT INTO demos (consortium_id, meeting_id, initiative_id, title, description, video_url, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`, consortiumID, in.MeetingID, in.InitiativeID, in.Title, in.Description, in.VideoURL, now()).Scan(&id)
	if err != nil {
		return nil, mapError(err)
	}
	return q.DemoByID(ctx, id)
}

// DemoByID returns a demo with its reactions.
func (q queries) DemoByID(ctx context.Context, id int64) (*model.Demo, error) {
	d, err := scanDemo(q.queryRow(ctx, demoSelect+` WHERE d.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityDemo, id)
	}
	return d, q.loadReactions(ctx, []*model.Demo{d})
}

// DemosOf lists a consortium's demos, newest first, with reactions.
func (q queries) DemosOf(ctx context.Context, consortiumID int64) ([]*model.Demo, error) {
	out, err := collect(ctx, q, scanDemo, demoSelect+` WHERE d.consortium_id = ? ORDER BY d.created_at DESC, d.id DESC`, consortiumID)
	if err != nil {
		return nil, err
	}
	return out, q.loadReactions(ctx, out)
}

func (q queries) loadReactions(ctx context.Context, demos []*model.Demo) error {
	if len(demos) == 0 {
		return nil
	}
	byID := map[int64]*model.Demo{}
	ids := make([]int64, len(demos))
	for i, d := range demos {
		byID[d.ID], ids[i] = d, d.ID
	}
	ph, args := placeholders(ids)
	if err := q.eachRow(ctx, `SELECT r.demo_id, r.community_id, c.name, r.reaction, r.comment, r.by_name, r.at FROM demo_reactions r
		JOIN communities c ON c.id = r.community_id WHERE r.demo_id IN (`+ph+`) ORDER BY c.name`, args, func(rows *sql.Rows) error {
		var id int64
		var r model.Reaction
		if err := rows.Scan(&id, &r.CommunityID, &r.CommunityName, &r.Reaction, &r.Comment, &r.ByName, &r.At); err != nil {
			return err
		}
		r.At = r.At.UTC()
		byID[id].Reactions = append(byID[id].Reactions, r)
		return nil
	}); err != nil {
		return err
	}
	return nil
}

// SetReaction records (or replaces) a community's reaction to a demo.
func (q queries) SetReaction(ctx context.Context, demoID, communityID int64, reaction, comment, by string) error {
	_, err := q.exec(ctx, `INSERT INTO demo_reactions (demo_id, community_id, reaction, comment, by_name, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (demo_id, community_id) DO UPDATE SET reaction = excluded.reaction, comment = excluded.comment,
		by_name = excluded.by_name, at = excluded.at`, demoID, communityID, reaction, strings.TrimSpace(comment), by, now())
	return err
}

// ReactionsForInitiatives sums the latest demo reactions per initiative, as
// context for a prioritization round.
func (q queries) ReactionsForInitiatives(ctx context.Context, initiativeIDs []int64) (map[int64]map[string]int, error) {
	out := map[int64]map[string]int{}
	if len(initiativeIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(initiativeIDs)
	if err := q.eachRow(ctx, `SELECT d.initiative_id, r.reaction, COUNT(*) FROM demo_reactions r JOIN demos d ON d.id = r.demo_id
		WHERE d.initiative_id IN (`+ph+`) GROUP BY d.initiative_id, r.reaction`, args, func(rows *sql.Rows) error {
		var id int64
		var reaction string
		var n int
		if err := rows.Scan(&id, &reaction, &n); err != nil {
			return err
		}
		if out[id] == nil {
			out[id] = map[string]int{}
		}
		out[id][reaction] = n
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}
