package storage

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"consortia/internal/model"
)

const initiativeColumns = `id, slug, title, persona, problem, solution, implementation, ecosystem_fit, size,
	hours_low, hours_high, rate_minor, currency, status, status_changed_at, status_changed_by, public,
	author_id, author_name, created_at, updated_at, version`

func scanInitiative(sc interface{ Scan(...any) error }) (*model.Initiative, error) {
	var in model.Initiative
	var author sql.NullInt64
	err := sc.Scan(&in.ID, &in.Slug, &in.Title, &in.Persona, &in.Problem, &in.Solution, &in.Implementation,
		&in.EcosystemFit, &in.Size, &in.HoursLow, &in.HoursHigh, &in.Rate.Amount, &in.Rate.Currency, &in.Status,
		&in.StatusAt, &in.StatusByName, &in.Public, &author, &in.AuthorName, &in.CreatedAt, &in.UpdatedAt, &in.Version)
	if err != nil {
		return nil, mapError(err)
	}
	if author.Valid {
		in.AuthorID = &author.Int64
	}
	in.StatusAt, in.CreatedAt, in.UpdatedAt = in.StatusAt.UTC(), in.CreatedAt.UTC(), in.UpdatedAt.UTC()
	in.Themes, in.Links, in.Tasks = []string{}, []model.Link{}, []model.Task{}
	in.Interested, in.CoFunded = []model.CommunityRef{}, []model.CommunityRef{}
	in.Narratives, in.Consortia = []model.NarrativeRef{}, []model.ConsortiumRef{}
	return &in, nil
}

