package web

import (
	"context"

	"consortia/internal/model"
)

// roundClosesInTimeline adds the rounds staff closed early, with the reason,
// to a consortium's timeline (who closed it only for signed-in readers, as
// for stage changes).
func (ui *UI) roundClosesInTimeline(ctx context.Context, u *model.User, d *consortiumData) error {
	rounds, err := ui.app.Store.RoundsOf(ctx, d.ID)
	if err != nil {
		return err
	}
	for _, r := range rounds {
		if r.ClosedEarlyAt == nil {
			continue
		}
		item := timelineItem{At: *r.ClosedEarlyAt, Kind: "round", Title: "Round “" + r.Title + "” closed early", Reason: r.CloseReason}
		if u != nil {
			item.By = r.ClosedEarlyBy
		}
		d.Timeline = append(d.Timeline, item)
	}
	return nil
}
