package server_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// The proposal pages: start one from a form, add budget lines and
// sections, move it, with bad input coming back beside its field and
// nothing written; people who may not see it get 404.
func TestWebProposalPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e
		ctx := context.Background()
		if err := e.app.ConfigureNotifications(ctx, e.srv.URL); err != nil {
			t.Fatal(err)
		}
		staff := e.browser()
		if r := staff.login("admin@example.org", testPassword); r.status != 303 {
			t.Fatalf("login: %d", r.status)
		}
		if r := staff.get("/proposals/new?initiative=" + w.public); r.status != 200 || !strings.Contains(string(r.body), `value="`+w.public+`"`) {
			t.Fatalf("new form: %d", r.status)
		}
		deadline := time.Now().Add(40 * 24 * time.Hour).In(time.UTC).Format("2006-01-02T15:04")
		form := url.Values{"title": {"GPUs for teaching"}, "funder": {"Open Science Foundation"}, "deadline": {deadline},
			"time_zone": {"Europe/Berlin"}, "amount": {"250,000.50"}, "currency": {"USD"}, "initiatives": {w.public}}

		before := rmSnapshot(e, proposalTables...)
		for name, bad := range map[string]struct{ field, value, want string }{
			"past deadline":                {"deadline", "2020-01-01T10:00", "must be in the future"},
			"fractional cent":              {"amount", "100.505", "must be an amount like 5000"},
			"hidden initiative for a typo": {"initiatives", "no-such-initiative", `no initiative &#34;no-such-initiative&#34;`},
		} {
			f := url.Values{}
			for k, v := range form {
				f[k] = v
			}
			f.Set(bad.field, bad.value)
			r := staff.post("/proposals", f)
			if r.status != 422 || !strings.Contains(string(r.body), bad.want) {
				t.Fatalf("%s: %d, want 422 with %q:\n%s", name, r.status, bad.want, r.body)
			}
		}
		rmSameCounts(t, e, before)

		r := staff.post("/proposals", form)
		if r.status != 303 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		page := r.header.Get("Location")
		if !regexp.MustCompile(`^/proposals/\d+$`).MatchString(page) {
			t.Fatalf("redirect to %q", page)
		}
		body := string(staff.get(page).body)
		for _, want := range []string{"GPUs for teaching", "USD 250,000.50", "Shared GPU scheduling", "USD 1,500", "USD 3,000", "What is missing"} {
			if !strings.Contains(body, want) {
				t.Fatalf("page lacks %q:\n%s", want, body)
			}
		}

		// Overhead as a percentage with a decimal is basis points.
		if r := staff.post(page+"/budget-lines", url.Values{"kind": {"overhead"}, "percent": {"12.5"}, "party": {"host"}}); r.status != 303 {
			t.Fatalf("overhead: %d %s", r.status, r.body)
		}
		if r := staff.post(page+"/budget-lines", url.Values{"kind": {"travel"}, "amount": {"12.345"}, "party": {"host"}}); r.status != 422 ||
			!strings.Contains(string(r.body), "must be an amount like 5000") {
			t.Fatalf("fractional travel: %d", r.status)
		}
		body = string(staff.get(page).body)
		// 12.5% of 1,500–3,000 is 187.50–375.
		if !strings.Contains(body, "12.5% of direct costs") || !strings.Contains(body, "USD 187.50") || !strings.Contains(body, "USD 3,375") {
			t.Fatalf("budget after overhead:\n%s", body)
		}

		if r := staff.post(page+"/sections", url.Values{"title": {"Statement of need"}, "owner_id": {fmt.Sprint(e.admin.ID)},
			"due": {time.Now().Add(10 * 24 * time.Hour).Format(time.DateOnly)}}); r.status != 303 || !strings.Contains(r.header.Get("Location"), "#section-") {
			t.Fatalf("add section: %d %s", r.status, r.body)
		}
		if r := staff.post(page+"/sections", url.Values{"title": {""}}); r.status != 422 {
			t.Fatalf("section without title: %d", r.status)
		}
		if r := staff.post(page+"/status", url.Values{"status": {"submitted"}}); r.status != 409 || !strings.Contains(string(r.body), "cannot move from idea to submitted") {
			t.Fatalf("out of order: %d %s", r.status, r.body)
		}
		if r := staff.post(page+"/status", url.Values{"status": {"drafting"}}); r.status != 303 {
			t.Fatalf("to drafting: %d %s", r.status, r.body)
		}
		body = string(staff.get(page).body)
		if !strings.Contains(body, `<span class="badge" id="proposal-status">drafting</span>`) || !strings.Contains(body, "Statement of need") {
			t.Fatalf("after moving:\n%s", body)
		}
		if r := staff.get(page + "/edit"); r.status != 200 || !strings.Contains(string(r.body), `value="GPUs for teaching"`) {
			t.Fatalf("edit form: %d", r.status)
		}

		// Others: a visitor and an outsider get 404; the list shows it to staff.
		if r := e.browser().get(page); r.status != 404 {
			t.Fatalf("visitor: %d", r.status)
		}
		outsider := e.browser()
		outsider.login("olga@elsewhere.example.org", testPassword)
		if r := outsider.get(page); r.status != 404 {
			t.Fatalf("outsider: %d", r.status)
		}
		if r := outsider.post(page+"/status", url.Values{"status": {"withdrawn"}}); r.status != 404 {
			t.Fatalf("outsider moves: %d", r.status)
		}
		// Its initiative's page and its consortium's page show it.
		if body := string(staff.get("/initiatives/" + w.public).body); !strings.Contains(body, `<a href="`+page+`">GPUs for teaching</a>`) ||
			!strings.Contains(body, "/proposals/new?initiative="+w.public) {
			t.Fatalf("initiative page lacks the proposal:\n%s", body)
		}
		if r := e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Teaching GPUs", "problem": "Students wait for GPUs."}); r.status != 201 {
			t.Fatalf("consortium: %d %s", r.status, r.body)
		}
		if r := e.do("PATCH", "/api/v1"+page, e.adminToken, map[string]any{"consortium": "teaching-gpus"}); r.status != 200 {
			t.Fatalf("link consortium: %d %s", r.status, r.body)
		}
		if body := string(staff.get("/consortia/teaching-gpus").body); !strings.Contains(body, "Proposal deadlines") ||
			!strings.Contains(body, `<a href="`+page+`">GPUs for teaching</a>`) {
			t.Fatalf("consortium page lacks the deadline:\n%s", body)
		}
		list := string(staff.get("/proposals").body)
		if !strings.Contains(list, "GPUs for teaching") {
			t.Fatalf("list:\n%s", list)
		}

		// The deadlines feed: staff's personal key shows it; without a key
		// it is absent; a forged key is 404.
		m := regexp.MustCompile(`/proposals\.ics\?key=([^"<]+)`).FindStringSubmatch(list)
		if m == nil {
			t.Fatalf("no personal feed link on the list:\n%s", list)
		}
		key, _ := url.QueryUnescape(strings.ReplaceAll(m[1], "&amp;", "&"))
		r = e.do("GET", "/proposals.ics?key="+url.QueryEscape(key), "", nil)
		if r.status != 200 || !strings.Contains(string(r.body), "SUMMARY:Deadline: GPUs for teaching (Open Science Foundation)") ||
			!strings.Contains(string(r.body), "DTSTART;TZID=Europe/Berlin:") {
			t.Fatalf("feed with key: %d\n%s", r.status, r.body)
		}
		if r := e.do("GET", "/proposals.ics", "", nil); r.status != 200 || strings.Contains(string(r.body), "GPUs for teaching") {
			t.Fatalf("feed without key: %d\n%s", r.status, r.body)
		}
		if r := e.do("GET", "/proposals.ics?key="+url.QueryEscape(key[:len(key)-2]+"xx"), "", nil); r.status != 404 {
			t.Fatalf("forged key: %d", r.status)
		}
	})
}
