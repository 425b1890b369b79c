package storage

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"

	"consortia/internal/model"
)

// Pledges towards funding goals.

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
		return nil, named(err, model.RuleOneLivePledge)
	}
	return q.PledgeByID(ctx, id)
}

// PledgeByID returns a pledge.
func (q queries) PledgeByID(ctx context.Context, id int64) (*model.Pledge, error) {
	p, err := scanPledge(q.queryRow(ctx, pledgeSelect+` WHERE p.id = ?`, id))
	if err != nil {
		return nil, notFound(err, model.EntityPledge, id)
	}
	return p, nil
}

// PledgesOfGoals lists the pledges (every state) of the given goals, in
// the order they were made, keyed by goal.
func (q queries) PledgesOfGoals(ctx context.Context, goalIDs []int64) (map[int64][]*model.Pledge, error) {
	out := map[int64][]*model.Pledge{}
	if len(goalIDs) == 0 {
		return out, nil
	}
	ph, args := placeholders(goalIDs)
	if err := q.eachRow(ctx, pledgeSelect+` WHERE p.goal_id IN (`+ph+`) ORDER BY p.goal_id, p.id`, args, func(rows *sql.Rows) error {
		p, err := scanPledge(rows)
		if err != nil {
			return err
		}
		out[p.GoalID] = append(out[p.GoalID], p)
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// PledgesOfCommunity lists a community's pledges, newest first.
func (q queries) PledgesOfCommunity(ctx context.Context, communityID int64) ([]*model.Pledge, error) {
	return collect(ctx, q, scanPledge, pledgeSelect+` WHERE p.community_id = ? ORDER BY p.id DESC`, communityID)
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
	if err := q.eachRow(ctx, `SELECT id, slug, name FROM communities WHERE id IN (`+ph+`)`, args, func(rows *sql.Rows) error {
		var c model.CommunityRef
		if err := rows.Scan(&c.ID, &c.Slug, &c.Name); err != nil {
			return err
		}
		out[c.ID] = c
		return nil
	}); err != nil {
		return nil, err
	}
	return out, nil
}

// Budget rounds.
