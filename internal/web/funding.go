package web

import (
	"bytes"
	"fmt"
	"html"
	"html/template"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// Co-funding pages: the funding dashboard, goals with their thermometer,
// what-if and pledge form, pledge receipts, budget rounds (with .pb import
// and export) and quadratic-funding matching pools. The funding section of
// initiative and consortium pages is loaded by Page.InitiativeFunding and
// Page.ConsortiumFunding from templates/partials/funding.html.

var fundingFuncs = template.FuncMap{
	"money": func(amount int64, currency string) string {
		return model.Money{Amount: amount, Currency: currency}.String()
	},
	"pledgeState": model.PledgeStateLabel,
	"pledgeEvent": func(action string) string {
		switch action {
		case "pledge.create":
			return "Pledge made"
		case "pledge.open":
			return "Opened: it counts"
		case "pledge.withdraw":
			return "Withdrawn"
		case "pledge.commit":
			return "Committed when the goal closed"
		case "pledge.lapse":
			return "Lapsed: not in the resolved set when the goal closed"
		case "pledge.invoice":
			return "Invoiced"
		case "pledge.paid":
			return "Payment recorded"
		}
		return action
	},
	"categoryLabel": categoryLabel,
	"fundingErrors": fundingErrors,
	"thermometerSVG": func(t app.Thermometer, id string) template.HTML {
		return template.HTML(thermometerSVG(t, "", id, false)) // built from escaped text only
	},
	"miniBar": func(t app.Thermometer) template.HTML { return template.HTML(miniBarSVG(t)) },
	"sub64":   func(a, b int64) int64 { return max(a-b, 0) },
	// fractional: an exact amount that was rounded down ("9/2").
	"fractional": func(s string) bool { return strings.Contains(s, "/") },
	"shortDecimal": func(s string) string {
		if len(s) > 8 {
			return s[:8]
		}
		return s
	},
	"derefInt": func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	},
	"int64s": func(ids []int64, id int64) bool {
		for _, v := range ids {
			if v == id {
				return true
			}
		}
		return false
	},
}

