package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"consortia/internal/model"
)

const consortiumColumns = `id, slug, name, problem, goals, goals_agreed, stage, visibility, slack_channel, mailing_segment,
	guide_url, critical_mass_communities, critical_mass_people, kickoff_at, kickoff_time_zone, decision, decision_note, closing_summary,
	proposed_by_id, proposed_by_name, created_at, updated_at, version`

func scanConsortium(sc interface{ Scan(...any) error }) (*model.Consortium, error) {
	var c model.Consortium
	var kickoff sql.NullTime
	var by sql.NullInt64
	err := sc.Scan(&c.ID, &c.Slug, &c.Name, &c.Problem, &c.Goals, &c.GoalsAgreed, &c.Stage, &c.Visibility, &c.SlackChannel,
		&c.MailingSegment, &c.GuideURL, &c.CriticalCommunities, &c.CriticalPeople, &kickoff, &c.KickoffTimeZone, &c.Decision, &c.DecisionNote,
		&c.ClosingSummary, &by, &c.ProposedByName, &c.CreatedAt, &c.UpdatedAt, &c.Version)
	if err != nil {
		return nil, mapError(err)
	}
	c.KickoffAt = nullTime(kickoff)
	if by.Valid {
		c.ProposedByID = &by.Int64
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Narratives, c.Initiatives = []model.NarrativeRef{}, []model.InitiativeRef{}
	return &c, nil
}

// CreateConsortium inserts a proposed consortium.
func (q queries) CreateConsortium(ctx context.Context, in model.ConsortiumInput, by *model.User) (*model.Consortium, error) {
	t := now()
	var byID any
	name := "system"
	if by != nil {
		byID, name = by.ID, by.Name
	}
	var id int64
	err := q.queryRow(ctx, `INSERT INTO consortia (slug, name, problem, goals, visibility, slack_channel, mailing_segment, guide_url,
		critical_mass_communities, critical_mass_people, kickoff_at, proposed_by_id, proposed_by_name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Slug, in.Name, in.Problem, in.Goals, in.Visibility, in.SlackChannel, in.MailingSegment, in.GuideURL,
		in.CriticalCommunities, in.CriticalPeople, in.KickoffAt, byID, name, t, t).Scan(&id)
	if err != nil {
		return nil, mapError(err)
	}
	if err := q.setConsortiumLinks(ctx, id, in); err != nil {
		return nil, err
	}
	if _, err := q.exec(ctx, `INSERT INTO consortium_transitions (consortium_id, from_stage, to_stage, by_id, by_name, at, reason)
		VALUES (?, '', 'proposed', ?, ?, ?, 'Proposed the shared problem.')`, id, byID, name, t); err != nil {
		return nil, err
	}
	return q.ConsortiumByRef(ctx, strconv.FormatInt(id, 10))
}

// UpdateConsortium replaces the editable fields; a non-zero version must match.
func (q queries) UpdateConsortium(ctx context.Context, id, version int64, in model.ConsortiumInput) (*model.Consortium, error) {
	query := `UPDATE consortia SET slug = ?, name = ?, problem = ?, goals = ?, visibility = ?, slack_channel = ?, mailing_segment = ?,
		guide_url = ?, critical_mass_communities = ?, critical_mass_people = ?, kickoff_at = ?, updated_at = ?, version = version + 1
		WHERE id = ?`
	args := []any{in.Slug, in.Name, in.Problem, in.Goals, in.Visibility, in.SlackChannel, in.MailingSegment, in.GuideURL,
		in.CriticalCommunities, in.CriticalPeople, in.KickoffAt, now(), id}
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &StaleError{What: model.StaleConsortium, Version: version}
	}
	if err := q.setConsortiumLinks(ctx, id, in); err != nil {
		return nil, err
	}
	return q.ConsortiumByRef(ctx, strconv.FormatInt(id, 10))
}

func (q queries) setConsortiumLinks(ctx context.Context, id int64, in model.ConsortiumInput) error {
	for _, stmt := range []string{`DELETE FROM consortium_narratives WHERE consortium_id = ?`, `DELETE FROM consortium_initiatives WHERE consortium_id = ?`} {
		if _, err := q.exec(ctx, stmt, id); err != nil {
			return err
		}
	}
	for _, n := range in.NarrativeIDs {
		if _, err := q.exec(ctx, `INSERT INTO consortium_narratives (consortium_id, narrative_id) VALUES (?, ?)`, id, n); err != nil {
			return named(err, model.RuleConsortiumNarrative)
		}
	}
	for _, i := range in.InitiativeIDs {
		if _, err := q.exec(ctx, `INSERT INTO consortium_initiatives (consortium_id, initiative_id) VALUES (?, ?)`, id, i); err != nil {
			return named(err, model.RuleConsortiumInitiative)
		}
	}
	return nil
}

// SetGoals records the goals, whether they are agreed, and the go/no-go decision.
func (q queries) SetGoals(ctx context.Context, id int64, goals string, agreed bool, decision, note string) error {
	_, err := q.exec(ctx, `UPDATE consortia SET goals = ?, goals_agreed = ?, decision = ?, decision_note = ?, updated_at = ?, version = version + 1
		WHERE id = ?`, goals, agreed, decision, note, now(), id)
	return err
}

// SetKickoff schedules (or clears) the kickoff meeting, planned in the IANA
// time zone tz.
func (q queries) SetKickoff(ctx context.Context, id int64, at *time.Time, tz string) error {
	_, err := q.exec(ctx, `UPDATE consortia SET kickoff_at = ?, kickoff_time_zone = ?, updated_at = ?, version = version + 1 WHERE id = ?`,
		at, tz, now(), id)
	return err
}

// SetStage moves a consortium and records the transition.
func (q queries) SetStage(ctx context.Context, id int64, from, to string, by *model.User, reason string, override bool, summary string) error {
	t := now()
	var byID any
	name := "system"
	if by != nil {
		byID, name = by.ID, by.Name
	}
	query := `UPDATE consortia SET stage = ?, updated_at = ?, version = version + 1`
	args := []any{to, t}
	if model.Closed(to) {
		query += `, closing_summary = ?`
		args = append(args, summary)
	}
	res, err := q.exec(ctx, query+` WHERE id = ? AND stage = ?`, append(args, id, from)...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &StaleError{What: model.StaleConsortiumStage}
	}
	_, err = q.exec(ctx, `INSERT INTO consortium_transitions (consortium_id, from_stage, to_stage, by_id, by_name, at, reason, override)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, id, from, to, byID, name, t, reason, override)
	return err
}

// Transitions lists a consortium's stage changes, oldest first.
func (q queries) Transitions(ctx context.Context, id int64) ([]model.Transition, error) {
	return collect(ctx, q, func(rows scanner) (model.Transition, error) {
		var tr model.Transition
		var by sql.NullInt64
		if err := rows.Scan(&tr.ID, &tr.From, &tr.To, &by, &tr.ByName, &tr.At, &tr.Reason, &tr.Override); err != nil {
			return tr, err
		}
		if by.Valid {
			tr.ByID = &by.Int64
		}
		tr.At = tr.At.UTC()
		return tr, nil
	}, `SELECT id, from_stage, to_stage, by_id, by_name, at, reason, override FROM consortium_transitions
		WHERE consortium_id = ? ORDER BY id`, id)
}

// ConsortiumByRef returns a consortium by id or slug with its links and counts.
func (q queries) ConsortiumByRef(ctx context.Context, ref string) (*model.Consortium, error) {
	var c *model.Consortium
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		c, err = scanConsortium(q.queryRow(ctx, `SELECT `+consortiumColumns+` FROM consortia WHERE id = ?`, id))
	} else if !lookupKey(ref) {
		err = mapError(sql.ErrNoRows)
	} else {
		c, err = scanConsortium(q.queryRow(ctx, `SELECT `+consortiumColumns+` FROM consortia WHERE slug = ?`, strings.ToLower(ref)))
	}
	if err != nil {
		return nil, notFound(err, model.EntityConsortium, ref)
	}
	return c, q.loadConsortiumParts(ctx, []*model.Consortium{c})
}

