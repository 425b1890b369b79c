package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"consortia/internal/model"
)

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
