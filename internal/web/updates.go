package web

import (
	"bytes"
	"context"
	"encoding/xml"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"consortia/internal/markdown"
	"consortia/internal/model"
)

// updateItem is a posted update with the request it carries, if any.
type updateItem struct {
	model.Event
	Request *model.Request // nil for visitors, who cannot open requests
	Options []string       // the answers one can click (none: answer on the linked page)
	Mine    string         // the reader's answer
	Anchor  string         // where the update is shown
	Past    bool           // the request's deadline has passed
}

// updatesPanel is the "Updates" section of a consortium's page.
type updatesPanel struct {
	Slug     string
	Items    []updateItem
	More     bool
	CanPost  bool
	SignedIn bool
	Hooks    []hookView // staff only
	CanHooks bool
}

// hookView shows a Slack or webhook address without its secret part.
type hookView struct {
	ID   int64
	Kind string
	URL  string
}

// panelSize is how many updates a consortium's page shows.
const panelSize = 20

// updatesFuncs are the template functions of the updates and outbox pages.
var updatesFuncs = template.FuncMap{"maskURL": maskURL}

func init() {
	for name, fn := range updatesFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

// maskURL keeps the scheme, the host and the last four characters of an
// address: Slack puts the credential in the path.
func maskURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return "…"
	}
	tail := raw
	if len(tail) > 4 {
		tail = tail[len(tail)-4:]
	}
	return u.Scheme + "://" + u.Host + "/…" + tail
}

func hookViews(hooks []model.Hook) []hookView {
	out := make([]hookView, len(hooks))
	for i, h := range hooks {
		out[i] = hookView{ID: h.ID, Kind: h.Kind, URL: maskURL(h.URL)}
	}
	return out
}

// updateItems attaches to each update the request it carries (for people
// who can open it) and the reader's answer.
func (ui *UI) updateItems(ctx context.Context, u *model.User, events []model.Event) []updateItem {
	out := make([]updateItem, 0, len(events))
	for _, e := range events {
		it := updateItem{Event: e, Anchor: updateAnchor(e)}
		if e.RequestID != nil && u != nil {
			if r, err := ui.app.GetRequest(ctx, u, *e.RequestID); err == nil {
				it.Request, it.Options = r, answerOptions(r)
				it.Past = r.Deadline != nil && time.Now().After(*r.Deadline)
				for _, a := range r.Answers {
					if a.UserID == u.ID {
						it.Mine = a.Answer
					}
				}
			}
		}
		out = append(out, it)
	}
	return out
}

// updateAnchor is where an update is shown: on its consortium's page, or
// on the updates page.
func updateAnchor(e model.Event) string {
	if e.ConsortiumID != nil {
		return strings.TrimSuffix(e.URL, "#updates") + "#update-" + strconv.FormatInt(e.ID, 10)
	}
	return "/updates#update-" + strconv.FormatInt(e.ID, 10)
}

// answerOptions are a request's clickable answers (a round's request has
// none: people answer on the round's page).
func answerOptions(r *model.Request) []string {
	var out []string
	for _, o := range r.Options {
		if strings.TrimSpace(o) != "" {
			out = append(out, o)
		}
	}
	return out
}

// updatesPanel builds the "Updates" section of a consortium's page.
func (ui *UI) updatesPanel(r *http.Request, c *model.Consortium) (*updatesPanel, error) {
	ctx, u := r.Context(), user(r)
	events, err := ui.app.Updates(ctx, u, c.Slug, panelSize+1)
	if err != nil {
		return nil, err
	}
	p := &updatesPanel{Slug: c.Slug, SignedIn: u != nil, CanPost: u.IsAdmin() && !model.Closed(c.Stage), CanHooks: u.IsAdmin()}
	if len(events) > panelSize {
		events, p.More = events[:panelSize], true
	}
	p.Items = ui.updateItems(ctx, u, events)
	if p.CanHooks {
		hooks, err := ui.app.Hooks(ctx, u, c.ID)
		if err != nil {
			return nil, err
		}
		p.Hooks = hookViews(hooks)
	}
	return p, nil
}

