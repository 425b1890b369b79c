package e2e

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"consortia/internal/model"
)

// TestBrowserCalendarSubscribe: a consortium's meetings page offers a
// webcal:// link and the feed's address in a readonly field with a copy
// button (shown by the script); the feed it names writes each meeting in
// its own time zone with a VTIMEZONE.
func TestBrowserCalendarSubscribe(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	c, err := s.app.ProposeConsortium(ctx, s.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.ScheduleMeeting(ctx, s.admin, c.Slug, model.MeetingInput{Kind: "quarterly",
		StartsAt: time.Date(2030, 7, 9, 15, 0, 0, 0, time.UTC), TimeZone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	page := "/consortia/" + c.Slug + "/meetings"
	feed := s.url + "/consortia/" + c.Slug + "/meetings.ics"
	b := newBrowser(t, s.url)
	b.expectPage(b.open(page), 200, page)
	if got := b.attr(`.page-header a[href="#subscribe"]`, "role"); got != "button" {
		t.Errorf("the Subscribe button does not lead to the subscription options (role %q)", got)
	}
	if got, want := b.attr("#webcal-link", "href"), "webcal://"+strings.TrimPrefix(feed, "http://"); got != want {
		t.Errorf("webcal link %q, want %q", got, want)
	}
	if got := b.value("#feed-url"); got != feed {
		t.Errorf("feed address %q, want %q", got, feed)
	}
	if !eval[bool](b, `document.getElementById("feed-url").readOnly`) {
		t.Error("the feed address can be edited")
	}
	if eval[bool](b, `document.querySelector("button[data-copy=feed-url]").hidden`) {
		t.Fatal("the copy button stays hidden with the script")
	}
	b.do("copy the address", chromedp.Click(chromedp.CSS(`button[data-copy="feed-url"]`)))
	b.do("wait for the copy", chromedp.WaitVisible(chromedp.CSS(`#feed-url-status:not(:empty)`)))
	if got := b.text("#feed-url-status"); got != "Copied to the clipboard." {
		t.Errorf("after copying: %q", got)
	}
	if got := eval[string](b, `(() => { const i = document.getElementById("feed-url"); return i.value.substring(i.selectionStart, i.selectionEnd); })()`); got != feed {
		t.Errorf("the address is not selected after copying: %q", got)
	}
	b.screenshot("calendar-subscribe")

	res, err := http.Get(feed)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	for _, want := range []string{"BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin", "TZOFFSETTO:+0200", "DTSTART;TZID=Europe/Berlin:20300709T170000"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("the feed lacks %q:\n%s", want, body)
		}
	}

}
