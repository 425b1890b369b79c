package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"consortia/internal/model"
	"consortia/internal/problem"
)

// roadmapFuncs are the template helpers of the roadmap, initiative,
// narrative and consortium pages. They are merged into funcs before New
// parses the templates.
var roadmapFuncs = template.FuncMap{
	"statusLabel":     model.StatusLabel,
	"stageLabel":      model.StageLabel,
	"roleLabel":       model.RoleLabel,
	"roleDescription": model.RoleDescription,
	"sizeLabel":       model.SizeLabel,
	"inFlight":        model.InFlight,
	"closedStage":     model.Closed,
	"words":           model.WordCount,
	"subStatus":       subStatus,
	"asA":             asA,
	"namesPersona":    namesPersona,
	"articleFor":      func(persona string) string { return strings.TrimSuffix(asA(persona), " "+persona) },
	"excerpt":         excerpt,
	"costRange":       costRange,
	"percent":         percent,
	"minor":           formatMinor,
	"datetimeLocal":   datetimeLocal,
	"utc":             func(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04 UTC") },
	"invalid":         invalid,
	"errID":           errID,
	"hasID":           func(ids []int64, id int64) bool { return slices.Contains(ids, id) },
	"personas":        func() []string { return model.Personas },
	"sizes":           func() []string { return model.InitiativeSizes },
	"currencies":      func() []string { return model.Currencies },
	"consortiumRoles": func() []string { return model.ConsortiumRoles },
	"levels":          func() []string { return model.InvolvementLevels },
	"visibilities":    func() []string { return model.Visibilities },
	"initiativeStatuses": func() []string {
		return model.InitiativeStatuses
	},
	"levelRank": func(level string) int { return slices.Index(model.InvolvementLevels, level) },
	"plural":    plural,
	"wordCount": wordCountHTML,
	"dict":      dict,
	"deref64": func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return *p
	},
}

// dict builds a map from key, value pairs, to pass several values to a
// template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict needs key, value pairs")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict keys must be strings")
		}
		m[k] = kv[i+1]
	}
	return m, nil
}

func init() {
	for name, fn := range roadmapFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

// subStatus names an in-flight sub-stage: "Scoping", "Building", "Review".
func subStatus(s string) string {
	sub := strings.TrimPrefix(model.StatusLabel(s), "In flight: ")
	if sub == "" {
		return sub
	}
	return strings.ToUpper(sub[:1]) + sub[1:]
}

// namesPersona reports whether a problem statement already starts with
// "As a …", so that pages do not repeat the persona before it.
func namesPersona(problem string) bool {
	p := strings.ToLower(strings.TrimSpace(problem))
	return strings.HasPrefix(p, "as a ") || strings.HasPrefix(p, "as an ")
}

// asA writes "a researcher", "an instructor", "an IT admin".
func asA(persona string) string {
	if persona != "" && strings.ContainsRune("aeiou", unicode.ToLower(rune(persona[0]))) {
		return "an " + persona
	}
	return "a " + persona
}

// excerpt turns Markdown into a short plain-text teaser of at most n
// characters, cut at a word boundary.
func excerpt(s string, n int) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case strings.ContainsRune("#*_`>[]|~", r):
			continue
		case unicode.IsSpace(r):
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := b.String()
	if len([]rune(out)) <= n {
		return out
	}
	cut := string([]rune(out)[:n])
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:—-") + "…"
}

// costRange formats an estimate range, e.g. "USD 3,000.00 – USD 6,000.00";
// empty when there is no estimate.
func costRange(low, high model.Money) string {
	switch {
	case high.Amount == 0:
		return ""
	case low.Amount == high.Amount:
		return high.String()
	case low.Currency == high.Currency:
		return high.Currency + " " + low.Number() + "–" + high.Number() // "USD 36,000–60,000"
	}
	return low.String() + " – " + high.String()
}

// percent is part of whole as a whole percentage, 0 when whole is 0.
func percent(part, whole int) int {
	if whole <= 0 {
		return 0
	}
	p := part * 100 / whole
	return min(p, 100)
}

// formatMinor writes minor units as a decimal amount, e.g. 15000 → "150.00".
func formatMinor(n int64) string {
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("%d.%02d", n/100, n%100)
}

