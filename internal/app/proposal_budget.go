package app

import (
	"context"

	"consortia/internal/model"
	"consortia/internal/proposalbudget"
	"consortia/internal/storage"
)

// A proposal's budget: the estimates of its initiatives and the lines staff
// or the lead add, built by package proposalbudget.

// AddBudgetLine adds a line (travel, equipment, personnel, other, or
// overhead as a percentage) to a proposal's budget; staff or the lead
// community's leads. A proposal the host leads has no lead share.
func (a *App) AddBudgetLine(ctx context.Context, actor *model.User, proposalID int64, in model.BudgetLineInput) (*model.BudgetLine, error) {
	in.Normalize()
	var out *model.BudgetLine
	err := a.editProposal(ctx, actor, proposalID, in.Validate, func(tx *storage.Tx, p *model.Proposal) error {
		if in.Party == proposalbudget.Lead && p.LeadCommunityID == nil {
			return fieldErr("party", "must be host: the host leads this proposal")
		}
		lines, err := tx.BudgetLines(ctx, proposalID)
		if err != nil {
			return err
		}
		if len(lines) >= model.MaxBudgetLines {
			return fieldErr("kind", "a budget has at most %d added lines", model.MaxBudgetLines)
		}
		if out, err = tx.AddBudgetLine(ctx, proposalID, in); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.budget.add", "proposal", idStr(proposalID), nil, out)
	})
	return out, err
}

// RemoveBudgetLine removes an added line; staff or the lead community's
// leads.
func (a *App) RemoveBudgetLine(ctx context.Context, actor *model.User, proposalID, lineID int64) error {
	return a.editProposal(ctx, actor, proposalID, nil, func(tx *storage.Tx, _ *model.Proposal) error {
		if err := tx.RemoveBudgetLine(ctx, proposalID, lineID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.budget.remove", "proposal", idStr(proposalID), map[string]int64{"line": lineID}, nil)
	})
}

// proposalBudget builds the budget table from the initiatives the reader
// sees (their hours range × rate) and the added lines.
func proposalBudget(p *model.Proposal, initiatives []model.ProposalInitiative, lines []model.BudgetLine) (*proposalbudget.Table, error) {
	in := proposalbudget.Input{Currency: p.Amount.Currency}
	for _, it := range initiatives {
		in.Work = append(in.Work, proposalbudget.Work{Label: it.Title, HoursLow: it.HoursLow, HoursHigh: it.HoursHigh,
			Rate: it.Rate.Amount, Currency: it.Rate.Currency})
	}
	for _, l := range lines {
		in.Lines = append(in.Lines, proposalbudget.Line{Kind: l.Kind, Label: l.Label, Amount: l.Amount, BasisPts: l.BasisPoints,
			Party: l.Party, Reference: l.ID})
	}
	return proposalbudget.Build(in)
}
