package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/calendar"
	"consortia/internal/model"
)

// Grant proposals: the list (/proposals), the form to start or edit one,
// and a proposal's page with its status, budget, sections and checklist.

func proposalURL(id int64) string { return fmt.Sprintf("/proposals/%d", id) }

// Proposals lists the proposals the reader may see, open ones first.
func (ui *UI) Proposals() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		list, err := ui.app.ListProposals(r.Context(), user(r), app.ProposalFilter{Consortium: r.URL.Query().Get("consortium"),
			Initiative: r.URL.Query().Get("initiative")})
		if err != nil {
			return err
		}
		var open, closed []*model.Proposal
		for _, p := range list {
			if model.ProposalOpen(p.Status) {
				open = append(open, p)
			} else {
				closed = append(closed, p)
			}
		}
		feed := strings.TrimSuffix(ui.cfg.BaseURL, "/") + "/proposals.ics"
		if key := ui.app.CalendarKey(user(r)); key != "" {
			feed += "?key=" + url.QueryEscape(key)
		}
		ui.render(w, r, http.StatusOK, "proposals", ui.page(r, "Grant proposals", "", map[string]any{"Open": open, "Closed": closed, "Feed": feed}))
		return nil
	})
}

// ProposalsCalendar is the iCalendar feed of the deadlines of the proposals
// the reader may see. Calendar programs send no cookie: a signed-in
// reader's personal key (?key=…, shown on /proposals) stands for them;
// without one the feed holds the awarded proposals listed publicly. A key
// that is not valid answers 404.
func (ui *UI) ProposalsCalendar() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reader, ok := ui.calendarReader(w, r)
		if !ok {
			return
		}
		list, err := ui.app.ListProposals(r.Context(), reader, app.ProposalFilter{})
		if err != nil {
			ui.calendarError(w, r, err)
			return
		}
		writeCalendar(w, calendar.Deadlines("Proposal deadlines", ui.cfg.BaseURL, ui.app.InstanceID(), list), "")
	})
}

// proposalForm is the data of the start and edit forms.
type proposalForm struct {
	ID      int64 // 0 when starting one
	Title   string
	Version int64
}

// proposalValues are a proposal's fields as the form shows them.
func proposalValues(v *app.ProposalView) url.Values {
	in := app.ProposalInputOf(v)
	f := url.Values{"title": {in.Title}, "funder": {in.Funder}, "funder_website": {in.FunderWebsite}, "programme": {in.Programme},
		"call_url": {in.CallURL}, "deadline": {v.LocalDeadline().Format("2006-01-02T15:04")}, "time_zone": {in.TimeZone},
		"amount": {model.Money{Amount: in.Amount}.Number()}, "currency": {in.Currency}, "summary": {in.Summary},
		"host_role": {in.HostRole}, "lead_community": {in.LeadCommunity}, "consortium": {in.Consortium},
		"initiatives": {strings.Join(in.Initiatives, ", ")}, "partners": {strings.Join(in.Partners, ", ")},
		"version": {strconv.FormatInt(v.Version, 10)}}
	if in.PublicAward {
		f.Set("public_award", "1")
	}
	if in.PeriodStart != nil {
		f.Set("period_start", in.PeriodStart.Format(time.DateOnly))
	}
	if in.PeriodEnd != nil {
		f.Set("period_end", in.PeriodEnd.Format(time.DateOnly))
	}
	// Initiatives by slug read better than by id.
	slugs := make([]string, len(v.Initiatives))
	for i, it := range v.Initiatives {
		slugs[i] = it.Slug
	}
	f.Set("initiatives", strings.Join(slugs, ", "))
	return f
}

// proposalInput reads the start and edit forms.
func proposalInput(f url.Values) (model.ProposalInput, error) {
	in := model.ProposalInput{Title: f.Get("title"), Funder: f.Get("funder"), FunderWebsite: f.Get("funder_website"),
		Programme: f.Get("programme"), CallURL: f.Get("call_url"), TimeZone: strings.TrimSpace(f.Get("time_zone")),
		Currency: f.Get("currency"), Summary: f.Get("summary"), HostRole: f.Get("host_role"), LeadCommunity: f.Get("lead_community"),
		Consortium: f.Get("consortium"), Initiatives: splitList(f.Get("initiatives")), Partners: splitList(f.Get("partners")),
		PublicAward: f.Get("public_award") == "1"}
	var p model.Problems
	amount, err := model.ParseMajorUnits(f.Get("amount"))
	if err != nil {
		p.Add("amount", "%s", err.Error())
	}
	in.Amount = amount
	in.Deadline = localTime(&p, f.Get("deadline"), in.TimeZone, "deadline", "2027-03-01T17:00")
	for field, dst := range map[string]**time.Time{"period_start": &in.PeriodStart, "period_end": &in.PeriodEnd} {
		if s := strings.TrimSpace(f.Get(field)); s != "" {
			t, err := time.Parse(time.DateOnly, s)
			if err != nil {
				p.Add(field, "must be a date like 2027-07-01")
				continue
			}
			*dst = &t
		}
	}
	return in, p.Err()
}

