package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"consortia/internal/app"
	"consortia/internal/model"
)

// statementsFor is the initiative's statements of work when the reader may
// see them (staff, people of its co-funders), nil otherwise.
func (ui *UI) statementsFor(ctx context.Context, u *model.User, ref string) (*app.StatementsView, error) {
	if u == nil {
		return nil, nil
	}
	v, err := ui.app.StatementsOfWork(ctx, u, ref)
	if model.ErrorCode(err) == model.ENotFound {
		return nil, nil
	}
	return v, err
}

// StatementOfWorkPDF downloads a version (?version=N, the latest without).
func (ui *UI) StatementOfWorkPDF() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		version := 0
		if q := r.URL.Query().Get("version"); q != "" {
			n, err := strconv.Atoi(q)
			if err != nil || n < 1 {
				return model.Errorf(model.ENotFound, "There is no such version of this statement of work.")
			}
			version = n
		}
		name, body, err := ui.app.StatementOfWorkPDF(r.Context(), user(r), r.PathValue("ref"), version)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "private, no-store")
		_, err = w.Write(body)
		return err
	})
}

// CreateStatementOfWork makes the next version (staff).
func (ui *UI) CreateStatementOfWork() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		ref := r.PathValue("ref")
		st, err := ui.app.CreateStatementOfWork(r.Context(), user(r), ref, model.StatementInput{Timeline: r.PostForm.Get("timeline"), Notes: r.PostForm.Get("notes")})
		if err != nil {
			return ui.initiativeFailed(w, r, err, "sow")
		}
		ui.flash(r, "Version "+strconv.Itoa(st.Version)+" of the statement of work is ready for the co-funders.")
		redirect(w, r, "/initiatives/"+url.PathEscape(ref)+"#statement-of-work")
		return nil
	})
}

// AcknowledgeStatementOfWork records a co-funder's acknowledgement (its lead).
func (ui *UI) AcknowledgeStatementOfWork() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		ref := r.PathValue("ref")
		version, _ := strconv.Atoi(r.PostForm.Get("version"))
		if version < 1 {
			return ui.initiativeFailed(w, r, fieldProblem("version", "choose the version you acknowledge"), "ack")
		}
		if err := ui.app.AcknowledgeStatementOfWork(r.Context(), user(r), ref, version, r.PostForm.Get("community")); err != nil {
			return ui.initiativeFailed(w, r, err, "ack")
		}
		ui.flash(r, "Acknowledged. Thank you!")
		redirect(w, r, "/initiatives/"+url.PathEscape(ref)+"#statement-of-work")
		return nil
	})
}
