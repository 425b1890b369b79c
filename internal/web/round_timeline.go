package web

import (
	"context"
	"strconv"

	"consortia/internal/model"
)

// roundClosesInTimeline adds the rounds staff closed early, with the reason,
// to a consortium's timeline (who closed it only for signed-in readers, as
// for stage changes).
func (ui *UI) roundClosesInTimeline(ctx context.Context, u *model.User, d *consortiumData) error {
	_, rounds, err := ui.app.Rounds(ctx, u, strconv.FormatInt(d.ID, 10))
	if err != nil {
		return err
	}
	for _, r := range rounds {
		if r.ClosedEarlyAt == nil {
			continue
		}
		d.Timeline = append(d.Timeline, timelineItem{At: *r.ClosedEarlyAt, Kind: "round", Title: "Round “" + r.Title + "” closed early",
			Reason: r.CloseReason, By: r.ClosedEarlyBy}) // app names who closed it to signed-in readers only
	}
	return nil
}
