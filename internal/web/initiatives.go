package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// statusOptions are the choices of the initiative list's status filter.
var statusOptions = []struct{ Value, Label string }{
	{model.StatusIdea, "Ideas"},
	{model.StatusCandidate, "Candidates"},
	{model.StatusUpcoming, "Upcoming"},
	{"in-flight", "In flight (all)"},
	{model.StatusScoping, "In flight: scoping"},
	{model.StatusBuilding, "In flight: building"},
	{model.StatusReview, "In flight: review"},
	{model.StatusDone, "Done"},
	{model.StatusDeclined, "Declined"},
}

type initiativesData struct {
	Items         []*model.Initiative
	Total         int
	Page          int
	Pages         int
	Query         string
	Status        string
	StatusOptions []struct{ Value, Label string }
	Theme         string
	Narrative     string
	Consortium    string
	Themes        []model.TagCount
	Narratives    []*model.Narrative
	Consortia     []*model.Consortium
	SignedIn      bool
	IsAdmin       bool
	Rate          model.Money
}

func (ui *UI) initiativesPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	q := r.URL.Query()
	d := initiativesData{Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Theme: q.Get("theme"),
		Narrative: q.Get("narrative"), Consortium: q.Get("consortium"), StatusOptions: statusOptions,
		SignedIn: u != nil, IsAdmin: u.IsAdmin()}
	var err error
	if d.Themes, d.Narratives, d.Consortia, err = ui.filterChoices(r); err != nil {
		return nil, err
	}
	f := initiativeFilter(q, d.Narratives, d.Consortia)
	f.Query, f.Status, f.Page = d.Query, d.Status, model.Page{Number: pageParam(r), Size: 24}
	if d.Items, d.Total, err = ui.app.ListInitiatives(ctx, u, f); err != nil {
		return nil, err
	}
	d.Page, d.Pages = f.Page.Normalize().Number, f.Page.Pages(d.Total)
	if d.IsAdmin {
		if d.Rate, err = ui.app.BlendedRate(ctx); err != nil {
			return nil, err
		}
	}
	title := "Initiatives"
	for _, o := range statusOptions {
		if o.Value == d.Status {
			title = o.Label
			if !strings.HasPrefix(title, "In flight:") {
				title += " · initiatives"
			}
		}
	}
	return ui.page(r, title, "roadmap", d), nil
}

// Initiatives lists initiatives with search, filters and pages; staff also
// set the blended hourly rate of cost estimates here.
func (ui *UI) Initiatives() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.initiativesPage(r)
		if err != nil {
			return err
		}
		if d := p.Data.(initiativesData); d.IsAdmin {
			p.Form = url.Values{"rate.rate": {formatMinor(d.Rate.Amount)}, "rate.currency": {d.Rate.Currency}}
		}
		ui.render(w, r, http.StatusOK, "initiatives", p)
		return nil
	})
}

// SetBlendedRate changes the hourly rate used for cost estimates (staff).
func (ui *UI) SetBlendedRate() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		fail := func(err error) error {
			return ui.pageFailed(w, r, err, "rate", "initiatives", func() (*Page, error) { return ui.initiativesPage(r) })
		}
		amount, ok := parseMinor(r.PostForm.Get("rate"))
		if !ok {
			return fail(fieldProblem("rate", "must be an amount like 150 or 150.00"))
		}
		rate := model.Money{Amount: amount, Currency: strings.ToUpper(strings.TrimSpace(r.PostForm.Get("currency")))}
		if err := ui.app.SetBlendedRate(r.Context(), user(r), rate); err != nil {
			return fail(err)
		}
		ui.flash(r, "The blended rate is now "+rate.String()+" per hour; every estimate without its own rate uses it.")
		redirect(w, r, "/initiatives")
		return nil
	})
}

// moveButton is one allowed status change of an initiative.
type moveButton struct {
	To    string
	Label string
	Back  bool
}

