package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// reader is who reads in the visibility table.
type reader int

const (
	anonymous reader = iota
	member           // signed in, takes part in no consortium
	staff
	disabled // an account disabled after it signed in
)

var readers = []reader{anonymous, member, staff, disabled}

func (r reader) String() string {
	return [...]string{"anonymous", "member", "staff", "disabled"}[r]
}

// TestVisibilityTable: one table of what each reader may see, checked at
// the use case (app) and through both HTTP surfaces (the JSON API and the
// pages). A disabled account reads as an anonymous visitor in app and on
// the pages (its session no longer counts); its API token is refused.
func TestVisibilityTable(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		mona := e.user("mona@example.org", "Mona Member", model.RoleMember)
		dora := e.user("dora@example.org", "Dora Disabled", model.RoleMember)
		quiet, err := e.app.CreateNarrative(ctx, e.admin, model.NarrativeInput{Slug: "quiet-story", Title: "Quiet Story", Story: "Not yet public."})
		if err != nil {
			t.Fatal(err)
		}
		open, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Slug: "open-init", Title: "Open initiative", HoursLow: 1, HoursHigh: 2, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Slug: "hidden-init", Title: "Hidden initiative", HoursLow: 1, HoursHigh: 2}); err != nil {
			t.Fatal(err)
		}
		if err := e.app.LinkInitiative(ctx, e.admin, quiet.Slug, open.Slug, true); err != nil {
			t.Fatal(err)
		}
		for _, c := range []model.ConsortiumInput{
			{Slug: "members-c", Name: "Members Circle", Problem: "Shared.", Visibility: model.VisibilityMembers},
			{Slug: "private-c", Name: "Private Circle", Problem: "Shared.", Visibility: model.VisibilityPrivate, InitiativeIDs: []int64{open.ID}},
		} {
			if _, err := e.app.ProposeConsortium(ctx, e.admin, c); err != nil {
				t.Fatal(err)
			}
		}

		tokens := map[reader]string{member: e.token(mona), staff: e.adminToken, disabled: e.token(dora)}
		browsers := map[reader]*browser{anonymous: e.browser(), member: e.browser(), staff: e.browser(), disabled: e.browser()}
		for r, who := range map[reader]string{member: mona.Email, staff: e.admin.Email, disabled: dora.Email} {
			if res := browsers[r].login(who, testPassword); res.status != 303 {
				t.Fatalf("%s signs in: %d", r, res.status)
			}
		}
		if _, err := e.app.SetUserDisabled(ctx, e.admin, dora.ID, true); err != nil {
			t.Fatal(err)
		}
		if dora, err = e.store.UserByID(ctx, dora.ID); err != nil || dora.DisabledAt == nil {
			t.Fatalf("dora is not disabled: %v", err)
		}
		actors := map[reader]*model.User{anonymous: nil, member: mona, staff: e.admin, disabled: dora}

		initiative := func(ref string) func(*model.User) (any, error) {
			return func(u *model.User) (any, error) { return e.app.GetInitiative(ctx, u, ref) }
		}
		consortium := func(ref string) func(*model.User) (any, error) {
			return func(u *model.User) (any, error) { return e.app.GetConsortium(ctx, u, ref) }
		}
		rows := []struct {
			what     string
			app      func(*model.User) (any, error)
			api, web string
			// secret is shown exactly to the readers in sees; when whole,
			// the others get 404 (the thing is not visible at all).
			secret string
			whole  bool
			sees   []reader
		}{
			{"a non-public initiative", initiative("hidden-init"), "/api/v1/initiatives/hidden-init", "/initiatives/hidden-init",
				"Hidden initiative", true, []reader{member, staff}},
			{"a members-only consortium", consortium("members-c"), "/api/v1/consortia/members-c", "/consortia/members-c",
				"Members Circle", true, []reader{member, staff}},
			{"a private consortium", consortium("private-c"), "/api/v1/consortia/private-c", "/consortia/private-c",
				"Private Circle", true, []reader{staff}},
			{"a public initiative's link to a private consortium", initiative("open-init"), "/api/v1/initiatives/open-init", "/initiatives/open-init",
				"Private Circle", false, []reader{staff}},
			{"a public initiative's link to a non-public narrative", initiative("open-init"), "/api/v1/initiatives/open-init", "/initiatives/open-init",
				"Quiet Story", false, []reader{member, staff}},
			{"a public initiative's author", initiative("open-init"), "/api/v1/initiatives/open-init", "/initiatives/open-init",
				"Ada Admin", false, []reader{member, staff}},
		}
		for _, row := range rows {
			for _, r := range readers {
				sees := false
				for _, x := range row.sees {
					sees = sees || x == r
				}
				// The use case.
				v, err := row.app(actors[r])
				switch {
				case !sees && row.whole:
					if model.ErrorCode(err) != model.ENotFound {
						t.Errorf("app, %s, %s: want not found, got %v", row.what, r, err)
					}
				case err != nil:
					t.Errorf("app, %s, %s: %v", row.what, r, err)
				default:
					b, _ := json.Marshal(v)
					if strings.Contains(string(b), row.secret) != sees {
						t.Errorf("app, %s, %s: shows %q: %v, want %v", row.what, r, row.secret, !sees, sees)
					}
				}
				// The pages.
				res := browsers[r].get(row.web)
				checkSurface(t, "web", row.what, r, res, row.secret, row.whole, sees)
				// The API.
				res = e.do("GET", row.api, tokens[r], nil)
				if r == disabled {
					if res.status != 401 {
						t.Errorf("api, %s, %s: status %d, want 401 for a disabled account's token", row.what, r, res.status)
					}
					continue
				}
				checkSurface(t, "api", row.what, r, res, row.secret, row.whole, sees)
			}
		}
	})
}

func checkSurface(t *testing.T, surface, what string, r reader, res response, secret string, whole, sees bool) {
	t.Helper()
	switch {
	case !sees && whole:
		if res.status != 404 {
			t.Errorf("%s, %s, %s: status %d, want 404", surface, what, r, res.status)
		}
		if strings.Contains(string(res.body), secret) {
			t.Errorf("%s, %s, %s: the 404 shows %q", surface, what, r, secret)
		}
	case res.status != 200:
		t.Errorf("%s, %s, %s: status %d, want 200", surface, what, r, res.status)
	case strings.Contains(string(res.body), secret) != sees:
		t.Errorf("%s, %s, %s: shows %q: %v, want %v", surface, what, r, secret, !sees, sees)
	}
}
