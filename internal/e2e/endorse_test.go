package e2e

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"consortia/internal/model"
	"consortia/internal/pdfdoc/pdftext"
)

// TestBrowserEndorsementRequestToPacket walks the endorsement pipeline in a
// real browser: staff ask a community on the proposal's endorsements page;
// the lead opens the signed link from the email in a browser that is not
// signed in, answers with consent and a story, uploads a letter; staff
// download the packet, which names the community and tells its story.
func TestBrowserEndorsementRequestToPacket(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	if err := s.app.ConfigureNotifications(ctx, s.url); err != nil {
		t.Fatal(err)
	}
	lead, c, ins := s.memberLead(t, "GPU sharing", model.RoleEndorse, "Term reservations for GPUs")
	p, err := s.app.CreateProposal(ctx, s.admin, model.ProposalInput{Title: "GPUs for every classroom", Funder: "Open Science Fund",
		Deadline: time.Now().Add(30 * 24 * time.Hour), Amount: 12_000_000, Currency: "USD", Consortium: c.Slug, Initiatives: []string{ins[0].Slug}})
	if err != nil {
		t.Fatal(err)
	}
	page := fmt.Sprintf("/proposals/%d/endorsements", p.ID)

	staff := newBrowser(t, s.url)
	staff.signIn(adminEmail, adminPassword)
	staff.expectPage(staff.open(page), 200, page)
	staff.do("ask for a letter, a story and consent (no communities named: the consortium's endorsers)",
		chromedp.SendKeys(chromedp.ID("request-message"), "The call closes soon."))
	staff.expectPage(staff.clickAndWait(`#request-form button[type=submit]`), 200, page)
	if got := staff.text("main table"); !strings.Contains(got, "Alpha") || !strings.Contains(got, "asked") {
		t.Fatalf("the status table after asking: %q", got)
	}

	// The email to the lead carries the signed link.
	msgs, _, err := s.app.ListOutbox(ctx, s.admin, "", model.Page{Size: 50})
	if err != nil {
		t.Fatal(err)
	}
	var link string
	for _, m := range msgs {
		if m.Recipient == lead.Email {
			link = regexp.MustCompile(regexp.QuoteMeta(s.url) + `/endorse/[A-Za-z0-9_.-]+`).FindString(m.Text)
		}
	}
	if link == "" {
		t.Fatalf("no email to %s with an answer link among %d messages", lead.Email, len(msgs))
	}

	answer := newBrowser(t, s.url) // not signed in: the link is the credential
	path := strings.TrimPrefix(link, s.url)
	answer.expectPage(answer.open(path), 200, path)
	if got := answer.text("#consent-wording"); !strings.HasPrefix(got, "Alpha agrees to be named as a collaborator on the proposal") {
		t.Fatalf("the wording consented to: %q", got)
	}
	answer.do("answer with consent and a story",
		chromedp.Click(chromedp.CSS(`input[name=consent]`)),
		chromedp.SendKeys(chromedp.ID("answer-story-who"), "Chemistry instructors"),
		chromedp.SendKeys(chromedp.ID("answer-story-before"), "Labs were cancelled when the queue was full."),
		chromedp.SendKeys(chromedp.ID("answer-story-after"), "Every lab ran on time this term."))
	answer.expectPage(answer.clickAndWait(`#answer-form button[value=answer]`), 200, path)
	if got := answer.text("#answer-form"); !strings.Contains(got, "Given by Lee Lead") {
		t.Fatalf("after answering: %q", got)
	}
	noAxeViolations(t, answer, "the answer page")
	file := filepath.Join(t.TempDir(), "alpha-support.pdf")
	if err := os.WriteFile(file, pdftext.Padded(200<<10, "Alpha"), 0o600); err != nil {
		t.Fatal(err)
	}
	answer.do("choose the letter", chromedp.SetUploadFiles(chromedp.ID("letter-file"), []string{file}))
	answer.expectPage(answer.clickAndWait(`#letter-form button[type=submit]`), 200, path)
	if got := answer.text("main"); !strings.Contains(got, "Current letter: alpha-support.pdf") {
		t.Fatalf("after uploading: %q", got)
	}

	// Staff download the packet from the endorsements page.
	staff.expectPage(staff.open(page), 200, page)
	if got := staff.text("main table"); !strings.Contains(got, "Given by Lee Lead") || !strings.Contains(got, "alpha-support.pdf") {
		t.Fatalf("the status table after the answer: %q", got)
	}
	noAxeViolations(t, staff, "the endorsements page")
	href := staff.attr(`a[href$="packet.pdf"]`, "href")
	type download struct {
		Status int    `json:"status"`
		Type   string `json:"type"`
		Body   string `json:"body"`
	}
	d := eval[download](staff, `(() => { const x = new XMLHttpRequest(); x.open("GET", `+jsString(href)+`, false);
		x.overrideMimeType("text/plain; charset=x-user-defined"); x.send();
		let s = ""; for (let i = 0; i < x.responseText.length; i++) s += String.fromCharCode(x.responseText.charCodeAt(i) & 0xff);
		return {status: x.status, type: x.getResponseHeader("Content-Type"), body: btoa(s)}; })()`)
	if d.Status != 200 || d.Type != "application/pdf" {
		t.Fatalf("packet download: %d %s", d.Status, d.Type)
	}
	pdf, err := base64.StdEncoding.DecodeString(d.Body)
	if err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, pdf)
	for _, want := range []string{"GPUs for every classroom", "Alpha: Alpha agrees to be named", "Every lab ran on time this term.", "Alpha — alpha-support.pdf"} {
		if !strings.Contains(text, want) {
			t.Errorf("the downloaded packet lacks %q:\n%s", want, text)
		}
	}
}

// noAxeViolations runs axe-core's WCAG 2.1 AA rules on the page shown.
func noAxeViolations(t *testing.T, b *browser, what string) {
	t.Helper()
	for _, v := range b.axeCheck(false) {
		t.Errorf("%s: %s (%s, %s): %v", what, v.Help, v.ID, v.Impact, v.Nodes)
	}
}