func init() {
	for name, fn := range fundingFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

func categoryLabel(c string) string {
	switch c {
	case app.CatCommitted:
		return "Committed"
	case app.CatActive:
		return "Active now"
	case app.CatWaiting:
		return "Not yet active"
	case app.CatDraft:
		return "Draft"
	case app.CatWithdrawn:
		return "Withdrawn"
	case app.CatLapsed:
		return "Lapsed"
	}
	return c
}

// fundingErrors lists the messages of a form's fields under prefix, e.g.
// every "pledge.condition…" error, sorted by field.
func fundingErrors(p *Page, prefix string) []string {
	var keys []string
	for k := range p.Errors {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	out := make([]string, len(keys))
	for i, k := range keys {
		_, field, _ := strings.Cut(k, ".")
		out[i] = field + ": " + p.Errors[k]
		if k == prefix {
			out[i] = p.Errors[k]
		}
	}
	return out
}

// scaled returns v/scale·width, computed exactly in integers.
func scaled(v, scale, width int64) int64 {
	if scale <= 0 || v <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(v), big.NewInt(width))
	n.Quo(n, big.NewInt(scale))
	return min(n.Int64(), width)
}

// thermometerSVG draws a goal's thermometer: committed, active and
// not-yet-active money as a stacked bar against the goal, with a legend.
// Every text is escaped; the result is standalone SVG (for slides) or an
// inline <svg> element for pages.
func thermometerSVG(t app.Thermometer, title, id string, standalone bool) string {
	width := int64(480) // pages: drawn small, so its text stays legible in a side column
	if standalone {
		width = 640
	}
	scale := max(t.Goal, t.Collected+t.Waiting, 1)
	money := func(v int64) string { return html.EscapeString(model.Money{Amount: v, Currency: t.Currency}.String()) }
	esc := html.EscapeString
	top := int64(0)
	ink := "currentColor"
	if standalone {
		top, ink = 30, "#111827"
	}
	// Pages show the figures beside the bar; the standalone image (for
	// slides) carries them itself.
	height := top + 70
	if standalone {
		height = top + 138
	}
	var b strings.Builder
	if standalone {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	desc := fmt.Sprintf("Goal %s. Committed %s, active now %s, not yet active %s.", money(t.Goal), money(t.Committed), money(t.Active), money(t.Waiting))
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%s" role="img" aria-labelledby="%s-t %s-d" class="thermometer" font-family="system-ui, sans-serif" font-size="14">`,
		width, height, map[bool]string{true: "640", false: "100%"}[standalone], esc(id), esc(id))
	name := "Funding thermometer"
	if title != "" {
		name = title
	}
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(name), esc(id), desc)
	if standalone {
		fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, width, height)
		fmt.Fprintf(&b, `<text x="0" y="20" font-size="16" font-weight="700" fill="%s">%s</text>`, ink, esc(name))
	}
	barY := top + 26
	fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="28" rx="6" fill="#e5e7eb"/>`, barY, width)
	x := int64(0)
	for _, seg := range []struct {
		v            int64
		fill, stroke string
	}{{t.Committed, "#047857", "none"}, {t.Active, "#34d399", "none"}, {t.Waiting, "#fde68a", "#b45309"}} {
		w := scaled(seg.v, scale, width)
		if w > 0 {
			dash := ""
			if seg.stroke != "none" {
				dash = ` stroke-dasharray="4 3"`
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="28" fill="%s" stroke="%s"%s/>`, x, barY, w, seg.fill, seg.stroke, dash)
		}
		x += w
	}
	gx := scaled(t.Goal, scale, width)
	if gx >= width {
		gx = width - 1
	}
	anchor, lx := "end", gx-4
	if gx < width/2 {
		anchor, lx = "start", gx+4
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>`, gx, barY-8, gx, barY+36, ink)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="%s" fill="%s" font-weight="600">Goal %s</text>`, lx, barY-10, anchor, ink, money(t.Goal))
	if !standalone {
		b.WriteString(`</svg>`)
		return b.String()
	}
	ly := barY + 60
	items := []struct {
		label, fill, stroke string
		v                   int64
	}{{"Committed", "#047857", "none", t.Committed}, {"Active now", "#34d399", "none", t.Active}, {"Not yet active", "#fde68a", "#b45309", t.Waiting}}
	for i, it := range items {
		lxi := int64(i) * 214
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" rx="2" fill="%s" stroke="%s"/>`, lxi, ly-10, it.fill, it.stroke)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, lxi+17, ly, ink, esc(it.label))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s" font-weight="700">%s</text>`, lxi+17, ly+17, ink, money(it.v))
	}
	status := fmt.Sprintf("Collected %s of %s", money(t.Collected), money(t.Goal))
	switch {
	case t.Closed:
		status = fmt.Sprintf("Closed: %s committed", money(t.Committed))
	case t.Funded:
		status += " — funded"
	default:
		status += fmt.Sprintf(" — %s to go", money(t.Gap))
	}
	if t.Voided && !t.Closed {
		status += " (all or nothing: nothing is committed unless the goal is reached)"
	}
	fmt.Fprintf(&b, `<text x="0" y="%d" fill="%s" font-size="12">%s</text>`, ly+40, ink, status)
	b.WriteString(`</svg>`)
	return b.String()
}

// miniBarSVG is a small thermometer for lists: the stacked bar and the goal
// marker, without text (the list shows the figures).
func miniBarSVG(t app.Thermometer) string {
	const width = 160
	scale := max(t.Goal, t.Collected+t.Waiting, 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d 14" width="%d" height="14" aria-hidden="true" class="mini-thermometer">`, width, width)
	fmt.Fprintf(&b, `<rect x="0" y="2" width="%d" height="10" rx="3" fill="#e5e7eb"/>`, width)
	x := int64(0)
	for _, seg := range []struct {
		v    int64
		fill string
	}{{t.Committed, "#047857"}, {t.Active, "#34d399"}, {t.Waiting, "#fde68a"}} {
		if w := scaled(seg.v, scale, width); w > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="2" width="%d" height="10" fill="%s"/>`, x, w, seg.fill)
			x += w
		}
	}
	gx := min(scaled(t.Goal, scale, width), width-1)
	fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="14" stroke="currentColor" stroke-width="2"/></svg>`, gx, gx)
	return b.String()
}

// fundingSection is what templates/partials/funding.html shows on an
// initiative or consortium page.
type fundingSection struct {
	*app.Funding
	Path      string
	WhatIf    *app.WhatIfView
	WhatIfErr string
	Amount    string
}

