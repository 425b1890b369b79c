package web

import (
	"html/template"
	"net/url"
	"strings"

	"consortia/internal/model"
)

// calendarSubscription is how a reader subscribes to a consortium's
// meetings: a webcal:// link that opens their calendar program, and the
// https address to paste into one that asks for a URL.
type calendarSubscription struct {
	FeedURL string
	// Webcal is trusted: html/template would otherwise drop a scheme
	// other than http(s) and mailto. It is built from the configured base
	// URL and a validated slug.
	Webcal template.URL
	// Personal is set when the address carries the reader's secret key.
	Personal bool
}

// subscription returns the feed addresses of c; key is the reader's
// calendar key, needed for a consortium that is not public.
func (ui *UI) subscription(c *model.Consortium, key string) calendarSubscription {
	feed := strings.TrimSuffix(ui.cfg.BaseURL, "/") + "/consortia/" + url.PathEscape(c.Slug) + "/meetings.ics"
	s := calendarSubscription{}
	if c.Visibility != model.VisibilityPublic && key != "" {
		feed += "?key=" + url.QueryEscape(key)
		s.Personal = true
	}
	s.FeedURL = feed
	if i := strings.Index(feed, "://"); i > 0 {
		s.Webcal = template.URL("webcal" + feed[i:])
	}
	return s
}
