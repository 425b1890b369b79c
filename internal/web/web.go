// Package web serves consortia's server-rendered pages. Every page works
// without JavaScript; htmx (vendored, like every other asset) only makes
// some of them quicker to use.
package web

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"

	"consortia/internal/app"
	"consortia/internal/identity"
	"consortia/internal/markdown"
	"consortia/internal/model"
	"consortia/internal/problem"
	"consortia/internal/sso"
)

//go:embed templates static
var assets embed.FS

// Config holds what pages need to know about the deployment.
type Config struct {
	BaseURL string
	Version string
	Demo    bool
	// Mail says how email leaves ("SMTP", or "files in DIR" when no mail
	// server is configured), for the admin outbox page.
	Mail string
	// Providers are the single sign-on providers, by name.
	Providers map[string]*sso.Provider
}

// UI is the web interface.
type UI struct {
	app      *app.App
	sessions *scs.SessionManager
	cfg      Config
	log      *slog.Logger
	pages    map[string]*template.Template
	static   http.Handler
}

// New parses the templates once at start-up.
func New(a *app.App, sessions *scs.SessionManager, cfg Config, log *slog.Logger) (*UI, error) {
	ui := &UI{app: a, sessions: sessions, cfg: cfg, log: log, pages: map[string]*template.Template{}}
	base, err := template.New("base").Funcs(funcs).ParseFS(assets, "templates/layout.html", "templates/partials/*.html")
	if err != nil {
		return nil, err
	}
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if name == "templates/layout.html" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(assets, name)
		if err != nil {
			return nil, fmt.Errorf("parse %s: %w", name, err)
		}
		ui.pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	sub, _ := fs.Sub(assets, "static")
	ui.static = http.StripPrefix("/static/", cacheForever(http.FileServerFS(sub)))
	return ui, nil
}

// cacheForever lets browsers keep assets; their names carry versions.
func cacheForever(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=86400")
		h.ServeHTTP(w, r)
	})
}

var funcs = template.FuncMap{
	"markdown":  markdown.Render,
	"kindLabel": model.KindLabel,
	"title": func(s string) string {
		if s == "" {
			return s
		}
		return strings.ToUpper(s[:1]) + s[1:]
	},
	"date": func(t any) string {
		switch v := t.(type) {
		case time.Time:
			return v.Format("2 Jan 2006")
		case *time.Time:
			if v == nil {
				return ""
			}
			return v.Format("2 Jan 2006")
		}
		return ""
	},
	"isoDate": func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	},
	"datetime": func(t time.Time) string { return t.Format("2 Jan 2006 15:04 MST") },
	"rfc3339":  func(t time.Time) string { return t.Format(time.RFC3339) },
	"ago":      ago,
	"initials": initials,
	"join":     strings.Join,
	"add":      func(a, b int) int { return a + b },
	"seq": func(n int) []int {
		s := make([]int, n)
		for i := range s {
			s[i] = i + 1
		}
		return s
	},
	"pageURL": pageURL,
	"pagerOf": func(p *Page, page, pages int) pager { return pager{URL: p.URL, Page: page, Pages: pages} },
	"contains": func(list []string, s string) bool {
		for _, v := range list {
			if v == s {
				return true
			}
		}
		return false
	},
	"kinds": func() []string { return model.CommunityKinds },
	"list":  func(s ...string) []string { return s },
	"prettyJSON": func(raw []byte) string {
		var buf bytes.Buffer
		if err := json.Indent(&buf, raw, "", "  "); err != nil {
			return string(raw)
		}
		return buf.String()
	},
	"deref": func(t *time.Time) time.Time { return *t },
	"tiers": func() []string { return model.MembershipTiers },
	"roles": func() []string { return model.AffiliationRoles },
}

func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d.Minutes()), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d.Hours()), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int(d.Hours()/24), "day") + " ago"
	}
	return t.Format("2 Jan 2006")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}

func initials(name string) string {
	var out []rune
	for _, w := range strings.Fields(name) {
		for _, r := range w {
			out = append(out, r)
			break
		}
		if len(out) == 2 {
			break
		}
	}
	return strings.ToUpper(string(out))
}

// pageURL returns the current list URL with another page number.
func pageURL(u *url.URL, page int) string {
	q := u.Query()
	q.Set("page", strconv.Itoa(page))
	return u.Path + "?" + q.Encode()
}

// pager is what the pager partial needs.
type pager struct {
	URL         *url.URL
	Page, Pages int
}

// Page is what every template receives.
type Page struct {
	Title   string
	Nav     string // which main-menu entry is current
	User    *model.User
	Flash   string
	Demo    bool
	Version string
	URL     *url.URL
	Errors  map[string]string // field → message, for forms
	Message string            // form-level error
	Form    url.Values        // submitted values, to refill forms
	Data    any
	// TodoCount is how many to-dos wait for the signed-in person (the
	// number beside "Dashboard" in the menu).
	TodoCount int
	// Thread is the discussion of the page's subject, when it has one.
	Thread *threadSection
	// Page holds data only: a handler loads every section before the page
	// is rendered, and a section that fails fails the page.
}

