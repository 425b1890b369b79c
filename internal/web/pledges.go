package web

import (
	"fmt"
	"net/http"
	"strings"

	"consortia/internal/model"
)

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
