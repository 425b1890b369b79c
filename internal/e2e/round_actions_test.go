package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"consortia/internal/model"
)

// TestBrowserRoundCloseEarlyPublishApply walks staff through the end of a
// round on its page: "Close now" (a reason, then a confirmation) before the
// closing time, publishing (applying is offered only after), and setting the
// priorities from the first place: the winner moves to upcoming, the losers
// stay candidates.
func TestBrowserRoundCloseEarlyPublishApply(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	now := time.Now()
	var all []int64
	ids := map[string]int64{}
	for _, title := range []string{"Apples", "Bananas", "Cherries"} {
		in, err := s.app.CreateInitiative(ctx, s.admin, model.InitiativeInput{Title: title, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.store.SetInitiativeStatus(ctx, in.ID, model.StatusIdea, model.StatusCandidate, s.admin, "", nil); err != nil {
			t.Fatal(err)
		}
		ids[title] = in.ID
		all = append(all, in.ID)
	}
	c, err := s.app.ProposeConsortium(ctx, s.admin, model.ConsortiumInput{Name: "Fruit", Problem: "Which first?", InitiativeIDs: all})
	if err != nil {
		t.Fatal(err)
	}
	for _, slug := range []string{"alpha", "beta"} {
		if _, err := s.app.CreateCommunity(ctx, s.admin, model.CommunityInput{Slug: slug, Name: strings.ToUpper(slug[:1]) + slug[1:], Kind: "university"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.Join(ctx, s.admin, c.Slug, slug, model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
			t.Fatal(err)
		}
	}
	r, err := s.app.CreateRound(ctx, s.admin, c.Slug, model.RoundInput{Quarter: "2030-Q1", OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(7 * 24 * time.Hour), CandidateIDs: all})
	if err != nil {
		t.Fatal(err)
	}
	// Staff cast both ballots (as they may for any member): Apples > Bananas > Cherries.
	for _, slug := range []string{"alpha", "beta"} {
		b := model.BallotInput{Ranking: [][]int64{{ids["Apples"]}, {ids["Bananas"]}, {ids["Cherries"]}}}
		if err := s.app.CastBallot(ctx, s.admin, r.ID, slug, b); err != nil {
			t.Fatal(err)
		}
	}

	b := newBrowser(t, s.url)
	b.signIn(adminEmail, adminPassword)
	page := fmt.Sprintf("/rounds/%d", r.ID)
	b.open(page)
	if b.count("#publish-form") != 0 || b.count("#apply-form") != 0 {
		t.Fatal("an open round offers publishing or applying")
	}
	const reason = "Every eligible community has voted."
	b.do("open Close now and give a reason", chromedp.Click(chromedp.CSS("#close-now summary")),
		chromedp.SendKeys(chromedp.ID("close-reason"), reason))
	eval[bool](b, `window.confirm = function (m) { sessionStorage.setItem("asked", m); return true; }, true`)
	b.expectPage(b.clickAndWait("#close-form button[type=submit]"), 200, page)
	if asked := eval[string](b, `sessionStorage.getItem("asked") || ""`); !strings.Contains(asked, "Close voting now?") {
		t.Fatalf("closing did not ask for confirmation (asked %q)", asked)
	}
	if got := b.text("#closed-early"); !strings.Contains(got, reason) || !strings.Contains(got, adminName) {
		t.Fatalf("closed-early note: %q", got)
	}
	if b.count("#close-now") != 0 || b.count("#apply-form") != 0 || b.count("#apply-after-publish button[disabled]") != 1 {
		t.Fatal("a closed, unpublished round still offers closing, or offers applying")
	}
	if got := b.text("#apply-after-publish"); !strings.Contains(got, "publish them first") {
		t.Fatalf("the disabled apply button does not say why: %q", got)
	}

	b.expectPage(b.clickAndWait("#publish-form button[type=submit]"), 200, page)
	if b.count(`#apply-form input[name=places][value=first-tier]:checked`) != 1 {
		t.Fatal("applying does not default to the first place")
	}
	eval[bool](b, `window.confirm = function () { return true; }, true`)
	b.expectPage(b.clickAndWait("#apply-form button[type=submit]"), 200, page)
	if got := b.text(".flash"); !strings.Contains(got, "Moved to upcoming, in this order: Apples.") {
		t.Fatalf("after applying: %q", got)
	}
	for title, want := range map[string]string{"Apples": model.StatusUpcoming, "Bananas": model.StatusCandidate, "Cherries": model.StatusCandidate} {
		in, err := s.store.InitiativeByRef(ctx, fmt.Sprint(ids[title]))
		if err != nil || in.Status != want {
			t.Fatalf("%s is %s (%v), want %s", title, in.Status, err, want)
		}
	}

	// The consortium's timeline tells who closed the round early and why.
	b.open("/consortia/" + c.Slug)
	if got := strings.Join(b.texts(".timeline li"), "\n"); !strings.Contains(got, "closed early") || !strings.Contains(got, reason) {
		t.Fatalf("timeline:\n%s", got)
	}
}
