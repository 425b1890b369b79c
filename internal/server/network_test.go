package server_test

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// svgNodes parses an SVG and returns its data-node ids (failing on
// anything that is not well-formed XML).
func svgNodes(t *testing.T, body []byte) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	d := xml.NewDecoder(strings.NewReader(string(body)))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "data-node" {
					out[a.Value] = true
				}
			}
		}
	}
}

// TestNetworkVisibility: the network shows public consortia to visitors,
// never a private one (checked by parsing the SVG), nor a private contact
// to anyone but staff and the introducer; filters are checked.
func TestNetworkVisibility(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e, leadP, leadS := newIntroductionEnv(t, s)
		ctx := context.Background()
		open, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Open science", Problem: "Sharing.", CriticalCommunities: 1, CriticalPeople: 1, Visibility: model.VisibilityPublic})
		if err != nil {
			t.Fatal(err)
		}
		secret, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Quiet deal", Problem: "Private.", CriticalCommunities: 1, CriticalPeople: 1, Visibility: model.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*model.Consortium{open, secret} {
			if _, err := e.app.Join(ctx, e.admin, c.Slug, "problemu", model.MemberInput{Roles: []string{model.RoleConnect}}); err != nil {
				t.Fatal(err)
			}
		}
		// A funder introduced by Problemu's lead, made.
		v, err := e.app.CreateIntroduction(ctx, leadP, model.IntroductionInput{Kind: "funder", FromCommunity: "problemu", Note: "Fay funds tools.",
			Contact: &model.Contact{Name: "Fay Funder", Organization: "Hidden Fund", Email: "fay@fund.example"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range []model.StatusMove{{To: model.IntroAsked, ContactAsked: true}, {To: model.IntroIntroduced}} {
			if _, err := e.app.MoveIntroduction(ctx, leadP, v.ID, m); err != nil {
				t.Fatal(err)
			}
		}
		contact := "contact-" + strconv.FormatInt(v.ID, 10)
		visitor := e.browser()
		r := visitor.get("/network.svg")
		wantStatus(t, "visitor's drawing", r, http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "image/svg+xml") {
			t.Fatalf("content type %q", ct)
		}
		nodes := svgNodes(t, r.body)
		if !nodes["consortium-"+strconv.FormatInt(open.ID, 10)] || !nodes["community-"+strconv.FormatInt(leadCommunity(t, e, "problemu"), 10)] {
			t.Fatalf("public nodes missing: %v", nodes)
		}
		if nodes["consortium-"+strconv.FormatInt(secret.ID, 10)] || nodes[contact] || strings.Contains(string(r.body), "Quiet deal") || strings.Contains(string(r.body), "Hidden Fund") {
			t.Fatalf("a visitor sees a private consortium or contact: %v", nodes)
		}
		// The other lead (not a member of the private consortium) sees no more.
		other := e.browser()
		wantStatus(t, "sign in", other.login(leadS.Email, testPassword), http.StatusSeeOther)
		if n := svgNodes(t, other.get("/network.svg").body); n["consortium-"+strconv.FormatInt(secret.ID, 10)] || n[contact] {
			t.Fatalf("another lead sees private nodes: %v", n)
		}
		// The introducer (a member of the private consortium) sees both.
		me := e.browser()
		wantStatus(t, "sign in", me.login(leadP.Email, testPassword), http.StatusSeeOther)
		if n := svgNodes(t, me.get("/network.svg").body); !n["consortium-"+strconv.FormatInt(secret.ID, 10)] || !n[contact] {
			t.Fatalf("the introducer misses nodes: %v", n)
		}
		// Filters: a private consortium answers 404 to a visitor (page, drawing, API).
		wantStatus(t, "visitor asks for the private consortium", visitor.get("/network?consortium=quiet-deal"), http.StatusNotFound)
		wantStatus(t, "visitor's drawing of it", visitor.get("/network.svg?consortium=quiet-deal"), http.StatusNotFound)
		wantStatus(t, "API", e.do("GET", "/api/v1/network?consortium=quiet-deal", "", nil), http.StatusNotFound)
		wantStatus(t, "bad kind", visitor.get("/network?kind=cousin"), http.StatusUnprocessableEntity)
		wantStatus(t, "bad kind API", e.do("GET", "/api/v1/network?kind=cousin", "", nil), http.StatusUnprocessableEntity)
		r = visitor.get("/network?consortium=open-science&kind=member")
		wantStatus(t, "filtered page", r, http.StatusOK)
		if n := svgNodes(t, []byte(svgOf(t, r.body))); len(n) != 2 {
			t.Fatalf("open science's members: %v", n)
		}
		r = e.do("GET", "/api/v1/network", e.adminToken, nil)
		wantStatus(t, "staff API", r, http.StatusOK)
		body := string(r.body)
		if !strings.Contains(body, `"id":"`+contact+`"`) || !strings.Contains(body, `"quarters":[{"quarter":"`) {
			t.Fatalf("staff's network: %s", body)
		}
	})
}

// svgOf cuts the inline drawing out of the network page.
func svgOf(t *testing.T, page []byte) string {
	t.Helper()
	s := string(page)
	i, j := strings.Index(s, `<svg viewBox`), strings.Index(s, `</svg>`)
	if i < 0 || j < i {
		t.Fatalf("no drawing on the page: %s", s)
	}
	return s[i : j+len(`</svg>`)]
}

func leadCommunity(t *testing.T, e *env, slug string) int64 {
	t.Helper()
	c, err := e.app.GetCommunity(context.Background(), e.admin, slug)
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}
