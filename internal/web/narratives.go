package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/model"
)

// statusGroup is a set of initiatives sharing a status (in flight counts
// as one).
type statusGroup struct {
	Key   string
	Label string
	One   string // the label for a single initiative
	Items []model.InitiativeRef
}

// groupByStatus groups initiative references in lifecycle order; declined
// ones come last.
func groupByStatus(refs []model.InitiativeRef) []statusGroup {
	groups := []statusGroup{
		{Key: model.StatusIdea, Label: "Ideas", One: "Idea"},
		{Key: model.StatusCandidate, Label: "Candidates", One: "Candidate"},
		{Key: model.StatusUpcoming, Label: "Upcoming", One: "Upcoming"},
		{Key: "in-flight", Label: "In flight", One: "In flight"},
		{Key: model.StatusDone, Label: "Done", One: "Done"},
		{Key: model.StatusDeclined, Label: "Declined", One: "Declined"},
	}
	for _, ref := range refs {
		key := ref.Status
		if model.InFlight(key) {
			key = "in-flight"
		}
		for i := range groups {
			if groups[i].Key == key {
				groups[i].Items = append(groups[i].Items, ref)
			}
		}
	}
	return groups
}

type narrativeCard struct {
	*model.Narrative
	Groups []statusGroup
}

type narrativesData struct {
	Items   []narrativeCard
	IsAdmin bool
}

// Narratives lists the narratives.
func (ui *UI) Narratives() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		list, err := ui.app.ListNarratives(r.Context(), user(r))
		if err != nil {
			return err
		}
		d := narrativesData{IsAdmin: user(r).IsAdmin()}
		for _, n := range list {
			d.Items = append(d.Items, narrativeCard{Narrative: n, Groups: groupByStatus(n.Initiatives)})
		}
		ui.render(w, r, http.StatusOK, "narratives", ui.page(r, "Narratives", "narratives", d))
		return nil
	})
}

type narrativeData struct {
	*model.Narrative
	Groups        []statusGroup
	IsAdmin       bool
	SignedIn      bool
	Consortia     []*model.Consortium
	EndorseChoice []choice
	MyEndorsing   []model.NarrativeEndorsement
	Linkable      []*model.Initiative
	// EndorseStory and EndorseConsent fill the endorse form: the story and
	// consent on record when the reader acts for one community.
	EndorseStory   storyFields
	EndorseConsent bool
	Stories        []model.NarrativeEndorsement
}

func (ui *UI) narrativePage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	n, err := ui.app.GetNarrative(ctx, u, r.PathValue("ref"))
	if err != nil {
		return nil, err
	}
	d := &narrativeData{Narrative: n, Groups: groupByStatus(n.Initiatives), IsAdmin: u.IsAdmin(), SignedIn: u != nil}
	consortia, _, err := ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: model.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	for _, c := range consortia {
		if slices.ContainsFunc(c.Narratives, func(ref model.NarrativeRef) bool { return ref.ID == n.ID }) {
			d.Consortia = append(d.Consortia, c)
		}
	}
	for _, e := range n.Endorsements {
		if e.Story != nil {
			d.Stories = append(d.Stories, e)
		}
	}
	if u != nil {
		if d.EndorseChoice, err = ui.actingChoices(ctx, u, func(int64) bool { return false }); err != nil {
			return nil, err
		}
		d.EndorseStory = storyFields{Form: "endorse"}
		if len(d.EndorseChoice) == 1 {
			for _, e := range n.Endorsements {
				if e.Community.Slug == d.EndorseChoice[0].Ref {
					d.EndorseConsent = e.Consent.Given
					if e.Story != nil {
						d.EndorseStory.Story = *e.Story
					}
				}
			}
		}
		leads, err := ui.app.MyLeadAffiliations(ctx, u)
		if err != nil {
			return nil, err
		}
		for _, e := range n.Endorsements {
			if u.IsAdmin() || slices.ContainsFunc(leads, func(a model.Affiliation) bool { return a.CommunityID == e.Community.ID }) {
				d.MyEndorsing = append(d.MyEndorsing, e)
			}
		}
	}
	if d.IsAdmin {
		all, _, err := ui.app.ListInitiatives(ctx, u, model.InitiativeFilter{Page: model.Page{Size: -1}})
		if err != nil {
			return nil, err
		}
		for _, in := range all {
			if !slices.ContainsFunc(n.Initiatives, func(ref model.InitiativeRef) bool { return ref.ID == in.ID }) {
				d.Linkable = append(d.Linkable, in)
			}
		}
		slices.SortFunc(d.Linkable, func(a, b *model.Initiative) int { return strings.Compare(a.Title, b.Title) })
	}
	p := ui.page(r, n.Title, "narratives", d)
	d.EndorseStory.Page = p
	return p, ui.withThread(r, p, model.ThreadNarrative, n.ID)
}

// Narrative shows one narrative with the initiatives that fill it.
func (ui *UI) Narrative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.narrativePage(r)
		if err != nil {
			return err
		}
		if toSlugURL(w, r, p.Data.(*narrativeData).Slug) {
			return nil
		}
		ui.render(w, r, http.StatusOK, "narrative", p)
		return nil
	})
}

func (ui *UI) narrativeFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.pageFailed(w, r, err, form, "narrative", func() (*Page, error) { return ui.narrativePage(r) })
}

