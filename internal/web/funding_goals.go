package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// goalPage is the data of a goal's page.
type goalPage struct {
	*app.GoalView
	WhatIf       *app.WhatIfView
	WhatIfErr    string
	WhatIfAmount string
	Communities  []model.CommunityRef // who the actor may pledge for
	SignedIn     bool
	IsAdmin      bool
}

func (ui *UI) goalPage(r *http.Request, id int64) (*Page, error) {
	ctx, u := r.Context(), user(r)
	v, err := ui.app.GetGoal(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &goalPage{GoalView: v, SignedIn: u != nil, IsAdmin: u.IsAdmin(), Communities: v.PledgeFor}
	if d.IsAdmin && v.CanPledge {
		list, err := ui.allCommunities(ctx, u)
		if err != nil {
			return nil, err
		}
		pledged := map[int64]bool{}
		for _, e := range v.Pledges {
			if model.PledgeLive(e.State) {
				pledged[e.CommunityID] = true
			}
		}
		d.Communities = nil
		for _, c := range list {
			if !pledged[c.ID] {
				d.Communities = append(d.Communities, model.CommunityRef{ID: c.ID, Slug: c.Slug, Name: c.Name})
			}
		}
	}
	if v.State == model.GoalOpen {
		if d.WhatIfAmount = strings.TrimSpace(r.URL.Query().Get("whatif")); d.WhatIfAmount != "" {
			d.WhatIf, d.WhatIfErr = ui.whatIf(r, id, d.WhatIfAmount)
		}
	}
	return ui.page(r, v.Title+" · funding", "funding", d), nil
}

// FundingGoal shows a goal: thermometer, pledges, what-if, pledge form.
func (ui *UI) FundingGoal() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := ui.goalPage(r, id)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "funding_goal", p)
		return nil
	})
}

// GoalAction handles the staff buttons of a goal: close, invoices.
func (ui *UI) GoalAction(action string) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		ctx, u := r.Context(), user(r)
		switch action {
		case "close":
			res, err := ui.app.CloseGoal(ctx, u, id)
			if err != nil {
				return err
			}
			ui.flash(r, fmt.Sprintf("Goal closed: %d pledges committed, %d lapsed. Issue the invoices when ready.", len(res.Committed), len(res.Lapsed)))
		case "invoices":
			ids, err := ui.app.IssueInvoices(ctx, u, id)
			if err != nil {
				return err
			}
			ui.flash(r, fmt.Sprintf("%d invoices issued.", len(ids)))
		}
		redirect(w, r, fmt.Sprintf("/funding/%d", id))
		return nil
	})
}

// goalForm is the data of the new-goal form.
type goalForm struct {
	Initiatives []*model.Initiative
	Consortia   []*model.Consortium
}

func (ui *UI) goalFormPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	if !u.IsAdmin() {
		return nil, denied(r, "Only the host organization's staff set funding goals.")
	}
	var d goalForm
	var err error
	if d.Initiatives, _, err = ui.app.ListInitiatives(ctx, u, model.InitiativeFilter{Page: model.Page{Size: -1}}); err != nil {
		return nil, err
	}
	if d.Consortia, _, err = ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: model.MaxPageSize}}); err != nil {
		return nil, err
	}
	// People look for a title, not for the order initiatives were made in.
	slices.SortStableFunc(d.Initiatives, func(a, b *model.Initiative) int {
		return strings.Compare(strings.ToLower(a.Title), strings.ToLower(b.Title))
	})
	slices.SortStableFunc(d.Consortia, func(a, b *model.Consortium) int {
		return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
	})
	return ui.page(r, "New funding goal", "funding", d), nil
}

// NewGoalForm shows the new-goal form (staff).
func (ui *UI) NewGoalForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.goalFormPage(r)
		if err != nil {
			return err
		}
		// Links name the initiative or consortium by slug or by id; the
		// options are slugs, so an id is turned into its slug to preselect it.
		q, d := r.URL.Query(), p.Data.(goalForm)
		ini, con := q.Get("initiative"), q.Get("consortium")
		for _, in := range d.Initiatives {
			if ini != "" && (ini == in.Slug || ini == strconv.FormatInt(in.ID, 10)) {
				ini = in.Slug
			}
		}
		for _, c := range d.Consortia {
			if con != "" && (con == c.Slug || con == strconv.FormatInt(c.ID, 10)) {
				con = c.Slug
			}
		}
		p.Form = url.Values{"initiative": {ini}, "consortium": {con}}
		ui.render(w, r, http.StatusOK, "funding_goal_form", p)
		return nil
	})
}