func moveButtons(from string, allowed []string) []moveButton {
	order := func(s string) int { return slices.Index(model.InitiativeStatuses, s) }
	var out []moveButton
	for _, to := range allowed {
		b := moveButton{To: to}
		switch {
		case to == model.StatusDeclined:
			b.Label = "Decline"
		case from == model.StatusDeclined:
			b.Label = "Reopen as an idea"
		case order(to) < order(from):
			b.Label, b.Back = "Back to "+strings.ToLower(model.StatusLabel(to)), true
		default:
			b.Label = "Move to " + strings.ToLower(model.StatusLabel(to))
		}
		out = append(out, b)
	}
	return out
}

type initiativeData struct {
	*app.InitiativeView
	Steps []step
	Moves []moveButton
	// FundingSection is the initiative's co-funding (nil: none to show).
	FundingSection *fundingSection
	IsAdmin        bool
	SignedIn       bool
	// Interest: communities the user may speak for, and those of them
	// already interested.
	InterestChoices []choice
	MyInterested    []model.CommunityRef
	Missing         int
	// Statements: the statements of work, for staff and the co-funders.
	Statements *app.StatementsView
	// Proposals: the grant proposals including it that the reader may see.
	Proposals []*model.Proposal
}

func (ui *UI) initiativePage(r *http.Request, ref string) (*Page, error) {
	ctx, u := r.Context(), user(r)
	v, err := ui.app.GetInitiative(ctx, u, ref)
	if err != nil {
		return nil, err
	}
	d := &initiativeData{InitiativeView: v, Steps: initiativeSteps(v.Status, v.History), Moves: moveButtons(v.Status, v.CanMove),
		IsAdmin: u.IsAdmin(), SignedIn: u != nil}
	for _, c := range v.Checklist {
		if !c.OK {
			d.Missing++
		}
	}
	funding, err := ui.app.InitiativeFunding(ctx, u, v.ID)
	if err != nil {
		return nil, err
	}
	d.FundingSection = ui.fundingSection(r, funding)
	if u != nil {
		interested := map[int64]bool{}
		for _, c := range v.Interested {
			interested[c.ID] = true
		}
		if d.InterestChoices, err = ui.actingChoices(ctx, u, func(id int64) bool { return interested[id] }); err != nil {
			return nil, err
		}
		leads, err := ui.app.MyLeadAffiliations(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, c := range v.Interested {
			if u.IsAdmin() || slices.ContainsFunc(leads, func(a model.Affiliation) bool { return a.CommunityID == c.ID }) {
				d.MyInterested = append(d.MyInterested, c)
			}
		}
	}
	if d.Statements, err = ui.statementsFor(ctx, u, v.Slug); err != nil {
		return nil, err
	}
	if d.Proposals, err = ui.app.ListProposals(ctx, u, app.ProposalFilter{Initiative: v.Slug}); err != nil {
		return nil, err
	}
	p := ui.page(r, v.Title, "roadmap", d)
	return p, ui.withThread(r, p, model.ThreadInitiative, v.ID)
}

// Initiative shows one initiative.
func (ui *UI) Initiative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.initiativePage(r, r.PathValue("ref"))
		if err != nil {
			return err
		}
		if toSlugURL(w, r, p.Data.(*initiativeData).Slug) {
			return nil
		}
		ui.render(w, r, http.StatusOK, "initiative", p)
		return nil
	})
}

// initiativeFailed shows the initiative again after one of its forms failed.
func (ui *UI) initiativeFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.pageFailed(w, r, err, form, "initiative", func() (*Page, error) { return ui.initiativePage(r, r.PathValue("ref")) })
}

// MoveInitiative changes an initiative's status.
func (ui *UI) MoveInitiative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		to := r.PostForm.Get("to")
		in, err := ui.app.MoveInitiative(r.Context(), user(r), r.PathValue("ref"), to, strings.TrimSpace(r.PostForm.Get("note")))
		if err != nil {
			return ui.initiativeFailed(w, r, err, "move")
		}
		ui.flash(r, in.Title+" is now "+strings.ToLower(model.StatusLabel(in.Status))+".")
		redirect(w, r, "/initiatives/"+in.Slug)
		return nil
	})
}