// CreateInitiative inserts an initiative with its themes, links and tasks.
func (q queries) CreateInitiative(ctx context.Context, in model.InitiativeInput, author *model.User) (*model.Initiative, error) {
	t := now()
	var authorID any
	authorName := "system"
	if author != nil {
		authorID, authorName = author.ID, author.Name
	}
	row := q.queryRow(ctx, `INSERT INTO initiatives (slug, title, persona, problem, solution, implementation, ecosystem_fit,
		size, hours_low, hours_high, rate_minor, currency, status, status_changed_at, status_changed_by, public,
		author_id, author_name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'idea', ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		in.Slug, in.Title, in.Persona, in.Problem, in.Solution, in.Implementation, in.EcosystemFit, in.Size,
		in.HoursLow, in.HoursHigh, in.RateMinor, in.Currency, t, authorName, in.Public, authorID, authorName, t, t)
	var id int64
	if err := row.Scan(&id); err != nil {
		return nil, mapError(err)
	}
	if err := q.recordStatusChange(ctx, id, "", model.StatusIdea, authorID, authorName, t, "Proposed."); err != nil {
		return nil, err
	}
	if err := q.setInitiativeParts(ctx, id, in); err != nil {
		return nil, err
	}
	return q.InitiativeByRef(ctx, strconv.FormatInt(id, 10))
}

// UpdateInitiative replaces an initiative's editable fields; a non-zero
// version must match (optimistic locking).
func (q queries) UpdateInitiative(ctx context.Context, id, version int64, in model.InitiativeInput) (*model.Initiative, error) {
	query := `UPDATE initiatives SET slug = ?, title = ?, persona = ?, problem = ?, solution = ?, implementation = ?,
		ecosystem_fit = ?, size = ?, hours_low = ?, hours_high = ?, rate_minor = ?, currency = ?, public = ?,
		updated_at = ?, version = version + 1 WHERE id = ?`
	args := []any{in.Slug, in.Title, in.Persona, in.Problem, in.Solution, in.Implementation, in.EcosystemFit, in.Size,
		in.HoursLow, in.HoursHigh, in.RateMinor, in.Currency, in.Public, now(), id}
	if version != 0 {
		query += ` AND version = ?`
		args = append(args, version)
	}
	res, err := q.exec(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &StaleError{What: model.StaleInitiative, Version: version}
	}
	if err := q.setInitiativeParts(ctx, id, in); err != nil {
		return nil, err
	}
	return q.InitiativeByRef(ctx, strconv.FormatInt(id, 10))
}

func (q queries) setInitiativeParts(ctx context.Context, id int64, in model.InitiativeInput) error {
	for _, stmt := range []string{`DELETE FROM initiative_themes WHERE initiative_id = ?`, `DELETE FROM initiative_links WHERE initiative_id = ?`} {
		if _, err := q.exec(ctx, stmt, id); err != nil {
			return err
		}
	}
	for _, t := range in.Themes {
		if _, err := q.exec(ctx, `INSERT INTO initiative_themes (initiative_id, theme) VALUES (?, ?)`, id, t); err != nil {
			return err
		}
	}
	for i, l := range in.Links {
		if _, err := q.exec(ctx, `INSERT INTO initiative_links (initiative_id, position, label, url) VALUES (?, ?, ?, ?)`, id, i, l.Label, l.URL); err != nil {
			return err
		}
	}
	// Tasks keep their ids (and done state) when edited by id.
	keep := []string{}
	for i, t := range in.Tasks {
		if t.ID != 0 {
			res, err := q.exec(ctx, `UPDATE initiative_tasks SET position = ?, title = ?, done = ? WHERE id = ? AND initiative_id = ?`, i, t.Title, t.Done, t.ID, id)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 1 {
				keep = append(keep, strconv.FormatInt(t.ID, 10))
				continue
			}
		}
		var newID int64
		if err := q.queryRow(ctx, `INSERT INTO initiative_tasks (initiative_id, position, title, done) VALUES (?, ?, ?, ?) RETURNING id`,
			id, i, t.Title, t.Done).Scan(&newID); err != nil {
			return mapError(err)
		}
		keep = append(keep, strconv.FormatInt(newID, 10))
	}
	del := `DELETE FROM initiative_tasks WHERE initiative_id = ?`
	if len(keep) > 0 {
		del += ` AND id NOT IN (` + strings.Join(keep, ",") + `)`
	}
	_, err := q.exec(ctx, del, id)
	return err
}

// SetTaskDone ticks or unticks a sub-task.
func (q queries) SetTaskDone(ctx context.Context, initiativeID, taskID int64, done bool) error {
	res, err := q.exec(ctx, `UPDATE initiative_tasks SET done = ? WHERE id = ? AND initiative_id = ?`, done, taskID, initiativeID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NotFoundError{Entity: model.EntityTask, Key: taskID}
	}
	return nil
}

// SetInitiativeStatus moves an initiative and records who moved it.
func (q queries) SetInitiativeStatus(ctx context.Context, id int64, from, to string, by *model.User, note string, priority *int) error {
	t := now()
	name := "system"
	var byID any
	if by != nil {
		byID, name = by.ID, by.Name
	}
	if _, err := q.exec(ctx, `UPDATE initiatives SET status = ?, status_changed_at = ?, status_changed_by = ?, priority = ?,
		updated_at = ?, version = version + 1 WHERE id = ?`, to, t, name, priority, t, id); err != nil {
		return err
	}
	return q.recordStatusChange(ctx, id, from, to, byID, name, t, note)
}

func (q queries) recordStatusChange(ctx context.Context, id int64, from, to string, byID any, name string, at time.Time, note string) error {
	_, err := q.exec(ctx, `INSERT INTO initiative_status_history (initiative_id, from_status, to_status, by_id, by_name, at, note)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, id, from, to, byID, name, at, note)
	return err
}

// StatusHistory lists an initiative's status changes, oldest first.
func (q queries) StatusHistory(ctx context.Context, id int64) ([]model.StatusChange, error) {
	return collect(ctx, q, func(rows scanner) (model.StatusChange, error) {
		var c model.StatusChange
		var by sql.NullInt64
		if err := rows.Scan(&c.From, &c.To, &by, &c.ByName, &c.At, &c.Note); err != nil {
			return c, err
		}
		if by.Valid {
			c.ByID = &by.Int64
		}
		c.At = c.At.UTC()
		return c, nil
	}, `SELECT from_status, to_status, by_id, by_name, at, note FROM initiative_status_history
		WHERE initiative_id = ? ORDER BY id`, id)
}

