package server_test

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// recipientsOf lists who received a message whose subject contains subject.
func (u *updatesEnv) recipientsOf(subject string) []string {
	u.t.Helper()
	var out []string
	for _, m := range u.smtp.Received() {
		if strings.Contains(m.Header.Get("Subject"), subject) {
			out = append(out, m.To...)
		}
	}
	slices.Sort(out)
	return out
}

// mailParts returns the text and HTML parts of the one message to addr
// whose subject contains subject.
func (u *updatesEnv) mailParts(addr, subject string) (string, string) {
	u.t.Helper()
	for _, m := range u.smtp.Received() {
		if m.To[0] == addr && strings.Contains(m.Header.Get("Subject"), subject) {
			parts, err := m.Parts()
			if err != nil {
				u.t.Fatal(err)
			}
			return parts["text/plain"], parts["text/html"]
		}
	}
	u.t.Fatalf("no message %q to %s", subject, addr)
	return "", ""
}

// TestRequestsAskOnlyThoseWhoCanAnswer: a ballot request goes to the leads
// of the member communities with the react & prioritize role — not to
// staff, plain members, contacts or communities without the role — and
// a reminder only to those that have not voted; a demo's request to the
// leads of member communities.
func TestRequestsAskOnlyThoseWhoCanAnswer(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		u := newUpdatesEnvOn(t, s)
		e := u.env
		e.user("contact@example.org", "Cora Contact", model.RoleMember)
		e.user("member@example.org", "Max Member", model.RoleMember)
		for email, role := range map[string]string{"contact@example.org": model.AffiliationContact, "member@example.org": model.AffiliationMember} {
			if _, err := e.app.SetAffiliation(u.ctx, e.admin, "alpha", email, role); err != nil {
				t.Fatal(err)
			}
		}
		for slug, role := range map[string]string{"beta": model.RoleEndorse, "gamma": model.RoleReactPrioritize} {
			if _, err := e.app.CreateCommunity(u.ctx, e.admin, model.CommunityInput{Slug: slug, Name: "Community " + slug, Kind: "university", Tier: "standard"}); err != nil {
				t.Fatal(err)
			}
			e.lead(slug, slug+"@example.org", "Lead of "+slug)
			if _, err := e.app.Join(u.ctx, e.admin, "cloud-costs", slug, model.MemberInput{Roles: []string{role}}); err != nil {
				t.Fatal(err)
			}
		}
		round, err := e.app.CreateRound(u.ctx, e.admin, "cloud-costs", model.RoundInput{Quarter: "2031-Q1", OpensAt: time.Now().Add(-time.Hour),
			ClosesAt: time.Now().Add(7 * 24 * time.Hour), CandidateIDs: u.initiatives, BallotType: model.BallotApproval})
		if err != nil {
			t.Fatal(err)
		}
		u.drain()
		if got := u.recipientsOf("Cast your ballot"); !slices.Equal(got, []string{"gamma@example.org", "lead@example.org"}) {
			t.Fatalf("the ballot request went to %v, want the leads of alpha and gamma only", got)
		}

		// A lead may not send reminders; nothing is written.
		events := e.count("events")
		if _, err := e.app.RemindBallots(u.ctx, u.lead, round.ID); model.ErrorCode(err) != model.EForbidden {
			t.Fatalf("a lead sends reminders: %v", err)
		}
		if err := e.app.CastBallot(u.ctx, u.lead, round.ID, "alpha", model.BallotInput{Approved: []int64{u.initiatives[0]}}); err != nil {
			t.Fatal(err)
		}
		n, err := e.app.RemindBallots(u.ctx, e.admin, round.ID)
		if err != nil || n != 1 {
			t.Fatalf("reminders: %d %v", n, err)
		}
		if got := e.count("events"); got != events+1 {
			t.Fatalf("events: %d → %d", events, got)
		}
		u.drain()
		if got := u.recipientsOf("Reminder, cast your ballot"); !slices.Equal(got, []string{"gamma@example.org"}) {
			t.Fatalf("the reminder went to %v, want gamma's lead only (alpha voted)", got)
		}

		// Over the API and on the round's page, for staff only.
		path := "/api/v1/rounds/" + strconv.FormatInt(round.ID, 10) + "/remind"
		wantStatus(t, "a lead reminds", e.do("POST", path, e.token(u.lead), nil), http.StatusForbidden)
		if r := e.do("POST", path, e.adminToken, nil); r.status != http.StatusOK || r.json(t)["asked"] != 1.0 {
			t.Fatalf("remind over the API: %d %s", r.status, r.body)
		}
		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		has(t, staff.get("/rounds/"+strconv.FormatInt(round.ID, 10)), `action="/rounds/`+strconv.FormatInt(round.ID, 10)+`/remind"`)
		wantStatus(t, "remind on the page", staff.post("/rounds/"+strconv.FormatInt(round.ID, 10)+"/remind", nil), http.StatusSeeOther)

		if _, err := e.app.PostDemo(u.ctx, e.admin, "cloud-costs", model.DemoInput{Title: "Cost dashboards", Description: "A first look."}); err != nil {
			t.Fatal(err)
		}
		u.drain()
		if got := u.recipientsOf("Demo: Cost dashboards"); !slices.Equal(got, []string{"beta@example.org", "gamma@example.org", "lead@example.org"}) {
			t.Fatalf("the demo's request went to %v, want the three member communities' leads", got)
		}
	})
}

