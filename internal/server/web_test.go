package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func has(t *testing.T, r response, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(string(r.body), w) {
			t.Errorf("page (status %d) lacks %q", r.status, w)
		}
	}
}

func TestWebSignInAndSignOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		b := e.browser()
		r := b.get("/login")
		has(t, r, `<label for="email">Email</label>`, `autocomplete="current-password"`)

		r = b.login("admin@example.org", "wrong password")
		if r.status != 401 {
			t.Fatalf("wrong password: %d", r.status)
		}
		has(t, r, "The email or password is not correct.", `value="admin@example.org"`)

		r = b.login("ADMIN@example.org ", testPassword)
		if r.status != 303 || r.header.Get("Location") != "/" {
			t.Fatalf("sign in: %d %s", r.status, r.header.Get("Location"))
		}
		cookie := r.header.Get("Set-Cookie")
		for _, flag := range []string{"consortia_session=", "HttpOnly", "SameSite=Lax", "Path=/"} {
			if !strings.Contains(cookie, flag) {
				t.Errorf("session cookie %q lacks %s", cookie, flag)
			}
		}
		has(t, b.get("/"), "Hello, Ada Admin", "Welcome back, Ada Admin.")
		// The session token is stored hashed.
		token := strings.TrimPrefix(strings.Split(cookie, ";")[0], "consortia_session=")
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = '` + token + `'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("raw session token in the database (n=%d, %v)", n, err)
		}

		if r := b.post("/logout", nil); r.status != 303 {
			t.Fatalf("sign out: %d", r.status)
		}
		if r := b.get("/people"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login?next=%2Fpeople") {
			t.Fatalf("people after sign-out: %d %s", r.status, r.header.Get("Location"))
		}
		// Redirects after sign-in stay on this site.
		r = b.post("/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}, "next": {"//evil.example/"}})
		if r.header.Get("Location") != "/" {
			t.Fatalf("open redirect to %q", r.header.Get("Location"))
		}
	})
}

func TestWebLoginRateLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		b := e.browser()
		for i := range 5 {
			if r := b.login("admin@example.org", fmt.Sprint("guess ", i)); r.status != 401 {
				t.Fatalf("attempt %d: %d", i, r.status)
			}
		}
		// Even the right password is refused while the account is limited.
		r := b.login("admin@example.org", testPassword)
		if r.status != 429 {
			t.Fatalf("sixth attempt: %d", r.status)
		}
		has(t, r, "Too many failed sign-in attempts")
		// Another account from the same address still works (per-account limit)…
		e.user("other@example.org", "Other", model.RoleMember)
		if r := e.browser().login("other@example.org", testPassword); r.status != 303 {
			t.Fatalf("other account: %d", r.status)
		}
		// …until the address itself reaches its limit.
		for i := range 15 {
			e.browser().login(fmt.Sprintf("nobody%d@example.org", i), "x")
		}
		if r := e.browser().login("other@example.org", testPassword); r.status != 429 {
			t.Fatalf("address limit: %d", r.status)
		}
	})
}

