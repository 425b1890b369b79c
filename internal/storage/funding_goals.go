package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"consortia/internal/model"
)

// Funding goals of initiatives and consortia's sustenance funds.

const goalSelect = `SELECT g.id, g.initiative_id, COALESCE(i.slug, ''), COALESCE(i.title, ''), COALESCE(i.public, FALSE),
	g.consortium_id, COALESCE(c.slug, ''), COALESCE(c.name, ''), g.amount, g.currency, g.deadline, g.all_or_nothing,
	g.match_counts_as_others, g.note, g.state, g.committed_total, g.closed_at, g.closed_by_name, g.created_by_name,
	g.created_at, g.updated_at, g.version
	FROM funding_goals g LEFT JOIN initiatives i ON i.id = g.initiative_id LEFT JOIN consortia c ON c.id = g.consortium_id`

func scanGoal(sc interface{ Scan(...any) error }) (*model.FundingGoal, error) {
	var g model.FundingGoal
	var ini, con sql.NullInt64
	var iTitle, cName string
	var deadline, closed sql.NullTime
	err := sc.Scan(&g.ID, &ini, &g.InitiativeSlug, &iTitle, &g.InitiativePublic, &con, &g.ConsortiumSlug, &cName,
		&g.Goal.Amount, &g.Goal.Currency, &deadline, &g.AllOrNothing, &g.MatchCountsAsOthers, &g.Note, &g.State,
		&g.CommittedTotal, &closed, &g.ClosedByName, &g.CreatedByName, &g.CreatedAt, &g.UpdatedAt, &g.Version)
	if err != nil {
		return nil, mapError(err)
	}
	if ini.Valid {
		g.InitiativeID, g.Kind, g.Title = &ini.Int64, model.GoalInitiative, iTitle
	}
	if con.Valid {
		g.ConsortiumID, g.Kind, g.Title = &con.Int64, model.GoalSustenance, cName+": general sustenance fund"
	}
	g.Deadline, g.ClosedAt = nullTime(deadline), nullTime(closed)
	g.CreatedAt, g.UpdatedAt = g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return &g, nil
}

func (q queries) listGoals(ctx context.Context, where string, args ...any) ([]*model.FundingGoal, error) {
	return collect(ctx, q, scanGoal, goalSelect+` WHERE `+where, args...)
}

// CreateGoal inserts a funding goal for an initiative or (sustenance) a
// consortium; exactly one of initiativeID and consortiumID is set.
func (q queries) CreateGoal(ctx context.Context, initiativeID, consortiumID *int64, in model.FundingGoalInput, by *model.User) (*model.FundingGoal, error) {
	t := now()
	var id int64
	err := q.queryRow(ctx, `INSERT INTO funding_goals (initiative_id, consortium_id, amount, currency, deadline, all_or_nothing,
		match_counts_as_others, note, created_by_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		initiativeID, consortiumID, in.Amount, in.Currency, in.Deadline, in.AllOrNothing, in.MatchCountsAsOthers, in.Note,
		actorName(by), t, t).Scan(&id)
	if err != nil {
		return nil, named(err, model.RuleOneOpenGoal)
	}
	return q.GoalByID(ctx, id)
}

// UpdateGoal changes an open goal's terms, if version is current.
func (q queries) UpdateGoal(ctx context.Context, id, version int64, in model.FundingGoalInput) (*model.FundingGoal, error) {
	res, err := q.exec(ctx, `UPDATE funding_goals SET amount = ?, currency = ?, deadline = ?, all_or_nothing = ?, match_counts_as_others = ?,
		note = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ? AND state = 'open'`,
		in.Amount, in.Currency, in.Deadline, in.AllOrNothing, in.MatchCountsAsOthers, in.Note, now(), id, version)
	if err != nil {
		return nil, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, &StaleError{What: model.StaleFundingGoal, Version: version}
	}
	return q.GoalByID(ctx, id)
}

// CloseGoal records the resolution of a goal and closes it.
func (q queries) CloseGoal(ctx context.Context, id int64, resolution any, committedTotal int64, by *model.User) error {
	buf, err := json.Marshal(resolution)
	if err != nil {
		return err
	}
	t := now()
	res, err := q.exec(ctx, `UPDATE funding_goals SET state = 'closed', resolution = ?, committed_total = ?, closed_at = ?, closed_by_name = ?,
		updated_at = ?, version = version + 1 WHERE id = ? AND state = 'open'`, string(buf), committedTotal, t, actorName(by), t, id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &StaleError{What: model.StaleGoalClosed}
	}
	return nil
}

// GoalResolution returns the resolution stored when a goal closed (nil
// while it is open).
func (q queries) GoalResolution(ctx context.Context, id int64) (json.RawMessage, error) {
	var raw sql.NullString
	if err := q.queryRow(ctx, `SELECT resolution FROM funding_goals WHERE id = ?`, id).Scan(&raw); err != nil {
		return nil, mapError(err)
	}
	if !raw.Valid {
		return nil, nil
	}
	return json.RawMessage(raw.String), nil
}

// GoalByID returns a funding goal.
func (q queries) GoalByID(ctx context.Context, id int64) (*model.FundingGoal, error) {
	g, err := scanGoal(q.queryRow(ctx, goalSelect+` WHERE g.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityFundingGoal, id)
	}
	return g, nil
}

// GoalFilter selects funding goals.
type GoalFilter struct {
	InitiativeIDs []int64
	ConsortiumID  int64
	State         string
}

// ListGoals lists funding goals, open ones first, then newest first.
func (q queries) ListGoals(ctx context.Context, f GoalFilter) ([]*model.FundingGoal, error) {
	where, args := []string{"1=1"}, []any{}
	if f.InitiativeIDs != nil {
		if len(f.InitiativeIDs) == 0 {
			return []*model.FundingGoal{}, nil
		}
		ph, a := placeholders(f.InitiativeIDs)
		where, args = append(where, `g.initiative_id IN (`+ph+`)`), append(args, a...)
	}
	if f.ConsortiumID != 0 {
		where, args = append(where, `g.consortium_id = ?`), append(args, f.ConsortiumID)
	}
	if f.State != "" {
		where, args = append(where, `g.state = ?`), append(args, f.State)
	}
	return q.listGoals(ctx, strings.Join(where, " AND ")+` ORDER BY CASE WHEN g.state = 'open' THEN 0 ELSE 1 END, g.id DESC`, args...)
}

func actorName(u *model.User) string {
	if u == nil {
		return "system"
	}
	return u.Name
}
