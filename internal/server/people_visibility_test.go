package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestPeopleAccountDetailsVisibility: a person's email address, account
// role and sign-in times are shown to staff, to the person and to the leads
// of their communities only — on the API's people endpoints, the
// community's people, the web people pages and in search results; everyone
// else signed in sees names and community roles.
func TestPeopleAccountDetailsVisibility(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		e.community("alpha", "Alpha University")
		e.community("beta", "Beta Lab")
		affiliate := func(u *model.User, slug, role string) {
			if _, err := e.app.SetAffiliation(ctx, e.admin, slug, u.Email, role); err != nil {
				t.Fatal(err)
			}
		}
		// The person everyone looks at; their address shares nothing with
		// their name, so a search by address is told apart.
		subject := e.user("quiet-handle@alpha.example", "Sam Subject", model.RoleMember)
		affiliate(subject, "alpha", model.AffiliationMember)
		e.browser().login(subject.Email, testPassword) // sets the last sign-in
		leadAlpha := e.user("lead@alpha.example", "Lee Alpha", model.RoleMember)
		affiliate(leadAlpha, "alpha", model.AffiliationLead)
		leadBeta := e.user("lead@beta.example", "Lou Beta", model.RoleMember)
		affiliate(leadBeta, "beta", model.AffiliationLead)
		memberBeta := e.user("member@beta.example", "Mo Beta", model.RoleMember)
		affiliate(memberBeta, "beta", model.AffiliationMember)

		viewers := []struct {
			name string
			user *model.User
			sees bool
		}{
			{"staff", e.admin, true},
			{"the person", subject, true},
			{"a lead of their community", leadAlpha, true},
			{"a lead of another community", leadBeta, false},
			{"a member of another community", memberBeta, false},
		}
		for _, v := range viewers {
			t.Run(v.name, func(t *testing.T) {
				tok := e.token(v.user)
				check := func(where string, p map[string]any) {
					t.Helper()
					_, hasEmail := p["email"]
					_, hasLogin := p["last_login_at"]
					_, hasRole := p["role"]
					_, hasCreated := p["created_at"]
					if hasEmail != v.sees || hasLogin != v.sees || hasRole != v.sees || hasCreated != v.sees {
						t.Errorf("%s: email %v, last sign-in %v, role %v, created %v; want all %v: %v", where, hasEmail, hasLogin, hasRole, hasCreated, v.sees, p)
					}
					if p["name"] != "Sam Subject" {
						t.Errorf("%s: name %v", where, p["name"])
					}
					affs, _ := p["affiliations"].([]any)
					if len(affs) != 1 || affs[0].(map[string]any)["role"] != model.AffiliationMember {
						t.Errorf("%s: community roles %v", where, p["affiliations"])
					}
				}
				noAddress := func(where string, body []byte) {
					t.Helper()
					if !v.sees && strings.Contains(string(body), subject.Email) {
						t.Errorf("%s shows the address: %.400s", where, body)
					}
				}

				r := e.do("GET", fmt.Sprintf("/api/v1/people/%d", subject.ID), tok, nil)
				wantStatus(t, "get person", r, 200)
				check("GET /people/{id}", r.json(t))
				noAddress("GET /people/{id}", r.body)

				r = e.do("GET", "/api/v1/people?per_page=100", tok, nil)
				wantStatus(t, "list people", r, 200)
				var list struct {
					Items []map[string]any `json:"items"`
				}
				if err := json.Unmarshal(r.body, &list); err != nil {
					t.Fatal(err)
				}
				found := false
				for _, p := range list.Items {
					if int64(p["id"].(float64)) == subject.ID {
						found = true
						check("GET /people", p)
					}
				}
				if !found {
					t.Fatalf("GET /people lacks the person: %s", r.body)
				}
				noAddress("GET /people", r.body)

				// A search matches only addresses the viewer may see.
				r = e.do("GET", "/api/v1/people?q=quiet-handle", tok, nil)
				if total := int(r.json(t)["total"].(float64)); total != map[bool]int{true: 1, false: 0}[v.sees] {
					t.Errorf("search by a hidden address found %d: %s", total, r.body)
				}

				r = e.do("GET", "/api/v1/communities/alpha", tok, nil)
				wantStatus(t, "community", r, 200)
				if !strings.Contains(string(r.body), "Sam Subject") {
					t.Errorf("the community's people lack the person: %s", r.body)
				}
				noAddress("GET /communities/alpha", r.body)
				if v.sees && !strings.Contains(string(r.body), subject.Email) {
					t.Errorf("the community's people hide the address from %s", v.name)
				}

				b := e.browser()
				b.login(v.user.Email, testPassword)
				page := b.get(fmt.Sprintf("/people/%d", subject.ID))
				wantStatus(t, "person page", page, 200)
				if strings.Contains(string(page.body), subject.Email) != v.sees {
					t.Errorf("person page shows the address: %v, want %v", !v.sees, v.sees)
				}
				if !v.sees && !strings.Contains(string(page.body), "shown to staff and to the leads") {
					t.Errorf("person page does not say who sees contact details")
				}
				page = b.get("/people?q=" + url.QueryEscape("quiet-handle"))
				if strings.Contains(string(page.body), "Sam Subject") != v.sees {
					t.Errorf("people search by address finds the person: %v, want %v", !v.sees, v.sees)
				}
				noAddress("/people", b.get("/people").body)
			})
		}
		t.Run("anonymous", func(t *testing.T) {
			for _, path := range []string{fmt.Sprintf("/api/v1/people/%d", subject.ID), "/api/v1/people", "/api/v1/people?q=quiet-handle"} {
				if r := e.do("GET", path, "", nil); r.status != 401 || strings.Contains(string(r.body), subject.Email) {
					t.Errorf("%s anonymous: %d %.200s", path, r.status, r.body)
				}
			}
			if r := e.do("GET", "/api/v1/communities/alpha", "", nil); strings.Contains(string(r.body), "Sam Subject") {
				t.Errorf("anonymous community page lists people: %.300s", r.body)
			}
			b := e.browser()
			if r := b.get(fmt.Sprintf("/people/%d", subject.ID)); r.status != 303 {
				t.Errorf("anonymous person page: %d", r.status)
			}
		})
	})
}
