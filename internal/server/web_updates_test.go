package server_test

import (
	"context"
	"encoding/xml"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"consortia/internal/delivery"
	"consortia/internal/delivery/deliverytest"
	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/server"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// updatesEnv is a server with notifications configured, a member
// community led by lead, and the public consortium "cloud-costs" it
// belongs to, with one initiative in scope.
type updatesEnv struct {
	*env
	ctx         context.Context
	lead        *model.User
	consortium  *model.Consortium
	initiatives []int64
	smtp        *deliverytest.SMTPServer
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func newUpdatesEnv(t *testing.T) *updatesEnv {
	t.Helper()
	return newUpdatesEnvOn(t, storagetest.Open(t, storage.SQLite))
}

func newUpdatesEnvOn(t *testing.T, s *storage.Store) *updatesEnv {
	t.Helper()
	e := newEnv(t, s)
	u := &updatesEnv{env: e, ctx: context.Background(), smtp: deliverytest.StartSMTP(t)}
	if err := e.app.ConfigureNotifications(u.ctx, e.srv.URL); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.CreateCommunity(u.ctx, e.admin, model.CommunityInput{Slug: "alpha", Name: "Alpha University", Kind: "university", Tier: "standard"}); err != nil {
		t.Fatal(err)
	}
	u.lead = e.lead("alpha", "lead@example.org", "Lee Lead")
	for _, title := range []string{"Cost dashboards", "Budget alerts"} {
		in, err := e.app.CreateInitiative(u.ctx, e.admin, model.InitiativeInput{Title: title, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		u.initiatives = append(u.initiatives, in.ID)
	}
	var err error
	if u.consortium, err = e.app.ProposeConsortium(u.ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Cloud bills surprise us.",
		Visibility: "public", InitiativeIDs: u.initiatives}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.app.Join(u.ctx, e.admin, "cloud-costs", "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
		t.Fatal(err)
	}
	return u
}

// worker delivers email to the test SMTP server and posts to hooks.
func (u *updatesEnv) worker() *delivery.Worker {
	u.t.Helper()
	smtp, err := delivery.NewSMTP(u.smtp.URL(), "consortia <noreply@consortia.test>")
	if err != nil {
		u.t.Fatal(err)
	}
	h := &delivery.HTTP{Client: &http.Client{Timeout: 2 * time.Second}}
	return delivery.NewWorker(u.store, map[string]delivery.Sender{model.ChannelEmail: smtp, model.ChannelSlack: h, "webhook": h}, quietLog)
}

func (u *updatesEnv) drain() delivery.Result {
	u.t.Helper()
	r, err := u.worker().Drain(u.ctx)
	if err != nil {
		u.t.Fatal(err)
	}
	return r
}

// mailTo returns the messages received for an address whose subject
// contains subject, with their text parts.
func (u *updatesEnv) mailTo(addr, subject string) []string {
	u.t.Helper()
	var out []string
	for _, m := range u.smtp.Received() {
		if m.To[0] != addr || !strings.Contains(m.Header.Get("Subject"), subject) {
			continue
		}
		parts, err := m.Parts()
		if err != nil {
			u.t.Fatal(err)
		}
		out = append(out, parts["text/plain"])
	}
	return out
}

// answerLink finds the one-click link for an answer in a text part.
func answerLink(t *testing.T, text, base, answer string) string {
	t.Helper()
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if rest, ok := strings.CutPrefix(line, "- "+answer+": "); ok && strings.HasPrefix(rest, base+"/r/") {
			return strings.TrimPrefix(strings.TrimSpace(rest), base)
		}
	}
	t.Fatalf("no one-click link for %q in:\n%s", answer, text)
	return ""
}

func (u *updatesEnv) answers(requestID int64) []model.Answer {
	u.t.Helper()
	r, err := u.store.RequestByID(u.ctx, requestID)
	if err != nil {
		u.t.Fatal(err)
	}
	return r.Answers
}

// lastRequestID is the newest request.
func (u *updatesEnv) lastRequestID() int64 {
	u.t.Helper()
	var id int64
	if err := u.store.DB().QueryRow(`SELECT MAX(id) FROM requests`).Scan(&id); err != nil {
		u.t.Fatal(err)
	}
	return id
}

// TestUpdatesDoneMeans walks the "done means" through the web UI:
// staff connect Slack, post an update with a request and one for all
// members, open a prioritization round; the leader gets the request at
// once, one readable digest, Slack gets messages linking back, and the
// one-click answer from the email is recorded only after confirming.
func TestUpdatesDoneMeans(t *testing.T) {
	u := newUpdatesEnv(t)
	var mu sync.Mutex
	var slackBodies []string
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		slackBodies = append(slackBodies, string(b))
		mu.Unlock()
	}))
	defer slack.Close()

	staff := u.browser()
	wantStatus(t, "staff sign-in", staff.login("admin@example.org", testPassword), http.StatusSeeOther)
	r := staff.post("/consortia/cloud-costs/hooks", url.Values{"kind": {"slack"}, "url": {slack.URL + "/services/T1/B2/secret"}})
	wantStatus(t, "add a Slack hook", r, http.StatusSeeOther)
	page := staff.get("/consortia/cloud-costs")
	if !strings.Contains(string(page.body), `id="hooks"`) || !strings.Contains(string(page.body), "/…cret") || strings.Contains(string(page.body), "/services/T1/B2/secret") {
		t.Errorf("the hooks box should list the hook with its secret path masked")
	}

	r = staff.post("/consortia/cloud-costs/updates", url.Values{"title": {"Dashboards ready to test"},
		"body":     {"**What's done:** the dashboards.\n\n**What we ask of you:** try them."},
		"question": {"Can you test the dashboards this month?"}, "options": {"Yes\r\nNo\r\nNot this quarter"}})
	wantStatus(t, "post an update with a request", r, http.StatusSeeOther)
	if loc := r.header.Get("Location"); loc != "/consortia/cloud-costs#updates" {
		t.Errorf("redirect to %q", loc)
	}
	requestID := u.lastRequestID()
	r = staff.post("/updates", url.Values{"title": {"New hub regions"}, "body": {"Two new regions for every member community."}})
	wantStatus(t, "post an update for all members", r, http.StatusSeeOther)
	if _, err := u.app.CreateRound(u.ctx, u.admin, "cloud-costs", model.RoundInput{Quarter: "2031-Q1", OpensAt: time.Now().Add(-time.Hour),
		ClosesAt: time.Now().Add(7 * 24 * time.Hour), CandidateIDs: u.initiatives}); err != nil {
		t.Fatal(err)
	}

	// The consortium page shows its updates, newest first, with the request.
	lead := u.browser()
	wantStatus(t, "lead sign-in", lead.login("lead@example.org", testPassword), http.StatusSeeOther)
	page = lead.get("/consortia/cloud-costs")
	wantStatus(t, "consortium page", page, http.StatusOK)
	body := string(page.body)
	for _, want := range []string{`id="updates"`, "Dashboards ready to test", "What&#39;s done:", "Can you test the dashboards this month?",
		`action="/requests/` + strconv.FormatInt(requestID, 10) + `/answer"`, "/consortia/cloud-costs/updates.atom"} {
		if !strings.Contains(body, want) {
			t.Errorf("consortium page lacks %q", want)
		}
	}
	lacks(t, page, "Post an update", `id="hooks"`) // staff only
	anon := u.browser().get("/consortia/cloud-costs")
	if !strings.Contains(string(anon.body), "Dashboards ready to test") || !strings.Contains(string(anon.body), "Sign in</a> to answer") {
		t.Errorf("visitors should see the update and be asked to sign in to answer")
	}
	lacks(t, anon, "Ada Admin")

	// Requests go out at once; news waits for the digest.
	if res := u.drain(); res.Failed != 0 || res.Sent == 0 {
		t.Fatalf("delivery: %+v", res)
	}
	requests := u.mailTo("lead@example.org", "Your answer, please: [Cloud costs] Dashboards ready to test")
	if len(requests) != 1 {
		t.Fatalf("the lead got %d request emails", len(requests))
	}
	if got := u.mailTo("lead@example.org", "New hub regions"); len(got) != 0 {
		t.Errorf("news went out at once, not in a digest")
	}
	mu.Lock()
	if len(slackBodies) != 2 || !strings.Contains(strings.Join(slackBodies, "\n"), u.srv.URL+"/consortia/cloud-costs#updates") ||
		!strings.Contains(strings.Join(slackBodies, "\n"), "Cast your ballot") {
		t.Errorf("Slack got %d messages (want the update and the round, linking back): %q", len(slackBodies), slackBodies)
	}
	mu.Unlock()

	n, err := u.app.SendDigests(u.ctx, model.ModeWeekly, true)
	if err != nil || n < 1 {
		t.Fatalf("digests: %d %v", n, err)
	}
	u.drain()
	digests := u.mailTo("lead@example.org", "Weekly digest")
	if len(digests) != 1 {
		t.Fatalf("the lead got %d digests, want one", len(digests))
	}
	for _, want := range []string{"Hello Lee Lead", "New hub regions", "All member communities", u.srv.URL + "/updates", "Cloud costs (1)", "Unsubscribe from all email in one click: " + u.srv.URL + "/unsubscribe/"} {
		if !strings.Contains(digests[0], want) {
			t.Errorf("digest lacks %q:\n%s", want, digests[0])
		}
	}

	// The one-click answer: the link shows a confirmation and records nothing.
	link := answerLink(t, requests[0], u.srv.URL, "Yes")
	visitor := u.browser() // the email may be opened anywhere, signed out
	confirm := visitor.get(link)
	wantStatus(t, "one-click link", confirm, http.StatusOK)
	if !strings.Contains(string(confirm.body), "Record your answer “Yes” to “Can you test the dashboards this month?”") ||
		!strings.Contains(string(confirm.body), `<form method="post" action="`+link+`"`) {
		t.Errorf("confirmation page:\n%s", confirm.body)
	}
	if got := u.answers(requestID); len(got) != 0 {
		t.Fatalf("a GET of the link recorded %+v", got)
	}
	visitor.get(link) // a scanner following it again changes nothing
	if got := u.answers(requestID); len(got) != 0 {
		t.Fatalf("a second GET recorded %+v", got)
	}
	done := visitor.post(link, nil)
	wantStatus(t, "confirm the answer", done, http.StatusOK)
	if !strings.Contains(string(done.body), "Thank you") {
		t.Errorf("thank-you page:\n%s", done.body)
	}
	if got := u.answers(requestID); len(got) != 1 || got[0].UserID != u.lead.ID || got[0].Answer != "Yes" {
		t.Fatalf("answers after confirming: %+v", got)
	}

	// The request's page shows who answered what, and the lead's choice.
	rp := lead.get("/requests/" + strconv.FormatInt(requestID, 10))
	wantStatus(t, "request page", rp, http.StatusOK)
	for _, want := range []string{"Can you test the dashboards this month?", "Lee Lead", "Your answer: “Yes”", "Not this quarter"} {
		if !strings.Contains(string(rp.body), want) {
			t.Errorf("request page lacks %q", want)
		}
	}
	// Changing the answer on the page.
	wantStatus(t, "answer on the page", lead.post("/requests/"+strconv.FormatInt(requestID, 10)+"/answer", url.Values{"answer": {"No"}}), http.StatusSeeOther)
	if got := u.answers(requestID); len(got) != 1 || got[0].Answer != "No" {
		t.Fatalf("changed answer: %+v", got)
	}
	bad := lead.post("/requests/"+strconv.FormatInt(requestID, 10)+"/answer", url.Values{"answer": {"Maybe"}})
	wantStatus(t, "an answer that is not an option", bad, http.StatusUnprocessableEntity)
	wantStatus(t, "visitors sign in to see a request", u.browser().get("/requests/"+strconv.FormatInt(requestID, 10)), http.StatusSeeOther)
}

