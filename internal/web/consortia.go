package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// stageSection is a group of consortia on the list page.
type stageSection struct {
	Title  string
	Blurb  string
	Stages []string
	Items  []*model.Consortium
}

type consortiaData struct {
	Sections []stageSection
	Total    int
	Page     int
	Pages    int
	Query    string
	SignedIn bool
	Mine     bool
}

// Consortia lists the consortia the reader may see, by stage.
func (ui *UI) Consortia() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, u := r.Context(), user(r)
		f := model.ConsortiumFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Page: model.Page{Number: pageParam(r), Size: model.MaxPageSize}}
		mine := r.URL.Query().Get("mine") == "1" && u != nil
		var list []*model.Consortium
		var total int
		var err error
		if mine {
			// The consortia the reader's communities are members of.
			if f.IDs, err = ui.app.MyConsortiumIDs(ctx, u); err != nil {
				return err
			}
		}
		if !mine || len(f.IDs) > 0 {
			if list, total, err = ui.app.ListConsortia(ctx, u, f); err != nil {
				return err
			}
		}
		d := consortiaData{Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total), Query: f.Query, SignedIn: u != nil, Mine: mine}
		d.Sections = []stageSection{
			{Title: "Active", Blurb: "Kicked off: members plan, test and fund work together.", Stages: []string{model.StageActive}},
			{Title: "Defining goals", Blurb: "Enough people agree; they meet to refine the problem and decide whether to go ahead.", Stages: []string{model.StageDefining}},
			{Title: "Gathering critical mass", Blurb: "Looking for communities and people who share the problem and will take part in meetings.", Stages: []string{model.StageGathering}},
			{Title: "Proposed", Blurb: "A shared problem someone proposed; staff open it for gathering.", Stages: []string{model.StageProposed}},
			{Title: "Closed", Blurb: "Concluded or dissolved, with a closing summary.", Stages: []string{model.StageConcluded, model.StageDissolved}},
		}
		for _, c := range list {
			for i := range d.Sections {
				if slices.Contains(d.Sections[i].Stages, c.Stage) {
					d.Sections[i].Items = append(d.Sections[i].Items, c)
				}
			}
		}
		title := "Consortia"
		if mine {
			title = "Your consortia"
		}
		ui.render(w, r, http.StatusOK, "consortia", ui.page(r, title, "consortia", d))
		return nil
	})
}

// roleGroup is one of the six roles with the member communities playing it.
type roleGroup struct {
	Role    string
	Members []model.Member
}

// timelineItem is a stage change or a membership change.
type timelineItem struct {
	At       time.Time
	Kind     string // stage, member
	Title    string
	By       string
	Reason   string
	Override bool
	Roles    []string
}

// transitionForm is a staff form to move a consortium to a next stage.
type transitionForm struct {
	To           string
	Blockers     []model.StageBlocker
	Overridable  bool // some blockers, all of which staff may waive
	NeedsSummary bool
	Back         bool
}

type consortiumData struct {
	*app.ConsortiumView
	// The co-funding and meetings sections (nil: nothing to show); the
	// page's menu links to them.
	FundingSection  *fundingSection
	MeetingsSection *meetingsSection
	Steps           []step
	RoleGroups      []roleGroup
	Timeline        []timelineItem
	JoinChoices     []choice
	Manageable      []model.Member // members whose roles the reader may change
	SpeakFor        []model.Affiliation
	Transitions     []transitionForm
	Closed          bool
	SignedIn        bool
	CommunityPct    int
	PeoplePct       int
	CriticalMass    bool
	MeetingPeople   int
	Updates         *updatesPanel     // posted updates and, for staff, the forms (updates.go)
	Proposals       []*model.Proposal // grant proposals still being written, by deadline
	// Introductions made by its members (attribution), as the reader may see them.
	Introductions []*model.Introduction
}

func consortiumSteps(stage string, timeline []model.Transition) []step {
	main := []string{model.StageProposed, model.StageGathering, model.StageDefining, model.StageActive, model.StageConcluded}
	at := slices.Index(main, stage)
	dissolved := stage == model.StageDissolved
	if dissolved {
		at = 0
		for i := len(timeline) - 1; i >= 0; i-- {
			if timeline[i].To == model.StageDissolved {
				at = max(slices.Index(main, timeline[i].From), 0)
				break
			}
		}
	}
	var out []step
	for i, s := range main {
		if dissolved && i > at {
			break
		}
		st := step{Label: model.StageLabel(s), State: "todo"}
		switch {
		case i < at, i == at && (dissolved || stage == model.StageConcluded):
			st.State = "done"
		case i == at:
			st.State = "current"
		}
		out = append(out, st)
	}
	if dissolved {
		out = append(out, step{Label: "Dissolved", State: "stopped"})
	}
	return out
}

