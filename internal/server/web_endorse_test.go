package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestWebEndorseLink: the lead opens the signed link from the request email
// without signing in, answers with consent, a story and a reference,
// uploads a letter (a renamed image is refused beside the field), and a
// changed link or a person who is no longer a lead gets nothing.
func TestWebEndorseLink(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := peNew(t, s)
		e := w.e
		p := w.create(e.adminToken, nil)
		ends := fmt.Sprintf("/api/v1/proposals/%d/endorsements", rmNum(p["id"]))
		rmWant(t, "ask", e.do("POST", ends, e.adminToken, map[string]any{"communities": []string{"northfield"},
			"asks": map[string]any{"letter": true, "story": true, "consent": true}, "message": "Please help by Friday."}), 200, "")
		var link string
		if err := s.DB().QueryRow(`SELECT url FROM events WHERE kind = 'proposal.endorsement'`).Scan(&link); err != nil {
			t.Fatal(err)
		}

		b := e.browser() // not signed in: the link is the credential
		r := b.get(link)
		wantStatus(t, "answer page", r, 200)
		has(t, r, "Endorse “Research computing for all”", "You answer as <strong>Priya Raman</strong>", "Please help by Friday.",
			"Northfield University agrees to be named as a collaborator on the proposal")
		if r.header.Get("Referrer-Policy") != "no-referrer" {
			t.Errorf("Referrer-Policy %q", r.header.Get("Referrer-Policy"))
		}
		wantStatus(t, "a changed link", b.get(link+"x"), 404)

		r = b.post(link, url.Values{"action": {"answer"}, "consent": {"1"}, "story.before": {"Labs waited."}, "story.after": {"Labs run."}, "reference.email": {"nope"}})
		wantStatus(t, "answer with problems", r, 422)
		has(t, r, `id="answer-story-who"`, `aria-invalid="true"`, "Labs waited.")
		if v := e.do("GET", ends, w.northTok, nil); peEndorsement(t, v, "northfield")["status"] != "asked" {
			t.Fatalf("a refused answer was recorded: %s", v.body)
		}
		wantStatus(t, "answer", b.post(link, url.Values{"action": {"answer"}, "consent": {"1"}, "story.who": {"Physics instructors"},
			"story.before": {"Labs waited."}, "story.after": {"Labs run."}, "reference.name": {"Dr Ada"}, "reference.email": {"ada@northfield.example.edu"}}), 303)
		r = b.get(link)
		has(t, r, "Given by Priya Raman", "Status: <strong>answered</strong>", `value="Dr Ada"`, "Labs run.")

		req := peMultipart(e, link+"/letter", "file", "photo.pdf", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 64)...))
		req.Header.Set("Origin", e.srv.URL)
		r = peSend(e, b.client, req)
		wantStatus(t, "a renamed image", r, 422)
		has(t, r, "is not a PDF")
		letter := peLetter(t, "Northfield")
		req = peMultipart(e, link+"/letter", "file", "support.pdf", letter)
		req.Header.Set("Origin", e.srv.URL)
		wantStatus(t, "upload a letter", peSend(e, b.client, req), 303)
		has(t, b.get(link), "Current letter: <strong>support.pdf</strong>")
		wantStatus(t, "withdraw the letter", b.post(link+"/letter/withdraw", nil), 303)
		has(t, b.get(link), "No letter uploaded yet.")
		wantStatus(t, "withdraw again", b.post(link+"/letter/withdraw", nil), 404)
		req = peMultipart(e, link+"/letter", "file", "support.pdf", letter)
		req.Header.Set("Origin", e.srv.URL)
		wantStatus(t, "upload it again", peSend(e, b.client, req), 303)

		// Someone who is no longer a lead cannot use the link.
		if _, err := e.app.SetAffiliation(context.Background(), e.admin, "northfield", "priya@northfield.example.edu", "member"); err != nil {
			t.Fatal(err)
		}
		r = b.get(link)
		wantStatus(t, "no longer a lead", r, 403)
		if strings.Contains(string(r.body), "Research computing") {
			t.Errorf("the refusal shows the proposal")
		}
	})
}

// TestWebProposalEndorsementsPage: staff ask from the proposal's
// endorsements page, a lead reaches the answer page from it and revokes
// consent there, the packet downloads as PDF and ZIP, and someone outside
// the proposal gets 404.
func TestWebProposalEndorsementsPage(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := peNew(t, s)
		e := w.e
		p := w.create(e.adminToken, nil)
		page := fmt.Sprintf("/proposals/%d/endorsements", rmNum(p["id"]))

		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		r := staff.get(page)
		wantStatus(t, "page", r, 200)
		has(t, r, "No community has been asked yet.", "Ask for endorsements")
		before := rmSnapshot(e, peTables...)
		r = staff.post(page, url.Values{"communities": {"northfield"}})
		wantStatus(t, "nothing asked", r, 422)
		has(t, r, "ask for at least one of a letter")
		r = staff.post(page, url.Values{"communities": {"atlantis"}, "ask_letter": {"1"}})
		wantStatus(t, "unknown community", r, 422)
		has(t, r, `id="request-communities-error"`, `value="atlantis"`)
		rmSameCounts(t, e, before)
		wantStatus(t, "ask", staff.post(page, url.Values{"communities": {"northfield"}, "ask_letter": {"1"}, "ask_consent": {"1"}}), 303)
		has(t, staff.get(page), "Northfield University", "asked", "Remind those who have not answered")
		wantStatus(t, "remind", staff.post(page+"/remind", nil), 303)
		lacks(t, staff.get(page), "Answer for Northfield")

		lead := e.browser()
		lead.login("priya@northfield.example.edu", testPassword)
		// The request waits in the lead's "what needs you" until answered.
		has(t, lead.get("/"), "Answer for Northfield University", `href="`+page+`/northfield/answer"`)
		todo := e.do("GET", "/api/v1/me/todo", w.northTok, nil)
		if !strings.Contains(string(todo.body), `"kind":"endorsement"`) {
			t.Fatalf("the API's to-dos lack the request: %s", todo.body)
		}
		lacks(t, staff.get("/"), "Answer for Northfield University")
		r = lead.get(page + "/northfield/answer")
		wantStatus(t, "to the answer page", r, 303)
		link := r.header.Get("Location")
		wantStatus(t, "consent", lead.post(link, url.Values{"action": {"answer"}, "consent": {"1"}}), 303)
		r = lead.get(page)
		has(t, r, "Given by Priya Raman", "Revoke consent", "1 reminder")
		lacks(t, lead.get("/"), "Answer for Northfield University")
		if pdf := staff.get(strings.Replace(page, "/endorsements", "/packet.pdf", 1)); pdf.status != 200 || pdf.header.Get("Content-Type") != "application/pdf" {
			t.Fatalf("packet PDF: %d %s", pdf.status, pdf.header.Get("Content-Type"))
		}
		wantStatus(t, "revoke", lead.post(page+"/northfield/revoke", nil), 303)
		has(t, lead.get(page), "Revoked by Priya Raman")
		if zip := lead.get(strings.Replace(page, "/endorsements", "/packet.zip", 1)); zip.status != 200 || zip.header.Get("Content-Type") != "application/zip" {
			t.Fatalf("packet ZIP: %d %s", zip.status, zip.header.Get("Content-Type"))
		}

		outsider := e.browser()
		outsider.login("olga@elsewhere.example.org", testPassword)
		wantStatus(t, "outsider", outsider.get(page), 404)
		wantStatus(t, "outsider's packet", outsider.get(strings.Replace(page, "/endorsements", "/packet.pdf", 1)), 404)
	})
}