// TestAnswerLinksTamperedOrExpired: clear pages, nothing recorded.
func TestAnswerLinksTamperedOrExpired(t *testing.T) {
	u := newUpdatesEnv(t)
	now := time.Now()
	u.app.Clock = func() time.Time { return now }
	deadline := now.Add(48 * time.Hour)
	if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Testers wanted", Body: "Please.",
		Question: "Will you test?", Options: []string{"Yes", "No"}, Deadline: &deadline}); err != nil {
		t.Fatal(err)
	}
	requestID := u.lastRequestID()
	u.drain()
	mails := u.mailTo("lead@example.org", "Testers wanted")
	if len(mails) != 1 {
		t.Fatalf("%d mails", len(mails))
	}
	link := answerLink(t, mails[0], u.srv.URL, "Yes")
	b := u.browser()

	tampered := link[:len(link)-3] + "abc"
	for _, method := range []string{"GET", "POST"} {
		var r response
		if method == "GET" {
			r = b.get(tampered)
		} else {
			r = b.post(tampered, nil)
		}
		wantStatus(t, method+" a tampered link", r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), "not valid") || !strings.Contains(string(r.body), "Nothing was recorded") {
			t.Errorf("%s tampered: %s", method, r.body)
		}
	}
	// Another answer spliced into a valid token is tampering too.
	payload, sig, _ := strings.Cut(strings.TrimPrefix(link, "/r/"), ".")
	wantStatus(t, "garbage", b.post("/r/"+payload+"x."+sig, nil), http.StatusBadRequest)

	// Past the deadline (before the link's own expiry): gone.
	now = now.Add(72 * time.Hour)
	r := b.get(link)
	wantStatus(t, "after the deadline", r, http.StatusGone)
	wantStatus(t, "POST after the deadline", b.post(link, nil), http.StatusGone)
	// Past the link's validity: gone, and said so.
	now = now.Add(30 * 24 * time.Hour)
	r = b.post(link, nil)
	wantStatus(t, "expired link", r, http.StatusGone)
	if !strings.Contains(string(r.body), "expired") {
		t.Errorf("expired page: %s", r.body)
	}
	if got := u.answers(requestID); len(got) != 0 {
		t.Fatalf("bad links recorded %+v", got)
	}
	// Back in time the same link works: only the clock stood in the way.
	now = time.Now()
	wantStatus(t, "the link in time", b.post(link, nil), http.StatusOK)
	if got := u.answers(requestID); len(got) != 1 {
		t.Fatalf("answers: %+v", got)
	}
}