// updateInput reads the update form: the answers come one per line and
// the deadline as a UTC date and time.
func (ui *UI) updateInput(r *http.Request, consortium string) (model.UpdateInput, error) {
	f := r.PostForm
	in := model.UpdateInput{ConsortiumRef: consortium, Title: f.Get("title"), Body: f.Get("body"), Question: f.Get("question")}
	for _, line := range strings.Split(f.Get("options"), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			in.Options = append(in.Options, line)
		}
	}
	if s := strings.TrimSpace(f.Get("deadline")); s != "" {
		t, err := time.ParseInLocation("2006-01-02T15:04", s, time.UTC)
		if err != nil {
			return in, fieldProblem("deadline", "must be a date and time like 2027-03-31T17:00")
		}
		if in.Question == "" {
			return in, fieldProblem("deadline", "only a request (with a question) has a deadline")
		}
		in.Deadline = &t
	}
	return in, ui.app.CheckDeadline(in.Deadline)
}

// postUpdate posts an update and returns the message to flash.
func (ui *UI) postUpdate(r *http.Request, consortium string) (*model.Event, string, error) {
	in, err := ui.updateInput(r, consortium)
	if err != nil {
		return nil, "", err
	}
	e, err := ui.app.PostUpdate(r.Context(), user(r), in)
	if err != nil {
		return nil, "", err
	}
	msg := "Your update is posted; it goes out by email and Slack."
	if e.RequestID != nil {
		msg = "Your update is posted with its request; people can answer in one click from the email."
	}
	return e, msg, nil
}

// PostConsortiumUpdate posts an update for a consortium (staff).
func (ui *UI) PostConsortiumUpdate() http.Handler {
	return ui.consortiumAction("update", "#updates", func(r *http.Request) (string, error) {
		_, msg, err := ui.postUpdate(r, r.PathValue("ref"))
		return msg, err
	})
}

type updatesData struct {
	Items     []updateItem
	CanPost   bool
	SignedIn  bool
	Consortia []*model.Consortium // where staff may post
}

func (ui *UI) updatesPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	events, err := ui.app.UpdatesFeed(ctx, u, feedSize)
	if err != nil {
		return nil, err
	}
	d := updatesData{Items: ui.updateItems(ctx, u, events), CanPost: u.IsAdmin(), SignedIn: u != nil}
	if d.CanPost {
		list, _, err := ui.app.ListConsortia(ctx, u, model.ConsortiumFilter{Page: model.Page{Size: model.MaxPageSize}})
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			if !model.Closed(c.Stage) {
				d.Consortia = append(d.Consortia, c)
			}
		}
	}
	return ui.page(r, "Updates", "updates", d), nil
}

// Updates lists the updates for all member communities and those of the
// consortia the reader can see, with the staff form to post one.
func (ui *UI) Updates() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.updatesPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "updates", p)
		return nil
	})
}

// PostUpdate posts an update from the updates page: for all member
// communities, or for the consortium chosen.
func (ui *UI) PostUpdate() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		consortium := r.PostForm.Get("consortium")
		e, msg, err := ui.postUpdate(r, consortium)
		if err != nil {
			p, perr := ui.updatesPage(r)
			if perr != nil {
				return perr
			}
			ui.inlineFailed(w, r, err, "update", "updates", p)
			return nil
		}
		ui.flash(r, msg)
		if consortium != "" {
			redirect(w, r, "/consortia/"+url.PathEscape(consortium)+"#update-"+strconv.FormatInt(e.ID, 10))
			return nil
		}
		redirect(w, r, "/updates#update-"+strconv.FormatInt(e.ID, 10))
		return nil
	})
}

// AddConsortiumHook connects a consortium to a Slack channel or a webhook (staff).
func (ui *UI) AddConsortiumHook() http.Handler {
	return ui.consortiumAction("hook", "#hooks", func(r *http.Request) (string, error) {
		f := r.PostForm
		_, err := ui.app.AddHook(r.Context(), user(r), r.PathValue("ref"), f.Get("kind"), strings.TrimSpace(f.Get("url")), f.Get("secret"))
		return "Connected: every event of this consortium is posted there from now on.", err
	})
}