// SetTaskDone ticks or unticks a sub-task.
func (ui *UI) SetTaskDone() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		done := r.PostForm.Get("done") == "1"
		if err := ui.app.SetTaskDone(r.Context(), user(r), ref, id, done); err != nil {
			return err
		}
		if done {
			ui.flash(r, "Sub-task ticked off.")
		} else {
			ui.flash(r, "Sub-task marked as not done.")
		}
		redirect(w, r, "/initiatives/"+url.PathEscape(ref)+"#tasks")
		return nil
	})
}

// SetInterest records that a community is interested in (or, for staff,
// co-funds) an initiative, or withdraws it.
func (ui *UI) SetInterest() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		kind := f.Get("kind")
		if kind == "" {
			kind = model.InterestInterested
		}
		on := f.Get("on") != "0"
		community := f.Get("community")
		if community == "" {
			return ui.initiativeFailed(w, r, fieldProblem("community", "choose the community you speak for"), "interest")
		}
		if err := ui.app.SetInterest(r.Context(), user(r), ref, community, kind, on, strings.TrimSpace(f.Get("note"))); err != nil {
			return ui.initiativeFailed(w, r, err, "interest")
		}
		switch {
		case !on:
			ui.flash(r, "Withdrawn.")
		case kind == model.InterestCoFunded:
			ui.flash(r, "Co-funding recorded.")
		default:
			ui.flash(r, "Thank you: your community's interest is recorded. Staff and other interested communities can now see it.")
		}
		redirect(w, r, "/initiatives/"+url.PathEscape(ref)+"#communities")
		return nil
	})
}

// linkRow and taskRow are rows of the initiative form.
type linkRow struct{ Label, URL string }

type taskRow struct {
	ID    int64
	Title string
	Done  bool
}

type initiativeForm struct {
	New     bool
	Slug    string
	Title   string
	IsAdmin bool
	Rate    model.Money // the blended rate, for the hint
	Links   []linkRow
	Tasks   []taskRow
}

// withBlankRows adds empty rows so people can add links and tasks
// without JavaScript.
func (f *initiativeForm) withBlankRows() {
	for range 2 {
		f.Links = append(f.Links, linkRow{})
	}
	for range 3 {
		f.Tasks = append(f.Tasks, taskRow{})
	}
}

// initiativeInput reads the initiative form.
func initiativeInput(r *http.Request) (model.InitiativeInput, []linkRow, []taskRow, error) {
	f := r.PostForm
	in := model.InitiativeInput{Slug: f.Get("slug"), Title: f.Get("title"), Persona: f.Get("persona"), Problem: f.Get("problem"),
		Solution: f.Get("solution"), Implementation: f.Get("implementation"), EcosystemFit: f.Get("ecosystem_fit"),
		Themes: model.SplitTags(f.Get("themes")), Size: f.Get("size"), Currency: f.Get("currency"), Public: f.Get("public") == "1"}
	var p model.Problems
	for field, dst := range map[string]*int64{"hours_low": &in.HoursLow, "hours_high": &in.HoursHigh} {
		if s := strings.TrimSpace(f.Get(field)); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				p.Add(field, "must be a whole number of hours")
			}
			*dst = n
		}
	}
	rate, ok := parseMinor(f.Get("rate"))
	if !ok {
		p.Add("rate", "must be an amount per hour like 150 or 150.00, or empty for the blended rate")
	}
	in.RateMinor = rate
	labels, urls := f["link_label"], f["link_url"]
	var links []linkRow
	for i := range max(len(labels), len(urls)) {
		var l linkRow
		if i < len(labels) {
			l.Label = strings.TrimSpace(labels[i])
		}
		if i < len(urls) {
			l.URL = strings.TrimSpace(urls[i])
		}
		if l.Label == "" && l.URL == "" {
			continue
		}
		if l.URL == "" {
			p.Add("links["+strconv.Itoa(len(links))+"].url", "is required for the link %q", l.Label)
		}
		links = append(links, l)
		in.Links = append(in.Links, model.Link{Label: l.Label, URL: l.URL})
	}
	ids, titles := f["task_id"], f["task_title"]
	done := map[string]bool{}
	for _, v := range f["task_done"] {
		done[v] = true
	}
	var tasks []taskRow
	for i, title := range titles {
		t := taskRow{Title: strings.TrimSpace(title), Done: done[strconv.Itoa(i)]}
		if i < len(ids) {
			t.ID, _ = strconv.ParseInt(ids[i], 10, 64)
		}
		if t.Title == "" {
			continue
		}
		tasks = append(tasks, t)
		in.Tasks = append(in.Tasks, model.Task{ID: t.ID, Title: t.Title, Done: t.Done})
	}
	return in, links, tasks, p.Err()
}