// InitiativeByRef returns an initiative by id or slug, with everything it holds.
func (q queries) InitiativeByRef(ctx context.Context, ref string) (*model.Initiative, error) {
	var in *model.Initiative
	var err error
	if id, perr := strconv.ParseInt(ref, 10, 64); perr == nil {
		in, err = scanInitiative(q.queryRow(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE id = ?`, id))
	} else if !lookupKey(ref) {
		err = mapError(sql.ErrNoRows)
	} else {
		in, err = scanInitiative(q.queryRow(ctx, `SELECT `+initiativeColumns+` FROM initiatives WHERE slug = ?`, strings.ToLower(ref)))
	}
	if err != nil {
		return nil, notFound(err, model.EntityInitiative, ref)
	}
	list := []*model.Initiative{in}
	if err := q.loadInitiativeParts(ctx, list, true); err != nil {
		return nil, err
	}
	return in, nil
}

// ListInitiatives returns a page of initiatives and the total. Related data
// is loaded with one query per kind for the whole page, never per row.
func (q queries) ListInitiatives(ctx context.Context, f model.InitiativeFilter) ([]*model.Initiative, int, error) {
	where, args := []string{"1=1"}, []any{}
	if f.PublicOnly {
		where = append(where, "public = ?")
		args = append(args, true)
	}
	switch f.Status {
	case "":
	case "in-flight":
		where = append(where, "status IN ('scoping', 'building', 'review')")
	default:
		where, args = append(where, "status = ?"), append(args, f.Status)
	}
	if s := strings.TrimSpace(f.Query); s != "" {
		like := "%" + escapeLike(strings.ToLower(s)) + "%"
		where = append(where, `(lower(title) LIKE ? ESCAPE '\' OR lower(problem) LIKE ? ESCAPE '\')`)
		args = append(args, like, like)
	}
	if f.Theme != "" {
		where, args = append(where, "id IN (SELECT initiative_id FROM initiative_themes WHERE theme = ?)"), append(args, strings.ToLower(f.Theme))
	}
	if f.NarrativeID != 0 {
		where, args = append(where, "id IN (SELECT initiative_id FROM narrative_initiatives WHERE narrative_id = ?)"), append(args, f.NarrativeID)
	}
	if f.ConsortiumID != 0 {
		where, args = append(where, "id IN (SELECT initiative_id FROM consortium_initiatives WHERE consortium_id = ?)"), append(args, f.ConsortiumID)
	}
	if len(f.IDs) > 0 {
		ph, ids := placeholders(f.IDs)
		where, args = append(where, "id IN ("+ph+")"), append(args, ids...)
	}
	cond := strings.Join(where, " AND ")
	var total int
	if err := q.queryRow(ctx, `SELECT COUNT(*) FROM initiatives WHERE `+cond, args...).Scan(&total); err != nil {
		return nil, 0, mapError(err)
	}
	query := `SELECT ` + initiativeColumns + ` FROM initiatives WHERE ` + cond +
		` ORDER BY CASE WHEN priority IS NULL THEN 1 ELSE 0 END, priority, updated_at DESC, id DESC`
	if f.Page.Size >= 0 {
		p := f.Page.Normalize()
		query += ` LIMIT ? OFFSET ?`
		args = append(args, p.Size, p.Offset())
	}
	out, err := collect(ctx, q, scanInitiative, query, args...)
	if err != nil {
		return nil, 0, err
	}
	return out, total, q.loadInitiativeParts(ctx, out, false)
}

// loadInitiativeParts fills themes, interest, narratives and consortia (and,
// for a single initiative's page, links and tasks) with one query each.
func (q queries) loadInitiativeParts(ctx context.Context, list []*model.Initiative, full bool) error {
	if len(list) == 0 {
		return nil
	}
	byID := make(map[int64]*model.Initiative, len(list))
	ids := make([]int64, len(list))
	for i, in := range list {
		byID[in.ID], ids[i] = in, in.ID
	}
	ph, args := placeholders(ids)
	scan := func(query string, fn func(rows *sql.Rows) error) error {
		return q.eachRow(ctx, query, args, fn)
	}
	err := scan(`SELECT initiative_id, theme FROM initiative_themes WHERE initiative_id IN (`+ph+`) ORDER BY theme`, func(rows *sql.Rows) error {
		var id int64
		var theme string
		if err := rows.Scan(&id, &theme); err != nil {
			return err
		}
		byID[id].Themes = append(byID[id].Themes, theme)
		return nil
	})
	if err != nil {
		return err
	}
	// Credit follows money: besides the co-funders staff record, a
	// community whose pledge towards the initiative was committed (and then
	// invoiced or paid) co-funds it, unless it pledged anonymously.
	err = q.eachRow(ctx, `SELECT i.initiative_id, i.kind, c.id, c.slug, c.name FROM initiative_interest i JOIN communities c ON c.id = i.community_id
		WHERE i.initiative_id IN (`+ph+`) AND c.archived_at IS NULL
		UNION SELECT g.initiative_id, '`+model.InterestCoFunded+`', c.id, c.slug, c.name FROM pledges p JOIN funding_goals g ON g.id = p.goal_id
		JOIN communities c ON c.id = p.community_id
		WHERE g.initiative_id IN (`+ph+`) AND p.state IN ('committed', 'invoiced', 'paid') AND p.committed_amount > 0 AND NOT p.anonymous AND c.archived_at IS NULL
		ORDER BY 5, 3`, append(append([]any{}, args...), args...), func(rows *sql.Rows) error {
		var id int64
		var kind string
		var c model.CommunityRef
		if err := rows.Scan(&id, &kind, &c.ID, &c.Slug, &c.Name); err != nil {
			return err
		}
		if kind == model.InterestCoFunded {
			byID[id].CoFunded = append(byID[id].CoFunded, c)
		} else {
			byID[id].Interested = append(byID[id].Interested, c)
		}
		return nil
	})
	if err != nil {
		return err
	}
	err = scan(`SELECT ni.initiative_id, n.id, n.slug, n.title FROM narrative_initiatives ni JOIN narratives n ON n.id = ni.narrative_id
		WHERE ni.initiative_id IN (`+ph+`) ORDER BY n.title`, func(rows *sql.Rows) error {
		var id int64
		var n model.NarrativeRef
		if err := rows.Scan(&id, &n.ID, &n.Slug, &n.Title); err != nil {
			return err
		}
		byID[id].Narratives = append(byID[id].Narratives, n)
		return nil
	})
	if err != nil {
		return err
	}
	err = scan(`SELECT ci.initiative_id, c.id, c.slug, c.name, c.stage FROM consortium_initiatives ci JOIN consortia c ON c.id = ci.consortium_id
		WHERE ci.initiative_id IN (`+ph+`) ORDER BY c.name`, func(rows *sql.Rows) error {
		var id int64
		var c model.ConsortiumRef
		if err := rows.Scan(&id, &c.ID, &c.Slug, &c.Name, &c.Stage); err != nil {
			return err
		}
		byID[id].Consortia = append(byID[id].Consortia, c)
		return nil
	})
	if err != nil {
		return err
	}
	// Tasks are needed for progress bars on lists too.
	err = scan(`SELECT initiative_id, id, title, done FROM initiative_tasks WHERE initiative_id IN (`+ph+`) ORDER BY position, id`, func(rows *sql.Rows) error {
		var id int64
		var t model.Task
		if err := rows.Scan(&id, &t.ID, &t.Title, &t.Done); err != nil {
			return err
		}
		byID[id].Tasks = append(byID[id].Tasks, t)
		return nil
	})
	if err != nil || !full {
		return err
	}
	return scan(`SELECT initiative_id, label, url FROM initiative_links WHERE initiative_id IN (`+ph+`) ORDER BY position`, func(rows *sql.Rows) error {
		var id int64
		var l model.Link
		if err := rows.Scan(&id, &l.Label, &l.URL); err != nil {
			return err
		}
		byID[id].Links = append(byID[id].Links, l)
		return nil
	})
}

// SetInterest records (or with on=false removes) a community's interest in
// or co-funding of an initiative.
func (q queries) SetInterest(ctx context.Context, initiativeID, communityID int64, kind string, on bool, note string) error {
	if !on {
		_, err := q.exec(ctx, `DELETE FROM initiative_interest WHERE initiative_id = ? AND community_id = ? AND kind = ?`, initiativeID, communityID, kind)
		return err
	}
	_, err := q.exec(ctx, `INSERT INTO initiative_interest (initiative_id, community_id, kind, note, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (initiative_id, community_id, kind) DO UPDATE SET note = excluded.note`, initiativeID, communityID, kind, note, now())
	return err
}

// InitiativeThemes lists themes in use, most used first.
func (q queries) InitiativeThemes(ctx context.Context, publicOnly bool) ([]model.TagCount, error) {
	query := `SELECT t.theme, COUNT(*) FROM initiative_themes t JOIN initiatives i ON i.id = t.initiative_id`
	if publicOnly {
		query += ` WHERE i.public = ?`
	}
	query += ` GROUP BY t.theme ORDER BY COUNT(*) DESC, t.theme LIMIT 200`
	var args []any
	if publicOnly {
		args = append(args, true)
	}
	return collect(ctx, q, func(rows scanner) (model.TagCount, error) {
		var tc model.TagCount
		if err := rows.Scan(&tc.Tag, &tc.Count); err != nil {
			return tc, err
		}
		return tc, nil
	}, query, args...)
}