// EndorseNarrative records (or withdraws) a community's endorsement, with
// consent to be named and a story.
func (ui *UI) EndorseNarrative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := parseForm(r); err != nil {
			return err
		}
		community := r.PostForm.Get("community")
		on := r.PostForm.Get("on") != "0"
		if community == "" {
			return ui.narrativeFailed(w, r, fieldProblem("community", "choose the community you speak for"), "endorse")
		}
		var ans *model.EndorsementAnswer
		if on {
			ans = &model.EndorsementAnswer{ConsentToBeNamed: r.PostForm.Get("consent") == "1", Story: storyFromForm(r)}
		}
		if err := ui.app.EndorseNarrative(r.Context(), user(r), ref, community, ans); err != nil {
			return ui.narrativeFailed(w, r, err, "endorse")
		}
		if on {
			ui.flash(r, "Endorsement recorded. Thank you!")
		} else {
			ui.flash(r, "Endorsement withdrawn.")
		}
		redirect(w, r, "/narratives/"+url.PathEscape(ref)+"#endorsers")
		return nil
	})
}

// LinkNarrativeInitiative adds an initiative to a narrative or removes it (staff).
func (ui *UI) LinkNarrativeInitiative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := parseForm(r); err != nil {
			return err
		}
		initiative := strings.TrimSpace(r.PostForm.Get("initiative"))
		on := r.PostForm.Get("on") != "0"
		if initiative == "" {
			return ui.narrativeFailed(w, r, fieldProblem("initiative", "choose an initiative"), "link")
		}
		if err := ui.app.LinkInitiative(r.Context(), user(r), ref, initiative, on); err != nil {
			return ui.narrativeFailed(w, r, err, "link")
		}
		if on {
			ui.flash(r, "The initiative now belongs to this narrative.")
		} else {
			ui.flash(r, "The initiative no longer belongs to this narrative.")
		}
		redirect(w, r, "/narratives/"+url.PathEscape(ref)+"#initiatives")
		return nil
	})
}

type narrativeForm struct {
	New  bool
	Slug string
}

func narrativeInput(r *http.Request) model.NarrativeInput {
	f := r.PostForm
	return model.NarrativeInput{Slug: f.Get("slug"), Title: f.Get("title"), Summary: f.Get("summary"), Story: f.Get("story"),
		Gaps: f.Get("gaps"), Themes: model.SplitTags(f.Get("themes")), Public: f.Get("public") == "1"}
}

// NewNarrativeForm shows an empty narrative form (staff).
func (ui *UI) NewNarrativeForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if !user(r).IsAdmin() {
			return denied(r, "Only the host organization's staff write narratives.")
		}
		p := ui.page(r, "New narrative", "narratives", narrativeForm{New: true})
		p.Form = url.Values{"public": {"1"}}
		ui.render(w, r, http.StatusOK, "narrative_form", p)
		return nil
	})
}

// CreateNarrative handles the new-narrative form.
func (ui *UI) CreateNarrative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if !user(r).IsAdmin() {
			return denied(r, "Only the host organization's staff write narratives.")
		}
		p := ui.page(r, "New narrative", "narratives", narrativeForm{New: true})
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "narrative_form", p)
			return nil
		}
		n, err := ui.app.CreateNarrative(r.Context(), user(r), narrativeInput(r))
		if err != nil {
			ui.formFailed(w, r, err, "narrative_form", p)
			return nil
		}
		ui.flash(r, "The narrative “"+n.Title+"” was added. Link the initiatives that serve it below.")
		redirect(w, r, "/narratives/"+n.Slug)
		return nil
	})
}

// EditNarrativeForm shows the edit form (staff).
func (ui *UI) EditNarrativeForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		n, err := ui.app.GetNarrative(r.Context(), user(r), r.PathValue("ref"))
		if err != nil {
			return err
		}
		if !user(r).IsAdmin() {
			return denied(r, "Only the host organization's staff edit narratives.")
		}
		p := ui.page(r, "Edit "+n.Title, "narratives", narrativeForm{Slug: n.Slug})
		p.Form = url.Values{"title": {n.Title}, "slug": {n.Slug}, "summary": {n.Summary}, "story": {n.Story}, "gaps": {n.Gaps},
			"themes": {strings.Join(n.Themes, ", ")}, "version": {strconv.FormatInt(n.Version, 10)}}
		if n.Public {
			p.Form.Set("public", "1")
		}
		ui.render(w, r, http.StatusOK, "narrative_form", p)
		return nil
	})
}

// UpdateNarrative handles the edit form.
func (ui *UI) UpdateNarrative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if !user(r).IsAdmin() {
			return denied(r, "Only the host organization's staff edit narratives.")
		}
		p := ui.page(r, "Edit narrative", "narratives", narrativeForm{Slug: ref})
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "narrative_form", p)
			return nil
		}
		version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		n, err := ui.app.UpdateNarrative(r.Context(), user(r), ref, version, narrativeInput(r))
		if err != nil {
			ui.formFailed(w, r, err, "narrative_form", p)
			return nil
		}
		ui.flash(r, "Saved your changes to “"+n.Title+"”.")
		redirect(w, r, "/narratives/"+n.Slug)
		return nil
	})
}
