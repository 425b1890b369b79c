package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// outboxFilters are the tabs of the outbox page, in order.
var outboxFilters = []struct{ Status, Label string }{
	{"", "All"}, {model.OutboxPending, "Pending"}, {model.OutboxSending, "Sending"}, {model.OutboxDead, "Failed"}, {model.OutboxSent, "Sent"},
}

type outboxTab struct {
	Status, Label string
	Count         int
	Current       bool
}

type outboxData struct {
	Stats   model.OutboxStats
	Tabs    []outboxTab
	Status  string
	Items   []*model.OutboxMessage
	Total   int
	Page    int
	Pages   int
	Mail    string // how email leaves
	MailDir string // the folder, when email goes to files
	Hooks   []hookView
}

// mailDir returns the folder email is written to, when it goes to files.
func (ui *UI) mailDir() string {
	dir, _ := strings.CutPrefix(ui.cfg.Mail, "files in ")
	if dir == ui.cfg.Mail {
		return ""
	}
	return dir
}

func (ui *UI) outboxPage(r *http.Request) (*Page, error) {
	if err := app.RequireAdmin(user(r)); err != nil {
		return nil, err
	}
	ctx, u := r.Context(), user(r)
	status := r.URL.Query().Get("status")
	if !slices.ContainsFunc(outboxFilters, func(f struct{ Status, Label string }) bool { return f.Status == status }) {
		status = ""
	}
	stats, err := ui.app.OutboxStatus(ctx, u)
	if err != nil {
		return nil, err
	}
	pg := model.Page{Number: pageParam(r), Size: 50}
	items, total, err := ui.app.ListOutbox(ctx, u, status, pg)
	if err != nil {
		return nil, err
	}
	hooks, err := ui.app.Hooks(ctx, u, 0)
	if err != nil {
		return nil, err
	}
	d := outboxData{Stats: stats, Status: status, Items: items, Total: total, Page: pg.Normalize().Number, Pages: pg.Pages(total),
		Mail: ui.cfg.Mail, MailDir: ui.mailDir(), Hooks: hookViews(hooks)}
	counts := map[string]int{"": stats.Pending + stats.Sending + stats.Sent + stats.Failed, model.OutboxPending: stats.Pending,
		model.OutboxSending: stats.Sending, model.OutboxDead: stats.Failed, model.OutboxSent: stats.Sent}
	for _, f := range outboxFilters {
		d.Tabs = append(d.Tabs, outboxTab{Status: f.Status, Label: f.Label, Count: counts[f.Status], Current: f.Status == status})
	}
	return ui.page(r, "Outbox", "admin", d), nil
}

// AdminOutbox shows the delivery queue: counts, messages by status with
// their attempts and errors, retries, and the site-wide hooks.
func (ui *UI) AdminOutbox() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.outboxPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "admin_outbox", p)
		return nil
	})
}

type headerLine struct{ Name, Value string }

type outboxMessageData struct {
	Message  *model.OutboxMessage
	Attempts []model.DeliveryAttempt
	Headers  []headerLine
	Payload  string // indented JSON of Slack and webhook posts
	Mail     string
	MailDir  string
}

// AdminOutboxMessage shows one message as it was (or will be) sent.
func (ui *UI) AdminOutboxMessage() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := app.RequireAdmin(user(r)); err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		m, attempts, err := ui.app.OutboxMessage(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		d := outboxMessageData{Message: m, Attempts: attempts, Mail: ui.cfg.Mail, MailDir: ui.mailDir()}
		for k, v := range m.Headers {
			if k == "X-Consortia-Signature" {
				v = v[:min(len(v), 14)] + "…"
			}
			d.Headers = append(d.Headers, headerLine{k, v})
		}
		if m.HookID != nil {
			d.Headers = append(d.Headers, headerLine{"X-Consortia-Signature", "t=…,v1=… (signed with the hook's secret when sent)"})
		}
		slices.SortFunc(d.Headers, func(a, b headerLine) int { return strings.Compare(a.Name, b.Name) })
		if m.Payload != "" {
			var buf bytes.Buffer
			if json.Indent(&buf, []byte(m.Payload), "", "  ") == nil {
				d.Payload = buf.String()
			} else {
				d.Payload = m.Payload
			}
		}
		// The HTML part is shown in a sandboxed frame (no scripts, no
		// forms, its own origin); the frame inherits this page's policy,
		// so inline styles of the message are allowed here, and only here.
		w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "+
			"frame-ancestors 'none'; base-uri 'self'; form-action 'self'")
		ui.render(w, r, http.StatusOK, "admin_outbox_message", ui.page(r, m.Subject, "admin", d))
		return nil
	})
}

// AdminOutboxRetry puts one failed message (id) or all of them back in the queue.
func (ui *UI) AdminOutboxRetry() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := app.RequireAdmin(user(r)); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(r.PostForm.Get("id"), 10, 64)
		n, err := ui.app.RetryOutbox(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		switch {
		case n == 0:
			ui.flash(r, "Nothing to retry: only failed messages go back in the queue.")
		case n == 1:
			ui.flash(r, "1 message is back in the queue.")
		default:
			ui.flash(r, strconv.FormatInt(n, 10)+" messages are back in the queue.")
		}
		if id != 0 {
			redirect(w, r, "/admin/outbox/"+strconv.FormatInt(id, 10))
			return nil
		}
		redirect(w, r, "/admin/outbox?status=pending")
		return nil
	})
}

// AdminAddHook connects the whole site (every event) to a Slack channel or
// a webhook.
func (ui *UI) AdminAddHook() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := app.RequireAdmin(user(r)); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		f := r.PostForm
		if _, err := ui.app.AddHook(r.Context(), user(r), "", f.Get("kind"), strings.TrimSpace(f.Get("url")), f.Get("secret")); err != nil {
			p, perr := ui.outboxPage(r)
			if perr != nil {
				return perr
			}
			ui.inlineFailed(w, r, err, "hook", "admin_outbox", p)
			return nil
		}
		ui.flash(r, "Connected: every event is posted there from now on.")
		redirect(w, r, "/admin/outbox#hooks")
		return nil
	})
}

// AdminRemoveHook disconnects a hook.
func (ui *UI) AdminRemoveHook() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		if err := ui.app.RemoveHook(r.Context(), user(r), id); err != nil {
			return err
		}
		ui.flash(r, "Disconnected.")
		redirect(w, r, "/admin/outbox#hooks")
		return nil
	})
}
