package storage

import (
	"context"

	"consortia/internal/model"
)

// AddBudgetLine adds a line to a proposal's budget.
func (q queries) AddBudgetLine(ctx context.Context, proposalID int64, in model.BudgetLineInput) (*model.BudgetLine, error) {
	return scanBudgetLine(q.queryRow(ctx, `INSERT INTO proposal_budget_lines (proposal_id, kind, label, amount, percent_bp, party, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING `+budgetLineColumns, proposalID, in.Kind, in.Label, in.Amount, in.BasisPoints, in.Party, now()))
}

// RemoveBudgetLine deletes a line of a proposal's budget.
func (q queries) RemoveBudgetLine(ctx context.Context, proposalID, lineID int64) error {
	res, err := q.exec(ctx, `DELETE FROM proposal_budget_lines WHERE id = ? AND proposal_id = ?`, lineID, proposalID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &NotFoundError{Entity: model.EntityBudgetLine, Key: lineID}
	}
	return nil
}

// BudgetLines lists a proposal's added budget lines in the order added.
func (q queries) BudgetLines(ctx context.Context, proposalID int64) ([]model.BudgetLine, error) {
	return collect(ctx, q, func(sc scanner) (model.BudgetLine, error) {
		l, err := scanBudgetLine(sc)
		if err != nil {
			return model.BudgetLine{}, err
		}
		return *l, nil
	}, `SELECT `+budgetLineColumns+` FROM proposal_budget_lines WHERE proposal_id = ? ORDER BY id`, proposalID)
}

const budgetLineColumns = `id, kind, label, amount, percent_bp, party, created_at`

func scanBudgetLine(sc scanner) (*model.BudgetLine, error) {
	var l model.BudgetLine
	if err := sc.Scan(&l.ID, &l.Kind, &l.Label, &l.Amount, &l.BasisPoints, &l.Party, &l.CreatedAt); err != nil {
		return nil, mapError(err)
	}
	l.CreatedAt = l.CreatedAt.UTC()
	return &l, nil
}
