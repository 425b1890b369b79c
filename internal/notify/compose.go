package notify

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"sort"
	"strings"
	"time"

	"consortia/internal/markdown"
	"consortia/internal/model"
)

// Site describes the deployment messages link back to.
type Site struct {
	BaseURL string // e.g. https://consortia.example.org
	Signer  Signer
	// AnswerValidity is how long one-click answer links work.
	AnswerValidity time.Duration
}

func (s Site) link(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

// Person is a message's recipient.
type Person struct {
	ID    int64
	Name  string
	Email string
}

// Item is one event in a message, with the request it carries, if any.
type Item struct {
	Event   model.Event
	Request *model.Request
}

type emailItem struct {
	Title, Consortium, URL, Kind string
	// The event's text: plain in the text part, sanitized HTML in the other.
	BodyText string
	BodyHTML template.HTML
	When     string
	Question string
	Answers  []answerLink
	Deadline string
	Repeats  int // more than 1: the same news, merged
}

type answerLink struct{ Label, URL string }

type emailGroup struct {
	Consortium string
	Requests   []emailItem
	Results    []emailItem
	News       []emailItem
	Count      int
	joined     []string // who joined the consortium, merged into one line
	joinedAt   int      // index of that line in News
}

type emailData struct {
	Name, Intro, Unsubscribe, Preferences, Site string
	Groups                                      []emailGroup
	Total                                       int
	Single                                      bool
}

func (s Site) emailItem(p Person, it Item, now time.Time) emailItem {
	e := it.Event
	ei := emailItem{Title: e.Title, Consortium: e.Consortium, URL: s.link(e.URL), Kind: e.Kind, When: e.CreatedAt.Format("Mon 2 Jan 15:04 MST")}
	if strings.TrimSpace(e.Body) != "" {
		ei.BodyText, ei.BodyHTML = markdown.PlainText(e.Body), markdown.Render(e.Body)
	}
	if r := it.Request; r != nil {
		ei.Question = r.Question
		exp := now.Add(s.AnswerValidity)
		if r.Deadline != nil && r.Deadline.Before(exp) {
			exp = *r.Deadline
		}
		if r.Deadline != nil {
			ei.Deadline = r.Deadline.Format("Mon 2 Jan 2006 15:04 MST")
		}
		for _, o := range r.Options {
			ei.Answers = append(ei.Answers, answerLink{Label: o, URL: s.link("/r/" + s.Signer.AnswerLink(r.ID, p.ID, o, exp))})
		}
	}
	return ei
}

// mergeJoin folds a "… joined …" event into the group's line of new
// members ("3 new members: A, B and C"), reporting whether there was one.
func (g *emailGroup) mergeJoin(e model.Event) bool {
	name := strings.TrimSuffix(e.Title, " joined "+e.Consortium)
	if g.joined == nil {
		g.joined = []string{name}
		g.joinedAt = len(g.News)
		return false // the first join is a line of its own, until a second comes
	}
	g.joined = append(g.joined, name)
	ei := &g.News[g.joinedAt]
	ei.Title = fmt.Sprintf("%d new members: %s", len(g.joined), model.JoinNames(g.joined))
	ei.BodyText, ei.BodyHTML = "", ""
	return true
}

// mergeRepeats folds items with the same title into one line, "(3 times)".
func mergeRepeats(items []emailItem) []emailItem {
	seen := map[string]int{}
	count := map[string]int{}
	var out []emailItem
	for _, it := range items {
		key := it.Kind + "\x00" + it.Title
		if i, ok := seen[key]; ok {
			count[key]++
			out[i].Repeats = count[key]
			continue
		}
		seen[key], count[key] = len(out), 1
		out = append(out, it)
	}
	return out
}

// group orders items for reading: by consortium (the site-wide ones
// first), and within each, requests, then results, then news.
func (s Site) group(p Person, items []Item, now time.Time) []emailGroup {
	byName := map[string]*emailGroup{}
	var order []string
	for _, it := range items {
		name := it.Event.Consortium
		if name == "" {
			name = "All member communities"
		}
		g, ok := byName[name]
		if !ok {
			g = &emailGroup{Consortium: name}
			byName[name] = g
			order = append(order, name)
		}
		ei := s.emailItem(p, it, now)
		if it.Event.Kind == model.EventMemberJoined && g.mergeJoin(it.Event) {
			g.Count++
			continue
		}
		switch {
		case it.Event.Importance >= model.ImportanceRequest:
			g.Requests = append(g.Requests, ei)
		case it.Event.Importance == model.ImportanceResult:
			g.Results = append(g.Results, ei)
		default:
			g.News = append(g.News, ei)
		}
		g.Count++
	}
	// Groups with requests come first, then by size.
	sort.SliceStable(order, func(i, j int) bool {
		a, b := byName[order[i]], byName[order[j]]
		if (len(a.Requests) > 0) != (len(b.Requests) > 0) {
			return len(a.Requests) > 0
		}
		if a.Consortium == "All member communities" || b.Consortium == "All member communities" {
			return a.Consortium == "All member communities"
		}
		return a.Count > b.Count
	})
	out := make([]emailGroup, len(order))
	for i, name := range order {
		out[i] = *byName[name]
		out[i].News = mergeRepeats(out[i].News)
		out[i].Results = mergeRepeats(out[i].Results)
	}
	return out
}

// Email composes the message for one person: a single event (immediate
// delivery) or a digest of several. The result has text and HTML parts and
// the one-click unsubscribe headers (RFC 2369 and RFC 8058).
func (s Site) Email(p Person, items []Item, period string, now time.Time) (model.OutboxMessage, error) {
	if len(items) == 0 {
		return model.OutboxMessage{}, fmt.Errorf("nothing to send")
	}
	unsub := s.link("/unsubscribe/" + s.Signer.UnsubscribeLink(p.ID))
	d := emailData{Name: p.Name, Unsubscribe: unsub, Preferences: s.link("/account/notifications"), Site: s.BaseURL,
		Groups: s.group(p, items, now), Total: len(items), Single: len(items) == 1 && period == model.ModeImmediate}
	var subject string
	if d.Single {
		e := items[0].Event
		subject = e.Title
		if e.Consortium != "" {
			subject = "[" + e.Consortium + "] " + e.Title
		}
		if items[0].Request != nil {
			subject = "Your answer, please: " + subject
		}
	} else {
		requests := 0
		for _, g := range d.Groups {
			requests += len(g.Requests)
		}
		label := map[string]string{model.ModeDaily: "Daily", model.ModeWeekly: "Weekly"}[period]
		if label == "" {
			label = "Your"
		}
		subject = fmt.Sprintf("%s digest: %d update%s", label, len(items), plural(len(items)))
		if requests > 0 {
			subject += fmt.Sprintf(", %d request%s for you", requests, plural(requests))
		}
	}
	var text, html bytes.Buffer
	if err := textTemplate.Execute(&text, d); err != nil {
		return model.OutboxMessage{}, err
	}
	if err := htmlTemplate.Execute(&html, d); err != nil {
		return model.OutboxMessage{}, err
	}
	uid := p.ID
	return model.OutboxMessage{Channel: model.ChannelEmail, Recipient: p.Email, UserID: &uid, Subject: subject,
		Text: text.String(), HTML: html.String(),
		Headers: map[string]string{"List-Unsubscribe": "<" + unsub + ">", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}, nil
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// Slack returns an incoming-webhook payload for an event: readable text
// with a link back.
func (s Site) Slack(e model.Event) string {
	title := e.Title
	if e.Consortium != "" {
		title = e.Consortium + ": " + title
	}
	body := strings.TrimSpace(e.Body)
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	link := s.link(e.URL)
	text := fmt.Sprintf("*<%s|%s>*", slackEscape(link), slackEscape(title))
	if body != "" {
		text += "\n" + slackEscape(body)
	}
	payload := map[string]any{
		"text": slackEscape(title) + " — " + link,
		"blocks": []any{
			map[string]any{"type": "section", "text": map[string]string{"type": "mrkdwn", "text": text}},
			map[string]any{"type": "context", "elements": []any{map[string]string{"type": "mrkdwn", "text": "consortia · " + slackEscape(e.Kind)}}},
		},
	}
	return marshal(payload)
}

// marshal encodes JSON without escaping <, > and &, which Slack and
// people reading webhook bodies would otherwise see as \u003c.
func marshal(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}

// slackEscape escapes the three characters Slack's mrkdwn reserves.
func slackEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// Webhook returns the JSON body of a generic webhook for an event.
func (s Site) Webhook(e model.Event) string {
	return marshal(map[string]any{"id": e.ID, "kind": e.Kind, "title": e.Title, "body": e.Body, "url": s.link(e.URL),
		"consortium": e.Consortium, "created_at": e.CreatedAt.Format(time.RFC3339)})
}