// rawPost sends a POST the way a mail provider does: no browser headers.
func rawPost(t *testing.T, target string, headers map[string]string, body string) response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, target, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

func TestUnsubscribeLinks(t *testing.T) {
	u := newUpdatesEnv(t)
	prefs := func() []model.Preference {
		p, err := u.app.Preferences(u.ctx, u.lead)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	b := u.browser()
	for _, token := range []string{"nonsense", "bm9wZQ.AAAAAAAAAAAAAAAAAAAAAAAAAAA", u.app.Site.Signer.AnswerLink(1, u.lead.ID, "Yes", time.Now().Add(time.Hour))} {
		r := b.get("/unsubscribe/" + token)
		wantStatus(t, "unknown unsubscribe token", r, http.StatusBadRequest)
		if !strings.Contains(string(r.body), "not valid") || !strings.Contains(string(r.body), "Nothing was changed") {
			t.Errorf("page: %s", r.body)
		}
		wantStatus(t, "POST an unknown token", rawPost(t, u.srv.URL+"/unsubscribe/"+token, nil, "List-Unsubscribe=One-Click"), http.StatusBadRequest)
	}
	if p := prefs(); len(p) != 0 {
		t.Fatalf("bad tokens changed preferences: %+v", p)
	}

	token := u.app.Site.Signer.UnsubscribeLink(u.lead.ID)
	r := b.get("/unsubscribe/" + token)
	wantStatus(t, "unsubscribe page", r, http.StatusOK)
	if !strings.Contains(string(r.body), `action="/unsubscribe/`+token+`"`) || !strings.Contains(string(r.body), "l…@example.org") {
		t.Errorf("unsubscribe page: %s", r.body)
	}
	if p := prefs(); len(p) != 0 {
		t.Fatalf("GET changed preferences: %+v", p)
	}
	// RFC 8058: the provider POSTs from its servers, without a session or
	// browser headers.
	r = rawPost(t, u.srv.URL+"/unsubscribe/"+token, nil, "List-Unsubscribe=One-Click")
	wantStatus(t, "one-click unsubscribe", r, http.StatusOK)
	if p := prefs(); len(p) != 1 || p[0].Channel != model.ChannelEmail || p[0].Mode != model.ModeOff || p[0].ConsortiumID != 0 {
		t.Fatalf("after unsubscribing: %+v", p)
	}
	// Webmail may send it from the reader's browser, cross-site: allowed
	// here (the token is the credential) but nowhere else.
	crossSite := map[string]string{"Origin": "https://mail.example.com", "Sec-Fetch-Site": "cross-site"}
	wantStatus(t, "cross-site one-click unsubscribe", rawPost(t, u.srv.URL+"/unsubscribe/"+token, crossSite, "List-Unsubscribe=One-Click"), http.StatusOK)
	wantStatus(t, "cross-site post elsewhere", rawPost(t, u.srv.URL+"/r/"+token, crossSite, ""), http.StatusForbidden)
}

func TestNotificationPreferencesPage(t *testing.T) {
	u := newUpdatesEnv(t)
	b := u.browser()
	wantStatus(t, "anonymous", b.get("/account/notifications"), http.StatusSeeOther)
	wantStatus(t, "sign in", b.login("lead@example.org", testPassword), http.StatusSeeOther)
	if acc := b.get("/account"); !strings.Contains(string(acc.body), `href="/account/notifications"`) {
		t.Errorf("the account page should link to the notifications page")
	}
	r := b.get("/account/notifications")
	wantStatus(t, "preferences page", r, http.StatusOK)
	cid := strconv.FormatInt(u.consortium.ID, 10)
	for _, want := range []string{"weekly digest", "at once", `name="email"`, `name="slack"`, "Cloud costs", `name="email_` + cid + `"`, "Use my default"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("preferences page lacks %q", want)
		}
	}
	r = b.post("/account/notifications", url.Values{"email": {"daily"}, "slack": {"off"}, "email_" + cid: {"immediate"}, "slack_" + cid: {""}})
	wantStatus(t, "save", r, http.StatusSeeOther)
	got, _ := u.app.Preferences(u.ctx, u.lead)
	want := map[string]string{"0/email": "daily", "0/slack": "off", cid + "/email": "immediate"}
	if len(got) != len(want) {
		t.Fatalf("preferences: %+v", got)
	}
	for _, p := range got {
		if want[strconv.FormatInt(p.ConsortiumID, 10)+"/"+p.Channel] != p.Mode {
			t.Errorf("preference %+v", p)
		}
	}
	if r := b.get("/account/notifications"); !strings.Contains(string(r.body), `<option value="daily" selected>`) {
		t.Errorf("the page does not show the saved choice")
	}
	// "Use my default" removes the override.
	wantStatus(t, "back to default", b.post("/account/notifications", url.Values{"email_" + cid: {""}}), http.StatusSeeOther)
	if got, _ := u.app.Preferences(u.ctx, u.lead); len(got) != 2 {
		t.Fatalf("after removing the override: %+v", got)
	}

	r = b.post("/account/notifications", url.Values{"email": {"hourly"}, "slack": {"weekly"}})
	wantStatus(t, "unknown mode", r, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.body), `aria-describedby="email-error"`) || !strings.Contains(string(r.body), "must be one of immediate, daily, weekly, off") {
		t.Errorf("the error is not beside the email field:\n%s", r.body)
	}
	r = b.post("/account/notifications", url.Values{"email_999999": {"weekly"}})
	wantStatus(t, "a consortium the person is not in", r, http.StatusUnprocessableEntity)
	if got, _ := u.app.Preferences(u.ctx, u.lead); len(got) != 2 || got[0].Mode != "daily" {
		t.Fatalf("failed saves changed preferences: %+v", got)
	}
}

