package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Invoices, payment and receipts of committed pledges.

// InvoiceNumber is the invoice number of a committed pledge.
func InvoiceNumber(p *model.Pledge) string { return fmt.Sprintf("CF-%d-%05d", p.GoalID, p.ID) }

// IssueInvoices invoices every committed pledge of a closed goal and returns
// the pledges invoiced; staff only.
func (a *App) IssueInvoices(ctx context.Context, actor *model.User, goalID int64) ([]int64, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	done := []int64{}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		g, err := tx.GoalByID(ctx, goalID)
		if err != nil {
			return err
		}
		if g.State != model.GoalClosed {
			return model.Errorf(model.EConflict, "Invoices are issued once the goal has closed.")
		}
		ps, err := tx.PledgesOfGoals(ctx, []int64{goalID})
		if err != nil {
			return err
		}
		for _, p := range ps[goalID] {
			if p.State != model.PledgeCommitted {
				continue
			}
			if _, err := tx.SetPledgeState(ctx, p.ID, []string{model.PledgeCommitted}, model.PledgeInvoiced, nil, InvoiceNumber(p)); err != nil {
				return err
			}
			if err := tx.Audit(ctx, actor, "pledge.invoice", "pledge", idStr(p.ID), map[string]string{"state": p.State},
				map[string]any{"state": model.PledgeInvoiced, "invoice_number": InvoiceNumber(p), "amount": p.CommittedAmount}); err != nil {
				return err
			}
			done = append(done, p.ID)
		}
		return nil
	})
	return done, err
}

// MarkPaid records that an invoiced pledge was paid; staff only.
func (a *App) MarkPaid(ctx context.Context, actor *model.User, pledgeID int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := tx.PledgeByID(ctx, pledgeID)
		if err != nil {
			return err
		}
		ok, err := tx.SetPledgeState(ctx, pledgeID, []string{model.PledgeInvoiced}, model.PledgePaid, nil, "")
		if err != nil {
			return err
		}
		if !ok {
			return model.Errorf(model.EConflict, "Only an invoiced pledge can be marked paid (this one is %s).", p.State)
		}
		return tx.Audit(ctx, actor, "pledge.paid", "pledge", idStr(pledgeID), map[string]string{"state": p.State}, map[string]string{"state": model.PledgePaid})
	})
}

// Receipt is a pledge's receipt (and, once invoiced, its invoice) for the
// pledging community.
type Receipt struct {
	Pledge    *model.Pledge      `json:"pledge"`
	Terms     string             `json:"terms"`
	Goal      *model.FundingGoal `json:"goal"`
	Community *model.Community   `json:"-"`
	History   []model.AuditEntry `json:"history"`
	CanAct    bool               `json:"-"` // a lead or staff: may withdraw or open it
}

// GetReceipt returns a pledge's receipt: staff and the people of the
// pledging community only.
func (a *App) GetReceipt(ctx context.Context, actor *model.User, id int64) (*Receipt, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	p, err := a.store.PledgeByID(ctx, id)
	if err != nil {
		return nil, err
	}
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	if !vw.sees(p) {
		return nil, model.NotFound(model.EntityPledge, id)
	}
	g, err := a.store.GoalByID(ctx, p.GoalID)
	if err != nil {
		return nil, err
	}
	com, err := a.store.CommunityByRef(ctx, idStr(p.CommunityID))
	if err != nil {
		return nil, err
	}
	if err := a.nameConditions(ctx, []*model.Pledge{p}); err != nil {
		return nil, err
	}
	hist, _, err := a.store.ListAudit(ctx, model.AuditFilter{EntityType: "pledge", EntityID: idStr(id), Page: model.Page{Size: 0}})
	if err != nil {
		return nil, err
	}
	for i := range hist {
		hist[i].Before, hist[i].After = nil, nil
	}
	return &Receipt{Pledge: p, Terms: p.Terms(), Goal: g, Community: com, History: hist, CanAct: actor.IsAdmin() || vw.leads[p.CommunityID]}, nil
}
