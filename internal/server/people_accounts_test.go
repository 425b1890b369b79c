package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// withLinks configures the site's base URL and link key, as serve does.
func (e *env) withLinks() *env {
	e.t.Helper()
	if err := e.app.ConfigureNotifications(context.Background(), e.srv.URL); err != nil {
		e.t.Fatal(err)
	}
	return e
}

// mailedLink returns the path of the newest link under prefix mailed to address.
func (e *env) mailedLink(address, prefix string) string {
	e.t.Helper()
	q := `SELECT text_body FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1`
	if e.store.Dialect() == storage.Postgres {
		q = strings.Replace(q, "?", "$1", 1)
	}
	var body string
	if err := e.store.DB().QueryRow(q, address).Scan(&body); err != nil {
		e.t.Fatalf("no mail to %s: %v", address, err)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(e.srv.URL) + `(` + regexp.QuoteMeta(prefix) + `\S+)`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no %s link in %q", prefix, body)
	}
	return m[1]
}

func (e *env) rows(table string) int {
	e.t.Helper()
	var n int
	if err := e.store.DB().QueryRow(`SELECT COUNT(*) FROM ` + table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestAPIInvitationsUsersAndTokens(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s).withLinks()
		e.community("ruby", "Ruby")
		e.community("perl", "Perl")
		lead := e.user("lead@example.org", "Lee Lead", model.RoleMember)
		if _, err := e.app.SetAffiliation(context.Background(), e.admin, "ruby", lead.Email, model.AffiliationLead); err != nil {
			t.Fatal(err)
		}
		leadToken := e.token(lead)

		// Bad input of every class: nothing written.
		for name, c := range map[string]struct {
			token string
			body  any
			want  int
		}{
			"anonymous":             {"", map[string]any{"email": "a@example.org"}, 401},
			"malformed JSON":        {e.adminToken, `{"email":`, 400},
			"unknown field":         {e.adminToken, map[string]any{"email": "a@example.org", "colour": "red"}, 422},
			"wrong type":            {e.adminToken, map[string]any{"email": 7}, 422},
			"missing email":         {e.adminToken, map[string]any{"name": "A"}, 422},
			"malformed email":       {e.adminToken, map[string]any{"email": "nope"}, 422},
			"control character":     {e.adminToken, `{"email":"a@example.org","name":"A\u0007"}`, 422},
			"oversize name":         {e.adminToken, map[string]any{"email": "a@example.org", "name": strings.Repeat("n", 121)}, 422},
			"unknown role":          {e.adminToken, map[string]any{"email": "a@example.org", "community": "ruby", "role": "owner"}, 422},
			"lead, other community": {leadToken, map[string]any{"email": "a@example.org", "community": "perl"}, 403},
			"lead, no community":    {leadToken, map[string]any{"email": "a@example.org"}, 403},
		} {
			r := e.do("POST", "/api/v1/invitations", c.token, c.body)
			if r.status != c.want {
				t.Errorf("%s: %d %s, want %d", name, r.status, r.body, c.want)
			}
		}
		if n := e.rows("invitations") + e.rows("outbox"); n != 0 {
			t.Fatalf("refused invitations wrote %d rows", n)
		}
		r := e.do("POST", "/api/v1/invitations", leadToken, map[string]any{"email": "New@Example.org", "community": "ruby", "role": "contact"})
		if r.status != 201 || r.json(t)["status"] != "pending" {
			t.Fatalf("lead invites: %d %s", r.status, r.body)
		}
		id := int64(r.json(t)["id"].(float64))
		if r := e.do("POST", "/api/v1/invitations", e.adminToken, map[string]any{"email": "new@example.org", "community": "ruby"}); r.status != 409 {
			t.Fatalf("second invitation: %d %s", r.status, r.body)
		}
		r = e.do("GET", "/api/v1/invitations?status=pending", leadToken, nil)
		if r.status != 200 || !strings.Contains(string(r.body), "new@example.org") {
			t.Fatalf("lead's list: %d %s", r.status, r.body)
		}
		if r := e.do("GET", "/api/v1/invitations?status=lost", e.adminToken, nil); r.status != 422 {
			t.Fatalf("unknown status: %d", r.status)
		}
		member := e.user("member@example.org", "Mo", model.RoleMember)
		memberToken := e.token(member)
		if r := e.do("GET", "/api/v1/invitations", memberToken, nil); r.status != 403 {
			t.Fatalf("member lists invitations: %d", r.status)
		}
		if r := e.do("DELETE", "/api/v1/invitations/"+itoa(id), memberToken, nil); r.status != 404 {
			t.Fatalf("member revokes: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/api/v1/invitations/"+itoa(id)+"/resend", leadToken, nil); r.status != 200 {
			t.Fatalf("resend: %d %s", r.status, r.body)
		}
		if r := e.do("DELETE", "/api/v1/invitations/"+itoa(id), leadToken, nil); r.status != 204 {
			t.Fatalf("revoke: %d %s", r.status, r.body)
		}
		if r := e.do("DELETE", "/api/v1/invitations/"+itoa(id), leadToken, nil); r.status != 409 {
			t.Fatalf("revoke again: %d %s", r.status, r.body)
		}

		// Users: staff only.
		if r := e.do("GET", "/api/v1/users", memberToken, nil); r.status != 403 {
			t.Fatalf("member lists users: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/users?q=lee", e.adminToken, nil); r.status != 200 || !strings.Contains(string(r.body), "lead@example.org") {
			t.Fatalf("users: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/api/v1/users", memberToken, map[string]any{"email": "x@example.org", "name": "X"}); r.status != 403 {
			t.Fatalf("member adds a user: %d", r.status)
		}
		if r := e.do("POST", "/api/v1/users", e.adminToken, map[string]any{"email": "x@example.org", "name": "X", "password": "short"}); r.status != 422 {
			t.Fatalf("short password: %d", r.status)
		}
		r = e.do("POST", "/api/v1/users", e.adminToken, map[string]any{"email": "x@example.org", "name": "Xu"})
		if r.status != 201 || r.json(t)["email"] != "x@example.org" || r.header.Get("Location") == "" {
			t.Fatalf("add user: %d %s", r.status, r.body)
		}

		// Tokens: each person manages their own.
		r = e.do("POST", "/api/v1/me/tokens", memberToken, map[string]any{"name": "script"})
		if r.status != 201 {
			t.Fatalf("create token: %d %s", r.status, r.body)
		}
		secret := r.json(t)["token"].(string)
		tid := int64(r.json(t)["id"].(float64))
		if r := e.do("GET", "/api/v1/me", secret, nil); r.status != 200 {
			t.Fatalf("new token does not work: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/me/tokens", memberToken, nil); r.status != 200 || strings.Contains(string(r.body), secret) || !strings.Contains(string(r.body), "script") {
			t.Fatalf("list tokens: %d %s", r.status, r.body)
		}
		if r := e.do("DELETE", "/api/v1/me/tokens/"+itoa(tid), leadToken, nil); r.status != 404 {
			t.Fatalf("revoking another's token: %d", r.status)
		}
		if r := e.do("POST", "/api/v1/me/tokens", memberToken, `{"name":"a\u0000"}`); r.status != 422 {
			t.Fatalf("NUL in a token name: %d", r.status)
		}
		if r := e.do("DELETE", "/api/v1/me/tokens/"+itoa(tid), memberToken, nil); r.status != 204 {
			t.Fatalf("revoke token: %d", r.status)
		}
		if r := e.do("GET", "/api/v1/me", secret, nil); r.status != 401 {
			t.Fatalf("revoked token still works: %d", r.status)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestWebInvitationAndPasswordReset(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s).withLinks()
		e.community("ruby", "Ruby")
		admin := e.browser()
		admin.login(e.admin.Email, testPassword)
		if r := admin.get("/admin/invitations"); r.status != 200 {
			t.Fatalf("admin invitations page: %d", r.status)
		}
		r := admin.post("/admin/invitations/bulk", url.Values{"list": {"nia@example.org,Nia New,ruby,contact\nbad,,ruby"}, "action": {"preview"}})
		if r.status != 422 || !strings.Contains(string(r.body), "must be an email address") {
			t.Fatalf("bulk preview with a bad line: %d", r.status)
		}
		r = admin.post("/admin/invitations/bulk", url.Values{"list": {"nia@example.org,Nia New,ruby,contact"}, "action": {"send"}})
		if r.status != http.StatusSeeOther || e.rows("invitations") != 1 {
			t.Fatalf("bulk send: %d %s", r.status, r.body)
		}
		link := e.mailedLink("nia@example.org", "/invitations/")
		visitor := e.browser()
		if r := visitor.get(link + "x"); r.status != 422 {
			t.Fatalf("tampered link page: %d", r.status)
		}
		if r := visitor.get(link); r.status != 200 || !strings.Contains(string(r.body), "Ruby") {
			t.Fatalf("invitation page: %d", r.status)
		}
		r = visitor.post(link, url.Values{"name": {"Nia New"}, "password": {"long enough password"}, "confirm_password": {"different password"}})
		if r.status != 422 || e.rows("users") != 1 {
			t.Fatalf("mismatched passwords: %d", r.status)
		}
		r = visitor.post(link, url.Values{"name": {"Nia New"}, "password": {"long enough password"}, "confirm_password": {"long enough password"}})
		if r.status != http.StatusSeeOther || r.header.Get("Location") != "/communities/ruby" {
			t.Fatalf("accept: %d %s", r.status, r.body)
		}
		if r := visitor.get("/account"); r.status != 200 || !strings.Contains(string(r.body), "Ruby") {
			t.Fatalf("signed in after accepting: %d", r.status)
		}
		if r := e.browser().post(link, url.Values{"name": {"X"}, "password": {"long enough password"}, "confirm_password": {"long enough password"}}); r.status != 409 {
			t.Fatalf("reused link: %d", r.status)
		}

		// Password reset: the same answer for any address; the link signs in and ends other sessions.
		other := e.browser()
		if r := other.login("nia@example.org", "long enough password"); r.status != http.StatusSeeOther {
			t.Fatalf("second session: %d", r.status)
		}
		anon := e.browser()
		a := anon.post("/password-reset", url.Values{"email": {"nobody@example.org"}})
		b := anon.post("/password-reset", url.Values{"email": {"nia@example.org"}})
		if a.status != b.status || a.header.Get("Location") != b.header.Get("Location") {
			t.Fatalf("answers differ: %d %s / %d %s", a.status, a.header.Get("Location"), b.status, b.header.Get("Location"))
		}
		reset := e.mailedLink("nia@example.org", "/password-reset/")
		if r := anon.get(reset); r.status != 200 {
			t.Fatalf("reset page: %d", r.status)
		}
		r = anon.post(reset, url.Values{"password": {"a brand new password"}, "confirm_password": {"a brand new password"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("reset: %d %s", r.status, r.body)
		}
		if r := anon.get("/account"); r.status != 200 {
			t.Fatalf("not signed in after the reset: %d", r.status)
		}
		if r := other.get("/account"); r.status == 200 {
			t.Fatal("the other session survived the reset")
		}
		if r := anon.post(reset, url.Values{"password": {"another new password"}, "confirm_password": {"another new password"}}); r.status != 422 {
			t.Fatalf("reused reset link: %d", r.status)
		}
	})
}