func (ui *UI) consortiumPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	v, err := ui.app.GetConsortium(ctx, u, r.PathValue("ref"))
	if err != nil {
		return nil, err
	}
	d := &consortiumData{ConsortiumView: v, Steps: consortiumSteps(v.Stage, v.Timeline), Closed: model.Closed(v.Stage), SignedIn: u != nil,
		CommunityPct: percent(v.SupportCommunities, v.CriticalCommunities), PeoplePct: percent(v.SupportPeople, v.CriticalPeople),
		CriticalMass: v.CriticalMassReached()}
	for _, s := range v.Supporters {
		if s.WillMeet {
			d.MeetingPeople++
		}
	}
	for _, role := range model.ConsortiumRoles {
		g := roleGroup{Role: role}
		for _, m := range v.Members {
			if m.HasRole(role) {
				g.Members = append(g.Members, m)
			}
		}
		d.RoleGroups = append(d.RoleGroups, g)
	}
	for _, t := range v.Timeline {
		title := "Moved to " + strings.ToLower(model.StageLabel(t.To))
		if t.From == "" {
			title = "Proposed"
		}
		d.Timeline = append(d.Timeline, timelineItem{At: t.At, Kind: "stage", Title: title, By: t.ByName, Reason: t.Reason, Override: t.Override})
	}
	for _, e := range v.MemberEvents {
		title := e.CommunityName
		switch e.Action {
		case "joined":
			title += " joined"
		case "left":
			title += " left"
		default:
			title += " changed its roles"
		}
		d.Timeline = append(d.Timeline, timelineItem{At: e.At, Kind: "member", Title: title, By: e.ByName, Roles: e.Roles})
	}
	if err := ui.roundClosesInTimeline(ctx, u, d); err != nil {
		return nil, err
	}
	if d.Introductions, err = ui.app.ListIntroductions(ctx, u, app.IntroductionQuery{Consortium: v.Slug, Limit: 20}); err != nil {
		return nil, err
	}
	if d.Proposals, err = ui.app.ListProposals(ctx, u, app.ProposalFilter{Consortium: v.Slug, Open: true}); err != nil {
		return nil, err
	}
	slices.SortStableFunc(d.Timeline, func(a, b timelineItem) int { return a.At.Compare(b.At) })

	if u != nil && !d.Closed {
		members := map[int64]bool{}
		for _, m := range v.Members {
			members[m.CommunityID] = true
		}
		if d.JoinChoices, err = ui.actingChoices(ctx, u, func(id int64) bool { return members[id] }); err != nil {
			return nil, err
		}
		for _, m := range v.Members {
			if u.IsAdmin() || slices.ContainsFunc(v.MyCommunities, func(a model.Affiliation) bool { return a.CommunityID == m.CommunityID }) {
				d.Manageable = append(d.Manageable, m)
			}
		}
		if d.SpeakFor, err = ui.app.MyAffiliations(ctx, u); err != nil {
			return nil, err
		}
	}
	if v.CanManage && !d.Closed {
		for _, to := range model.NextStages(v.Stage) {
			tf := transitionForm{To: to, Blockers: v.Blockers[to], NeedsSummary: model.Closed(to), Back: to == model.StageGathering && v.Stage == model.StageDefining}
			tf.Overridable = len(tf.Blockers) > 0
			for _, b := range tf.Blockers {
				tf.Overridable = tf.Overridable && b.Overridable
			}
			d.Transitions = append(d.Transitions, tf)
		}
	}
	if d.Updates, err = ui.updatesPanel(r, v.Consortium); err != nil {
		return nil, err
	}
	funding, err := ui.app.ConsortiumFunding(ctx, u, v.ID)
	if err != nil {
		return nil, err
	}
	d.FundingSection = ui.fundingSection(r, funding)
	if d.MeetingsSection, err = ui.meetingsSection(ctx, u, v.Slug); err != nil {
		return nil, err
	}
	p := ui.page(r, v.Name, "consortia", d)
	return p, ui.withThread(r, p, model.ThreadConsortium, v.ID)
}

