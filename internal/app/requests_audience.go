package app

import (
	"context"
	"fmt"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// A request goes to the people who can answer it: the leads of the member
// communities that may act on it (a ballot needs the react & prioritize
// role), not staff, plain members or contacts.

// askLeads lists the leads of a consortium's current member communities
// that hold role ("" for any) and are not in done.
func askLeads(ctx context.Context, tx *storage.Tx, consortiumID int64, role string, done map[int64]bool) ([]int64, error) {
	members, err := tx.Members(ctx, consortiumID, false)
	if err != nil {
		return nil, err
	}
	var communities []int64
	for _, m := range members {
		if (role == "" || m.HasRole(role)) && !done[m.CommunityID] {
			communities = append(communities, m.CommunityID)
		}
	}
	return tx.LeadsOf(ctx, communities)
}

// ballotAskees lists the leads of the communities that may vote in a round
// and have not voted yet.
func ballotAskees(ctx context.Context, tx *storage.Tx, r *model.Round) ([]int64, error) {
	ballots, err := tx.Ballots(ctx, r.ID)
	if err != nil {
		return nil, err
	}
	voted := map[int64]bool{}
	for _, b := range ballots {
		voted[b.CommunityID] = true
	}
	return askLeads(ctx, tx, r.ConsortiumID, model.RoleReactPrioritize, voted)
}

// RemindBallots asks again, before a round closes, the leads of the
// eligible communities that have not voted; staff only. It returns how many
// people were asked.
func (a *App) RemindBallots(ctx context.Context, actor *model.User, roundID int64) (int, error) {
	if err := requireAdmin(actor); err != nil {
		return 0, err
	}
	n := 0
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.RoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		if r.State(a.now()) != model.RoundOpen {
			return model.Errorf(model.EConflict, "Reminders go out while voting is open; this round is %s.", r.State(a.now()))
		}
		to, err := ballotAskees(ctx, tx, r)
		if err != nil {
			return err
		}
		n = len(to)
		if n == 0 {
			return nil
		}
		deadline := r.ClosesAt
		if err := a.emit(ctx, tx, actor, model.Event{Kind: model.EventRoundClosing, ConsortiumID: &r.ConsortiumID,
			Title: "Reminder, cast your ballot: " + r.Title, Body: fmt.Sprintf("Voting closes %s; your community has not voted yet.", r.ClosesAt.Format("2 Jan 15:04 MST")),
			URL: fmt.Sprintf("/rounds/%d", r.ID), To: to},
			&model.Request{Question: "Cast your community's ballot on the round's page.", Deadline: &deadline}); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "round.remind", "round", idStr(r.ID), nil, map[string]int{"asked": n})
	})
	return n, err
}
