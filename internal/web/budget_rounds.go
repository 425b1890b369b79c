package web

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

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
