package server_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Critical mass reads "3 (needs 2) ✓" once reached and "1 of 3 needed"
// before; the <progress> bars never go past full.
func TestWebCriticalMassCounts(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	ctx := context.Background()
	c, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.",
		CriticalCommunities: 3, CriticalPeople: 2})
	if err != nil {
		t.Fatal(err)
	}
	page := "/consortia/" + c.Slug
	r := e.browser().get(page)
	has(t, r, "0 of 3 needed", "0 of 2 needed", `value="0" max="3"`)
	for _, email := range []string{"a@example.org", "b@example.org", "c@example.org"} {
		u := e.user(email, email, model.RoleMember)
		if err := e.app.Support(ctx, u, c.Slug, true, true, "", ""); err != nil {
			t.Fatal(err)
		}
	}
	r = e.browser().get(page)
	has(t, r, "3 (needs 2) ✓", `id="mass-people" value="2" max="2"`)
	lacks(t, r, "3 of 2", `value="3" max="2"`)
	r = e.browser().get("/consortia")
	has(t, r, "3 (needs 2) ✓", "0 of 3 needed")
	lacks(t, r, "3/2", `value="3" max="2"`)
}

// The meetings page offers webcal:// and the feed's address to copy; the
// copy button is hidden until the script shows it, and a members-only
// consortium's address carries the reader's personal key.
func TestWebCalendarSubscription(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	ctx := context.Background()
	pub, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs."})
	if err != nil {
		t.Fatal(err)
	}
	feed := e.srv.URL + "/consortia/" + pub.Slug + "/meetings.ics"
	r := e.browser().get("/consortia/" + pub.Slug + "/meetings")
	has(t, r, `href="webcal://`+strings.TrimPrefix(feed, "http://")+`"`, `id="feed-url" type="text" readonly value="`+feed+`"`,
		`data-copy="feed-url" hidden>Copy</button>`)
	lacks(t, r, "?key=")

	if err := e.app.ConfigureNotifications(ctx, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	quiet, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Quiet work", Problem: "Quiet.", Visibility: model.VisibilityMembers})
	if err != nil {
		t.Fatal(err)
	}
	staff := e.browser()
	staff.login("admin@example.org", testPassword)
	r = staff.get("/consortia/" + quiet.Slug + "/meetings")
	has(t, r, `value="`+e.srv.URL+"/consortia/"+quiet.Slug+"/meetings.ics?key=", `href="webcal://`, "The address below is personal")
}

// The admin outbox shows 50 messages a page, by status; the pages keep the
// status filter.
func TestWebOutboxPagedByStatus(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	ctx := context.Background()
	for i := range 120 {
		m := &model.OutboxMessage{Channel: "email", Recipient: fmt.Sprintf("p%03d@example.org", i), Subject: "Hello",
			MessageID: fmt.Sprintf("<m%d@example.org>", i)}
		if err := e.store.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	staff := e.browser()
	staff.login("admin@example.org", testPassword)
	r := staff.get("/admin/outbox?status=pending")
	wantStatus(t, "outbox", r, 200)
	if n := strings.Count(string(r.body), `<a href="/admin/outbox/`) / 2; n != 50 {
		t.Errorf("the first page lists %d messages, want 50", n)
	}
	has(t, r, "Page 1 of 3", `href="/admin/outbox?page=2&amp;status=pending" rel="next"`, `href="/admin/outbox?status=pending" aria-current="page">Pending <span class="count">120</span>`)
	r = staff.get("/admin/outbox?status=pending&page=3")
	if n := strings.Count(string(r.body), `<a href="/admin/outbox/`) / 2; n != 20 {
		t.Errorf("the last page lists %d messages, want 20", n)
	}
	r = staff.get("/admin/outbox?status=failed")
	has(t, r, "No failed messages.")
}

// Pages asked for by number (audit links) redirect permanently to their
// slug URL; a record the reader may not see still answers 404, naming no
// slug.
func TestWebNumericURLsRedirectToSlugs(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	ctx := context.Background()
	com := e.community("alpha", "Alpha")
	con, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs."})
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Quiet work", Problem: "Quiet.", Visibility: model.VisibilityPrivate})
	if err != nil {
		t.Fatal(err)
	}
	ini, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: "Cost dashboards", Public: true})
	if err != nil {
		t.Fatal(err)
	}
	nar, err := e.app.CreateNarrative(ctx, e.admin, model.NarrativeInput{Title: "Cheaper clouds", Summary: "s", Story: "s", Public: true})
	if err != nil {
		t.Fatal(err)
	}
	visitor := e.browser()
	for _, c := range []struct{ numeric, slug string }{
		{fmt.Sprintf("/communities/%d", com.ID), "/communities/alpha"},
		{fmt.Sprintf("/consortia/%d?x=1", con.ID), "/consortia/" + con.Slug + "?x=1"},
		{fmt.Sprintf("/initiatives/%d", ini.ID), "/initiatives/" + ini.Slug},
		{fmt.Sprintf("/narratives/%d", nar.ID), "/narratives/" + nar.Slug},
	} {
		r := visitor.get(c.numeric)
		wantStatus(t, c.numeric, r, http.StatusMovedPermanently)
		if got := r.header.Get("Location"); got != c.slug {
			t.Errorf("%s redirects to %q, want %q", c.numeric, got, c.slug)
		}
		wantStatus(t, c.slug, visitor.get(c.slug), 200)
	}
	r := visitor.get(fmt.Sprintf("/consortia/%d", secret.ID))
	wantStatus(t, "a private consortium by number", r, 404)
	if r.header.Get("Location") != "" || strings.Contains(string(r.body), secret.Slug) {
		t.Error("the 404 of a private consortium names its slug")
	}
}