// Err returns a field's error message.
func (p *Page) Err(field string) string { return p.Errors[field] }

// Value returns a submitted form value.
func (p *Page) Value(field string) string { return p.Form.Get(field) }

func (ui *UI) page(r *http.Request, title, nav string, data any) *Page {
	p := &Page{Title: title, Nav: nav, User: identity.User(r.Context()), Demo: ui.cfg.Demo, Version: ui.cfg.Version,
		URL: r.URL, Data: data, Flash: ui.sessions.PopString(r.Context(), "flash"), Errors: map[string]string{}}
	p.TodoCount = ui.todoCount(r, p.User)
	return p
}

// render writes a page with a status; templates run into a buffer first so a
// template error never sends half a page.
func (ui *UI) render(w http.ResponseWriter, r *http.Request, status int, name string, p *Page) {
	t, ok := ui.pages[name]
	if !ok {
		ui.log.Error("no such template", "name", name)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		ui.log.Error("render", "template", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// Error renders an error page with the status the error's code maps to.
// Anonymous visitors who hit a page that needs sign-in are sent to sign in.
func (ui *UI) Error(w http.ResponseWriter, r *http.Request, err error) {
	status := problem.Status(err)
	if status == http.StatusUnauthorized && r.Method == http.MethodGet && identity.User(r.Context()) == nil {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	if status == http.StatusInternalServerError {
		ui.log.Error("internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	problem.SetRetryAfter(w.Header(), err)
	p := ui.page(r, http.StatusText(status), "", map[string]any{"Status": status, "Message": model.ErrorMessage(err), "Fields": model.ErrorFields(err)})
	ui.render(w, r, status, "error", p)
}

// NotFound answers unknown pages.
func (ui *UI) NotFound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		return model.Errorf(model.ENotFound, "There is no page at %s.", r.URL.Path)
	})
}

// APINotFound answers unknown API paths with problem details.
func (ui *UI) APINotFound() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		problem.Write(w, r, model.Errorf(model.ENotFound, "No API operation at %s %s.", r.Method, r.URL.Path), ui.log)
	})
}

// flash stores a one-time message shown on the next page.
func (ui *UI) flash(r *http.Request, msg string) { ui.sessions.Put(r.Context(), "flash", msg) }

// redirect answers a successful form post (post/redirect/get).
func redirect(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// parseForm reads a form body, turning an oversize body into a clear error.
func parseForm(r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return model.TooLarge(mbe.Limit)
		}
		return model.Errorf(model.EMalformed, "The form could not be read: %v", err)
	}
	// Browsers send line breaks in text areas as CRLF; store plain LF so
	// lengths and Markdown behave the same as from the API. What no field
	// may hold (NUL and other control characters, invalid UTF-8) is refused
	// here, naming the field, so the form comes back with the message
	// beside it; line breaks in one-line fields are the model's to refuse.
	var p model.Problems
	for field, values := range r.PostForm {
		for i, v := range values {
			if strings.Contains(v, "\r") {
				v = strings.ReplaceAll(strings.ReplaceAll(v, "\r\n", "\n"), "\r", "\n")
				values[i] = v
			}
			if msg := model.TextProblem(field, false); msg != "" {
				return model.Errorf(model.EInvalid, "The form is not valid: a field name %s.", msg)
			}
			if msg := model.TextProblem(v, true); msg != "" && !p.Has(field) {
				p.Add(field, "%s", msg)
			}
		}
	}
	return p.Err()
}

// formFailed re-renders a form with the error's field messages, or shows the
// error page when the error is not about the input.
func (ui *UI) formFailed(w http.ResponseWriter, r *http.Request, err error, name string, p *Page) {
	code := model.ErrorCode(err)
	if code != model.EInvalid && code != model.EConflict && code != model.EMalformed && code != model.ETooLarge && code != model.ERateLimited && code != model.EUnauthorized {
		ui.Error(w, r, err)
		return
	}
	p.Form = r.PostForm
	problem.SetRetryAfter(w.Header(), err)
	for _, f := range model.ErrorFields(err) {
		p.Errors[f.Field] = f.Message
	}
	if len(p.Errors) == 0 {
		p.Message = model.ErrorMessage(err)
	} else {
		p.Message = "Please correct the fields marked below."
	}
	ui.render(w, r, problem.Status(err), name, p)
}

func user(r *http.Request) *model.User { return identity.User(r.Context()) }

func requireUser(r *http.Request) error {
	if user(r) == nil {
		return model.Errorf(model.EUnauthorized, "Please sign in.")
	}
	return nil
}

func pageParam(r *http.Request) int {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	if n < 1 {
		return 1
	}
	return n
}