// RemoveConsortiumHook disconnects a Slack channel or webhook (staff).
func (ui *UI) RemoveConsortiumHook() http.Handler {
	return ui.consortiumAction("hook", "#hooks", func(r *http.Request) (string, error) {
		id, err := pathID(r, "id")
		if err != nil {
			return "", err
		}
		return "Disconnected.", ui.app.RemoveHook(r.Context(), user(r), id)
	})
}

// atomUpdatesFeed is an Atom feed whose entries carry the whole update.
type atomUpdatesFeed struct {
	XMLName xml.Name          `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string            `xml:"id"`
	Title   string            `xml:"title"`
	Updated string            `xml:"updated"`
	Links   []atomLink        `xml:"link"`
	Author  atomPerson        `xml:"author"`
	Entries []atomUpdateEntry `xml:"entry"`
}

type atomUpdateEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Author     *atomPerson    `xml:"author,omitempty"`
	Links      []atomLink     `xml:"link"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
	Categories []atomCategory `xml:"category"`
}

// writeUpdatesFeed answers an Atom feed of updates. Visitors get the public
// feed (cacheable); a signed-in reader's feed may hold more, so it is
// private.
func (ui *UI) writeUpdatesFeed(w http.ResponseWriter, r *http.Request, title, self, alternate string, events []model.Event) {
	base := strings.TrimSuffix(ui.cfg.BaseURL, "/")
	u := user(r)
	updated := time.Unix(0, 0).UTC()
	if len(events) > 0 {
		updated = events[0].CreatedAt
	}
	feed := atomUpdatesFeed{ID: base + self, Title: title, Updated: updated.UTC().Format(time.RFC3339),
		Links:  []atomLink{{Rel: "self", Type: "application/atom+xml", Href: base + self}, {Rel: "alternate", Type: "text/html", Href: base + alternate}},
		Author: atomPerson{Name: "consortia"}}
	for _, it := range events {
		e := atomUpdateEntry{
			ID:        base + "/updates/" + strconv.FormatInt(it.ID, 10),
			Title:     it.Title,
			Updated:   it.CreatedAt.UTC().Format(time.RFC3339),
			Published: it.CreatedAt.UTC().Format(time.RFC3339),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: base + updateAnchor(it)}},
			Summary:   atomText{Type: "text", Text: excerpt(it.Body, 300)},
			Content:   atomText{Type: "html", Text: string(markdown.Render(it.Body))},
		}
		if it.Consortium != "" {
			e.Categories = []atomCategory{{Term: it.Consortium}}
		}
		if it.ActorName != "" { // app names people to signed-in readers only
			e.Author = &atomPerson{Name: it.ActorName}
		}
		if it.RequestID != nil {
			e.Links = append(e.Links, atomLink{Rel: "related", Type: "text/html", Href: base + "/requests/" + strconv.FormatInt(*it.RequestID, 10)})
		}
		feed.Entries = append(feed.Entries, e)
	}
	var buf bytes.Buffer
	buf.WriteString(xml.Header)
	enc := xml.NewEncoder(&buf)
	enc.Indent("", "  ")
	if err := enc.Encode(feed); err != nil {
		ui.Error(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
	if u == nil {
		w.Header().Set("Cache-Control", "public, max-age=300")
	} else {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	_, _ = w.Write(buf.Bytes())
}

// UpdatesFeed is /updates.atom: the updates for all member communities and
// those of the consortia the reader can see (public ones for visitors).
func (ui *UI) UpdatesFeed() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		events, err := ui.app.UpdatesFeed(r.Context(), user(r), feedSize)
		if err != nil {
			return err
		}
		ui.writeUpdatesFeed(w, r, "Updates · consortia", "/updates.atom", "/updates", events)
		return nil
	})
}

// ConsortiumUpdatesFeed is /consortia/{ref}/updates.atom.
func (ui *UI) ConsortiumUpdatesFeed() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("ref")
		v, err := ui.app.GetConsortium(r.Context(), user(r), ref)
		if err != nil {
			return err
		}
		events, err := ui.app.Updates(r.Context(), user(r), ref, feedSize)
		if err != nil {
			return err
		}
		ui.writeUpdatesFeed(w, r, "Updates of "+v.Name+" · consortia", "/consortia/"+v.Slug+"/updates.atom", "/consortia/"+v.Slug+"#updates", events)
		return nil
	})
}