// fundingSection makes the funding section of an initiative or consortium
// page from what app returned (nil: nothing to show), with the what-if the
// reader asked for.
func (ui *UI) fundingSection(r *http.Request, f *app.Funding) *fundingSection {
	if f == nil {
		return nil
	}
	s := &fundingSection{Funding: f, Path: r.URL.Path}
	if f.Goal != nil && f.Goal.State == model.GoalOpen {
		s.Amount = strings.TrimSpace(r.URL.Query().Get("whatif"))
		if s.Amount != "" {
			s.WhatIf, s.WhatIfErr = ui.whatIf(r, f.Goal.ID, s.Amount)
		}
	}
	return s
}

// whatIf runs the what-if of a form value (a decimal amount).
func (ui *UI) whatIf(r *http.Request, goalID int64, amount string) (*app.WhatIfView, string) {
	minor, ok := parseMinor(amount)
	if !ok {
		return nil, "Give an amount like 5,000 or 5000.50 (at most 1,000,000,000)."
	}
	w, err := ui.app.WhatIf(r.Context(), user(r), goalID, minor, nil)
	if err != nil {
		if msg := fieldMessage(err); msg != "" {
			return nil, msg
		}
		return nil, model.ErrorMessage(err)
	}
	return w, ""
}

func fieldMessage(err error) string {
	for _, f := range model.ErrorFields(err) {
		return f.Field + " " + f.Message
	}
	return ""
}

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

// ThermometerSVG serves a goal's thermometer as a standalone SVG image.
func (ui *UI) ThermometerSVG() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v, err := ui.app.GetGoal(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, thermometerSVG(v.Thermometer, v.Title, fmt.Sprintf("goal-%d", v.ID), true))
		return nil
	})
}

// CreatePledge handles the pledge form of a goal's page.
func (ui *UI) CreatePledge() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		fail := func(err error) error {
			return ui.pageFailed(w, r, err, "pledge", "funding_goal", func() (*Page, error) { return ui.goalPage(r, id) })
		}
		f := r.PostForm
		in := model.PledgeInput{Community: f.Get("community"), Kind: f.Get("kind"), Rate: f.Get("rate"), Note: f.Get("note"),
			Anonymous: f.Get("anonymous") == "1", Draft: f.Get("draft") == "1"}
		amount, ok := parseMinor(f.Get("amount"))
		if !ok {
			return fail(fieldProblem("amount", "must be an amount like 5000, 5,000 or 5000.50 (at most 1,000,000,000)"))
		}
		in.Amount = amount
		if in.Kind == model.PledgeFixed || in.Kind == "" {
			in.Rate = ""
		}
		cond, err := readConditionForm(f)
		if err != nil {
			return fail(err)
		}
		in.Condition = cond.Condition
		p, err := ui.app.CreatePledge(r.Context(), user(r), id, in)
		if err != nil {
			return fail(cond.relabel(err))
		}
		if p.State == model.PledgeDraft {
			ui.flash(r, "Draft saved: it does not count until you open it.")
		} else {
			ui.flash(r, "Pledge recorded: "+p.Terms()+".")
		}
		redirect(w, r, fmt.Sprintf("/funding/%d#pledges", id))
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

// PledgeAction handles a pledge's buttons: open, withdraw, paid.
func (ui *UI) PledgeAction(action string) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		ctx, u := r.Context(), user(r)
		msg := ""
		switch action {
		case "open":
			err, msg = ui.app.OpenPledge(ctx, u, id), "The pledge is open and counts."
		case "withdraw":
			err, msg = ui.app.WithdrawPledge(ctx, u, id), "The pledge was withdrawn."
		case "paid":
			err, msg = ui.app.MarkPaid(ctx, u, id), "Payment recorded."
		}
		if err != nil {
			return err
		}
		ui.flash(r, msg)
		if back := safeNext(r.FormValue("back")); strings.HasPrefix(back, "/funding/") {
			redirect(w, r, back)
			return nil
		}
		redirect(w, r, fmt.Sprintf("/pledges/%d", id))
		return nil
	})
}

