package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"consortia/internal/model"
)

// Co-funding: funding goals and pledges, budget rounds and matching pools.

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
	rows, err := q.query(ctx, goalSelect+` WHERE `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.FundingGoal{}
	for rows.Next() {
		g, err := scanGoal(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, mapError(rows.Err())
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
		if model.ErrorCode(mapError(err)) == model.EConflict {
			return nil, model.Errorf(model.EConflict, "There is already an open funding goal for this; close it before starting another.")
		}
		return nil, mapError(err)
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
		return nil, model.Errorf(model.EConflict, "The goal was changed or closed by someone else; reload it and try again.")
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
		return model.Errorf(model.EConflict, "The goal is already closed.")
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
	if model.ErrorCode(err) == model.ENotFound {
		return nil, model.Errorf(model.ENotFound, "No funding goal %d.", id)
	}
	return g, err
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

const pledgeSelect = `SELECT p.id, p.goal_id, p.community_id, c.slug, c.name, p.kind, p.amount, p.rate, p.currency, p.condition,
	p.anonymous, p.note, p.state, p.committed_amount, p.invoice_number, p.created_by_name, p.created_at, p.updated_at,
	p.opened_at, p.committed_at, p.invoiced_at, p.paid_at, p.withdrawn_at, p.version
	FROM pledges p JOIN communities c ON c.id = p.community_id`

func scanPledge(sc interface{ Scan(...any) error }) (*model.Pledge, error) {
	var p model.Pledge
	var cond sql.NullString
	var opened, committed, invoiced, paid, withdrawn sql.NullTime
	err := sc.Scan(&p.ID, &p.GoalID, &p.CommunityID, &p.CommunitySlug, &p.CommunityName, &p.Kind, &p.Amount.Amount, &p.Rate,
		&p.Amount.Currency, &cond, &p.Anonymous, &p.Note, &p.State, &p.CommittedAmount, &p.InvoiceNumber, &p.CreatedByName,
		&p.CreatedAt, &p.UpdatedAt, &opened, &committed, &invoiced, &paid, &withdrawn, &p.Version)
	if err != nil {
		return nil, mapError(err)
	}
	if cond.Valid && cond.String != "" {
		p.Condition = &model.PledgeCondition{}
		if err := json.Unmarshal([]byte(cond.String), p.Condition); err != nil {
			return nil, err
		}
	}
	p.CreatedAt, p.UpdatedAt = p.CreatedAt.UTC(), p.UpdatedAt.UTC()
	p.OpenedAt, p.CommittedAt, p.InvoicedAt = nullTime(opened), nullTime(committed), nullTime(invoiced)
	p.PaidAt, p.WithdrawnAt = nullTime(paid), nullTime(withdrawn)
	return &p, nil
}

// storedCondition is the condition as kept in the database: community ids
// only, never slugs or names.
func storedCondition(c *model.PledgeCondition) (any, error) {
	if c == nil {
		return nil, nil
	}
	var strip func(c model.PledgeCondition) model.PledgeCondition
	strip = func(c model.PledgeCondition) model.PledgeCondition {
		out := model.PledgeCondition{Type: c.Type, Value: c.Value, CommunityID: c.CommunityID}
		for _, o := range c.Of {
			out.Of = append(out.Of, strip(o))
		}
		return out
	}
	buf, err := json.Marshal(strip(*c))
	if err != nil {
		return nil, err
	}
	return string(buf), nil
}

// CreatePledge inserts a pledge in state draft or open.
func (q queries) CreatePledge(ctx context.Context, goalID, communityID int64, in model.PledgeInput, by *model.User) (*model.Pledge, error) {
	cond, err := storedCondition(in.Condition)
	if err != nil {
		return nil, err
	}
	t := now()
	state, opened := model.PledgeOpen, &t
	if in.Draft {
		state, opened = model.PledgeDraft, nil
	}
	var byID any
	if by != nil {
		byID = by.ID
	}
	var id int64
	err = q.queryRow(ctx, `INSERT INTO pledges (goal_id, community_id, kind, amount, rate, currency, condition, anonymous, note, state,
		created_by_id, created_by_name, created_at, updated_at, opened_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		goalID, communityID, in.Kind, in.Amount, in.Rate, in.Currency, cond, in.Anonymous, in.Note, state, byID, actorName(by), t, t, opened).Scan(&id)
	if err != nil {
		if model.ErrorCode(mapError(err)) == model.EConflict {
			return nil, &model.Error{Code: model.EConflict, Message: "This community has already pledged towards this goal; withdraw that pledge to make a new one.",
				Fields: []model.FieldError{{Field: "community", Message: "has already pledged towards this goal"}}}
		}
		return nil, mapError(err)
	}
	return q.PledgeByID(ctx, id)
}

// PledgeByID returns a pledge.
func (q queries) PledgeByID(ctx context.Context, id int64) (*model.Pledge, error) {
	p, err := scanPledge(q.queryRow(ctx, pledgeSelect+` WHERE p.id = ?`, id))
	if model.ErrorCode(err) == model.ENotFound {
		return nil, model.Errorf(model.ENotFound, "No pledge %d.", id)
	}
	return p, err
}

// PledgesOfGoals lists the pledges (every state) of the given goals, in
// the order they were made, keyed by goal.
func (q queries) PledgesOfGoals(ctx context.Context, goalIDs []int64) (map[int64][]*model.Pledge, error) {
	out := map[int64][]*model.Pledge{}
	if len(goalIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(goalIDs)
	rows, err := q.query(ctx, pledgeSelect+` WHERE p.goal_id IN (`+ph+`) ORDER BY p.goal_id, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanPledge(rows)
		if err != nil {
			return nil, err
		}
		out[p.GoalID] = append(out[p.GoalID], p)
	}
	return out, mapError(rows.Err())
}

// PledgesOfCommunity lists a community's pledges, newest first.
func (q queries) PledgesOfCommunity(ctx context.Context, communityID int64) ([]*model.Pledge, error) {
	rows, err := q.query(ctx, pledgeSelect+` WHERE p.community_id = ? ORDER BY p.id DESC`, communityID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.Pledge{}
	for rows.Next() {
		p, err := scanPledge(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, mapError(rows.Err())
}

// SetPledgeState moves a pledge to a new state if it is in one of the
// expected states, stamping the matching time. It reports whether it did.
func (q queries) SetPledgeState(ctx context.Context, id int64, from []string, to string, committedAmount *int64, invoice string) (bool, error) {
	t := now()
	set, args := []string{"state = ?", "updated_at = ?", "version = version + 1"}, []any{to, t}
	switch to {
	case model.PledgeOpen:
		set, args = append(set, "opened_at = ?"), append(args, t)
	case model.PledgeCommitted:
		set, args = append(set, "committed_at = ?"), append(args, t)
	case model.PledgeInvoiced:
		set, args = append(set, "invoiced_at = ?", "invoice_number = ?"), append(args, t, invoice)
	case model.PledgePaid:
		set, args = append(set, "paid_at = ?"), append(args, t)
	case model.PledgeWithdrawn:
		set, args = append(set, "withdrawn_at = ?"), append(args, t)
	}
	if committedAmount != nil {
		set, args = append(set, "committed_amount = ?"), append(args, *committedAmount)
	}
	states := make([]string, len(from))
	for i := range from {
		states[i] = "?"
		args = append(args, from[i])
	}
	res, err := q.exec(ctx, `UPDATE pledges SET `+strings.Join(set, ", ")+` WHERE state IN (`+strings.Join(states, ", ")+`) AND id = ?`, append(args, id)...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n == 1, nil
}

// CommunityRefs returns slug and name of the given communities.
func (q queries) CommunityRefs(ctx context.Context, ids []int64) (map[int64]model.CommunityRef, error) {
	out := map[int64]model.CommunityRef{}
	if len(ids) == 0 {
		return out, nil
	}
	ph, args := placeholders(ids)
	rows, err := q.query(ctx, `SELECT id, slug, name FROM communities WHERE id IN (`+ph+`)`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c model.CommunityRef
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name); err != nil {
			return nil, mapError(err)
		}
		out[c.ID] = c
	}
	return out, mapError(rows.Err())
}

// Budget rounds.

const budgetRoundSelect = `SELECT r.id, r.consortium_id, c.slug, c.name, r.title, r.pool, r.currency, r.rule, r.utility, r.completion,
	r.closes_at, r.closed_at, r.created_by_name, r.created_at, (SELECT COUNT(*) FROM budget_ballots b WHERE b.round_id = r.id)
	FROM budget_rounds r JOIN consortia c ON c.id = r.consortium_id`

func scanBudgetRound(sc interface{ Scan(...any) error }) (*model.BudgetRound, error) {
	var r model.BudgetRound
	var closed sql.NullTime
	err := sc.Scan(&r.ID, &r.ConsortiumID, &r.ConsortiumSlug, &r.ConsortiumName, &r.Title, &r.Pool.Amount, &r.Pool.Currency, &r.Rule,
		&r.Utility, &r.Completion, &r.ClosesAt, &closed, &r.CreatedByName, &r.CreatedAt, &r.BallotCount)
	if err != nil {
		return nil, mapError(err)
	}
	r.ClosesAt, r.CreatedAt, r.ClosedAt = r.ClosesAt.UTC(), r.CreatedAt.UTC(), nullTime(closed)
	r.Candidates = []model.BudgetCandidate{}
	return &r, nil
}

// CreateBudgetRound inserts a budget round with its candidates' costs.
func (q queries) CreateBudgetRound(ctx context.Context, consortiumID int64, in model.BudgetRoundInput, costs map[int64]int64, by *model.User) (*model.BudgetRound, error) {
	var id int64
	err := q.queryRow(ctx, `INSERT INTO budget_rounds (consortium_id, title, pool, currency, rule, utility, completion, closes_at,
		created_by_name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, consortiumID, in.Title, in.Pool, in.Currency,
		in.Rule, in.Utility, in.Completion, in.ClosesAt, actorName(by), now()).Scan(&id)
	if err != nil {
		return nil, mapError(err)
	}
	for _, ini := range in.CandidateIDs {
		if _, err := q.exec(ctx, `INSERT INTO budget_candidates (round_id, initiative_id, cost) VALUES (?, ?, ?)`, id, ini, costs[ini]); err != nil {
			return nil, conflictAs(err, "candidate_ids", "names an initiative that does not exist")
		}
	}
	return q.BudgetRoundByID(ctx, id)
}

// BudgetRoundByID returns a budget round with its candidates.
func (q queries) BudgetRoundByID(ctx context.Context, id int64) (*model.BudgetRound, error) {
	r, err := scanBudgetRound(q.queryRow(ctx, budgetRoundSelect+` WHERE r.id = ?`, id))
	if err != nil {
		if model.ErrorCode(err) == model.ENotFound {
			return nil, model.Errorf(model.ENotFound, "No budget round %d.", id)
		}
		return nil, err
	}
	return r, q.loadBudgetCandidates(ctx, []*model.BudgetRound{r})
}

// BudgetRounds lists budget rounds (of one consortium when consortiumID is
// not 0), newest first.
func (q queries) BudgetRounds(ctx context.Context, consortiumID int64) ([]*model.BudgetRound, error) {
	where, args := "1=1", []any{}
	if consortiumID != 0 {
		where, args = "r.consortium_id = ?", []any{consortiumID}
	}
	rows, err := q.query(ctx, budgetRoundSelect+` WHERE `+where+` ORDER BY r.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	var out []*model.BudgetRound
	for rows.Next() {
		r, err := scanBudgetRound(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	return out, q.loadBudgetCandidates(ctx, out)
}

func (q queries) loadBudgetCandidates(ctx context.Context, rounds []*model.BudgetRound) error {
	if len(rounds) == 0 {
		return nil
	}
	byID := map[int64]*model.BudgetRound{}
	ids := make([]int64, len(rounds))
	for i, r := range rounds {
		byID[r.ID], ids[i] = r, r.ID
	}
	ph, args := placeholders(ids)
	rows, err := q.query(ctx, `SELECT bc.round_id, i.id, i.slug, i.title, i.status, i.public, bc.cost FROM budget_candidates bc
		JOIN initiatives i ON i.id = bc.initiative_id WHERE bc.round_id IN (`+ph+`) ORDER BY i.title, i.id`, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var c model.BudgetCandidate
		if err := rows.Scan(&id, &c.ID, &c.Slug, &c.Title, &c.Status, &c.Public, &c.Cost); err != nil {
			return mapError(err)
		}
		byID[id].Candidates = append(byID[id].Candidates, c)
	}
	return mapError(rows.Err())
}

// CloseBudgetRound ends approvals now.
func (q queries) CloseBudgetRound(ctx context.Context, id int64) error {
	_, err := q.exec(ctx, `UPDATE budget_rounds SET closed_at = ? WHERE id = ? AND closed_at IS NULL`, now(), id)
	return err
}

// CastBudgetBallot stores (or replaces) a community's approvals.
func (q queries) CastBudgetBallot(ctx context.Context, roundID, communityID int64, approved []int64, by *model.User) error {
	buf, err := json.Marshal(approved)
	if err != nil {
		return err
	}
	var byID any
	if by != nil {
		byID = by.ID
	}
	_, err = q.exec(ctx, `INSERT INTO budget_ballots (round_id, community_id, approved, cast_by_id, cast_by_name, cast_at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (round_id, community_id) DO UPDATE SET approved = excluded.approved, cast_by_id = excluded.cast_by_id,
		cast_by_name = excluded.cast_by_name, cast_at = excluded.cast_at`, roundID, communityID, string(buf), byID, actorName(by), now())
	return err
}

// BudgetBallots lists a budget round's ballots by community.
func (q queries) BudgetBallots(ctx context.Context, roundID int64) ([]model.BudgetBallot, error) {
	rows, err := q.query(ctx, `SELECT b.community_id, c.slug, c.name, b.approved, b.cast_by_name, b.cast_at FROM budget_ballots b
		JOIN communities c ON c.id = b.community_id WHERE b.round_id = ? ORDER BY b.community_id`, roundID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []model.BudgetBallot{}
	for rows.Next() {
		var b model.BudgetBallot
		var raw string
		if err := rows.Scan(&b.CommunityID, &b.CommunitySlug, &b.CommunityName, &raw, &b.CastByName, &b.CastAt); err != nil {
			return nil, mapError(err)
		}
		if err := json.Unmarshal([]byte(raw), &b.Approved); err != nil {
			return nil, err
		}
		b.CastAt = b.CastAt.UTC()
		out = append(out, b)
	}
	return out, mapError(rows.Err())
}

// Matching pools.

const matchingPoolSelect = `SELECT m.id, m.consortium_id, c.slug, c.name, m.title, m.funder, m.pool, m.currency, m.cap_fraction,
	m.cap_amount, m.ignore_saturation, m.keep_cap_overflow, m.created_by_name, m.created_at FROM matching_pools m JOIN consortia c ON c.id = m.consortium_id`

func scanMatchingPool(sc interface{ Scan(...any) error }) (*model.MatchingPool, error) {
	var m model.MatchingPool
	err := sc.Scan(&m.ID, &m.ConsortiumID, &m.ConsortiumSlug, &m.ConsortiumName, &m.Title, &m.Funder, &m.Pool.Amount, &m.Pool.Currency,
		&m.CapFraction, &m.CapAmount, &m.IgnoreSaturation, &m.KeepCapOverflow, &m.CreatedByName, &m.CreatedAt)
	if err != nil {
		return nil, mapError(err)
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return &m, nil
}

// CreateMatchingPool inserts a quadratic-funding matching pool.
func (q queries) CreateMatchingPool(ctx context.Context, consortiumID int64, in model.MatchingPoolInput, by *model.User) (*model.MatchingPool, error) {
	var id int64
	err := q.queryRow(ctx, `INSERT INTO matching_pools (consortium_id, title, funder, pool, currency, cap_fraction,
		cap_amount, ignore_saturation, keep_cap_overflow, created_by_name, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`, consortiumID, in.Title, in.Funder, in.Pool, in.Currency, in.CapFraction,
		in.CapAmount, in.IgnoreSaturation, in.KeepCapOverflow, actorName(by), now()).Scan(&id)
	if err != nil {
		return nil, mapError(err)
	}
	return q.MatchingPoolByID(ctx, id)
}

// MatchingPoolByID returns a matching pool.
func (q queries) MatchingPoolByID(ctx context.Context, id int64) (*model.MatchingPool, error) {
	m, err := scanMatchingPool(q.queryRow(ctx, matchingPoolSelect+` WHERE m.id = ?`, id))
	if model.ErrorCode(err) == model.ENotFound {
		return nil, model.Errorf(model.ENotFound, "No matching pool %d.", id)
	}
	return m, err
}

// MatchingPools lists matching pools (of one consortium when consortiumID
// is not 0), newest first.
func (q queries) MatchingPools(ctx context.Context, consortiumID int64) ([]*model.MatchingPool, error) {
	where, args := "1=1", []any{}
	if consortiumID != 0 {
		where, args = "m.consortium_id = ?", []any{consortiumID}
	}
	rows, err := q.query(ctx, matchingPoolSelect+` WHERE `+where+` ORDER BY m.id DESC`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []*model.MatchingPool{}
	for rows.Next() {
		m, err := scanMatchingPool(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, mapError(rows.Err())
}