func TestWebCSRFProtection(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	b := e.browser()
	b.login("admin@example.org", testPassword)
	before := e.count("communities")
	req, _ := http.NewRequest("POST", e.srv.URL+"/communities", strings.NewReader("name=Evil&kind=other"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := b.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 || e.count("communities") != before {
		t.Fatalf("cross-site post: %d, communities %d→%d", res.StatusCode, before, e.count("communities"))
	}
}

func TestWebCommunityForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		admin := e.browser()
		admin.login("admin@example.org", testPassword)

		// Invalid input re-renders the form with messages beside the fields.
		before := e.count("communities")
		r := admin.post("/communities", url.Values{"name": {""}, "slug": {"Bad Slug"}, "kind": {"castle"}, "website": {"ftp://x"}})
		if r.status != 422 || e.count("communities") != before {
			t.Fatalf("invalid form: %d", r.status)
		}
		has(t, r, `id="name-error"`, "is required", `id="kind-error"`, `id="website-error"`, `aria-invalid="true"`)

		form := url.Values{"name": {"Riverbend College"}, "kind": {"university"}, "website": {"https://riverbend.example.edu"},
			"description": {"**Bold** <script>alert(1)</script>"}, "tags": {"Education, cloud-costs"}, "tier": {"essential"}, "member_since": {"2024-08-15"}}
		r = admin.post("/communities", form)
		if r.status != 303 || r.header.Get("Location") != "/communities/riverbend-college" {
			t.Fatalf("create: %d %s %s", r.status, r.header.Get("Location"), r.body)
		}
		r = admin.get("/communities/riverbend-college")
		has(t, r, "Riverbend College was added.", "<strong>Bold</strong>", "Essential member", "15 Aug 2024", `href="/communities?tag=cloud-costs"`)
		if strings.Contains(string(r.body), "<script>alert") {
			t.Fatal("user Markdown was not sanitized")
		}
		// The same slug again is a conflict shown on the form.
		r = admin.post("/communities", form)
		if r.status != 409 {
			t.Fatalf("duplicate: %d", r.status)
		}
		has(t, r, "is already taken")

		// A member who is not the lead cannot edit; once lead, they can,
		// but not the membership tier.
		lead := e.user("lead@example.org", "Lena Lead", model.RoleMember)
		lb := e.browser()
		lb.login("lead@example.org", testPassword)
		if r := lb.get("/communities/riverbend-college/edit"); r.status != 403 {
			t.Fatalf("non-lead edit form: %d", r.status)
		}
		r = admin.post("/communities/riverbend-college/people", url.Values{"email": {"lead@example.org"}, "role": {"lead"}})
		if r.status != 303 {
			t.Fatalf("add lead: %d %s", r.status, r.body)
		}
		r = lb.get("/communities/riverbend-college/edit")
		if r.status != 200 {
			t.Fatalf("lead edit form: %d", r.status)
		}
		has(t, r, `name="version" value="1"`, "Only staff can change the tier")
		edit := url.Values{"version": {"1"}, "name": {"Riverbend Community College"}, "slug": {"riverbend-college"}, "kind": {"university"},
			"tags": {"education"}, "tier": {"essential"}, "member_since": {"2024-08-15"}, "description": {"Updated."}}
		if r := lb.post("/communities/riverbend-college/edit", edit); r.status != 303 {
			t.Fatalf("lead edit: %d %s", r.status, r.body)
		}
		edit.Set("version", "2")
		edit.Set("tier", "premium")
		if r := lb.post("/communities/riverbend-college/edit", edit); r.status != 403 {
			t.Fatalf("lead tier change: %d", r.status)
		}
		// A stale version is refused with a clear message.
		edit.Set("version", "1")
		edit.Set("tier", "essential")
		r = lb.post("/communities/riverbend-college/edit", edit)
		if r.status != 409 {
			t.Fatalf("stale edit: %d", r.status)
		}
		has(t, r, "changed by someone else")
		v, err := e.app.GetCommunity(context.Background(), lead, "riverbend-college")
		if err != nil || v.Name != "Riverbend Community College" || v.Tier != "essential" || !v.CanEdit {
			t.Fatalf("after edits: %+v %v", v, err)
		}

		// Archive: members cannot, admins can; visitors then get 404.
		if r := lb.post("/communities/riverbend-college/archive", nil); r.status != 403 {
			t.Fatalf("lead archive: %d", r.status)
		}
		if r := admin.post("/communities/riverbend-college/archive", nil); r.status != 303 {
			t.Fatalf("archive: %d", r.status)
		}
		if r := e.browser().get("/communities/riverbend-college"); r.status != 404 {
			t.Fatalf("archived page for visitors: %d", r.status)
		}
		has(t, admin.get("/communities/riverbend-college"), "was archived on")
	})
}

