package web

import (
	"net/http"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

type peopleData struct {
	Items []app.Person
	Total int
	Page  int
	Pages int
	Query string
}

// People lists people (signed-in users only).
func (ui *UI) People() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f := model.PeopleFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Page: model.Page{Number: pageParam(r), Size: 24}}
		items, total, err := ui.app.ListPeople(r.Context(), user(r), f)
		if err != nil {
			ui.Error(w, r, err)
			return
		}
		d := peopleData{Items: items, Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total), Query: f.Query}
		ui.render(w, r, http.StatusOK, "people", ui.page(r, "People", "people", d))
	})
}

// Person shows one person and their communities.
func (ui *UI) Person() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
		if err != nil {
			ui.Error(w, r, model.Errorf(model.ENotFound, "No such person."))
			return
		}
		p, err := ui.app.GetPerson(r.Context(), user(r), id)
		if err != nil {
			ui.Error(w, r, err)
			return
		}
		ui.render(w, r, http.StatusOK, "person", ui.page(r, p.Name, "people", p))
	})
}
