package server_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// signedOut asserts a browser's old session no longer signs it in: the
// account page sends it to sign in.
func signedOut(t *testing.T, b *browser, who string) {
	t.Helper()
	if r := b.get("/account"); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/login") {
		t.Fatalf("%s: the old session still works (%d %s)", who, r.status, r.header.Get("Location"))
	}
}

func signedIn(t *testing.T, b *browser, who string) {
	t.Helper()
	if r := b.get("/account"); r.status != 200 {
		t.Fatalf("%s: the session was ended (%d %s)", who, r.status, r.header.Get("Location"))
	}
}

func tokenWorks(e *env, token string) bool {
	return e.do("GET", "/api/v1/me", token, nil).status == 200
}

// publicFeed returns the calendar feed path of a public consortium, which
// answers 404 to a key that is not (or no longer) valid.
func publicFeed(t *testing.T, e *env) string {
	t.Helper()
	ctx := context.Background()
	if err := e.app.ConfigureNotifications(ctx, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Open work", Problem: "p", Visibility: model.VisibilityPublic}); err != nil {
		t.Fatal(err)
	}
	return "/consortia/open-work/meetings.ics?key="
}

// currentCalendarKey is u's calendar key as of now, escaped for a URL.
func currentCalendarKey(t *testing.T, e *env, u *model.User) string {
	t.Helper()
	fresh, err := e.store.UserByID(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return url.QueryEscape(e.app.CalendarKey(fresh))
}

func TestPasswordChangeEndsOtherSessions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		u := e.user("member@example.org", "Mo Member", model.RoleMember)
		here, elsewhere := e.browser(), e.browser()
		here.login(u.Email, testPassword)
		elsewhere.login(u.Email, testPassword)
		kept, revoked := e.token(u), e.token(u)

		// Without the box ticked the tokens stay.
		r := here.post("/account/password", url.Values{"current_password": {testPassword}, "new_password": {"a new passphrase"}, "confirm_password": {"a new passphrase"}})
		if r.status != 303 {
			t.Fatalf("change password: %d %s", r.status, r.body)
		}
		has(t, here.get("/account"), "Your password was changed and your other sessions were signed out.",
			`name="revoke_tokens" value="1" checked`)
		signedIn(t, here, "the session that changed the password")
		signedOut(t, elsewhere, "another session")
		if !tokenWorks(e, kept) {
			t.Fatal("a token was revoked though the box was not ticked")
		}

		// With it ticked (the default) every token goes.
		elsewhere.login(u.Email, "a new passphrase")
		r = here.post("/account/password", url.Values{"current_password": {"a new passphrase"}, "new_password": {"another passphrase"},
			"confirm_password": {"another passphrase"}, "revoke_tokens": {"1"}})
		if r.status != 303 {
			t.Fatalf("change password again: %d %s", r.status, r.body)
		}
		signedIn(t, here, "the session that changed the password")
		signedOut(t, elsewhere, "another session")
		for _, tok := range []string{kept, revoked} {
			if res := e.do("GET", "/api/v1/me", tok, nil); res.status != 401 {
				t.Fatalf("token after a password change with revocation: %d", res.status)
			}
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		u := e.user("member@example.org", "Mo Member", model.RoleMember)
		here, elsewhere, other := e.browser(), e.browser(), e.browser()
		here.login(u.Email, testPassword)
		elsewhere.login(u.Email, testPassword)
		other.login("admin@example.org", testPassword)
		has(t, here.get("/account"), `action="/account/sign-out-everywhere"`, "Sign out everywhere")

		r := here.post("/account/sign-out-everywhere", nil)
		if r.status != 303 || r.header.Get("Location") != "/login" {
			t.Fatalf("sign out everywhere: %d %s", r.status, r.header.Get("Location"))
		}
		has(t, here.get("/login"), "You were signed out on every device.")
		signedOut(t, here, "this session")
		signedOut(t, elsewhere, "another session")
		signedIn(t, other, "someone else's session")
		if r := here.login(u.Email, testPassword); r.status != 303 {
			t.Fatalf("sign in again: %d", r.status)
		}
		signedIn(t, here, "a new session")
		// Without a session there is nothing to sign out of.
		if r := e.browser().post("/account/sign-out-everywhere", nil); r.status != 401 {
			t.Fatalf("anonymous sign out everywhere: %d", r.status)
		}
	})
}

// TestDisablingEndsSessionsTokensAndCalendarLinksForGood: enabling the
// account again revives none of them.
func TestDisablingEndsSessionsTokensAndCalendarLinksForGood(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		feed := publicFeed(t, e)
		u := e.user("member@example.org", "Mo Member", model.RoleMember)
		b := e.browser()
		b.login(u.Email, testPassword)
		tok := e.token(u)
		key := url.QueryEscape(e.app.CalendarKey(u))
		if r := e.do("GET", feed+key, "", nil); r.status != 200 {
			t.Fatalf("calendar key before: %d", r.status)
		}
		admin := e.browser()
		admin.login("admin@example.org", testPassword)
		for _, action := range []string{"disable", "enable"} {
			if r := admin.post("/admin/users/"+idOf(u)+"/"+action, nil); r.status != 303 {
				t.Fatalf("%s: %d", action, r.status)
			}
		}
		signedOut(t, b, "a session from before the account was disabled")
		if res := e.do("GET", "/api/v1/me", tok, nil); res.status != 401 {
			t.Fatalf("token from before the account was disabled: %d", res.status)
		}
		if r := e.do("GET", feed+key, "", nil); r.status != 404 {
			t.Fatalf("calendar key from before the account was disabled: %d", r.status)
		}
		if n := e.count("api_tokens WHERE user_id = " + idOf(u)); n != 0 {
			t.Fatalf("%d tokens left after disabling", n)
		}
		// The person starts afresh.
		if r := b.login(u.Email, testPassword); r.status != 303 {
			t.Fatalf("sign in after enabling: %d", r.status)
		}
		signedIn(t, b, "a new session")
		if r := e.do("GET", feed+currentCalendarKey(t, e, u), "", nil); r.status != 200 {
			t.Fatalf("new calendar key: %d", r.status)
		}
	})
}

func TestNewCalendarLinkRetiresOldKeys(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		feed := publicFeed(t, e)
		u := e.user("member@example.org", "Mo Member", model.RoleMember)
		old := url.QueryEscape(e.app.CalendarKey(u))
		if r := e.do("GET", feed+old, "", nil); r.status != 200 {
			t.Fatalf("key before: %d", r.status)
		}
		b := e.browser()
		b.login(u.Email, testPassword)
		has(t, b.get("/account"), `action="/account/calendar-key"`, "New calendar link")
		if r := b.post("/account/calendar-key", nil); r.status != 303 {
			t.Fatalf("new calendar link: %d", r.status)
		}
		has(t, b.get("/account"), "Your old calendar links no longer work.")
		if r := e.do("GET", feed+old, "", nil); r.status != 404 {
			t.Fatalf("old key after rotation: %d", r.status)
		}
		if r := e.do("GET", feed+currentCalendarKey(t, e, u), "", nil); r.status != 200 {
			t.Fatalf("new key: %d", r.status)
		}
		if r := e.browser().post("/account/calendar-key", nil); r.status != 401 {
			t.Fatalf("anonymous new calendar link: %d", r.status)
		}
		// Someone else's links are untouched.
		if r := e.do("GET", feed+url.QueryEscape(e.app.CalendarKey(e.admin)), "", nil); r.status != 200 {
			t.Fatalf("another person's key: %d", r.status)
		}
	})
}

func idOf(u *model.User) string { return strconv.FormatInt(u.ID, 10) }