// splitList reads a list typed with commas.
func splitList(s string) []string {
	out := []string{}
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// NewProposalForm shows the form to start a proposal; ?initiative= and
// ?consortium= fill those in (links from their pages).
func (ui *UI) NewProposalForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		p := ui.page(r, "Start a grant proposal", "", proposalForm{})
		q := r.URL.Query()
		p.Form = url.Values{"initiatives": {q.Get("initiative")}, "consortium": {q.Get("consortium")}, "currency": {model.DefaultCurrency},
			"time_zone": {"UTC"}, "lead_community": {q.Get("lead_community")}}
		ui.render(w, r, http.StatusOK, "proposal_form", p)
		return nil
	})
}

// CreateProposal handles the start form.
func (ui *UI) CreateProposal() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		in, err := proposalInput(r.PostForm)
		if err == nil {
			var v *app.ProposalView
			if v, err = ui.app.CreateProposal(r.Context(), user(r), in); err == nil {
				ui.flash(r, "The proposal is started. Add its sections and budget lines below.")
				redirect(w, r, proposalURL(v.ID))
				return nil
			}
		}
		ui.formFailed(w, r, err, "proposal_form", ui.page(r, "Start a grant proposal", "", proposalForm{}))
		return nil
	})
}

// proposalPage builds a proposal's page.
func (ui *UI) proposalPage(r *http.Request) (*Page, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := ui.app.GetProposal(r.Context(), user(r), id)
	if err != nil {
		return nil, err
	}
	return ui.page(r, v.Title, "", v), nil
}

// Proposal shows a proposal.
func (ui *UI) Proposal() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.proposalPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "proposal", p)
		return nil
	})
}

// EditProposalForm shows the edit form.
func (ui *UI) EditProposalForm() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		v, err := ui.app.GetProposal(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		if !v.CanEdit {
			return model.Errorf(model.EForbidden, "Only staff and the leads of the lead community can change this proposal.")
		}
		p := ui.page(r, "Edit: "+v.Title, "", proposalForm{ID: id, Title: v.Title, Version: v.Version})
		p.Form = proposalValues(v)
		ui.render(w, r, http.StatusOK, "proposal_form", p)
		return nil
	})
}

// UpdateProposal handles the edit form.
func (ui *UI) UpdateProposal() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		if err := parseForm(r); err != nil {
			return err
		}
		in, err := proposalInput(r.PostForm)
		if err == nil {
			version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
			if _, err = ui.app.UpdateProposal(r.Context(), user(r), id, version, in); err == nil {
				ui.flash(r, "Saved.")
				redirect(w, r, proposalURL(id))
				return nil
			}
		}
		ui.formFailed(w, r, err, "proposal_form", ui.page(r, "Edit the proposal", "", proposalForm{ID: id, Title: r.PostForm.Get("title")}))
		return nil
	})
}

func (ui *UI) proposalFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.inlineFormFailed(w, r, err, form, "proposal", ui.proposalPage)
}

// MoveProposal moves a proposal to another status.
func (ui *UI) MoveProposal() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		m := model.ProposalMove{To: f.Get("status"), Note: f.Get("note")}
		var err error
		if m.To == model.ProposalAwarded {
			m.Award = &model.Award{}
			if m.Award.Amount, err = model.ParseMajorUnits(f.Get("award_amount")); err != nil {
				return ui.proposalFailed(w, r, fieldProblem("award_amount", "%s", err.Error()), "status")
			}
			if s := strings.TrimSpace(f.Get("awarded_on")); s != "" {
				if m.Award.On, err = time.Parse(time.DateOnly, s); err != nil {
					return ui.proposalFailed(w, r, fieldProblem("awarded_on", "must be a date like 2027-07-01"), "status")
				}
			}
		}
		if _, err := ui.app.MoveProposal(r.Context(), user(r), id, m); err != nil {
			return ui.proposalFailed(w, r, err, "status")
		}
		ui.flash(r, "The proposal is now "+m.To+".")
		redirect(w, r, proposalURL(id))
		return nil
	})
}

// AddBudgetLine adds a line to the budget: an amount in major units, or
// overhead as a percentage.
func (ui *UI) AddBudgetLine() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		in := model.BudgetLineInput{Kind: f.Get("kind"), Label: f.Get("label"), Party: f.Get("party")}
		var err error
		if in.Kind == "overhead" {
			// Percent with up to two decimals: hundredths of a percent are basis points.
			if in.BasisPoints, err = model.ParseMajorUnits(f.Get("percent")); err != nil {
				return ui.proposalFailed(w, r, fieldProblem("basis_points", "must be a percentage like 15 or 12.5"), "line")
			}
		} else if in.Amount, err = model.ParseMajorUnits(f.Get("amount")); err != nil {
			return ui.proposalFailed(w, r, fieldProblem("amount", "%s", err.Error()), "line")
		}
		if _, err := ui.app.AddBudgetLine(r.Context(), user(r), id, in); err != nil {
			return ui.proposalFailed(w, r, err, "line")
		}
		redirect(w, r, proposalURL(id)+"#budget")
		return nil
	})
}

