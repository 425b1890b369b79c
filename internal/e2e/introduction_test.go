package e2e

import (
	"context"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"consortia/internal/delivery"
	"consortia/internal/delivery/deliverytest"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// TestBrowserIntroductionDoubleOptIn: staff introduce a community with a
// problem to one that already solved it, from the discovery suggestion on
// the community's page; both leads accept from the emails the test SMTP
// server received (each link opens a page, the answer is given by a
// button); the introduction reaches introduced and the email connecting
// them goes out; staff record the outcome "joined consortium", which the
// connector's page then shows.
func TestBrowserIntroductionDoubleOptIn(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	if err := s.app.ConfigureNotifications(ctx, s.url); err != nil {
		t.Fatal(err)
	}
	smtpServer := deliverytest.StartSMTP(t)
	sender, err := delivery.NewSMTP(smtpServer.URL(), "consortia <noreply@consortia.test>")
	if err != nil {
		t.Fatal(err)
	}
	worker := delivery.NewWorker(s.store, map[string]delivery.Sender{model.ChannelEmail: sender,
		model.ChannelSlack: &delivery.HTTP{Client: &http.Client{Timeout: 2 * time.Second}}}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	deliver := func() {
		t.Helper()
		if _, err := worker.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	mail := func(to, subject string) []string {
		t.Helper()
		var out []string
		for _, m := range smtpServer.Received() {
			subj, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
			if err != nil {
				t.Fatal(err)
			}
			if m.To[0] == to && strings.Contains(subj, subject) {
				parts, err := m.Parts()
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, parts["text/plain"])
			}
		}
		return out
	}

	// Problemu has the problem; Solvedu took part in delivered work on the
	// same theme, so the community page suggests it as a solver.
	leads := map[string]*model.User{}
	for _, c := range []struct{ slug, name, email, lead string }{
		{"problemu", "Problemu", "pat@example.org", "Pat Problem"}, {"solvedu", "Solvedu", "sol@example.org", "Sol Solver"}} {
		if _, err := s.app.CreateCommunity(ctx, s.admin, model.CommunityInput{Slug: c.slug, Name: c.name, Kind: "university", Tags: []string{"gpu"}}); err != nil {
			t.Fatal(err)
		}
		u, err := s.app.CreateUser(ctx, nil, model.UserInput{Email: c.email, Name: c.lead, Role: model.RoleMember}, adminPassword)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.SetAffiliation(ctx, s.admin, c.slug, c.email, model.AffiliationLead); err != nil {
			t.Fatal(err)
		}
		leads[c.slug] = u
	}
	done, err := s.app.CreateInitiative(ctx, s.admin, model.InitiativeInput{Title: "GPU quotas per course", Themes: []string{"gpu"}, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	solver, err := s.app.GetCommunity(ctx, s.admin, "solvedu")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.store.InTx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetInitiativeStatus(ctx, done.ID, model.StatusIdea, model.StatusDone, s.admin, "", nil); err != nil {
			return err
		}
		return tx.SetInterest(ctx, done.ID, solver.ID, model.InterestInterested, true, "")
	}); err != nil {
		t.Fatal(err)
	}
	consortium, err := s.app.ProposeConsortium(ctx, s.admin, model.ConsortiumInput{Name: "GPU sharing", Problem: "GPUs are scarce in exam weeks.",
		Visibility: model.VisibilityPublic})
	if err != nil {
		t.Fatal(err)
	}

	staff := newBrowser(t, s.url)
	staff.signIn(adminEmail, adminPassword)
	staff.expectPage(staff.open("/communities/problemu"), 200, "/communities/problemu")
	introduce := `a.introduce-link[href*="kind=problem_solver"][href$="to=solvedu"]`
	if staff.count(introduce) != 1 {
		t.Fatal("no Introduce action beside Solvedu among the communities that already solved it")
	}
	staff.expectPage(staff.clickAndWait(introduce), 200, "/introductions/new?kind=problem_solver&from=problemu&to=solvedu")
	if from, to, kind := staff.value("#from-community"), staff.value("#to-community"), staff.value("#kind"); from != "problemu" || to != "solvedu" || kind != "problem_solver" {
		t.Fatalf("the form is not filled from the suggestion: %q %q %q", from, to, kind)
	}
	staff.do("say why they should meet", chromedp.SendKeys(chromedp.ID("note"), "Solvedu set up GPU quotas per course; Problemu runs out of GPUs in exam weeks."))
	staff.clickAndWait(`#introduction-form button[type=submit]`)
	page := staff.path()
	if !regexp.MustCompile(`^/introductions/[0-9]+$`).MatchString(page) || staff.text("#intro-status") != "Suggested" {
		t.Fatalf("after suggesting: %s, %q", page, staff.text("#intro-status"))
	}
	staff.do("ask both communities", chromedp.SetValue(chromedp.ID("status"), "asked"))
	staff.expectPage(staff.clickAndWait(`#move-form button[type=submit]`), 200, page)
	if got := staff.text("#intro-status"); got != "Asked" {
		t.Fatalf("status after asking: %q", got)
	}

	// Each lead answers from the email, in a browser that is not signed in.
	deliver()
	link := regexp.MustCompile(regexp.QuoteMeta(s.url) + `/introduction-answers/[A-Za-z0-9_.-]+`)
	for _, slug := range []string{"problemu", "solvedu"} {
		asks := mail(leads[slug].Email, "your answer, please")
		if len(asks) != 1 {
			t.Fatalf("%s's lead received %d ask emails", slug, len(asks))
		}
		links := link.FindAllString(asks[0], -1)
		if len(links) != 2 {
			t.Fatalf("the ask email has no accept and decline links:\n%s", asks[0])
		}
		accept := strings.TrimPrefix(links[0], s.url)
		lead := newBrowser(t, s.url)
		lead.expectPage(lead.open(accept), 200, accept)
		if got := lead.text("#answer-heading"); !strings.HasPrefix(got, "Accept") {
			t.Fatalf("the link page: %q", got)
		}
		lead.expectPage(lead.clickAndWait(`#confirm-form button[type=submit]`), 200, accept)
		if got := lead.text("main"); !strings.Contains(got, "has accepted the introduction") {
			t.Fatalf("after accepting: %q", got)
		}
		// The same link again records nothing.
		if got := lead.open(accept); got != 409 {
			t.Fatalf("the used link answered %d", got)
		}
	}

	staff.expectPage(staff.open(page), 200, page)
	if got := staff.text("#intro-status"); got != "Introduced" {
		t.Fatalf("after both accepted: %q", got)
	}
	deliver()
	for _, slug := range []string{"problemu", "solvedu"} {
		made := mail(leads[slug].Email, "Meet each other: Problemu ↔ Solvedu")
		if len(made) != 1 || !strings.Contains(made[0], "pat@example.org") || !strings.Contains(made[0], "sol@example.org") {
			t.Fatalf("%s's lead did not get the email that connects them: %q", slug, made)
		}
	}

	staff.do("record the outcome", chromedp.SetValue(chromedp.ID("status"), "outcome"),
		chromedp.SetValue(chromedp.ID("outcome"), "joined_consortium"), chromedp.SendKeys(chromedp.ID("consortium"), consortium.Slug))
	staff.expectPage(staff.clickAndWait(`#move-form button[type=submit]`), 200, page)
	if got := staff.text("#intro-status"); got != "Joined consortium" {
		t.Fatalf("after the outcome: %q", got)
	}

	visitor := newBrowser(t, s.url)
	visitor.expectPage(visitor.open("/communities/solvedu"), 200, "/communities/solvedu")
	if got := visitor.text("#connections"); !strings.Contains(got, "Problemu ↔ Solvedu") || !strings.Contains(got, "Joined consortium") || !strings.Contains(got, "GPU sharing") {
		t.Fatalf("the connector's page: %q", got)
	}
	noAxeViolations(t, staff, "the introduction page")
}
