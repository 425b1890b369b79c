package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

var introAnswerLink = regexp.MustCompile(`/introduction-answers/[A-Za-z0-9_.-]+`)

// askLinks returns the accept and decline paths of the last ask email to an address.
func (e *env) askLinks(email string) (accept, decline string) {
	e.t.Helper()
	var body string
	if err := e.store.DB().QueryRow(`SELECT text_body FROM outbox WHERE recipient = ? AND subject LIKE '%your answer%' ORDER BY id DESC LIMIT 1`,
		email).Scan(&body); err != nil {
		// PostgreSQL numbers its placeholders.
		if err := e.store.DB().QueryRow(`SELECT text_body FROM outbox WHERE recipient = $1 AND subject LIKE '%your answer%' ORDER BY id DESC LIMIT 1`,
			email).Scan(&body); err != nil {
			e.t.Fatalf("no ask email to %s: %v", email, err)
		}
	}
	m := introAnswerLink.FindAllString(body, -1)
	if len(m) != 2 {
		e.t.Fatalf("ask email without two links: %s", body)
	}
	return m[0], m[1]
}

// newIntroductionEnv is a server with notifications on and two communities
// sharing a theme, problemu and solvedu, led by p@ and s@example.org.
func newIntroductionEnv(t *testing.T, s *storage.Store) (e *env, leadP, leadS *model.User) {
	t.Helper()
	e = newEnv(t, s)
	ctx := context.Background()
	if err := e.app.ConfigureNotifications(ctx, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	leadP = e.user("p@example.org", "Pat Problem", model.RoleMember)
	leadS = e.user("s@example.org", "Sol Solver", model.RoleMember)
	e.community("problemu", "Problemu")
	e.community("solvedu", "Solvedu")
	for _, a := range [][2]string{{"problemu", leadP.Email}, {"solvedu", leadS.Email}} {
		if _, err := e.app.SetAffiliation(ctx, e.admin, a[0], a[1], model.AffiliationLead); err != nil {
			t.Fatal(err)
		}
	}
	return e, leadP, leadS
}

// TestWebIntroductions: staff introduce from the discovery suggestions,
// both leads answer by their email links (confirmed by POST, once), and the
// outcome shows on the connector's page.
func TestWebIntroductions(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e, leadP, leadS := newIntroductionEnv(t, s)
		ctx := context.Background()
		staff := e.browser()
		wantStatus(t, "staff sign in", staff.login(e.admin.Email, testPassword), http.StatusSeeOther)
		// Both share a theme: the discovery lists offer staff an Introduce action.
		r := staff.get("/communities/problemu")
		if !strings.Contains(string(r.body), `/introductions/new?kind=peer&amp;from=problemu&amp;to=solvedu`) {
			t.Fatalf("no Introduce action on the community page")
		}
		if strings.Contains(string(e.browser().get("/communities/problemu").body), "/introductions/new") {
			t.Fatal("a visitor sees the Introduce action")
		}
		r = staff.get("/introductions/new?kind=problem_solver&from=problemu&to=solvedu")
		wantStatus(t, "form", r, http.StatusOK)
		if !strings.Contains(string(r.body), `value="solvedu"`) {
			t.Fatalf("form not filled: %s", r.body)
		}
		form := url.Values{"kind": {"problem_solver"}, "from_community": {"problemu"}, "to_community": {"problemu"}, "note": {"Meet."}}
		r = staff.post("/introductions", form)
		wantStatus(t, "to itself", r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.body), "cannot be introduced to itself") {
			t.Fatalf("no message beside the field: %s", r.body)
		}
		r = staff.post("/introductions", url.Values{"kind": {"funder"}, "note": {"x"}, "contact_name": {"Fay"}, "contact_email": {"fay"}})
		wantStatus(t, "bad contact email", r, http.StatusUnprocessableEntity)
		if !strings.Contains(string(r.body), `id="contact-email" name="contact_email" type="email" maxlength="254" value="fay" aria-invalid="true"`) {
			t.Fatalf("contact email not marked: %s", r.body)
		}
		if n := e.count("introductions"); n != 0 {
			t.Fatalf("bad forms wrote %d introductions", n)
		}
		form.Set("to_community", "solvedu")
		r = staff.post("/introductions", form)
		wantStatus(t, "create", r, http.StatusSeeOther)
		page := r.header.Get("Location")
		wantStatus(t, "visitor", e.browser().get(page), http.StatusNotFound)
		r = staff.post(page+"/status", url.Values{"status": {"introduced"}})
		wantStatus(t, "out of order", r, http.StatusConflict)
		wantStatus(t, "ask", staff.post(page+"/status", url.Values{"status": {"asked"}}), http.StatusSeeOther)

		acceptP, _ := e.askLinks(leadP.Email)
		acceptS, _ := e.askLinks(leadS.Email)
		anon := e.browser()
		r = anon.get(acceptP)
		wantStatus(t, "confirmation page", r, http.StatusOK)
		if !strings.Contains(string(r.body), "Yes, accept for Problemu") || e.count("introduction_consents") != 0 {
			t.Fatalf("the link page must only ask: %s", r.body)
		}
		wantStatus(t, "tampered", anon.post(acceptP+"x", nil), http.StatusBadRequest)
		e.app.Clock = func() time.Time { return time.Now().Add(40 * 24 * time.Hour) }
		wantStatus(t, "expired", anon.post(acceptP, nil), http.StatusGone)
		e.app.Clock = nil
		wantStatus(t, "accept", anon.post(acceptP, nil), http.StatusOK)
		r = anon.post(acceptP, nil)
		wantStatus(t, "twice", r, http.StatusConflict)
		if !strings.Contains(string(r.body), "Nothing was recorded") || e.count("introduction_consents") != 1 {
			t.Fatalf("second use: %s", r.body)
		}
		wantStatus(t, "accept the other", anon.post(acceptS, nil), http.StatusOK)
		r = anon.get(page)
		wantStatus(t, "made: public", r, http.StatusOK)
		if !strings.Contains(string(r.body), `id="intro-status">Introduced<`) {
			t.Fatalf("not introduced: %s", r.body)
		}
		if _, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "GPU sharing", Problem: "GPUs are scarce.",
			CriticalCommunities: 1, CriticalPeople: 1, Visibility: model.VisibilityPublic}); err != nil {
			t.Fatal(err)
		}
		r = staff.post(page+"/status", url.Values{"status": {"outcome"}, "outcome": {"joined_consortium"}})
		wantStatus(t, "outcome without consortium", r, http.StatusUnprocessableEntity)
		wantStatus(t, "outcome", staff.post(page+"/status", url.Values{"status": {"outcome"}, "outcome": {"joined_consortium"}, "consortium": {"gpu-sharing"}}), http.StatusSeeOther)
		r = anon.get("/communities/solvedu")
		if !strings.Contains(string(r.body), "Joined consortium") || !strings.Contains(string(r.body), "GPU sharing") {
			t.Fatalf("the connector's page lacks the outcome: %s", r.body)
		}
		if strings.Contains(string(anon.get("/communities/problemu").body), "Joined consortium") {
			t.Fatal("the credit went to the community with the problem")
		}
		r = anon.get("/consortia/gpu-sharing")
		wantStatus(t, "consortium page", r, http.StatusOK)
	})
}