func TestPostUpdateFormProblems(t *testing.T) {
	u := newUpdatesEnv(t)
	lead := u.browser()
	lead.login("lead@example.org", testPassword)
	wantStatus(t, "member posts", lead.post("/consortia/cloud-costs/updates", url.Values{"title": {"x"}, "body": {"y"}}), http.StatusForbidden)
	wantStatus(t, "member posts site-wide", lead.post("/updates", url.Values{"title": {"x"}, "body": {"y"}}), http.StatusForbidden)
	lacks(t, lead.get("/updates"), `id="update-form"`)

	staff := u.browser()
	staff.login("admin@example.org", testPassword)
	r := staff.post("/consortia/cloud-costs/updates", url.Values{"title": {""}, "body": {"Body"}, "question": {"Which?"}, "options": {"Only one"}})
	wantStatus(t, "missing title, one answer", r, http.StatusUnprocessableEntity)
	for _, want := range []string{`id="update-title-error"`, `id="update-options-error"`, "at least two answers", `value="Which?"`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("form errors lack %q", want)
		}
	}
	r = staff.post("/updates", url.Values{"title": {"T"}, "body": {"B"}, "question": {"Q?"}, "options": {"A\nB"}, "deadline": {"2001-01-01T10:00"}})
	wantStatus(t, "a deadline in the past", r, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.body), `id="update-deadline-error"`) {
		t.Errorf("no deadline error")
	}
	r = staff.post("/updates", url.Values{"title": {"T"}, "body": {"B"}, "deadline": {"tomorrow"}})
	wantStatus(t, "a deadline that is no date", r, http.StatusUnprocessableEntity)
	if u.count("events") != 1 { // only the member joining
		t.Fatalf("failed posts made events: %d", u.count("events"))
	}
	// Posted to a consortium from the updates page.
	r = staff.post("/updates", url.Values{"consortium": {"cloud-costs"}, "title": {"From the updates page"}, "body": {"B"}})
	wantStatus(t, "post for a consortium", r, http.StatusSeeOther)
	var lastEvent int64
	u.store.DB().QueryRow(`SELECT MAX(id) FROM events`).Scan(&lastEvent)
	if r.header.Get("Location") != "/consortia/cloud-costs#update-"+strconv.FormatInt(lastEvent, 10) {
		t.Errorf("redirect %q", r.header.Get("Location"))
	}
	page := staff.get("/updates")
	if !strings.Contains(string(page.body), "From the updates page") || !strings.Contains(string(page.body), `id="update-form"`) {
		t.Errorf("updates page: %s", page.body)
	}
}

