package web

import (
	"net/http"
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
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		f := model.PeopleFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Page: model.Page{Number: pageParam(r), Size: 24}}
		items, total, err := ui.app.ListPeople(r.Context(), user(r), f)
		if err != nil {
			return err
		}
		d := peopleData{Items: items, Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total), Query: f.Query}
		ui.render(w, r, http.StatusOK, "people", ui.page(r, "People", "people", d))
		return nil
	})
}

// Person shows one person and their communities.
func (ui *UI) Person() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := ui.app.GetPerson(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "person", ui.page(r, p.Name, "people", p))
		return nil
	})
}