// TestUpdateEmailCarriesTheUpdate: the email of an update with a request
// has the update's text — plain in the text part, rendered and sanitized
// in the HTML part — besides the question and its answers; a request whose
// deadline has already passed is not sent.
func TestUpdateEmailCarriesTheUpdate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		u := newUpdatesEnvOn(t, s)
		body := "## What's done\n\nThe **cost dashboards** are live.\n\n## What's possible\n\n- Budget alerts\n- [Quotas](https://example.org/quotas)\n\n" +
			"## What we ask of you\n\nTry them.<script>alert(1)</script>"
		if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Dashboards are live", Body: body,
			Question: "Will you try them this month?", Options: []string{"Yes", "No"}}); err != nil {
			t.Fatal(err)
		}
		past := time.Now().Add(-time.Hour)
		if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Too late", Body: "Closed.",
			Question: "Still there?", Options: []string{"Yes", "No"}, Deadline: &past}); err != nil {
			t.Fatal(err)
		}
		u.drain()
		text, html := u.mailParts("lead@example.org", "Dashboards are live")
		for _, want := range []string{"What's done", "The cost dashboards are live.", "- Budget alerts", "- Quotas (https://example.org/quotas)",
			"What we ask of you", "Try them.", "Will you try them this month?", "- Yes: "} {
			if !strings.Contains(text, want) {
				t.Errorf("text part lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "**") || strings.Contains(text, "## ") || strings.Contains(text, "<script") {
			t.Errorf("the text part carries markup:\n%s", text)
		}
		for _, want := range []string{"<h2>What&rsquo;s done</h2>", "<strong>cost dashboards</strong>", `<a href="https://example.org/quotas"`, "Will you try them this month?"} {
			if !strings.Contains(html, want) && !strings.Contains(html, strings.ReplaceAll(want, "&rsquo;", "’")) && !strings.Contains(html, strings.ReplaceAll(want, "&rsquo;", "&#39;")) {
				t.Errorf("HTML part lacks %q:\n%s", want, html)
			}
		}
		if strings.Contains(html, "<script") {
			t.Errorf("the HTML part is not sanitized:\n%s", html)
		}
		if got := u.recipientsOf("Too late"); len(got) != 0 {
			t.Errorf("a request past its deadline was sent to %v", got)
		}
	})
}

// TestDigestSaysWhoDidWhat: digest lines name who pledged how much to
// what (anonymous pledgers stay anonymous) and fold repeated joins into
// one line.
func TestDigestSaysWhoDidWhat(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		u := newUpdatesEnvOn(t, s)
		e := u.env
		for _, c := range []struct{ slug, name string }{{"birch", "Birch College"}, {"cedar", "Cedar Lab"}, {"dune", "Dune Institute"}, {"hidden", "Hidden Donor"}} {
			if _, err := e.app.CreateCommunity(u.ctx, e.admin, model.CommunityInput{Slug: c.slug, Name: c.name, Kind: "university", Tier: "standard"}); err != nil {
				t.Fatal(err)
			}
			if c.slug == "hidden" {
				continue
			}
			if _, err := e.app.Join(u.ctx, e.admin, "cloud-costs", c.slug, model.MemberInput{Roles: []string{model.RoleCoFund}}); err != nil {
				t.Fatal(err)
			}
		}
		g, err := e.app.CreateGoal(u.ctx, e.admin, model.FundingGoalInput{InitiativeRef: "cost-dashboards", Amount: 3_000_000, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreatePledge(u.ctx, e.admin, g.ID, model.PledgeInput{Community: "alpha", Amount: 500_000}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.CreatePledge(u.ctx, e.admin, g.ID, model.PledgeInput{Community: "hidden", Amount: 100_050, Anonymous: true}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.SendDigests(u.ctx, model.ModeWeekly, true); err != nil {
			t.Fatal(err)
		}
		u.drain()
		text, html := u.mailParts("lead@example.org", "Weekly digest")
		for _, want := range []string{"* 4 new members: Alpha University, Birch College, Cedar Lab and Dune Institute", "* Alpha University pledged USD 5,000 to Cost dashboards",
			"* A community pledged USD 1,000.50 to Cost dashboards"} {
			if !strings.Contains(text, want) {
				t.Errorf("digest lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "joined Cloud costs") || strings.Contains(text, "Hidden Donor") || strings.Contains(html, "Hidden Donor") {
			t.Errorf("the digest repeats joins or names an anonymous pledger:\n%s", text)
		}
		if !strings.Contains(html, "4 new members: Alpha University, Birch College, Cedar Lab and Dune Institute") {
			t.Errorf("the HTML part lacks the merged line:\n%s", html)
		}
	})
}