func TestWebCommunityListFilters(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	for i := range 15 {
		e.community(fmt.Sprintf("uni-%02d", i), fmt.Sprintf("University %02d", i))
	}
	ctx := context.Background()
	if _, err := e.app.CreateCommunity(ctx, e.admin, model.CommunityInput{Name: "Ocean Lab", Kind: "research-collaboration", Tags: []string{"ocean"}}); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	r := b.get("/communities")
	has(t, r, "16 communities.", `rel="next"`, "Page 1 of 2")
	r = b.get("/communities?tag=ocean")
	has(t, r, "1 community", "Ocean Lab")
	if strings.Contains(string(r.body), "University 00") {
		t.Error("tag filter let other communities through")
	}
	has(t, b.get("/communities?kind=research-collaboration"), "Ocean Lab")
	r = b.get("/communities?q=zzz")
	has(t, r, "No communities match.", "Clear the filters")
}

func TestWebPermissionsAndErrors(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	e.user("member@example.org", "Mo Member", model.RoleMember)
	visitor := e.browser()
	for _, path := range []string{"/people", "/account", "/admin/users", "/admin/audit", "/communities/new"} {
		if r := visitor.get(path); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login?next=") {
			t.Errorf("visitor %s: %d %s", path, r.status, r.header.Get("Location"))
		}
	}
	m := e.browser()
	m.login("member@example.org", testPassword)
	for _, path := range []string{"/admin/users", "/admin/audit", "/admin/audit.csv", "/communities/new"} {
		if r := m.get(path); r.status != 403 {
			t.Errorf("member %s: %d", path, r.status)
		}
	}
	if r := m.post("/admin/users", url.Values{"email": {"x@example.org"}, "name": {"X"}, "password": {"long enough pw"}}); r.status != 403 {
		t.Errorf("member creating an account: %d", r.status)
	}
	has(t, m.get("/people"), "Mo Member", "Ada Admin")
	r := visitor.get("/no/such/page")
	if r.status != 404 {
		t.Errorf("unknown page: %d", r.status)
	}
	has(t, r, "There is no page at /no/such/page.")
}

func TestWebAccountPasswordAndTokens(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	u := e.user("member@example.org", "Mo Member", model.RoleMember)
	b := e.browser()
	b.login("member@example.org", testPassword)

	r := b.post("/account/password", url.Values{"current_password": {"nope"}, "new_password": {"a new passphrase"}, "confirm_password": {"a new passphrase"}})
	if r.status != 422 {
		t.Fatalf("wrong current password: %d", r.status)
	}
	has(t, r, `id="current_password-error"`)
	r = b.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"short"}, "confirm_password": {"short"}})
	if r.status != 422 {
		t.Fatalf("short password: %d", r.status)
	}
	has(t, r, "at least 10 characters")
	r = b.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a new passphrase"}, "confirm_password": {"a new passphrase"}})
	if r.status != 303 {
		t.Fatalf("change password: %d %s", r.status, r.body)
	}
	if r := e.browser().login("member@example.org", "a new passphrase"); r.status != 303 {
		t.Fatalf("sign in with the new password: %d", r.status)
	}

	r = b.post("/account/tokens", url.Values{"name": {"reporting"}})
	if r.status != 201 {
		t.Fatalf("create token: %d", r.status)
	}
	body := string(r.body)
	i := strings.Index(body, `value="cst_`)
	if i < 0 {
		t.Fatal("new token not shown")
	}
	token := body[i+7 : i+7+strings.Index(body[i+7:], `"`)]
	res := e.do("GET", "/api/v1/me", token, nil)
	if res.status != 200 || res.json(t)["email"] != "member@example.org" {
		t.Fatalf("token from the page: %d %s", res.status, res.body)
	}
	has(t, b.get("/account"), "reporting", "cst_")
	if strings.Contains(string(b.get("/account").body), token) {
		t.Fatal("the token is shown again after creation")
	}
	toks, _ := e.store.ListAPITokens(context.Background(), u.ID)
	if r := b.post(fmt.Sprintf("/account/tokens/%d/revoke", toks[0].ID), nil); r.status != 303 {
		t.Fatalf("revoke: %d", r.status)
	}
	if res := e.do("GET", "/api/v1/me", token, nil); res.status != 401 {
		t.Fatalf("revoked token still works: %d", res.status)
	}
}

