package storage

import (
	"context"

	"consortia/internal/model"
)

// Matching pools (quadratic funding).

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
	if err != nil {
		return nil, notFound(err, model.EntityMatchingPool, id)
	}
	return m, nil
}

// MatchingPools lists matching pools (of one consortium when consortiumID
// is not 0), newest first.
func (q queries) MatchingPools(ctx context.Context, consortiumID int64) ([]*model.MatchingPool, error) {
	where, args := "1=1", []any{}
	if consortiumID != 0 {
		where, args = "m.consortium_id = ?", []any{consortiumID}
	}
	return collect(ctx, q, scanMatchingPool, matchingPoolSelect+` WHERE `+where+` ORDER BY m.id DESC`, args...)
}
