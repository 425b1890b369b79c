package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// searchHit is a result with its marked title and passage as HTML (escaped
// by model.MarkedHTML, which adds only <mark>).
type searchHit struct {
	model.SearchHit
	Label       string
	TitleHTML   template.HTML
	SnippetHTML template.HTML
}

// searchFacet is a kind's count with the link that limits the results to it.
type searchFacet struct {
	model.SearchFacet
	URL     string
	Current bool
}

type searchData struct {
	Q, Kind string
	Result  *app.SearchResult
	Hits    []searchHit
	Facets  []searchFacet
	AllURL  string
	// Page and Pages feed the pager.
	Page, Pages int
}

// TotalAll counts the results of every kind.
func (d *searchData) TotalAll() int {
	n := 0
	for _, f := range d.Facets {
		n += f.Count
	}
	return n
}

// kindLabels name one record of each kind.
var kindLabels = map[string]string{model.SearchInitiative: "Initiative", model.SearchNarrative: "Narrative",
	model.SearchConsortium: "Consortium", model.SearchCommunity: "Community", model.SearchMeeting: "Meeting"}

// Search is /search?q=&kind=&page=: results across kinds, best first, with
// the count of each kind to narrow them. A bad query comes back on the
// page with its problem beside the box (422).
func (ui *UI) Search() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		v := r.URL.Query()
		d := searchData{Q: v.Get("q"), Kind: v.Get("kind"), Page: 1}
		if s := v.Get("page"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				n = 0
			}
			d.Page = n
		}
		p := ui.page(r, "Search", "search", &d)
		if strings.TrimSpace(d.Q) == "" && d.Kind == "" {
			ui.render(w, r, http.StatusOK, "search", p)
			return nil
		}
		res, err := ui.app.Search(r.Context(), user(r), d.Q, d.Kind, d.Page)
		if err != nil {
			if model.ErrorCode(err) != model.EInvalid {
				return err
			}
			for _, f := range model.ErrorFields(err) {
				p.Errors[f.Field] = f.Message
			}
			ui.render(w, r, http.StatusUnprocessableEntity, "search", p)
			return nil
		}
		d.Result, d.Pages = res, res.Pages
		link := func(kind string) string {
			q := url.Values{"q": {d.Q}}
			if kind != "" {
				q.Set("kind", kind)
			}
			return "/search?" + q.Encode()
		}
		d.AllURL = link("")
		for _, f := range res.Facets {
			d.Facets = append(d.Facets, searchFacet{SearchFacet: f, URL: link(f.Kind), Current: f.Kind == d.Kind})
		}
		for _, h := range res.Items {
			label := kindLabels[h.Kind]
			if label == "" {
				label = h.Kind
			}
			d.Hits = append(d.Hits, searchHit{SearchHit: h, Label: label,
				TitleHTML: template.HTML(h.TitleHTML), SnippetHTML: template.HTML(h.SnippetHTML)}) // escaped by model.MarkedHTML
		}
		ui.render(w, r, http.StatusOK, "search", p)
		return nil
	})
}