func initiativeValues(in *model.Initiative) url.Values {
	v := url.Values{"title": {in.Title}, "slug": {in.Slug}, "persona": {in.Persona}, "problem": {in.Problem},
		"solution": {in.Solution}, "implementation": {in.Implementation}, "ecosystem_fit": {in.EcosystemFit},
		"themes": {strings.Join(in.Themes, ", ")}, "size": {in.Size}, "currency": {in.Rate.Currency},
		"version": {strconv.FormatInt(in.Version, 10)}}
	if in.HoursLow != 0 || in.HoursHigh != 0 {
		v.Set("hours_low", strconv.FormatInt(in.HoursLow, 10))
		v.Set("hours_high", strconv.FormatInt(in.HoursHigh, 10))
	}
	if in.Public {
		v.Set("public", "1")
	}
	return v
}

// NewInitiativeForm shows an empty idea form; anyone signed in proposes.
func (ui *UI) NewInitiativeForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		rate, err := ui.app.BlendedRate(r.Context())
		if err != nil {
			return err
		}
		d := initiativeForm{New: true, IsAdmin: user(r).IsAdmin(), Rate: rate}
		d.withBlankRows()
		p := ui.page(r, "Propose an idea", "roadmap", d)
		p.Form = url.Values{"currency": {rate.Currency}}
		if t := r.URL.Query().Get("theme"); t != "" {
			p.Form.Set("themes", t)
		}
		ui.render(w, r, http.StatusOK, "initiative_form", p)
		return nil
	})
}

// CreateInitiative handles the idea form.
func (ui *UI) CreateInitiative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		rate, err := ui.app.BlendedRate(r.Context())
		if err != nil {
			return err
		}
		d := initiativeForm{New: true, IsAdmin: user(r).IsAdmin(), Rate: rate}
		p := ui.page(r, "Propose an idea", "roadmap", &d)
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "initiative_form", p)
			return nil
		}
		in, links, tasks, err := initiativeInput(r)
		d.Links, d.Tasks = links, tasks
		d.withBlankRows()
		if err != nil {
			ui.formFailed(w, r, err, "initiative_form", p)
			return nil
		}
		out, err := ui.app.CreateInitiative(r.Context(), user(r), in)
		if err != nil {
			ui.formFailed(w, r, err, "initiative_form", p)
			return nil
		}
		ui.flash(r, "Your idea “"+out.Title+"” is recorded. The checklist below shows what it needs before it can become a candidate.")
		redirect(w, r, "/initiatives/"+out.Slug)
		return nil
	})
}