// atomDoc is the part of an Atom feed the tests read.
type atomDoc struct {
	XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
	Title   string   `xml:"title"`
	Entries []struct {
		ID      string `xml:"id"`
		Title   string `xml:"title"`
		Content string `xml:"content"`
		Links   []struct {
			Href string `xml:"href,attr"`
		} `xml:"link"`
	} `xml:"entry"`
}

func parseAtom(t *testing.T, r response) []string {
	t.Helper()
	wantStatus(t, "feed", r, http.StatusOK)
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
		t.Errorf("content type %q", ct)
	}
	var doc atomDoc
	dec := xml.NewDecoder(strings.NewReader(string(r.body)))
	dec.Strict = true
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("not well-formed Atom: %v\n%s", err, r.body)
	}
	var titles []string
	for _, e := range doc.Entries {
		if e.ID == "" || len(e.Links) == 0 {
			t.Errorf("entry without id or link: %+v", e)
		}
		titles = append(titles, e.Title)
	}
	return titles
}

func TestUpdateFeeds(t *testing.T) {
	u := newUpdatesEnv(t)
	if _, err := u.app.ProposeConsortium(u.ctx, u.admin, model.ConsortiumInput{Name: "Secret plans", Problem: "Hush.", Visibility: "private"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []model.UpdateInput{
		{ConsortiumRef: "cloud-costs", Title: "Public news & <more>", Body: "Dashboards *shipped*."},
		{ConsortiumRef: "secret-plans", Title: "Private news", Body: "Hush."},
		{Title: "For every member", Body: "Regions."},
	} {
		if _, err := u.app.PostUpdate(u.ctx, u.admin, p); err != nil {
			t.Fatal(err)
		}
	}
	anon := u.browser()
	titles := parseAtom(t, anon.get("/updates.atom"))
	if strings.Join(titles, "|") != "For every member|Public news & <more>" {
		t.Errorf("visitor's feed: %q", titles)
	}
	titles = parseAtom(t, anon.get("/consortia/cloud-costs/updates.atom"))
	if strings.Join(titles, "|") != "Public news & <more>" {
		t.Errorf("consortium feed: %q", titles)
	}
	wantStatus(t, "a private consortium's feed", anon.get("/consortia/secret-plans/updates.atom"), http.StatusNotFound)
	lacks(t, anon.get("/updates"), "Private news", "Ada Admin")

	staff := u.browser()
	staff.login("admin@example.org", testPassword)
	r := staff.get("/updates.atom")
	if titles := parseAtom(t, r); len(titles) != 3 || r.header.Get("Cache-Control") != "private, no-store" {
		t.Errorf("staff feed: %q (%s)", titles, r.header.Get("Cache-Control"))
	}
	if !strings.Contains(string(r.body), "<name>Ada Admin</name>") || !strings.Contains(string(r.body), "&lt;em&gt;shipped&lt;/em&gt;") {
		t.Errorf("staff feed lacks author or HTML content:\n%s", r.body)
	}
	titles = parseAtom(t, staff.get("/consortia/secret-plans/updates.atom"))
	if len(titles) != 1 {
		t.Errorf("staff private feed: %q", titles)
	}
}

func TestOutboxAdminPage(t *testing.T) {
	u := newUpdatesEnv(t)
	u.smtp.Reject("lead@example.org")
	if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Bouncing request", Body: "Body",
		Question: "Ok?", Options: []string{"Yes", "No"}}); err != nil {
		t.Fatal(err)
	}
	if res := u.drain(); res.Failed != 1 || res.Sent != 1 {
		t.Fatalf("drain: %+v", res)
	}
	failed, _, _ := u.app.ListOutbox(u.ctx, u.admin, model.OutboxDead, model.Page{})
	if len(failed) != 1 {
		t.Fatalf("failed: %d", len(failed))
	}
	id := strconv.FormatInt(failed[0].ID, 10)

	lead := u.browser()
	lead.login("lead@example.org", testPassword)
	wantStatus(t, "member opens the outbox", lead.get("/admin/outbox"), http.StatusForbidden)
	wantStatus(t, "member opens a message", lead.get("/admin/outbox/"+id), http.StatusForbidden)
	wantStatus(t, "member retries", lead.post("/admin/outbox/retry", url.Values{"id": {id}}), http.StatusForbidden)
	wantStatus(t, "visitor", u.browser().get("/admin/outbox"), http.StatusSeeOther)

	staff := u.browser()
	staff.login("admin@example.org", testPassword)
	r := staff.get("/admin/outbox?status=failed")
	wantStatus(t, "outbox", r, http.StatusOK)
	for _, want := range []string{`href="/admin/outbox" aria-current="page">Outbox`, "lead@example.org", "550", `name="id" value="` + id + `"`, "Retry all failed (1)", "failed, waiting for you"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("outbox page lacks %q", want)
		}
	}
	lacks(t, r, "admin@example.org</td>") // the sent one is not in the failed tab
	m := staff.get("/admin/outbox/" + id)
	wantStatus(t, "message", m, http.StatusOK)
	for _, want := range []string{"Your answer, please: [Cloud costs] Bouncing request", "lead@example.org", "Hello Lee Lead", `<iframe class="mail-frame" sandbox srcdoc="&lt;!doctype html&gt;`, "List-Unsubscribe", "550"} {
		if !strings.Contains(string(m.body), want) {
			t.Errorf("message page lacks %q", want)
		}
	}
	if csp := m.header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("message page CSP %q", csp)
	}
	wantStatus(t, "retry one", staff.post("/admin/outbox/retry", url.Values{"id": {id}}), http.StatusSeeOther)
	if st, _ := u.app.OutboxStatus(u.ctx, u.admin); st.Failed != 0 || st.Pending != 1 {
		t.Fatalf("after retry: %+v", st)
	}
	u.drain() // fails again
	r = staff.post("/admin/outbox/retry", nil)
	wantStatus(t, "retry all", r, http.StatusSeeOther)
	if st, _ := u.app.OutboxStatus(u.ctx, u.admin); st.Failed != 0 || st.Pending != 1 {
		t.Fatalf("after retry all: %+v", st)
	}
	wantStatus(t, "unknown message", staff.get("/admin/outbox/999999"), http.StatusNotFound)

	// Site-wide hooks: a webhook needs a long secret.
	r = staff.post("/admin/hooks", url.Values{"kind": {"webhook"}, "url": {"https://hooks.example.org/in"}, "secret": {"short"}})
	wantStatus(t, "short secret", r, http.StatusUnprocessableEntity)
	if !strings.Contains(string(r.body), `id="hook-secret-error"`) {
		t.Errorf("no secret error")
	}
	wantStatus(t, "site hook", staff.post("/admin/hooks", url.Values{"kind": {"webhook"}, "url": {"https://hooks.example.org/in"}, "secret": {"a-long-enough-secret"}}), http.StatusSeeOther)
	hooks, _ := u.app.Hooks(u.ctx, u.admin, 0)
	if len(hooks) != 1 {
		t.Fatalf("hooks: %+v", hooks)
	}
	wantStatus(t, "remove", staff.post("/admin/hooks/"+strconv.FormatInt(hooks[0].ID, 10)+"/remove", nil), http.StatusSeeOther)
	if hooks, _ = u.app.Hooks(u.ctx, u.admin, 0); len(hooks) != 0 {
		t.Fatalf("hooks after removal: %+v", hooks)
	}
}

