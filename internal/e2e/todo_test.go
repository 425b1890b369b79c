package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"consortia/internal/model"
)

// TestBrowserTodoBallot: a lead's dashboard leads with the open ballot of
// their community and the menu counts it; one click opens the round, and
// once the ballot is cast the to-do and the count are gone.
func TestBrowserTodoBallot(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	now := time.Now()
	lead, c, ins := s.memberLead(t, "Fruit", model.RoleReactPrioritize, "Apples", "Bananas")
	all := []int64{ins[0].ID, ins[1].ID}
	r, err := s.app.CreateRound(ctx, s.admin, c.Slug, model.RoundInput{Title: "Fruit first", Quarter: "2030-Q1", BallotType: model.BallotApproval,
		OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), CandidateIDs: all})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, s.url)
	b.signIn(lead.Email, adminPassword)
	b.open("/")
	link := fmt.Sprintf(`.todo-list a[href="/rounds/%d"]`, r.ID)
	if b.count(link) != 1 {
		t.Fatalf("the dashboard does not show the open ballot: %q", b.text("main"))
	}
	if got := b.text(".todos h2 .todo-total"); got != "1" {
		t.Errorf("to-do total %q, want 1", got)
	}
	if n := b.count(".site-header .todo-count"); n == 0 {
		t.Error("the menu does not count the to-do")
	}
	b.screenshot("todo-ballot")

	b.clickAndWait(link)
	if p := b.path(); p != fmt.Sprintf("/rounds/%d", r.ID) {
		t.Fatalf("the to-do led to %s", p)
	}
	b.do("approve Apples", chromedp.Click(chromedp.CSS(fmt.Sprintf(`input[name="approved"][value="%d"]`, all[0]))))
	b.clickAndWait(fmt.Sprintf(`form[action="/rounds/%d/ballots/alpha"] button[type=submit]`, r.ID))

	b.open("/")
	if b.count(link) != 0 || b.count(".site-header .todo-count") != 0 {
		t.Fatal("the ballot is still a to-do after it was cast")
	}
	if got := b.text(".todos"); got == "" {
		t.Error("the to-do section is gone instead of saying nothing waits")
	}
}