// Consortium shows one consortium.
func (ui *UI) Consortium() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.consortiumPage(r)
		if err != nil {
			return err
		}
		if toSlugURL(w, r, p.Data.(*consortiumData).Slug) {
			return nil
		}
		ui.render(w, r, http.StatusOK, "consortium", p)
		return nil
	})
}

// consortiumFailed shows the consortium again after one of its forms failed.
func (ui *UI) consortiumFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.pageFailed(w, r, err, form, "consortium", func() (*Page, error) { return ui.consortiumPage(r) })
}

// consortiumAction wraps the small forms of a consortium's page: it reads
// the form, runs do, and on success flashes msg and returns to the page.
func (ui *UI) consortiumAction(form, anchor string, do func(r *http.Request) (string, error)) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		msg, err := do(r)
		if err != nil {
			f := form
			switch form {
			case "stage":
				f = "stage_" + r.PostForm.Get("to")
			case "roles", "leave":
				f = form + "_" + r.PathValue("community")
			}
			return ui.consortiumFailed(w, r, err, f)
		}
		ui.flash(r, msg)
		redirect(w, r, "/consortia/"+url.PathEscape(r.PathValue("ref"))+anchor)
		return nil
	})
}

// SupportConsortium records that the reader agrees with the problem and
// whether they will take part in meetings, or withdraws it.
func (ui *UI) SupportConsortium() http.Handler {
	return ui.consortiumAction("support", "#critical-mass", func(r *http.Request) (string, error) {
		f := r.PostForm
		on := f.Get("on") != "0"
		err := ui.app.Support(r.Context(), user(r), r.PathValue("ref"), on, f.Get("will_meet") == "1", f.Get("community"), strings.TrimSpace(f.Get("comment")))
		if !on {
			return "Your support is withdrawn.", err
		}
		return "Thank you: you are counted toward the critical mass.", err
	})
}

// memberInput reads the roles and involvement choices of a membership form.
func memberInput(r *http.Request) model.MemberInput {
	f := r.PostForm
	return model.MemberInput{Roles: f["roles"], CoCreate: f.Get("co_create"), ShareCredit: f.Get("share_credit"), EarlyAdopter: f.Get("early_adopter")}
}

// JoinConsortium makes a community a member with roles.
func (ui *UI) JoinConsortium() http.Handler {
	return ui.consortiumAction("join", "#members", func(r *http.Request) (string, error) {
		community := r.PostForm.Get("community")
		if community == "" {
			return "", fieldProblem("community", "choose the community that joins")
		}
		m, err := ui.app.Join(r.Context(), user(r), r.PathValue("ref"), community, memberInput(r))
		if err != nil {
			return "", err
		}
		return m.CommunityName + " joined the consortium.", nil
	})
}

// ChangeMemberRoles changes a member's roles and choices.
func (ui *UI) ChangeMemberRoles() http.Handler {
	return ui.consortiumAction("roles", "#members", func(r *http.Request) (string, error) {
		m, err := ui.app.ChangeRoles(r.Context(), user(r), r.PathValue("ref"), r.PathValue("community"), memberInput(r))
		if err != nil {
			return "", err
		}
		return "Saved the roles of " + m.CommunityName + ".", nil
	})
}

// LeaveConsortium ends a community's membership.
func (ui *UI) LeaveConsortium() http.Handler {
	return ui.consortiumAction("leave", "#members", func(r *http.Request) (string, error) {
		if err := ui.app.Leave(r.Context(), user(r), r.PathValue("ref"), r.PathValue("community")); err != nil {
			return "", err
		}
		return "The community left the consortium; its history stays in the timeline.", nil
	})
}

// ScheduleKickoff sets or clears the kickoff meeting (staff). The form
// gives a wall-clock date and time in the chosen time zone.
func (ui *UI) ScheduleKickoff() http.Handler {
	return ui.consortiumAction("kickoff", "#kickoff", func(r *http.Request) (string, error) {
		var at *time.Time
		tz := strings.TrimSpace(r.PostForm.Get("time_zone"))
		if tz == "" {
			tz = "UTC"
		}
		if s := strings.TrimSpace(r.PostForm.Get("kickoff")); s != "" && r.PostForm.Get("clear") != "1" {
			if !model.ValidTimeZone(tz) {
				return "", fieldProblem("time_zone", model.TimeZoneHint)
			}
			loc, _ := time.LoadLocation(tz)
			t, err := parseLocal(s, loc)
			if err != nil {
				return "", fieldProblem("kickoff", "must be a date and time like 2026-03-02T16:00")
			}
			at = &t
		}
		c, err := ui.app.ScheduleKickoff(r.Context(), user(r), r.PathValue("ref"), at, tz)
		if err != nil {
			return "", err
		}
		if c.KickoffAt == nil {
			return "The kickoff meeting is no longer scheduled.", nil
		}
		return "Kickoff scheduled for " + c.KickoffLocal().Format("Monday 2 January 2006, 15:04 MST") + ".", nil
	})
}