// Receipt shows a pledge's receipt (and invoice), printable.
func (ui *UI) Receipt() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		rc, err := ui.app.GetReceipt(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "funding_receipt", ui.page(r, fmt.Sprintf("Pledge %d", id), "funding", rc))
		return nil
	})
}

// fundingDashboard is the data of /funding.
type fundingDashboard struct {
	Goals    []app.GoalSummary
	Rounds   []*model.BudgetRound
	Pools    []*model.MatchingPool
	IsAdmin  bool
	SignedIn bool
	Open     int
	Gap      map[string]int64 // currency → total gap of open goals
}

// FundingDashboard lists every goal with its gap, deadline and what is
// closest to unlocking, and the budget rounds and matching pools.
func (ui *UI) FundingDashboard() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ctx, u := r.Context(), user(r)
		d := fundingDashboard{IsAdmin: u.IsAdmin(), SignedIn: u != nil, Gap: map[string]int64{}}
		var err error
		if d.Goals, err = ui.app.ListGoals(ctx, u, app.GoalsFilter{}); err != nil {
			return err
		}
		for _, g := range d.Goals {
			if g.State == model.GoalOpen {
				d.Open++
				d.Gap[g.Goal.Currency] += g.Thermometer.Gap
			}
		}
		if d.Rounds, err = ui.app.BudgetRounds(ctx, u, ""); err != nil {
			return err
		}
		if d.Pools, err = ui.app.MatchingPools(ctx, u); err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "funding_dashboard", ui.page(r, "Co-funding", "funding", d))
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

// BudgetRound shows a budget round: candidates, approval form, result.
func (ui *UI) BudgetRound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		p, err := ui.budgetRoundPage(r, id)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "funding_round", p)
		return nil
	})
}

func (ui *UI) budgetRoundPage(r *http.Request, id int64) (*Page, error) {
	v, err := ui.app.GetBudgetRound(r.Context(), user(r), id)
	if err != nil {
		return nil, err
	}
	return ui.page(r, v.Title, "funding", v), nil
}

// CastBudgetBallot handles a member's approval form.
func (ui *UI) CastBudgetBallot() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		approved := []int64{}
		for _, s := range r.PostForm["approved"] {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fieldProblem("approved", "%q is not an initiative id", s)
			}
			approved = append(approved, n)
		}
		if err := ui.app.CastBudgetBallot(r.Context(), user(r), id, r.PostForm.Get("community"), approved); err != nil {
			p, perr := ui.budgetRoundPage(r, id)
			if perr != nil {
				return perr
			}
			ui.inlineFailed(w, r, err, "ballot", "funding_round", p)
			return nil
		}
		ui.flash(r, fmt.Sprintf("Approvals saved for %s (%d initiatives). You can change them until the round closes.", r.PostForm.Get("community"), len(approved)))
		redirect(w, r, fmt.Sprintf("/budget-rounds/%d", id))
		return nil
	})
}

// CloseBudgetRound closes a round now (staff).
func (ui *UI) CloseBudgetRound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := ui.app.CloseBudgetRound(r.Context(), user(r), id); err != nil {
			return err
		}
		ui.flash(r, "The budget round is closed; the allocation below is final.")
		redirect(w, r, fmt.Sprintf("/budget-rounds/%d", id))
		return nil
	})
}

// ExportBudgetRound downloads a closed round as a pabulib .pb file.
func (ui *UI) ExportBudgetRound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		name, body, err := ui.app.ExportBudgetRound(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		_, _ = w.Write(body)
		return nil
	})
}

// budgetRoundForm is the data of the new-round form.
type budgetRoundForm struct {
	Consortia  []*model.Consortium
	Consortium *model.Consortium
	Candidates []*model.Initiative
}

func (ui *UI) budgetRoundFormPage(r *http.Request, ref string) (*Page, error) {
	ctx, u := r.Context(), user(r)
	if !u.IsAdmin() {
		return nil, denied(r, "Only the host organization's staff open budget rounds.")
	}
	var d budgetRoundForm
	var err error
	if d.Consortia, _, err = ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: model.MaxPageSize}}); err != nil {
		return nil, err
	}
	if ref != "" {
		v, err := ui.app.GetConsortium(ctx, u, ref)
		if err != nil {
			return nil, err
		}
		d.Consortium = v.Consortium
		var ids []int64
		for _, in := range v.Initiatives {
			ids = append(ids, in.ID)
		}
		if len(ids) > 0 {
			if d.Candidates, _, err = ui.app.ListInitiatives(ctx, u, model.InitiativeFilter{Page: model.Page{Size: -1}, IDs: ids}); err != nil {
				return nil, err
			}
		}
	}
	return ui.page(r, "New budget round", "funding", d), nil
}

