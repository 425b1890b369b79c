package web

import (
	"net/http"

	"consortia/internal/model"
	"consortia/internal/storage"
)

type homeData struct {
	Stats        storage.Stats
	Recent       []*model.Community
	Tags         []storage.TagCount
	Affiliations []model.Affiliation
	Activity     []model.AuditEntry
}

// Home is the dashboard for people signed in and a welcome for visitors.
func (ui *UI) Home() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u := user(r)
		var d homeData
		var err error
		if d.Stats, err = ui.app.Store.CountStats(ctx); err != nil {
			ui.Error(w, r, err)
			return
		}
		if d.Recent, _, err = ui.app.ListCommunities(ctx, u, model.CommunityFilter{Page: model.Page{Size: 6}}); err != nil {
			ui.Error(w, r, err)
			return
		}
		if d.Tags, err = ui.app.Store.CommunityTags(ctx); err != nil {
			ui.Error(w, r, err)
			return
		}
		if len(d.Tags) > 16 {
			d.Tags = d.Tags[:16]
		}
		if u != nil {
			if d.Affiliations, err = ui.app.Store.AffiliationsOfUser(ctx, u.ID); err != nil {
				ui.Error(w, r, err)
				return
			}
		}
		if u.IsAdmin() {
			if d.Activity, _, err = ui.app.ListAudit(ctx, u, model.AuditFilter{Page: model.Page{Size: 8}}); err != nil {
				ui.Error(w, r, err)
				return
			}
		}
		title := "Welcome"
		if u != nil {
			title = "Dashboard"
		}
		ui.render(w, r, http.StatusOK, "home", ui.page(r, title, "home", d))
	})
}
