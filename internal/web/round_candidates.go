package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/model"
)

// The round forms let staff pick candidates from every open initiative,
// not only the consortium's scope: picking one outside it adds it to the
// scope. The list is filtered by a text field; without JavaScript the
// "Filter" button reloads the form (a GET carrying every field) with the
// matching initiatives and those already chosen.

// maxCandidateChoices bounds the list; the filter finds the others.
const maxCandidateChoices = 200

// candidateChoice is an initiative the form offers as a candidate.
type candidateChoice struct {
	ID      int64
	Title   string
	Status  string
	InScope bool
}

// candidatePicker is the candidate list of a round form.
type candidatePicker struct {
	Choices []candidateChoice
	Query   string
	More    bool // more initiatives match than are listed
}

// candidateChoices lists the consortium's scope first, then other
// initiatives that are not finished, matching q; chosen ones are always
// listed so a filter never drops a ticked box.
func (ui *UI) candidateChoices(ctx context.Context, u *model.User, c *model.Consortium, q string, chosen []string) (*candidatePicker, error) {
	q = strings.TrimSpace(q)
	pick := &candidatePicker{Query: q}
	ticked := map[int64]bool{}
	for _, s := range chosen {
		if id, err := strconv.ParseInt(s, 10, 64); err == nil {
			ticked[id] = true
		}
	}
	inScope := map[int64]bool{}
	for _, in := range c.Initiatives {
		inScope[in.ID] = true
	}
	list, _, err := ui.app.ListInitiatives(ctx, u, model.InitiativeFilter{Query: q, Page: model.Page{Size: -1}})
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{}
	add := func(id int64, title, status string) {
		if !seen[id] {
			seen[id] = true
			pick.Choices = append(pick.Choices, candidateChoice{ID: id, Title: title, Status: status, InScope: inScope[id]})
		}
	}
	for _, in := range c.Initiatives {
		if ticked[in.ID] || q == "" || containsFold(in.Title, q) {
			add(in.ID, in.Title, in.Status)
		}
	}
	for _, in := range list {
		finished := in.Status == model.StatusDone || in.Status == model.StatusDeclined
		if ticked[in.ID] || !finished {
			if len(pick.Choices) >= maxCandidateChoices && !ticked[in.ID] {
				pick.More = true
				continue
			}
			add(in.ID, in.Title, in.Status)
		}
	}
	if len(ticked) > 0 {
		// Chosen initiatives the filter did not match stay listed.
		all, _, err := ui.app.ListInitiatives(ctx, u, model.InitiativeFilter{IDs: slices.Collect(maps.Keys(ticked)), Page: model.Page{Size: -1}})
		if err != nil {
			return nil, err
		}
		for _, in := range all {
			add(in.ID, in.Title, in.Status)
		}
	}
	return pick, nil
}

func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// pickerSource is where a round form's values come from: the posted form
// after a failed save, the form sent back by "Filter", else the defaults.
func pickerSource(r *http.Request, defaults url.Values, prefix string) url.Values {
	if r.Method == http.MethodPost {
		return r.PostForm
	}
	if f := filteredForm(r.URL.Query(), ""); f != nil {
		return f
	}
	out := url.Values{}
	for k, v := range defaults {
		out[strings.TrimPrefix(k, prefix)] = v
	}
	return out
}

// filteredForm reads a round form sent back by its "Filter" button (a GET),
// or nil when the request is a plain visit.
func filteredForm(r url.Values, prefix string) url.Values {
	if r.Get("filter") == "" {
		return nil
	}
	f := url.Values{}
	for k, v := range r {
		if k != "filter" {
			f[prefix+k] = v
		}
	}
	return f
}
