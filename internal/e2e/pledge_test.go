package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"consortia/internal/model"
)

// TestBrowserPledgeConditionBuilder pledges with a condition built in the
// form, in major units: a mistake is shown beside its field, named by its
// label, and the corrected pledge is recorded exactly. The form is plain
// HTML posted to the server (no script reads it), so it needs no JavaScript;
// the pages served without the script tag are checked in internal/server.
func TestBrowserPledgeConditionBuilder(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	lead, _, ins := s.memberLead(t, "Quotas", model.RoleCoFund, "Per-course resource quotas")
	in := ins[0]
	g, err := s.app.CreateGoal(ctx, s.admin, model.FundingGoalInput{InitiativeRef: in.Slug, Amount: 3_000_000, Currency: "USD"})
	if err != nil {
		t.Fatal(err)
	}

	b := newBrowser(t, s.url)
	b.signIn(lead.Email, adminPassword)
	goal := fmt.Sprintf("/funding/%d", g.ID)
	b.expectPage(b.open(goal), 200, goal)
	if b.count("#cond-json, textarea[name=condition_json]") != 0 {
		t.Fatal("the pledge form still has a JSON condition field")
	}
	fill := func(total string) {
		t.Helper()
		eval[any](b, `["pledge-amount", "cond-total", "cond-count"].forEach(id => document.getElementById(id).value = "")`)
		b.do("fill the pledge form",
			chromedp.SendKeys(chromedp.ID("pledge-amount"), "5,000"),
			chromedp.SendKeys(chromedp.ID("cond-total"), total),
			chromedp.SendKeys(chromedp.ID("cond-count"), "1"),
			chromedp.Click(chromedp.CSS(`input[name=cond_join][value=any]`)))
	}
	fill("15000,50")
	if status := b.clickAndWait(`#pledge-form button[type=submit]`); status != 422 {
		t.Fatalf("a malformed amount: status %d", status)
	}
	if got := b.text("#pledge-cond-total-error"); !strings.Contains(got, "must be an amount like") {
		t.Fatalf("the error beside the field: %q", got)
	}
	if got := b.attr("#cond-total", "aria-invalid"); got != "true" {
		t.Fatalf("the field is not marked invalid: %q", got)
	}
	if got := b.text("#pledge-form"); !strings.Contains(got, "Only if the others give at least: must be an amount like") {
		t.Fatalf("the summary does not name the field by its label:\n%s", got)
	}
	fill("15000.50")
	b.expectPage(b.clickAndWait(`#pledge-form button[type=submit]`), 200, goal)
	if got := b.text("#pledges"); got == "" {
		t.Fatal("no pledges section")
	}
	if got := b.text(".pledge-table"); !strings.Contains(got, "USD 5,000 if others give at least USD 15,000.50 or at least 1 other community pledges") {
		t.Fatalf("pledges:\n%s", got)
	}
	ps, err := s.app.CommunityPledges(ctx, s.admin, "alpha")
	if err != nil || len(ps) != 1 || ps[0].Amount.Amount != 500_000 || ps[0].Condition == nil || ps[0].Condition.Type != model.CondAny ||
		ps[0].Condition.Of[0].Value != 1_500_050 {
		t.Fatalf("stored pledge: %+v %v", ps, err)
	}
}
