package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"consortia/internal/model"
)

// TestBrowserTestingCall: staff open a testing call from the initiative
// page, a community's lead enrols (acknowledging the risks, naming
// themself as tester) and reports "broken", and staff mark the report
// addressed; the initiative page then counts it.
func TestBrowserTestingCall(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	in, err := s.app.CreateInitiative(ctx, s.admin, model.InitiativeInput{Title: "Cost dashboards", Public: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, to := range []string{model.StatusCandidate, model.StatusUpcoming, model.StatusScoping, model.StatusBuilding} {
		if err := s.store.SetInitiativeStatus(ctx, in.ID, map[string]string{model.StatusCandidate: model.StatusIdea,
			model.StatusUpcoming: model.StatusCandidate, model.StatusScoping: model.StatusUpcoming, model.StatusBuilding: model.StatusScoping}[to], to, s.admin, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	c, err := s.app.ProposeConsortium(ctx, s.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Bills surprise us.", InitiativeIDs: []int64{in.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.CreateCommunity(ctx, s.admin, model.CommunityInput{Slug: "alpha", Name: "Alpha", Kind: "university"}); err != nil {
		t.Fatal(err)
	}
	lead, err := s.app.CreateUser(ctx, nil, model.UserInput{Email: "lead@example.org", Name: "Lee Lead", Role: model.RoleMember}, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.SetAffiliation(ctx, s.admin, "alpha", lead.Email, model.AffiliationLead); err != nil {
		t.Fatal(err)
	}
	if _, err := s.app.Join(ctx, s.admin, c.Slug, "alpha", model.MemberInput{Roles: []string{model.RoleTest}}); err != nil {
		t.Fatal(err)
	}

	staff := newBrowser(t, s.url)
	staff.signIn(adminEmail, adminPassword)
	staff.open("/initiatives/" + in.Slug)
	staff.do("fill the call", chromedp.Click(chromedp.CSS("#open-call summary")),
		chromedp.SendKeys(chromedp.ID("call-title"), "Try the cost dashboard"),
		chromedp.SendKeys(chromedp.ID("call-risks"), "Totals may be wrong."),
		chromedp.SendKeys(chromedp.ID("call-questions"), "Did the totals match your bill?"))
	status := staff.clickAndWait("#open-call-form button[type=submit]")
	callPath := staff.path()
	if status != 200 || !strings.HasPrefix(callPath, "/testing-calls/") {
		t.Fatalf("opening the call led to %s (%d)", callPath, status)
	}
	if h := staff.text("main h1"); h != "Try the cost dashboard" {
		t.Fatalf("call page title %q", h)
	}

	leader := newBrowser(t, s.url)
	leader.signIn(lead.Email, adminPassword)
	leader.open(callPath)
	leader.do("enrol", chromedp.Click(chromedp.ID(fmt.Sprintf("tester-alpha-%d", lead.ID))), chromedp.Click(chromedp.ID("acknowledge-alpha")))
	leader.expectPage(leader.clickAndWait("#enrol-alpha button[type=submit]"), 200, callPath)
	leader.do("report broken", chromedp.Click(chromedp.ID("feedback-outcome-broken")),
		chromedp.SendKeys(chromedp.ID("feedback-summary"), "Totals are twice the bill."),
		chromedp.SendKeys(chromedp.ID("feedback-answer-0"), "No"))
	leader.expectPage(leader.clickAndWait("#report-form button[type=submit]"), 200, callPath)
	if got := leader.text(".feedback header"); !strings.Contains(got, "Broken") || !strings.Contains(got, "Open") {
		t.Fatalf("the report shows %q", got)
	}

	staff.open(callPath)
	id := strings.TrimPrefix(staff.attr(".feedback", "id"), "feedback-")
	staff.do("respond", chromedp.SendKeys(chromedp.ID("response-"+id), "Fixed in the next build."), chromedp.Click(chromedp.ID("addressed-"+id)))
	staff.expectPage(staff.clickAndWait("#respond-"+id+" button[type=submit]"), 200, callPath)
	if got := staff.text(".feedback"); !strings.Contains(got, "Addressed") || !strings.Contains(got, "Fixed in the next build.") {
		t.Fatalf("after the response the report shows %q", got)
	}
	staff.open("/initiatives/" + in.Slug)
	if got := staff.text("#testing"); !strings.Contains(got, "Tested by 1 community, 1 report, 0 open.") {
		t.Fatalf("the initiative's testing section says %q", got)
	}
}