// EditInitiativeForm shows the edit form (staff, or the author of an idea).
func (ui *UI) EditInitiativeForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		v, err := ui.app.GetInitiative(r.Context(), user(r), r.PathValue("ref"))
		if err != nil {
			return err
		}
		if !v.CanEdit {
			return denied(r, "Only staff, or the author while it is an idea, can edit this initiative.")
		}
		rate, err := ui.app.BlendedRate(r.Context())
		if err != nil {
			return err
		}
		d := initiativeForm{Slug: v.Slug, Title: v.Title, IsAdmin: user(r).IsAdmin(), Rate: rate}
		for _, l := range v.Links {
			d.Links = append(d.Links, linkRow{Label: l.Label, URL: l.URL})
		}
		for _, t := range v.Tasks {
			d.Tasks = append(d.Tasks, taskRow{ID: t.ID, Title: t.Title, Done: t.Done})
		}
		d.withBlankRows()
		p := ui.page(r, "Edit "+v.Title, "roadmap", d)
		p.Form = initiativeValues(v.Initiative)
		// The stored rate is 0 when the initiative uses the blended rate.
		if v.Rate != rate {
			p.Form.Set("rate", formatMinor(v.Rate.Amount))
		}
		ui.render(w, r, http.StatusOK, "initiative_form", p)
		return nil
	})
}

// UpdateInitiative handles the edit form.
func (ui *UI) UpdateInitiative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		rate, err := ui.app.BlendedRate(r.Context())
		if err != nil {
			return err
		}
		version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		d := initiativeForm{Slug: ref, Title: r.PostForm.Get("title"), IsAdmin: user(r).IsAdmin(), Rate: rate}
		p := ui.page(r, "Edit initiative", "roadmap", &d)
		in, links, tasks, err := initiativeInput(r)
		d.Links, d.Tasks = links, tasks
		d.withBlankRows()
		if err != nil {
			ui.formFailed(w, r, err, "initiative_form", p)
			return nil
		}
		out, err := ui.app.UpdateInitiative(r.Context(), user(r), ref, version, in)
		if err != nil {
			ui.formFailed(w, r, err, "initiative_form", p)
			return nil
		}
		ui.flash(r, "Saved your changes to “"+out.Title+"”.")
		redirect(w, r, "/initiatives/"+out.Slug)
		return nil
	})
}

// wordTargets are the long fields whose words are counted as people type.
var wordTargets = map[string]struct {
	min, max int
}{
	"problem":        {model.MinProblemWords, 0},
	"solution":       {model.MinSectionWords, model.MaxSectionWords},
	"implementation": {model.MinSectionWords, model.MaxSectionWords},
	"ecosystem_fit":  {model.MinEcosystemWords, 0},
}

// wordCountHTML is the live word count shown under a long field.
func wordCountHTML(field, text string) template.HTML {
	t := wordTargets[field]
	n := model.WordCount(text)
	var msg, class string
	switch {
	case n == 0:
		msg, class = "0 words — at least "+strconv.Itoa(t.min)+" needed for a candidate", "word-count"
	case n < t.min:
		msg, class = plural(n, "word")+" — at least "+strconv.Itoa(t.min)+" needed for a candidate", "word-count short"
	case t.max > 0 && n > t.max:
		msg, class = plural(n, "word")+" — at most "+strconv.Itoa(t.max), "word-count short"
	default:
		msg, class = plural(n, "word")+" ✓", "word-count ok"
	}
	id := strings.ReplaceAll(field, "_", "-") + "-words"
	return template.HTML(`<small id="` + id + `" class="` + class + `" aria-live="polite">` + template.HTMLEscapeString(msg) + `</small>`) //nolint:gosec // escaped
}

// WordCount answers htmx with the word count of one long field of the
// initiative form. The form itself counts on the server too, so this is
// only a convenience.
func (ui *UI) WordCount() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		for field := range wordTargets {
			if text, ok := r.PostForm[field]; ok {
				w.Header().Set("Content-Type", "text/html; charset=utf-8")
				w.Header().Set("Cache-Control", "no-store")
				_, _ = w.Write([]byte(wordCountHTML(field, strings.Join(text, " "))))
				return nil
			}
		}
		return model.Errorf(model.EMalformed, "Name one of the fields problem, solution, implementation or ecosystem_fit.")
	})
}