// ListConsortia returns a page of consortia (visibility is filtered by the
// caller with visibleIDs) and the total.
func (q queries) ListConsortia(ctx context.Context, f model.ConsortiumFilter, vis model.Visibility) ([]*model.Consortium, int, error) {
	where, args := []string{visibilityClause(vis)}, visibilityArgs(vis)
	if f.Stage != "" {
		where, args = append(where, "stage = ?"), append(args, f.Stage)
	}
	if len(f.IDs) > 0 {
		ph, ids := placeholders(f.IDs)
		where, args = append(where, "id IN ("+ph+")"), append(args, ids...)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		where = append(where, `(lower(name) LIKE ? ESCAPE '\' OR lower(problem) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM consortia WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	p := f.Page.Normalize()
	out, err := collect(ctx, q, scanConsortium, `SELECT `+consortiumColumns+` FROM consortia WHERE `+cond+`
		ORDER BY CASE stage WHEN 'active' THEN 0 WHEN 'defining_goals' THEN 1 WHEN 'gathering' THEN 2 WHEN 'proposed' THEN 3 ELSE 4 END, name
		LIMIT ? OFFSET ?`, append(args, p.Size, p.Offset())...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, q.loadConsortiumParts(ctx, out)
}

// visibilityClause is the condition on consortia a reader may see.
func visibilityClause(v model.Visibility) string {
	switch {
	case v.All:
		return "1=1"
	case v.SignedIn:
		return `(visibility IN ('public', 'members') OR proposed_by_id = ? OR id IN (SELECT consortium_id FROM consortium_supporters WHERE user_id = ?)
			OR id IN (SELECT m.consortium_id FROM consortium_members m JOIN affiliations a ON a.community_id = m.community_id WHERE a.user_id = ? AND m.left_at IS NULL))`
	}
	return "visibility = 'public'"
}

func visibilityArgs(v model.Visibility) []any {
	if !v.All && v.SignedIn {
		return []any{v.UserID, v.UserID, v.UserID}
	}
	return nil
}

// CanSeeConsortium reports whether the reader may see a consortium.
func (q queries) CanSeeConsortium(ctx context.Context, id int64, v model.Visibility) (bool, error) {
	var n int
	err := q.queryRow(ctx, `SELECT COUNT(*) FROM consortia WHERE id = ? AND `+visibilityClause(v), append([]any{id}, visibilityArgs(v)...)...).Scan(&n)
	return n == 1, mapError(err)
}

func (q queries) loadConsortiumParts(ctx context.Context, list []*model.Consortium) error {
	if len(list) == 0 {
		return nil
	}
	byID := map[int64]*model.Consortium{}
	ids := make([]int64, len(list))
	for i, c := range list {
		byID[c.ID], ids[i] = c, c.ID
	}
	ph, args := placeholders(ids)
	run := func(query string, fn func(*sql.Rows) error, extra ...any) error {
		return q.eachRow(ctx, query, append(args, extra...), fn)
	}
	if err := run(`SELECT cn.consortium_id, n.id, n.slug, n.title FROM consortium_narratives cn JOIN narratives n ON n.id = cn.narrative_id
		WHERE cn.consortium_id IN (`+ph+`) ORDER BY n.title`, func(r *sql.Rows) error {
		var id int64
		var n model.NarrativeRef
		if err := r.Scan(&id, &n.ID, &n.Slug, &n.Title); err != nil {
			return err
		}
		byID[id].Narratives = append(byID[id].Narratives, n)
		return nil
	}); err != nil {
		return err
	}
	if err := run(`SELECT ci.consortium_id, i.id, i.slug, i.title, i.status, i.public FROM consortium_initiatives ci JOIN initiatives i ON i.id = ci.initiative_id
		WHERE ci.consortium_id IN (`+ph+`) ORDER BY i.title`, func(r *sql.Rows) error {
		var id int64
		var in model.InitiativeRef
		if err := r.Scan(&id, &in.ID, &in.Slug, &in.Title, &in.Status, &in.Public); err != nil {
			return err
		}
		byID[id].Initiatives = append(byID[id].Initiatives, in)
		return nil
	}); err != nil {
		return err
	}
	// Support: people who agree and will meet, and the distinct communities
	// they or the current members stand for.
	if err := run(`SELECT consortium_id, COUNT(*), COUNT(DISTINCT community_id) FROM consortium_supporters
		WHERE consortium_id IN (`+ph+`) AND will_meet = TRUE GROUP BY consortium_id`, func(r *sql.Rows) error {
		var id int64
		var people, communities int
		if err := r.Scan(&id, &people, &communities); err != nil {
			return err
		}
		byID[id].SupportPeople = people
		return nil
	}); err != nil {
		return err
	}
	if err := run(`SELECT consortium_id, COUNT(DISTINCT community_id) FROM (
			SELECT consortium_id, community_id FROM consortium_supporters WHERE consortium_id IN (`+ph+`) AND community_id IS NOT NULL
			UNION SELECT consortium_id, community_id FROM consortium_members WHERE consortium_id IN (`+ph+`) AND left_at IS NULL
		) s GROUP BY consortium_id`, func(r *sql.Rows) error {
		var id int64
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		byID[id].SupportCommunities = n
		return nil
	}, args...); err != nil {
		return err
	}
	return run(`SELECT consortium_id, COUNT(*) FROM consortium_members WHERE consortium_id IN (`+ph+`) AND left_at IS NULL GROUP BY consortium_id`, func(r *sql.Rows) error {
		var id int64
		var n int
		if err := r.Scan(&id, &n); err != nil {
			return err
		}
		byID[id].MemberCount = n
		return nil
	})
}
