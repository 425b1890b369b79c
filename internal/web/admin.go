package web

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

type adminUsersData struct {
	Items []app.Person
	Total int
	Page  int
	Pages int
	Query string
}

// AdminUsers lists accounts with a form to add one.
func (ui *UI) AdminUsers() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.adminUsersPage(r)
		if err != nil {
			return err
		}
		p.Form = map[string][]string{"role": {model.RoleMember}}
		ui.render(w, r, http.StatusOK, "admin_users", p)
		return nil
	})
}

func (ui *UI) adminUsersPage(r *http.Request) (*Page, error) {
	if err := app.RequireAdmin(user(r)); err != nil {
		return nil, err
	}
	f := model.PeopleFilter{Query: strings.TrimSpace(r.URL.Query().Get("q")), Page: model.Page{Number: pageParam(r), Size: 50}}
	items, total, err := ui.app.ListPeople(r.Context(), user(r), f)
	if err != nil {
		return nil, err
	}
	d := adminUsersData{Items: items, Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total), Query: f.Query}
	return ui.page(r, "Accounts", "admin", d), nil
}

// AdminCreateUser adds an account with an initial password.
func (ui *UI) AdminCreateUser() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.adminUsersPage(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "admin_users", p)
			return nil
		}
		f := r.PostForm
		in := model.UserInput{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role")}
		u, err := ui.app.CreateUser(r.Context(), user(r), in, f.Get("password"))
		if err != nil {
			f.Del("password")
			ui.formFailed(w, r, err, "admin_users", p)
			return nil
		}
		ui.flash(r, u.Name+" can now sign in as "+u.Email+".")
		redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10))
		return nil
	})
}

type adminUserData struct {
	Person *app.Person
	Audit  []model.AuditEntry
}

func (ui *UI) adminUserPage(r *http.Request) (*Page, error) {
	if err := app.RequireAdmin(user(r)); err != nil {
		return nil, err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	person, err := ui.app.GetPerson(r.Context(), user(r), id)
	if err != nil {
		return nil, err
	}
	audit, _, err := ui.app.ListAudit(r.Context(), user(r), model.AuditFilter{EntityType: "user", EntityID: r.PathValue("id"), Page: model.Page{Size: 20}})
	if err != nil {
		return nil, err
	}
	p := ui.page(r, person.Name, "admin", adminUserData{Person: person, Audit: audit})
	p.Form = map[string][]string{"name": {person.Name}, "email": {person.Email}, "role": {person.Role}}
	return p, nil
}

// AdminUser shows an account to edit.
func (ui *UI) AdminUser() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.adminUserPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "admin_user", p)
		return nil
	})
}

// AdminUpdateUser saves an account's name, address and role.
func (ui *UI) AdminUpdateUser() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.adminUserPage(r)
		if err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			ui.formFailed(w, r, err, "admin_user", p)
			return nil
		}
		d := p.Data.(adminUserData)
		f := r.PostForm
		u, err := ui.app.UpdateUser(r.Context(), user(r), d.Person.ID, model.UserInput{Email: f.Get("email"), Name: f.Get("name"), Role: f.Get("role")})
		if err != nil {
			ui.formFailed(w, r, err, "admin_user", p)
			return nil
		}
		ui.flash(r, "Saved "+u.Name+".")
		redirect(w, r, "/admin/users/"+strconv.FormatInt(u.ID, 10))
		return nil
	})
}

// AdminDisableUser disables or enables an account.
func (ui *UI) AdminDisableUser(disabled bool) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		u, err := ui.app.SetUserDisabled(r.Context(), user(r), id, disabled)
		if err != nil {
			return err
		}
		if disabled {
			ui.flash(r, u.Name+" can no longer sign in; their sessions, API tokens and calendar links were ended.")
		} else {
			ui.flash(r, u.Name+" can sign in again.")
		}
		redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10))
		return nil
	})
}

type auditData struct {
	Items   []model.AuditEntry
	Total   int
	Page    int
	Pages   int
	Actions []string
	Query   string // the filter as a query string, for export links
}

// auditFilter reads the audit filter from the query string.
func auditFilter(r *http.Request) model.AuditFilter {
	q := r.URL.Query()
	f := model.AuditFilter{EntityType: q.Get("entity_type"), EntityID: q.Get("entity_id"), Action: q.Get("action"),
		Page: model.Page{Number: pageParam(r), Size: 50}}
	f.ActorID, _ = strconv.ParseInt(q.Get("actor_id"), 10, 64)
	if t, err := time.Parse(time.DateOnly, q.Get("since")); err == nil {
		f.Since = &t
	}
	if t, err := time.Parse(time.DateOnly, q.Get("until")); err == nil {
		t = t.AddDate(0, 0, 1) // the until date is inclusive in the form
		f.Until = &t
	}
	return f
}

// AdminAudit shows the audit log with filters.
func (ui *UI) AdminAudit() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := app.RequireAdmin(user(r)); err != nil {
			return err
		}
		f := auditFilter(r)
		items, total, err := ui.app.ListAudit(r.Context(), user(r), f)
		if err != nil {
			return err
		}
		actions, err := ui.app.AuditActions(r.Context(), user(r))
		if err != nil {
			return err
		}
		q := r.URL.Query()
		q.Del("page")
		d := auditData{Items: items, Total: total, Page: f.Page.Normalize().Number, Pages: f.Page.Pages(total), Actions: actions, Query: q.Encode()}
		p := ui.page(r, "Audit log", "admin", d)
		p.Form = r.URL.Query()
		ui.render(w, r, http.StatusOK, "admin_audit", p)
		return nil
	})
}

// AdminAuditExport downloads the filtered audit log as CSV or JSON.
func (ui *UI) AdminAuditExport(format string) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := app.RequireAdmin(user(r)); err != nil {
			return err
		}
		f := auditFilter(r)
		f.Page = model.Page{} // everything that matches
		items, _, err := ui.app.ListAudit(r.Context(), user(r), f)
		if err != nil {
			return err
		}
		name := "consortia-audit-" + time.Now().UTC().Format("20060102-150405")
		if format == "json" {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.json"`)
			enc := json.NewEncoder(w)
			enc.SetIndent("", "  ")
			_ = enc.Encode(items)
			return nil
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.csv"`)
		cw := csv.NewWriter(w)
		_ = cw.Write([]string{"id", "at", "actor_id", "actor_name", "action", "entity_type", "entity_id", "before", "after"})
		for _, e := range items {
			actor := ""
			if e.ActorID != nil {
				actor = strconv.FormatInt(*e.ActorID, 10)
			}
			_ = cw.Write([]string{strconv.FormatInt(e.ID, 10), e.At.Format(time.RFC3339Nano), actor, csvSafe(e.ActorName),
				e.Action, e.EntityType, e.EntityID, csvSafe(string(e.Before)), csvSafe(string(e.After))})
		}
		cw.Flush()
		return nil
	})
}

// csvSafe defuses cells a spreadsheet would run as a formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