// TestOutboxSaysWhenMailGoesToFiles: without SMTP, the page says where the
// mail is.
func TestOutboxSaysWhenMailGoesToFiles(t *testing.T) {
	u := newUpdatesEnv(t)
	h, err := server.NewServer(u.app, identity.NewSessions(u.store.Sessions(identity.IdleTimeout), false), server.NewMetrics(u.store.DB(), "files"),
		server.Config{BaseURL: u.srv.URL, Version: "test", Mail: "files in /var/mail/consortia"}, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, "/admin/outbox", nil)
	req.Header.Set("Authorization", "Bearer "+u.adminToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "No mail server is configured") || !strings.Contains(rec.Body.String(), "/var/mail/consortia") {
		t.Fatalf("status %d:\n%s", rec.Code, rec.Body.String())
	}
}

// TestUpdatesOnEachDatabase runs the queries behind the pages on SQLite and
// PostgreSQL: the visible updates, the consortia for overrides, the
// preferences and a message's delivery attempts.
func TestUpdatesOnEachDatabase(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		u := newUpdatesEnvOn(t, s)
		if _, err := u.app.ProposeConsortium(u.ctx, u.admin, model.ConsortiumInput{Name: "Secret plans", Problem: "Hush.", Visibility: "private"}); err != nil {
			t.Fatal(err)
		}
		for _, p := range []model.UpdateInput{{ConsortiumRef: "cloud-costs", Title: "Public", Body: "B", Question: "Q?", Options: []string{"A", "B"}},
			{ConsortiumRef: "secret-plans", Title: "Private", Body: "B"}, {Title: "Everyone", Body: "B"}} {
			if _, err := u.app.PostUpdate(u.ctx, u.admin, p); err != nil {
				t.Fatal(err)
			}
		}
		for who, want := range map[*model.User]string{nil: "Everyone|Public", u.lead: "Everyone|Public", u.admin: "Everyone|Private|Public"} {
			events, err := u.app.UpdatesFeed(u.ctx, who, 10)
			if err != nil {
				t.Fatal(err)
			}
			var titles []string
			for _, e := range events {
				titles = append(titles, e.Title)
			}
			if strings.Join(titles, "|") != want {
				t.Errorf("feed for %v: %q", who, titles)
			}
		}
		settings, err := u.app.NotificationSettings(u.ctx, u.lead)
		if err != nil || len(settings.Consortia) != 1 || settings.Consortia[0].Slug != "cloud-costs" {
			t.Fatalf("settings: %+v %v", settings, err)
		}
		if staff, _ := u.app.NotificationSettings(u.ctx, u.admin); len(staff.Consortia) != 2 {
			t.Errorf("staff may choose for every consortium: %+v", staff.Consortia)
		}
		if err := u.app.SetPreferences(u.ctx, u.lead, []model.Preference{{Channel: "email", Mode: "daily"}, {ConsortiumID: u.consortium.ID, Channel: "slack", Mode: "off"}}); err != nil {
			t.Fatal(err)
		}
		if p, _ := u.app.Preferences(u.ctx, u.lead); len(p) != 2 {
			t.Errorf("preferences: %+v", p)
		}
		u.smtp.Reject("lead@example.org")
		u.drain()
		failed, _, _ := u.app.ListOutbox(u.ctx, u.admin, model.OutboxDead, model.Page{})
		if len(failed) != 1 {
			t.Fatalf("failed: %+v", failed)
		}
		m, attempts, err := u.app.OutboxMessage(u.ctx, u.admin, failed[0].ID)
		if err != nil || m.Recipient != "lead@example.org" || len(attempts) != 1 || attempts[0].OK || !strings.Contains(attempts[0].Error, "550") {
			t.Fatalf("message %+v attempts %+v %v", m, attempts, err)
		}
	})
}