// SetConsortiumGoals records the goals, whether they are agreed and the
// go/no-go decision (staff).
func (ui *UI) SetConsortiumGoals() http.Handler {
	return ui.consortiumAction("goals", "#goals", func(r *http.Request) (string, error) {
		f := r.PostForm
		_, err := ui.app.SetGoals(r.Context(), user(r), r.PathValue("ref"), strings.TrimSpace(f.Get("goals")), f.Get("agreed") == "1",
			f.Get("decision"), strings.TrimSpace(f.Get("decision_note")))
		return "Saved the goals and decision.", err
	})
}

// TransitionConsortium moves a consortium to another stage (staff).
func (ui *UI) TransitionConsortium() http.Handler {
	return ui.consortiumAction("stage", "#stage", func(r *http.Request) (string, error) {
		f := r.PostForm
		to := f.Get("to")
		c, err := ui.app.Transition(r.Context(), user(r), r.PathValue("ref"), to, strings.TrimSpace(f.Get("reason")),
			f.Get("override") == "1", strings.TrimSpace(f.Get("closing_summary")))
		if err != nil {
			return "", err
		}
		return c.Name + " is now at the stage “" + model.StageLabel(c.Stage) + "”.", nil
	})
}

// consortiumForm is the propose/edit form's data.
type consortiumForm struct {
	New         bool
	Slug        string
	Name        string
	Narratives  []*model.Narrative
	Initiatives []*model.Initiative
	NarrIDs     []int64
	InitIDs     []int64
	IsAdmin     bool
}

func (ui *UI) consortiumFormData(r *http.Request, d *consortiumForm) error {
	var err error
	if d.Narratives, err = ui.app.ListNarratives(r.Context(), user(r)); err != nil {
		return err
	}
	list, _, err := ui.app.ListInitiatives(r.Context(), user(r), model.InitiativeFilter{Page: model.Page{Size: -1}})
	if err != nil {
		return err
	}
	for _, in := range list {
		if in.Status != model.StatusDeclined || slices.Contains(d.InitIDs, in.ID) {
			d.Initiatives = append(d.Initiatives, in)
		}
	}
	slices.SortFunc(d.Initiatives, func(a, b *model.Initiative) int { return strings.Compare(a.Title, b.Title) })
	d.IsAdmin = user(r).IsAdmin()
	return nil
}

func parseIDs(values []string) ([]int64, bool) {
	var out []int64
	for _, v := range values {
		if v = strings.TrimSpace(v); v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			return out, false
		}
		out = append(out, n)
	}
	return out, true
}

// consortiumInput reads the consortium form.
func consortiumInput(r *http.Request) (model.ConsortiumInput, error) {
	f := r.PostForm
	in := model.ConsortiumInput{Slug: f.Get("slug"), Name: f.Get("name"), Problem: f.Get("problem"), Visibility: f.Get("visibility"),
		SlackChannel: f.Get("slack_channel"), MailingSegment: f.Get("mailing_segment"), GuideURL: f.Get("guide_url")}
	var p model.Problems
	for field, dst := range map[string]*int{"critical_mass_communities": &in.CriticalCommunities, "critical_mass_people": &in.CriticalPeople} {
		if s := strings.TrimSpace(f.Get(field)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				p.Add(field, "must be a whole number")
			}
			*dst = n
		}
	}
	var ok bool
	if in.NarrativeIDs, ok = parseIDs(f["narrative_ids"]); !ok {
		p.Add("narrative_ids", "must name narratives from the list")
	}
	if in.InitiativeIDs, ok = parseIDs(f["initiative_ids"]); !ok {
		p.Add("initiative_ids", "must name initiatives from the list")
	}
	return in, p.Err()
}