func TestWebAdminAccountsAndAudit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		b := e.browser()
		b.login("admin@example.org", testPassword)
		r := b.post("/admin/users", url.Values{"email": {"not-an-email"}, "name": {""}, "role": {"member"}, "password": {"x"}})
		if r.status != 422 {
			t.Fatalf("invalid account: %d", r.status)
		}
		has(t, r, `id="new-email-error"`, `id="new-name-error"`, `id="new-password-error"`)
		r = b.post("/admin/users", url.Values{"email": {"New.Person@Example.org"}, "name": {"Nia New"}, "role": {"member"}, "password": {"a long password"}})
		if r.status != 303 {
			t.Fatalf("create account: %d %s", r.status, r.body)
		}
		u, err := e.store.UserByEmail(context.Background(), "new.person@example.org")
		if err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprint(u.ID)
		if r := b.post("/admin/users/"+id+"/disable", nil); r.status != 303 {
			t.Fatalf("disable: %d", r.status)
		}
		if r := e.browser().login("new.person@example.org", "a long password"); r.status != 403 {
			t.Fatalf("disabled account signs in: %d", r.status)
		}
		// The last admin cannot demote themselves.
		r = b.post(fmt.Sprintf("/admin/users/%d", e.admin.ID), url.Values{"name": {"Ada"}, "email": {"admin@example.org"}, "role": {"member"}})
		if r.status != 409 {
			t.Fatalf("demote last admin: %d", r.status)
		}

		r = b.get("/admin/audit?entity_type=user&action=user.disable")
		has(t, r, "1 entry", "user.disable")
		r = b.get("/admin/audit.csv?action=user.disable")
		if r.status != 200 || !strings.HasPrefix(string(r.body), "id,at,actor_id,actor_name,action,entity_type,entity_id,before,after\n") ||
			!strings.Contains(string(r.body), ",Ada Admin,user.disable,user,"+id+",") || r.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("csv: %d %s", r.status, r.body)
		}
		r = b.get("/admin/audit.json")
		var entries []model.AuditEntry
		if err := json.Unmarshal(r.body, &entries); err != nil || len(entries) < 3 {
			t.Fatalf("json export: %v %d", err, len(entries))
		}
		var disabled map[string]any
		for _, en := range entries {
			if en.Action == "user.disable" {
				_ = json.Unmarshal(en.After, &disabled)
			}
		}
		if disabled["disabled_at"] == nil {
			t.Fatalf("audit lacks the after value: %v", disabled)
		}
	})
}

// TestTwoInstancesShareSessions runs two app instances, each with its own
// connection pool, on one database, as a scaled-out deployment does: a
// session made on one works on the other.
func TestTwoInstancesShareSessions(t *testing.T) {
	for _, d := range storagetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			dbURL := storagetest.URL(t, d)
			open := func() *storage.Store {
				s, err := storage.Open(context.Background(), dbURL)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if _, err := s.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				return s
			}
			a := newEnv(t, open())
			b := newServerEnv(t, open())
			ba := a.browser()
			if r := ba.login("admin@example.org", testPassword); r.status != 303 {
				t.Fatalf("sign in on A: %d", r.status)
			}
			ua, _ := url.Parse(a.srv.URL)
			ub, _ := url.Parse(b.srv.URL)
			bb := b.browser()
			bb.client.Jar.SetCookies(ub, ba.client.Jar.Cookies(ua))
			has(t, bb.get("/"), "Hello, Ada Admin")
			if r := bb.post("/logout", nil); r.status != 303 {
				t.Fatalf("sign out on B: %d", r.status)
			}
			if r := ba.get("/people"); r.status != 303 {
				t.Fatalf("session still valid on A after sign-out on B: %d", r.status)
			}
		})
	}
}