// parseMinor reads a decimal amount such as "150", "150.5" or "1,250.00"
// into minor units without going through floating point.
func parseMinor(s string) (int64, bool) {
	v, err := model.ParseMajorUnits(s)
	return v, err == nil
}

func datetimeLocal(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04")
}

// errID is the id of the element holding a field's error message.
func errID(field string) string {
	return strings.NewReplacer(".", "-", "[", "-", "]", "", "_", "-").Replace(field) + "-error"
}

// invalid marks a form control whose field has an error, pointing to the
// message: aria-invalid and aria-describedby.
func invalid(p *Page, field string) template.HTMLAttr {
	if p == nil || p.Errors[field] == "" {
		return ""
	}
	return template.HTMLAttr(`aria-invalid="true" aria-describedby="` + template.HTMLEscapeString(errID(field)) + `"`)
}

// inputProblem reports whether an error is about what was submitted, so the
// form is shown again with the message rather than an error page.
func inputProblem(err error) bool {
	switch model.ErrorCode(err) {
	case model.EInvalid, model.EConflict, model.EMalformed, model.ETooLarge, model.ERateLimited:
		return true
	}
	return false
}

// pageFailed shows a page again, loaded by load, after one of its small
// forms failed with invalid input (see inlineFailed); any other failure is
// returned for the handler's error page.
func (ui *UI) pageFailed(w http.ResponseWriter, r *http.Request, err error, form, name string, load func() (*Page, error)) error {
	if !inputProblem(err) {
		return err
	}
	p, perr := load()
	if perr != nil {
		return perr
	}
	ui.inlineFailed(w, r, err, form, name, p)
	return nil
}

