package server_test

import (
	"net/url"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestSignInRedirectStaysOnSite: after signing in, a "next" that a browser
// would turn into another origin (it drops the tab of "/\t/evil.example")
// sends the person to the start page; a path of ours is kept.
func TestSignInRedirectStaysOnSite(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		for next, want := range map[string]string{
			"/\t/evil.example/x":   "/",
			"/%09/evil.example":    "/",
			"/\\evil.example":      "/",
			"//evil.example":       "/",
			"https://evil.example": "/",
			"/consortia/x?tab=1#a": "/consortia/x?tab=1#a",
		} {
			r := e.browser().post("/login", url.Values{"email": {"admin@example.org"}, "password": {testPassword}, "next": {next}})
			if r.status != 303 || r.header.Get("Location") != want {
				t.Errorf("next %q: %d Location %q, want %q", next, r.status, r.header.Get("Location"), want)
			}
		}
		b := e.browser()
		b.login("admin@example.org", testPassword)
		if r := b.get("/login?next=" + url.QueryEscape("/\\evil.example")); r.header.Get("Location") != "/" {
			t.Errorf("signed in, GET /login: Location %q", r.header.Get("Location"))
		}
	})
}
