package storage

import (
	"context"
	"database/sql"
	"encoding/json"

	"consortia/internal/model"
)

// Budget rounds, their candidates and ballots.

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
			return nil, named(err, model.RuleBudgetCandidate)
		}
	}
	return q.BudgetRoundByID(ctx, id)
}

// BudgetRoundByID returns a budget round with its candidates.
func (q queries) BudgetRoundByID(ctx context.Context, id int64) (*model.BudgetRound, error) {
	r, err := scanBudgetRound(q.queryRow(ctx, budgetRoundSelect+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityBudgetRound, id)
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
	out, err := collect(ctx, q, scanBudgetRound, budgetRoundSelect+` WHERE `+where+` ORDER BY r.id DESC`, args...)
	if err != nil {
		return nil, err
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
	if err := q.eachRow(ctx, `SELECT bc.round_id, i.id, i.slug, i.title, i.status, i.public, bc.cost FROM budget_candidates bc
		JOIN initiatives i ON i.id = bc.initiative_id WHERE bc.round_id IN (`+ph+`) ORDER BY i.title, i.id`, args, func(rows *sql.Rows) error {
		var id int64
		var c model.BudgetCandidate
		if err := rows.Scan(&id, &c.ID, &c.Slug, &c.Title, &c.Status, &c.Public, &c.Cost); err != nil {
			return err
		}
		byID[id].Candidates = append(byID[id].Candidates, c)
		return nil
	}); err != nil {
		return err
	}
	return nil
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
	return collect(ctx, q, func(rows scanner) (model.BudgetBallot, error) {
		var b model.BudgetBallot
		var raw string
		if err := rows.Scan(&b.CommunityID, &b.CommunitySlug, &b.CommunityName, &raw, &b.CastByName, &b.CastAt); err != nil {
			return b, err
		}
		if err := json.Unmarshal([]byte(raw), &b.Approved); err != nil {
			return b, err
		}
		b.CastAt = b.CastAt.UTC()
		return b, nil
	}, `SELECT b.community_id, c.slug, c.name, b.approved, b.cast_by_name, b.cast_at FROM budget_ballots b
		JOIN communities c ON c.id = b.community_id WHERE b.round_id = ? ORDER BY b.community_id`, roundID)
}

// Matching pools.