// RemoveBudgetLine removes an added line.
func (ui *UI) RemoveBudgetLine() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		line, err := pathID(r, "line")
		if err != nil {
			return err
		}
		if err := ui.app.RemoveBudgetLine(r.Context(), user(r), id, line); err != nil {
			return err
		}
		redirect(w, r, proposalURL(id)+"#budget")
		return nil
	})
}

// sectionInput reads a section form; the due date is a day, due at its
// end in the proposal's time zone.
func sectionInput(f url.Values, tz string) (model.SectionInput, error) {
	in := model.SectionInput{Title: f.Get("title"), Status: f.Get("status"), Body: f.Get("body")}
	if s := strings.TrimSpace(f.Get("owner_id")); s != "" && s != "0" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return in, fieldProblem("owner_id", "must be one of the people offered")
		}
		in.OwnerID = &n
	}
	if s := strings.TrimSpace(f.Get("due")); s != "" {
		loc, err := time.LoadLocation(tz)
		if err != nil {
			loc = time.UTC
		}
		d, err := time.ParseInLocation(time.DateOnly, s, loc)
		if err != nil {
			return in, fieldProblem("due_at", "must be a date like 2027-02-20")
		}
		end := d.Add(24*time.Hour - time.Minute)
		in.DueAt = &end
	}
	return in, nil
}

// AddSection adds a section to co-write.
func (ui *UI) AddSection() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		if err := parseForm(r); err != nil {
			return err
		}
		v, err := ui.app.GetProposal(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		in, err := sectionInput(r.PostForm, v.TimeZone)
		if err == nil {
			var s *model.Section
			if s, err = ui.app.AddSection(r.Context(), user(r), id, in); err == nil {
				redirect(w, r, fmt.Sprintf("%s#section-%d", proposalURL(id), s.ID))
				return nil
			}
		}
		return ui.proposalFailed(w, r, err, "section")
	})
}

// UpdateSection changes a section (its owner: status and text).
func (ui *UI) UpdateSection() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		sid, err := pathID(r, "section")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		v, err := ui.app.GetProposal(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		form := fmt.Sprintf("section-%d", sid)
		var in model.SectionInput
		found := false
		for _, s := range v.Sections {
			if s.ID == sid {
				in, found = model.SectionInput{Title: s.Title, OwnerID: s.OwnerID, DueAt: s.DueAt, Status: s.Status, Body: s.Body}, true
			}
		}
		if !found {
			return model.NotFound(model.EntitySection, sid)
		}
		f := r.PostForm
		in.Status, in.Body = f.Get("status"), f.Get("body")
		if v.CanEdit {
			// Editors' forms carry the whole section.
			full, err := sectionInput(f, v.TimeZone)
			if err != nil {
				return ui.proposalFailed(w, r, err, form)
			}
			in.Title, in.OwnerID, in.DueAt = full.Title, full.OwnerID, full.DueAt
		}
		version, _ := strconv.ParseInt(f.Get("version"), 10, 64)
		if _, err := ui.app.UpdateSection(r.Context(), user(r), id, sid, version, in); err != nil {
			return ui.proposalFailed(w, r, err, form)
		}
		redirect(w, r, fmt.Sprintf("%s#section-%d", proposalURL(id), sid))
		return nil
	})
}

// RemoveSection removes a section.
func (ui *UI) RemoveSection() http.Handler {
	return ui.proposalHandler(func(w http.ResponseWriter, r *http.Request, id int64) error {
		sid, err := pathID(r, "section")
		if err != nil {
			return err
		}
		if err := ui.app.RemoveSection(r.Context(), user(r), id, sid); err != nil {
			return err
		}
		redirect(w, r, proposalURL(id)+"#sections")
		return nil
	})
}

var proposalFuncs = template.FuncMap{
	"sectionStatusLabel": model.SectionStatusLabel,
	"sectionStatuses":    func() []string { return model.SectionStatuses },
	"budgetKinds":        func() []string { return model.BudgetLineKinds },
	"budgetKindLabel":    model.BudgetLineKindLabel,
	"hostRoles":          func() []string { return model.HostRoles },
	"suggestedSections":  func() []string { return model.SuggestedSections },
	"derefID":            func(p *int64) int64 { return *p },
	// basisPoints writes basis points as a percentage: 1250 → "12.5%".
	"basisPoints": func(bp int64) string {
		return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%d.%02d", bp/100, bp%100), "0"), ".") + "%"
	},
	"isoDay": func(t *time.Time, tz string) string {
		if t == nil {
			return ""
		}
		if loc, err := time.LoadLocation(tz); err == nil {
			return t.In(loc).Format(time.DateOnly)
		}
		return t.Format(time.DateOnly)
	},
}

func init() {
	for name, fn := range proposalFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}