// CreateGoal handles the new-goal form.
func (ui *UI) CreateGoal() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		fail := func(err error) error {
			p, perr := ui.goalFormPage(r)
			if perr != nil {
				return perr
			}
			ui.formFailed(w, r, err, "funding_goal_form", p)
			return nil
		}
		f := r.PostForm
		in, err := goalInput(f)
		if err != nil {
			return fail(err)
		}
		in.InitiativeRef, in.ConsortiumRef = f.Get("initiative"), f.Get("consortium")
		g, err := ui.app.CreateGoal(r.Context(), user(r), in)
		if err != nil {
			return fail(err)
		}
		ui.flash(r, "Funding goal set.")
		redirect(w, r, fmt.Sprintf("/funding/%d", g.ID))
		return nil
	})
}

// goalInput reads a goal form's amount, currency, deadline, settings and note.
func goalInput(f url.Values) (model.FundingGoalInput, error) {
	in := model.FundingGoalInput{Currency: f.Get("currency"), AllOrNothing: f.Get("all_or_nothing") == "1",
		MatchCountsAsOthers: f.Get("match_counts_as_others") == "1", Note: f.Get("note")}
	amount, ok := parseMinor(f.Get("amount"))
	if !ok {
		return in, fieldProblem("amount", "must be an amount like 30000 or 30000.00 (at most 1,000,000,000)")
	}
	in.Amount = amount
	if s := strings.TrimSpace(f.Get("deadline")); s != "" {
		t, err := time.Parse("2006-01-02T15:04", s)
		if err != nil {
			if t, err = time.Parse(time.DateOnly, s); err != nil {
				return in, fieldProblem("deadline", "must be a date and time like 2027-06-30T17:00")
			}
		}
		in.Deadline = &t
	}
	return in, nil
}

// goalEditPage loads a goal for its edit form (staff).
func (ui *UI) goalEditPage(r *http.Request) (*Page, *app.GoalView, error) {
	u := user(r)
	if !u.IsAdmin() {
		return nil, nil, denied(r, "Only the host organization's staff change funding goals.")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, nil, err
	}
	v, err := ui.app.GetGoal(r.Context(), u, id)
	if err != nil {
		return nil, nil, err
	}
	return ui.page(r, "Edit "+v.Title+" · funding", "funding", v), v, nil
}

// EditGoalForm shows a goal's edit form (staff); a closed goal's page
// explains that it can no longer change.
func (ui *UI) EditGoalForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, v, err := ui.goalEditPage(r)
		if err != nil {
			return err
		}
		p.Form = url.Values{"amount": {formatMinor(v.Goal.Amount)}, "currency": {v.Goal.Currency}, "deadline": {datetimeLocal(v.Deadline)},
			"note": {v.Note}, "version": {strconv.FormatInt(v.Version, 10)}}
		if v.AllOrNothing {
			p.Form.Set("all_or_nothing", "1")
		}
		if v.MatchCountsAsOthers {
			p.Form.Set("match_counts_as_others", "1")
		}
		ui.render(w, r, http.StatusOK, "funding_goal_edit", p)
		return nil
	})
}

// UpdateGoal handles a goal's edit form (staff).
func (ui *UI) UpdateGoal() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		p, v, err := ui.goalEditPage(r)
		if err != nil {
			return err
		}
		in, err := goalInput(r.PostForm)
		if err == nil {
			version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
			_, err = ui.app.UpdateGoal(r.Context(), user(r), v.ID, version, in)
		}
		if err != nil {
			ui.formFailed(w, r, err, "funding_goal_edit", p)
			return nil
		}
		ui.flash(r, "Funding goal saved.")
		redirect(w, r, fmt.Sprintf("/funding/%d", v.ID))
		return nil
	})
}

// Budget rounds.
