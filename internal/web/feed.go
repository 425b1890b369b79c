package web

import (
	"bytes"
	"encoding/xml"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"consortia/internal/model"
)

// Atom 1.0 (RFC 4287) documents, as much of them as the roadmap feed needs.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Links   []atomLink  `xml:"link"`
	Author  atomPerson  `xml:"author"`
	Entries []atomEntry `xml:"entry"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomText struct {
	Type string `xml:"type,attr"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published"`
	Links      []atomLink     `xml:"link"`
	Summary    atomText       `xml:"summary"`
	Categories []atomCategory `xml:"category"`
}

const feedSize = 50

// RoadmapFeed is the public roadmap as an Atom feed: public initiatives,
// most recently updated first, with their status in the title. It is the
// same for everyone (feed readers do not sign in).
func (ui *UI) RoadmapFeed() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		list, _, err := ui.app.ListInitiatives(r.Context(), nil, model.InitiativeFilter{PublicOnly: true, Page: model.Page{Size: -1}})
		if err != nil {
			return err
		}
		slices.SortStableFunc(list, func(a, b *model.Initiative) int {
			if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
				return c
			}
			return int(b.ID - a.ID)
		})
		if len(list) > feedSize {
			list = list[:feedSize]
		}
		credits, err := ui.app.DeliveredCredits(r.Context(), list)
		if err != nil {
			return err
		}
		base := strings.TrimSuffix(ui.cfg.BaseURL, "/")
		// Atom requires a time; an empty feed has changed no later than now.
		updated := time.Now().Truncate(time.Second)
		if len(list) > 0 {
			updated = list[0].UpdatedAt
		}
		feed := atomFeed{
			ID:      base + "/roadmap",
			Title:   "Roadmap · consortia",
			Updated: updated.UTC().Format(time.RFC3339),
			Links: []atomLink{
				{Rel: "self", Type: "application/atom+xml", Href: base + "/roadmap.atom"},
				{Rel: "alternate", Type: "text/html", Href: base + "/roadmap"},
			},
			Author: atomPerson{Name: "consortia"},
		}
		for _, in := range list {
			summary := excerpt(in.Problem, 400)
			if in.Persona != "" && summary != "" && !namesPersona(in.Problem) {
				summary = "As " + asA(in.Persona) + ": " + summary
			}
			if cost := costRange(in.CostLow, in.CostHigh); cost != "" {
				summary += " Estimated cost: " + cost + "."
			}
			if line := credits[in.ID]; line != "" {
				summary += " " + line
			}
			e := atomEntry{
				ID:        base + "/initiatives/" + strconv.FormatInt(in.ID, 10),
				Title:     "[" + model.StatusLabel(in.Status) + "] " + in.Title,
				Updated:   in.UpdatedAt.UTC().Format(time.RFC3339),
				Published: in.CreatedAt.UTC().Format(time.RFC3339),
				Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: base + "/initiatives/" + in.Slug}},
				Summary:   atomText{Type: "text", Text: strings.TrimSpace(summary)},
			}
			for _, t := range in.Themes {
				e.Categories = append(e.Categories, atomCategory{Term: t})
			}
			feed.Entries = append(feed.Entries, e)
		}
		var buf bytes.Buffer
		buf.WriteString(xml.Header)
		enc := xml.NewEncoder(&buf)
		enc.Indent("", "  ")
		if err := enc.Encode(feed); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/atom+xml; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=300")
		_, _ = w.Write(buf.Bytes())
		return nil
	})
}