// NewBudgetRoundForm shows the new-round form (staff); the consortium is
// chosen first, then its initiatives.
func (ui *UI) NewBudgetRoundForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.URL.Query().Get("consortium")
		p, err := ui.budgetRoundFormPage(r, ref)
		if err != nil {
			return err
		}
		p.Form = url.Values{"consortium": {ref}, "currency": {model.DefaultCurrency},
			"closes_at": {time.Now().UTC().Add(14 * 24 * time.Hour).Format("2006-01-02T15:04")}}
		if d := p.Data.(budgetRoundForm); d.Consortium != nil {
			p.Form.Set("title", d.Consortium.Name+" pooled fund")
			for _, c := range d.Candidates {
				p.Form.Add("candidate_ids", strconv.FormatInt(c.ID, 10))
			}
		}
		ui.render(w, r, http.StatusOK, "funding_round_form", p)
		return nil
	})
}

// CreateBudgetRound handles the new-round form.
func (ui *UI) CreateBudgetRound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		ref := f.Get("consortium")
		fail := func(err error) error {
			p, perr := ui.budgetRoundFormPage(r, ref)
			if perr != nil {
				return perr
			}
			ui.formFailed(w, r, err, "funding_round_form", p)
			return nil
		}
		in := model.BudgetRoundInput{Title: f.Get("title"), Currency: f.Get("currency"), Rule: f.Get("rule"), Utility: f.Get("utility"),
			Completion: f.Get("completion"), Costs: map[int64]int64{}}
		pool, ok := parseMinor(f.Get("pool"))
		if !ok {
			return fail(fieldProblem("pool", "must be an amount like 100000 or 100000.00 (at most 1,000,000,000)"))
		}
		in.Pool = pool
		if t, err := time.Parse("2006-01-02T15:04", strings.TrimSpace(f.Get("closes_at"))); err == nil {
			in.ClosesAt = t
		}
		for _, s := range f["candidate_ids"] {
			id, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				return fail(fieldProblem("candidate_ids", "%q is not an initiative id", s))
			}
			in.CandidateIDs = append(in.CandidateIDs, id)
			if c := strings.TrimSpace(f.Get("cost_" + s)); c != "" {
				v, ok := parseMinor(c)
				if !ok || v <= 0 {
					return fail(fieldProblem("candidate_ids", "the cost of initiative %s must be an amount like 25000.00", s))
				}
				in.Costs[id] = v
			}
		}
		rd, err := ui.app.CreateBudgetRound(r.Context(), user(r), ref, in)
		if err != nil {
			return fail(err)
		}
		ui.flash(r, "Budget round opened: member communities can now approve initiatives.")
		redirect(w, r, fmt.Sprintf("/budget-rounds/%d", rd.ID))
		return nil
	})
}

// pbImport is the data of the .pb import page.
type pbImport struct {
	Result *app.BudgetOutcome
	Name   string
}

// ImportPBForm shows the .pb upload form.
func (ui *UI) ImportPBForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		p := ui.page(r, "Allocate a pabulib file", "funding", pbImport{})
		p.Form = url.Values{"rule": {"mes"}, "utility": {"cost"}, "completion": {"add1"}}
		ui.render(w, r, http.StatusOK, "funding_import", p)
		return nil
	})
}

