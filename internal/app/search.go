package app

import (
	"context"
	"strings"
	"sync"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Search finds records across kinds in the one index, search_docs, which
// triggers keep current in the same transaction as every write (migration
// 00018). A kind is added by its triggers (in its feature's migration:
// rows with its kind, path, title, text, and public, staff_only and
// consortium_id saying who may find it) and by registering its label here,
// from an init function of its own file:
//
//	func init() { RegisterSearchKind(model.SearchMyKind, "My kinds") }

type searchKind struct{ kind, label string }

var searchKinds struct {
	mu   sync.RWMutex
	list []searchKind
}

// RegisterSearchKind adds a kind of record to search, with the label of
// its facet; registering a kind twice is a programming error.
func RegisterSearchKind(kind, label string) {
	searchKinds.mu.Lock()
	defer searchKinds.mu.Unlock()
	for _, k := range searchKinds.list {
		if k.kind == kind {
			panic("app: search kind registered twice: " + kind)
		}
	}
	searchKinds.list = append(searchKinds.list, searchKind{kind, label})
}

func init() {
	RegisterSearchKind(model.SearchInitiative, "Initiatives")
	RegisterSearchKind(model.SearchNarrative, "Narratives")
	RegisterSearchKind(model.SearchConsortium, "Consortia")
	RegisterSearchKind(model.SearchCommunity, "Communities")
	RegisterSearchKind(model.SearchMeeting, "Meetings")
}

// SearchMaxPage is the last page of results one may ask for.
const SearchMaxPage = 50

// SearchResult is a page of what a reader found.
type SearchResult struct {
	Query  string              `json:"query"`
	Kind   string              `json:"kind,omitempty" doc:"The kind the results are limited to, if any."`
	Total  int                 `json:"total" doc:"How many results there are (of that kind)."`
	Page   int                 `json:"page"`
	Pages  int                 `json:"pages"`
	Facets []model.SearchFacet `json:"facets" doc:"How many results each kind has, whatever kind is chosen."`
	Items  []model.SearchHit   `json:"items" doc:"Best match first."`
}

// Search finds what the actor may see that matches text (see
// model.ParseSearch), limited to one kind when kind is not empty, a page
// at a time. Visitors find public records only; nobody finds what they may
// not see. It reads only.
func (a *App) Search(ctx context.Context, actor *model.User, text, kind string, page int) (*SearchResult, error) {
	q, err := model.ParseSearch(text)
	var p model.Problems
	if err != nil {
		return nil, err
	}
	searchKinds.mu.RLock()
	kinds := append([]searchKind(nil), searchKinds.list...)
	searchKinds.mu.RUnlock()
	known := kind == ""
	var names []string
	for _, k := range kinds {
		known = known || k.kind == kind
		names = append(names, k.kind)
	}
	if !known {
		p.Add("kind", "must be one of %s", strings.Join(names, ", "))
	}
	if page < 1 || page > SearchMaxPage {
		p.Add("page", "must be between 1 and %d", SearchMaxPage)
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	vis := visibility(actor)
	counts, err := a.store.SearchFacets(ctx, q, vis)
	if err != nil {
		return nil, err
	}
	out := &SearchResult{Query: text, Kind: kind, Page: page, Facets: []model.SearchFacet{}, Items: []model.SearchHit{}}
	for _, k := range kinds {
		if n := counts[k.kind]; n > 0 {
			out.Facets = append(out.Facets, model.SearchFacet{Kind: k.kind, Label: k.label, Count: n})
		}
		if kind == "" || kind == k.kind {
			out.Total += counts[k.kind]
		}
	}
	out.Pages = (out.Total + model.SearchPerPage - 1) / model.SearchPerPage
	if out.Total == 0 || page > out.Pages {
		return out, nil
	}
	rows, err := a.store.Search(ctx, q, kind, vis, model.SearchPerPage, (page-1)*model.SearchPerPage)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out.Items = append(out.Items, searchHit(r))
	}
	return out, nil
}

func searchHit(r storage.SearchRow) model.SearchHit {
	r.Snippet = model.PlainSnippet(r.Snippet)
	return model.SearchHit{Kind: r.Kind, ID: r.ItemID, URL: r.Path, Title: model.Unmarked(r.Title), TitleHTML: model.MarkedHTML(r.Title),
		Snippet: model.Unmarked(r.Snippet), SnippetHTML: model.MarkedHTML(r.Snippet)}
}