// TestOutboxShowsSuspectedDuplicates: a worker that stopped mid-send (it
// began the send and never recorded the result) leaves a message the next
// worker sends again; the admin page and the API say a receiver may have it
// twice, and which message.
func TestOutboxShowsSuspectedDuplicates(t *testing.T) {
	u := newUpdatesEnv(t)
	if _, err := u.app.PostUpdate(u.ctx, u.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Quick question", Body: "Body",
		Question: "Ok?", Options: []string{"Yes", "No"}}); err != nil {
		t.Fatal(err)
	}
	claimed, err := u.store.Claim(u.ctx, "stopped-worker", 1, -time.Second) // its lease is already over
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %d %v", len(claimed), err)
	}
	if ok, err := u.store.BeginSend(u.ctx, claimed[0].ID, "stopped-worker", claimed[0].Attempts, -time.Second); !ok || err != nil {
		t.Fatalf("begin: %v %v", ok, err)
	}
	if res := u.drain(); res.Sent != 2 {
		t.Fatalf("drain: %+v", res)
	}
	staff := u.browser()
	staff.login("admin@example.org", testPassword)
	r := staff.get("/admin/outbox")
	wantStatus(t, "outbox", r, http.StatusOK)
	for _, want := range []string{`<span class="stat-number">1</span><span class="stat-label">took more than one attempt`,
		`<span class="stat-number">1</span><span class="stat-label">duplicates suspected`, "duplicate suspected</span>"} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("outbox page lacks %q", want)
		}
	}
	m := staff.get("/admin/outbox/" + strconv.FormatInt(claimed[0].ID, 10))
	for _, want := range []string{"duplicate suspected", "stopped after it began sending", "stopped-worker", "delivered"} {
		if !strings.Contains(string(m.body), want) {
			t.Errorf("message page lacks %q", want)
		}
	}
	api := u.do("GET", "/api/v1/admin/outbox", u.adminToken, nil)
	wantStatus(t, "api", api, http.StatusOK)
	counts := api.json(t)["counts"].(map[string]any)
	if counts["retried"] != 1.0 || counts["duplicates_suspected"] != 1.0 || counts["sent"] != 2.0 {
		t.Fatalf("api counts: %v", counts)
	}
}
