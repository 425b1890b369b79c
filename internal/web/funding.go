package web

import (
	"html/template"
	"net/http"
	"sort"
	"strings"

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