// NewConsortiumForm shows the form to propose a shared problem.
func (ui *UI) NewConsortiumForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		d := &consortiumForm{New: true}
		q := r.URL.Query()
		if ids, ok := parseIDs(q["narrative"]); ok {
			d.NarrIDs = ids
		}
		if ids, ok := parseIDs(q["initiative"]); ok {
			d.InitIDs = ids
		}
		if err := ui.consortiumFormData(r, d); err != nil {
			return err
		}
		p := ui.page(r, "Propose a consortium", "consortia", d)
		p.Form = url.Values{"visibility": {model.VisibilityPublic}, "critical_mass_communities": {"3"}, "critical_mass_people": {"5"}}
		ui.render(w, r, http.StatusOK, "consortium_form", p)
		return nil
	})
}

// CreateConsortium handles the propose form.
func (ui *UI) CreateConsortium() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		d := &consortiumForm{New: true}
		p := ui.page(r, "Propose a consortium", "consortia", d)
		if err := parseForm(r); err != nil {
			return err
		}
		in, err := consortiumInput(r)
		d.NarrIDs, d.InitIDs = in.NarrativeIDs, in.InitiativeIDs
		if ferr := ui.consortiumFormData(r, d); ferr != nil {
			return ferr
		}
		if err != nil {
			ui.formFailed(w, r, err, "consortium_form", p)
			return nil
		}
		c, err := ui.app.ProposeConsortium(r.Context(), user(r), in)
		if err != nil {
			ui.formFailed(w, r, err, "consortium_form", p)
			return nil
		}
		ui.flash(r, "You proposed “"+c.Name+"”. Next: find people who agree with the problem and will take part in meetings.")
		redirect(w, r, "/consortia/"+c.Slug)
		return nil
	})
}

// EditConsortiumForm shows the edit form (staff, or the proposer while
// it is proposed). Closed consortia cannot change.
func (ui *UI) EditConsortiumForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		v, err := ui.app.GetConsortium(r.Context(), user(r), r.PathValue("ref"))
		if err != nil {
			return err
		}
		if model.Closed(v.Stage) {
			return model.Errorf(model.EConflict, "%s is %s; it can no longer be changed.", v.Name, v.Stage)
		}
		if !v.CanEdit {
			return denied(r, "Only staff (or the proposer, before gathering starts) can edit this consortium.")
		}
		d := &consortiumForm{Slug: v.Slug, Name: v.Name}
		for _, n := range v.Narratives {
			d.NarrIDs = append(d.NarrIDs, n.ID)
		}
		for _, in := range v.Initiatives {
			d.InitIDs = append(d.InitIDs, in.ID)
		}
		if err := ui.consortiumFormData(r, d); err != nil {
			return err
		}
		p := ui.page(r, "Edit "+v.Name, "consortia", d)
		p.Form = url.Values{"name": {v.Name}, "slug": {v.Slug}, "problem": {v.Problem}, "visibility": {v.Visibility},
			"slack_channel": {v.SlackChannel}, "mailing_segment": {v.MailingSegment}, "guide_url": {v.GuideURL},
			"critical_mass_communities": {strconv.Itoa(v.CriticalCommunities)}, "critical_mass_people": {strconv.Itoa(v.CriticalPeople)},
			"version": {strconv.FormatInt(v.Version, 10)}}
		ui.render(w, r, http.StatusOK, "consortium_form", p)
		return nil
	})
}

// UpdateConsortium handles the edit form. Goals and the kickoff have their
// own forms on the consortium's page, so they are kept as they are.
func (ui *UI) UpdateConsortium() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		v, err := ui.app.GetConsortium(r.Context(), user(r), ref)
		if err != nil {
			return err
		}
		d := &consortiumForm{Slug: v.Slug, Name: v.Name}
		p := ui.page(r, "Edit "+v.Name, "consortia", d)
		in, err := consortiumInput(r)
		d.NarrIDs, d.InitIDs = in.NarrativeIDs, in.InitiativeIDs
		if ferr := ui.consortiumFormData(r, d); ferr != nil {
			return ferr
		}
		if err != nil {
			ui.formFailed(w, r, err, "consortium_form", p)
			return nil
		}
		in.Goals, in.KickoffAt = v.Goals, v.KickoffAt
		version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		c, err := ui.app.UpdateConsortium(r.Context(), user(r), ref, version, in)
		if err != nil {
			ui.formFailed(w, r, err, "consortium_form", p)
			return nil
		}
		ui.flash(r, "Saved your changes to “"+c.Name+"”.")
		redirect(w, r, "/consortia/"+c.Slug)
		return nil
	})
}