// ImportPB allocates an uploaded (or pasted) .pb file and shows the result;
// nothing is stored.
func (ui *UI) ImportPB() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		var body []byte
		name := "pasted text"
		if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
			if err := r.ParseMultipartForm(1 << 20); err != nil {
				return model.Errorf(model.EMalformed, "The upload could not be read: %v", err)
			}
			if file, hdr, err := r.FormFile("file"); err == nil {
				defer file.Close()
				if body, err = io.ReadAll(io.LimitReader(file, 1<<20)); err != nil {
					return model.Errorf(model.EMalformed, "The upload could not be read: %v", err)
				}
				name = hdr.Filename
			}
		} else if err := parseForm(r); err != nil {
			return err
		}
		if len(bytes.TrimSpace(body)) == 0 {
			body, name = []byte(r.FormValue("text")), "pasted text"
		}
		p := ui.page(r, "Allocate a pabulib file", "funding", pbImport{Name: name})
		p.Form = url.Values{"rule": {r.FormValue("rule")}, "utility": {r.FormValue("utility")}, "completion": {r.FormValue("completion")}, "text": {r.FormValue("text")}}
		if len(bytes.TrimSpace(body)) == 0 {
			p.Message, p.Errors["file"] = "Choose a .pb file or paste one.", "Choose a .pb file or paste one."
			ui.render(w, r, http.StatusUnprocessableEntity, "funding_import", p)
			return nil
		}
		res, err := ui.app.AllocatePB(r.Context(), user(r), bytes.NewReader(body), r.FormValue("rule"), r.FormValue("utility"), r.FormValue("completion"))
		if err != nil {
			if !inputProblem(err) {
				return err
			}
			p.Message = model.ErrorMessage(err)
			for _, f := range model.ErrorFields(err) {
				p.Errors[f.Field] = f.Message
			}
			ui.render(w, r, http.StatusUnprocessableEntity, "funding_import", p)
			return nil
		}
		p.Data = pbImport{Result: res, Name: name}
		ui.render(w, r, http.StatusOK, "funding_import", p)
		return nil
	})
}

// Matching pools.

// MatchingPool shows a pool's quadratic-funding matches.
func (ui *UI) MatchingPool() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v, err := ui.app.GetMatchingPool(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "funding_pool", ui.page(r, v.Title, "funding", v))
		return nil
	})
}

// NewMatchingPoolForm shows the new-pool form (staff).
func (ui *UI) NewMatchingPoolForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.poolFormPage(r)
		if err != nil {
			return err
		}
		p.Form = url.Values{"consortium": {r.URL.Query().Get("consortium")}, "currency": {model.DefaultCurrency}, "cap": {"0.25"}}
		ui.render(w, r, http.StatusOK, "funding_pool_form", p)
		return nil
	})
}

func (ui *UI) poolFormPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	if !u.IsAdmin() {
		return nil, denied(r, "Only the host organization's staff record matching pools.")
	}
	list, _, err := ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: model.MaxPageSize}})
	if err != nil {
		return nil, err
	}
	return ui.page(r, "New matching pool", "funding", list), nil
}

// CreateMatchingPool handles the new-pool form.
func (ui *UI) CreateMatchingPool() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		fail := func(err error) error {
			p, perr := ui.poolFormPage(r)
			if perr != nil {
				return perr
			}
			ui.formFailed(w, r, err, "funding_pool_form", p)
			return nil
		}
		pool, ok := parseMinor(f.Get("pool"))
		if !ok {
			return fail(fieldProblem("pool", "must be an amount like 50000 or 50000.00 (at most 1,000,000,000)"))
		}
		var capAmount *int64
		if v := strings.TrimSpace(f.Get("cap_amount")); v != "" {
			a, ok := parseMinor(v)
			if !ok {
				return fail(fieldProblem("cap_amount", "must be an amount like 10000 or 10000.00"))
			}
			capAmount = &a
		}
		m, err := ui.app.CreateMatchingPool(r.Context(), user(r), f.Get("consortium"), model.MatchingPoolInput{Title: f.Get("title"),
			Funder: f.Get("funder"), Pool: pool, Currency: f.Get("currency"), CapFraction: f.Get("cap"), CapAmount: capAmount,
			IgnoreSaturation: f.Get("ignore_saturation") != "", KeepCapOverflow: f.Get("keep_cap_overflow") != ""})
		if err != nil {
			if model.ErrorCode(err) == model.EInvalid {
				for i, fe := range model.ErrorFields(err) {
					switch fe.Field {
					case "matching_cap_per_project":
						model.ErrorFields(err)[i].Field = "cap"
					case "matching_cap_amount":
						model.ErrorFields(err)[i].Field = "cap_amount"
					}
				}
			}
			return fail(err)
		}
		ui.flash(r, "Matching pool recorded.")
		redirect(w, r, fmt.Sprintf("/matching-pools/%d", m.ID))
		return nil
	})
}