// inlineFailed re-renders a page after one of its small forms failed. The
// page holds several forms, so errors and submitted values are keyed
// "form.field"; p.Errors[form] holds the message shown beside that form.
func (ui *UI) inlineFailed(w http.ResponseWriter, r *http.Request, err error, form, name string, p *Page) {
	if !inputProblem(err) {
		ui.Error(w, r, err)
		return
	}
	p.Form = url.Values{}
	for k, v := range r.PostForm {
		p.Form[form+"."+k] = v
	}
	for _, f := range model.ErrorFields(err) {
		p.Errors[form+"."+f.Field] = f.Message
	}
	p.Message = model.ErrorMessage(err)
	for _, f := range model.ErrorFields(err) {
		// The summary names every problem, also when the field is not
		// on the page (e.g. a join form for a community that already joined).
		name := f.Label
		if name == "" {
			name = strings.ReplaceAll(f.Field, "_", " ")
			if label, ok := fieldLabels[form+"."+f.Field]; ok {
				name = label
			}
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		p.Message += " " + name + ": " + f.Message + "."
	}
	p.Errors[form] = p.Message
	p.Errors["_form"] = form
	ui.render(w, r, problem.Status(err), name, p)
}

// fieldLabels names form fields in problem summaries where their
// identifier would not say much ("pledge.cond_total" → its label).
var fieldLabels = map[string]string{}

// fieldProblem is an invalid-input error about one field.
func fieldProblem(field, format string, args ...any) error {
	var p model.Problems
	p.Add(field, format, args...)
	return p.Err()
}

// allCommunities lists every active community (staff act for any of them).
func (ui *UI) allCommunities(ctx context.Context, u *model.User) ([]*model.Community, error) {
	var out []*model.Community
	for page := 1; page <= 50; page++ {
		list, total, err := ui.app.ListCommunities(ctx, u, model.CommunityFilter{Page: model.Page{Number: page, Size: model.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
		if len(out) >= total || len(list) == 0 {
			break
		}
	}
	slices.SortFunc(out, func(a, b *model.Community) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// choice is a community someone may act for in a form.
type choice struct {
	Ref  string
	Name string
}

// actingChoices lists the communities u may act for, except those in skip:
// every community for staff, the ones they lead for others.
func (ui *UI) actingChoices(ctx context.Context, u *model.User, skip func(id int64) bool) ([]choice, error) {
	var out []choice
	if u.IsAdmin() {
		all, err := ui.allCommunities(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, c := range all {
			if !skip(c.ID) {
				out = append(out, choice{Ref: c.Slug, Name: c.Name})
			}
		}
		return out, nil
	}
	leads, err := ui.app.MyLeadAffiliations(ctx, u)
	if err != nil {
		return nil, err
	}
	for _, a := range leads {
		if !skip(a.CommunityID) {
			out = append(out, choice{Ref: a.CommunitySlug, Name: a.CommunityName})
		}
	}
	return out, nil
}

// step is one stop of a lifecycle stepper.
type step struct {
	Label string
	State string // done, current, todo, stopped
	Sub   []step // in-flight sub-stages
}

// initiativeSteps lays out idea → candidate → upcoming → in flight → done,
// marking where an initiative is; a declined one shows where it stopped.
func initiativeSteps(status string, history []model.StatusChange) []step {
	main := []string{model.StatusIdea, model.StatusCandidate, model.StatusUpcoming, "in-flight", model.StatusDone}
	labels := []string{"Idea", "Candidate", "Upcoming", "In flight", "Done"}
	pos := func(s string) int {
		if model.InFlight(s) {
			return 3
		}
		return slices.Index(main, s)
	}
	at := pos(status)
	declined := status == model.StatusDeclined
	if declined {
		at = 0
		for i := len(history) - 1; i >= 0; i-- {
			if history[i].To == model.StatusDeclined {
				at = max(pos(history[i].From), 0)
				break
			}
		}
	}
	out := make([]step, 0, len(main)+1)
	for i, label := range labels {
		st := step{Label: label, State: "todo"}
		switch {
		case i < at, i == at && declined, i == at && status == model.StatusDone:
			st.State = "done"
		case i == at:
			st.State = "current"
		}
		if i == 3 {
			for _, s := range []string{model.StatusScoping, model.StatusBuilding, model.StatusReview} {
				sub := step{Label: subStatus(s), State: "todo"}
				switch {
				case s == status:
					sub.State = "current"
				case st.State == "done" || model.InFlight(status) && slices.Index(model.InitiativeStatuses, s) < slices.Index(model.InitiativeStatuses, status):
					sub.State = "done"
				}
				st.Sub = append(st.Sub, sub)
			}
		}
		if declined && i > at {
			continue
		}
		out = append(out, st)
	}
	if declined {
		out = append(out, step{Label: "Declined", State: "stopped"})
	}
	return out
}

// roadmapColumn is one status column of the roadmap.
type roadmapColumn struct {
	Key   string // the status filter of "show all"
	Title string
	Blurb string
	Items []*model.Initiative
	Total int
	More  string // link to the full list when the column is cut
}

type roadmapData struct {
	Columns    []roadmapColumn
	Themes     []model.TagCount
	Narratives []*model.Narrative
	Consortia  []*model.Consortium
	Theme      string
	Narrative  string
	Consortium string
	Filtered   bool
	SignedIn   bool
}

const roadmapColumnSize = 50

// initiativeFilter reads the theme, narrative and consortium filters shared
// by the roadmap and the initiative list. Unknown narratives or consortia
// match nothing rather than being ignored.
func initiativeFilter(q url.Values, narratives []*model.Narrative, consortia []*model.Consortium) model.InitiativeFilter {
	f := model.InitiativeFilter{Theme: strings.TrimSpace(q.Get("theme"))}
	if ref := q.Get("narrative"); ref != "" {
		f.NarrativeID = -1
		for _, n := range narratives {
			if n.Slug == ref || strconv.FormatInt(n.ID, 10) == ref {
				f.NarrativeID = n.ID
			}
		}
	}
	if ref := q.Get("consortium"); ref != "" {
		f.ConsortiumID = -1
		for _, c := range consortia {
			if c.Slug == ref || strconv.FormatInt(c.ID, 10) == ref {
				f.ConsortiumID = c.ID
			}
		}
	}
	return f
}

// filterChoices loads what the filter selects offer.
func (ui *UI) filterChoices(r *http.Request) ([]model.TagCount, []*model.Narrative, []*model.Consortium, error) {
	ctx, u := r.Context(), user(r)
	themes, err := ui.app.InitiativeThemes(ctx, u)
	if err != nil {
		return nil, nil, nil, err
	}
	narratives, err := ui.app.ListNarratives(ctx, u)
	if err != nil {
		return nil, nil, nil, err
	}
	consortia, _, err := ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: model.MaxPageSize}})
	if err != nil {
		return nil, nil, nil, err
	}
	return themes, narratives, consortia, nil
}

// Roadmap shows the initiatives by status: candidates, upcoming, in flight
// and done. Visitors see public initiatives only.
func (ui *UI) Roadmap() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, u := r.Context(), user(r)
		q := r.URL.Query()
		d := roadmapData{Theme: q.Get("theme"), Narrative: q.Get("narrative"), Consortium: q.Get("consortium"), SignedIn: u != nil}
		d.Filtered = d.Theme != "" || d.Narrative != "" || d.Consortium != ""
		var err error
		if d.Themes, d.Narratives, d.Consortia, err = ui.filterChoices(r); err != nil {
			return err
		}
		base := initiativeFilter(q, d.Narratives, d.Consortia)
		keep := url.Values{}
		for _, k := range []string{"theme", "narrative", "consortium"} {
			if v := q.Get(k); v != "" {
				keep.Set(k, v)
			}
		}
		for _, col := range []roadmapColumn{
			{Key: model.StatusCandidate, Title: "Candidates", Blurb: "Detailed enough to be chosen; waiting for priority and funding."},
			{Key: model.StatusUpcoming, Title: "Upcoming", Blurb: "Chosen for the next round of work."},
			{Key: "in-flight", Title: "In flight", Blurb: "Being scoped, built or reviewed."},
			{Key: model.StatusDone, Title: "Done", Blurb: "Delivered, and rolled out to every member community."},
		} {
			f := base
			f.Status = col.Key
			f.Page = model.Page{Size: roadmapColumnSize}
			if col.Items, col.Total, err = ui.app.ListInitiatives(ctx, u, f); err != nil {
				return err
			}
			if col.Total > len(col.Items) {
				more := url.Values{}
				for k, v := range keep {
					more[k] = v
				}
				more.Set("status", col.Key)
				col.More = "/initiatives?" + more.Encode()
			}
			d.Columns = append(d.Columns, col)
		}
		ui.render(w, r, http.StatusOK, "roadmap", ui.page(r, "Roadmap", "roadmap", d))
		return nil
	})
}

type deliveredData struct {
	Items    []*model.Initiative
	Total    int
	SignedIn bool
}

// Delivered lists the initiatives that are done, most recently delivered
// first. Delivered work rolls out to every member community. ?n= limits
// the list (the dashboard loads the first few with htmx).
func (ui *UI) Delivered() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		u := user(r)
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 1 || n > model.MaxPageSize {
			n = model.MaxPageSize
		}
		list, total, err := ui.recentlyDelivered(r.Context(), u, n)
		if err != nil {
			return err
		}
		d := deliveredData{Items: list, Total: total, SignedIn: u != nil}
		ui.render(w, r, http.StatusOK, "delivered", ui.page(r, "Recently delivered", "roadmap", d))
		return nil
	})
}

// recentlyDelivered returns up to n done initiatives the reader may see,
// most recently delivered first, and how many are done in all.
func (ui *UI) recentlyDelivered(ctx context.Context, u *model.User, n int) ([]*model.Initiative, int, error) {
	list, total, err := ui.app.ListInitiatives(ctx, u, model.InitiativeFilter{Status: model.StatusDone, Page: model.Page{Size: model.MaxPageSize}})
	if err != nil {
		return nil, 0, err
	}
	slices.SortStableFunc(list, func(a, b *model.Initiative) int { return b.StatusAt.Compare(a.StatusAt) })
	if len(list) > n {
		list = list[:n]
	}
	return list, total, nil
}

// myConsortia lists the consortia the reader's communities are members of.
func (ui *UI) myConsortia(ctx context.Context, u *model.User) ([]*model.Consortium, error) {
	ids, err := ui.app.MyConsortiumIDs(ctx, u)
	if err != nil || len(ids) == 0 {
		return nil, err
	}
	list, _, err := ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{IDs: ids, Page: model.Page{Size: model.MaxPageSize}})
	return list, err
}
