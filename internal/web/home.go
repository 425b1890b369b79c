package web

import (
	"context"
	"net/http"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

type homeData struct {
	Stats        model.Stats
	Recent       []*model.Community
	Tags         []model.TagCount
	Affiliations []model.Affiliation
	Activity     []model.AuditEntry
	// What everyone may see of the consortia and the co-funding, so a
	// visitor learns more than the list of communities.
	Consortia     []*model.Consortium
	MoreConsortia bool
	Goals         []app.GoalSummary
	MoreGoals     bool
	// Todos is what waits for the signed-in person; the page leads with it.
	Todos []model.Todo
	// MyConsortia are the consortia the reader's communities are members of.
	MyConsortia []*model.Consortium
	// Delivered are the initiatives delivered most recently.
	Delivered []*model.Initiative
	// Changes is what happened in their consortia since ChangesSince (the
	// end of their last visit, or a week ago).
	Changes      []model.Event
	ChangesSince time.Time
	FirstVisit   bool
}

// homeDelivered is how many recently delivered initiatives the home page shows.
const homeDelivered = 5

// homeConsortia and homeGoals are how many of each the home page shows.
const homeConsortia, homeGoals = 4, 3

// Home is the dashboard for people signed in and a welcome for visitors.
func (ui *UI) Home() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx := r.Context()
		u := user(r)
		var d homeData
		var err error
		if d.Stats, err = ui.app.SiteStats(ctx); err != nil {
			return err
		}
		if d.Recent, _, err = ui.app.ListCommunities(ctx, u, model.CommunityFilter{Page: model.Page{Size: 6}}); err != nil {
			return err
		}
		var total int
		if d.Consortia, total, err = ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: homeConsortia}}); err != nil {
			return err
		}
		d.MoreConsortia = total > len(d.Consortia)
		goals, err := ui.app.ListGoals(ctx, u, app.GoalsFilter{State: model.GoalOpen})
		if err != nil {
			return err
		}
		d.Goals, d.MoreGoals = goals[:min(len(goals), homeGoals)], len(goals) > homeGoals
		if d.Tags, err = ui.app.CommunityTags(ctx); err != nil {
			return err
		}
		if d.Delivered, _, err = ui.recentlyDelivered(ctx, u, homeDelivered); err != nil {
			return err
		}
		if len(d.Tags) > 16 {
			d.Tags = d.Tags[:16]
		}
		if u != nil {
			if d.Todos, err = ui.app.Todos(ctx, u); err != nil {
				return err
			}
			since, err := ui.noteVisit(r, u)
			if err != nil {
				return err
			}
			d.FirstVisit = since.IsZero()
			if d.Changes, d.ChangesSince, err = ui.app.Changes(ctx, u, since); err != nil {
				return err
			}
			ctx = context.WithValue(ctx, visitNotedKey{}, true)
			r = r.WithContext(context.WithValue(ctx, todosKey{}, d.Todos))
			if d.Affiliations, err = ui.app.MyAffiliations(ctx, u); err != nil {
				return err
			}
			if d.MyConsortia, err = ui.myConsortia(ctx, u); err != nil {
				return err
			}
		}
		if u.IsAdmin() {
			if d.Activity, _, err = ui.app.ListAudit(ctx, u, model.AuditFilter{Page: model.Page{Size: 8}}); err != nil {
				return err
			}
		}
		title := "Welcome"
		if u != nil {
			title = "Dashboard"
		}
		ui.render(w, r, http.StatusOK, "home", ui.page(r, title, "home", d))
		return nil
	})
}
