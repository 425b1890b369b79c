package server_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestPersonalCalendarFeed: calendar programs fetch without a cookie, so a
// members-only consortium's feed is served with the reader's secret key.
func TestPersonalCalendarFeed(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	ctx := context.Background()
	if err := e.app.ConfigureNotifications(ctx, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	lead := e.user("lead@example.org", "Lee Lead", model.RoleMember)
	e.community("alpha", "Alpha")
	if _, err := e.app.SetAffiliation(ctx, e.admin, "alpha", lead.Email, model.AffiliationLead); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Quiet work", Problem: "p", Visibility: model.VisibilityPrivate}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Join(ctx, e.admin, "quiet-work", "alpha", model.MemberInput{Roles: []string{model.RoleTest}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.ScheduleMeeting(ctx, e.admin, "quiet-work", model.MeetingInput{Kind: "quarterly", StartsAt: time.Now().Add(48 * time.Hour), TimeZone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	if r := e.do("GET", "/consortia/quiet-work/meetings.ics", "", nil); r.status != 404 {
		t.Fatalf("anonymous feed of a private consortium: %d", r.status)
	}
	b := e.browser()
	b.login(lead.Email, testPassword)
	page := string(b.get("/consortia/quiet-work/meetings").body)
	i := strings.Index(page, "meetings.ics?key=")
	if i < 0 {
		t.Fatal("the meetings page offers no personal feed link")
	}
	key := page[i+len("meetings.ics?key=") : i+strings.Index(page[i:], `"`)]
	key, _ = url.QueryUnescape(strings.ReplaceAll(key, "&amp;", "&"))
	r := e.do("GET", "/consortia/quiet-work/meetings.ics?key="+url.QueryEscape(key), "", nil)
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") || !strings.Contains(string(r.body), "BEGIN:VEVENT") {
		t.Fatalf("feed with the key: %d %s", r.status, r.body)
	}
	if r := e.do("GET", "/consortia/quiet-work/meetings.ics?key="+url.QueryEscape(key[:len(key)-2]+"xx"), "", nil); r.status != 404 {
		t.Fatalf("tampered key: %d", r.status)
	}
	// Someone whose key does not see the consortium gets nothing either.
	other := e.user("other@example.org", "Oli", model.RoleMember)
	if r := e.do("GET", "/consortia/quiet-work/meetings.ics?key="+url.QueryEscape(e.app.CalendarKey(other)), "", nil); r.status != 404 {
		t.Fatalf("another member's key: %d", r.status)
	}
}
