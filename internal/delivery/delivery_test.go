package delivery_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/delivery"
	"consortia/internal/delivery/deliverytest"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

type fixture struct {
	t     *testing.T
	ctx   context.Context
	store *storage.Store
	a     *app.App
	admin *model.User
	lead  *model.User
	smtp  *deliverytest.SMTPServer
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func newFixture(t *testing.T, s *storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	a := app.New(s, quiet)
	a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
	if err := a.ConfigureNotifications(ctx, "https://consortia.example.org"); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ctx: ctx, store: s, a: a, smtp: deliverytest.StartSMTP(t)}
	var err error
	if f.admin, err = a.CreateUser(ctx, nil, model.UserInput{Email: "staff@example.org", Name: "Sam Staff", Role: model.RoleAdmin}, ""); err != nil {
		t.Fatal(err)
	}
	if f.lead, err = a.CreateUser(ctx, nil, model.UserInput{Email: "lead@example.org", Name: "Lee Lead"}, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := a.CreateCommunity(ctx, f.admin, model.CommunityInput{Slug: "alpha", Name: "Alpha U", Kind: "university", Tier: "standard"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.SetAffiliation(ctx, f.admin, "alpha", "lead@example.org", model.AffiliationLead); err != nil {
		t.Fatal(err)
	}
	if _, err := a.ProposeConsortium(ctx, f.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs."}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Join(ctx, f.admin, "cloud-costs", "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) worker(senders map[string]delivery.Sender) *delivery.Worker {
	w := delivery.NewWorker(f.store, senders, quiet)
	w.BaseBackoff, w.MaxBackoff = time.Millisecond, 5*time.Millisecond
	return w
}

func (f *fixture) emailWorker() *delivery.Worker {
	smtp, err := delivery.NewSMTP(f.smtp.URL(), "consortia <noreply@consortia.example.org>")
	if err != nil {
		f.t.Fatal(err)
	}
	return f.worker(map[string]delivery.Sender{model.ChannelEmail: smtp})
}

func (f *fixture) request(title string) {
	f.t.Helper()
	if _, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: title, Body: "Please tell us.",
		Question: "Can you test the new dashboards?", Options: []string{"Yes", "No"}}); err != nil {
		f.t.Fatal(err)
	}
}

func TestEmailHeadersAndParts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		f.request("Testers wanted")
		res, err := f.emailWorker().Drain(f.ctx)
		if err != nil || res.Sent != 2 || res.Failed != 0 { // the lead and the staff member
			t.Fatalf("drain: %+v %v", res, err)
		}
		var got *deliverytest.Received
		for _, m := range f.smtp.Received() {
			if m.To[0] == "lead@example.org" {
				got = &m
			}
		}
		if got == nil {
			t.Fatal("no mail for the lead")
		}
		h := got.Header
		if h.Get("Subject") != "Your answer, please: [Cloud costs] Testers wanted" {
			t.Errorf("subject %q", h.Get("Subject"))
		}
		mt, params, _ := mime.ParseMediaType(h.Get("Content-Type"))
		if mt != "multipart/alternative" || params["boundary"] == "" {
			t.Errorf("content type %q", h.Get("Content-Type"))
		}
		if !strings.HasPrefix(h.Get("List-Unsubscribe"), "<https://consortia.example.org/unsubscribe/") || h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("unsubscribe headers %q %q", h.Get("List-Unsubscribe"), h.Get("List-Unsubscribe-Post"))
		}
		msgs, _, _ := f.a.ListOutbox(f.ctx, f.admin, model.OutboxSent, model.Page{})
		ids := map[string]bool{}
		for _, m := range msgs {
			ids["<"+m.MessageID+">"] = true
		}
		if !ids[h.Get("Message-Id")] {
			t.Errorf("Message-ID %q is not the outbox's idempotency key", h.Get("Message-Id"))
		}
		parts, err := got.Parts()
		if err != nil {
			t.Fatal(err)
		}
		for _, mt := range []string{"text/plain", "text/html"} {
			if !strings.Contains(parts[mt], "https://consortia.example.org/r/") || !strings.Contains(parts[mt], "Can you test the new dashboards?") {
				t.Errorf("%s part lacks the one-click answers:\n%s", mt, parts[mt])
			}
		}
	})
}

func TestDigestsGroupedAndOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		for i := range 3 {
			if _, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: fmt.Sprintf("News %d", i), Body: "Done."}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{Title: "Site news", Body: "For everyone."}); err != nil {
			t.Fatal(err)
		}
		// Nothing goes out at once: the default is a weekly digest.
		if n, _ := f.emailWorker().Drain(f.ctx); n.Sent != 0 {
			t.Fatalf("immediate mail for news: %+v", n)
		}
		n, err := f.a.SendDigests(f.ctx, model.ModeWeekly, false)
		if err != nil || n != 2 {
			t.Fatalf("first weekly run: %d %v", n, err)
		}
		if n, _ := f.a.SendDigests(f.ctx, model.ModeWeekly, true); n != 0 {
			t.Fatalf("second run sent %d digests: each event belongs to one digest, and empty digests are never sent", n)
		}
		if n, _ := f.a.SendDigests(f.ctx, model.ModeDaily, true); n != 0 {
			t.Fatalf("daily run sent %d", n)
		}
		if _, err := f.a.SendDigests(f.ctx, "hourly", false); model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("bad period: %v", err)
		}
		if r, _ := f.emailWorker().Drain(f.ctx); r.Sent != 2 {
			t.Fatalf("digests delivered: %+v", r)
		}
		for _, m := range f.smtp.Received() {
			parts, err := m.Parts()
			if err != nil {
				t.Fatal(err)
			}
			body := parts["text/plain"]
			if !strings.Contains(parts["text/html"], "Cloud costs") {
				t.Errorf("html part: %q", parts["text/html"])
			}
			if !strings.Contains(m.Header.Get("Subject"), "Weekly digest: ") {
				t.Errorf("subject %q", m.Header.Get("Subject"))
			}
			if m.To[0] == "lead@example.org" && (!strings.Contains(body, "Cloud costs (4)") || !strings.Contains(body, "All member communities (1)")) {
				t.Errorf("lead's digest is not grouped by consortium with counts:\n%s", body)
			}
		}
		// A person who chose daily digests for this consortium gets those instead.
		if err := f.a.SetPreference(f.ctx, f.lead, model.Preference{ConsortiumID: consortiumID(t, f), Channel: model.ChannelEmail, Mode: model.ModeDaily}); err != nil {
			t.Fatal(err)
		}
		f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "More news", Body: "x"})
		if n, _ := f.a.SendDigests(f.ctx, model.ModeDaily, false); n != 1 {
			t.Fatalf("daily digest: %d", n)
		}
	})
}

func consortiumID(t *testing.T, f *fixture) int64 {
	v, err := f.a.GetConsortium(f.ctx, f.admin, "cloud-costs")
	if err != nil {
		t.Fatal(err)
	}
	return v.ID
}

// TestMailServerOutageLosesNothing: the mail server is down while events
// keep coming; when it is back every message arrives, none twice.
func TestMailServerOutageLosesNothing(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		w := f.emailWorker()
		// Retries are scheduled by a clock an hour behind, so every failed
		// message is due again at the next pass whatever the wall time or
		// the machine's load; attempts never run out during the outage.
		w.MaxAttempts = 1000
		w.Now = func() time.Time { return time.Now().Add(-time.Hour) }
		f.smtp.Stop()
		failedSends := 0
		for i := range 10 {
			f.request(fmt.Sprintf("Request %d", i))
			before, _ := f.a.OutboxStatus(f.ctx, f.admin)
			r, err := w.RunOnce(f.ctx)
			if err != nil {
				t.Fatal(err)
			}
			if r.Claimed != before.Pending || r.Retrying != before.Pending {
				t.Fatalf("pass %d during the outage: %+v, want all %d pending messages claimed and retrying", i, r, before.Pending)
			}
			failedSends += r.Retrying
		}
		st, _ := f.a.OutboxStatus(f.ctx, f.admin)
		queued := st.Pending
		if st.Sent != 0 || queued < 10 {
			t.Fatalf("during the outage: %+v, want nothing sent and at least one message per request pending", st)
		}
		f.smtp.Start()
		r, err := w.Drain(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if r.Sent != queued {
			t.Fatalf("the first drain after the outage: %+v, want all %d sent", r, queued)
		}
		st, _ = f.a.OutboxStatus(f.ctx, f.admin)
		got := f.smtp.Received()
		seen := map[string]int{}
		for _, m := range got {
			seen[m.Header.Get("Message-Id")]++
		}
		if len(got) != queued || len(seen) != queued || st.Sent != queued || st.Failed != 0 || st.Pending != 0 {
			t.Fatalf("after the outage: %d received, %d distinct, status %+v, want %d", len(got), len(seen), st, queued)
		}
		var attempts int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM delivery_attempts WHERE ok = FALSE`).Scan(&attempts); err != nil {
			t.Fatal(err)
		}
		if attempts != failedSends {
			t.Fatalf("failed attempts recorded: %d, want %d", attempts, failedSends)
		}
	})
}

// TestTwoInstancesNeverSendTwice: two workers with their own connection
// pools drain one PostgreSQL outbox at once.
func TestTwoInstancesNeverSendTwice(t *testing.T) {
	for _, d := range storagetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			url := storagetest.URL(t, d)
			open := func() *storage.Store {
				s, err := storage.Open(context.Background(), url)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				if _, err := s.Migrate(context.Background()); err != nil {
					t.Fatal(err)
				}
				return s
			}
			s1 := open()
			f := newFixture(t, s1)
			for i := range 200 {
				m := model.OutboxMessage{Channel: model.ChannelEmail, Recipient: fmt.Sprintf("p%d@example.org", i), Subject: "s", Text: "t", MessageID: fmt.Sprintf("m%d@test", i)}
				if err := s1.Enqueue(f.ctx, &m); err != nil {
					t.Fatal(err)
				}
			}
			s2 := open()
			smtp, _ := delivery.NewSMTP(f.smtp.URL(), "noreply@example.org")
			w1 := f.worker(map[string]delivery.Sender{model.ChannelEmail: smtp})
			w2 := delivery.NewWorker(s2, map[string]delivery.Sender{model.ChannelEmail: smtp}, quiet)
			w1.Batch, w2.Batch = 7, 7
			var wg sync.WaitGroup
			var sent atomic.Int64
			for _, w := range []*delivery.Worker{w1, w2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					r, err := w.Drain(f.ctx)
					if err != nil {
						t.Error(err)
					}
					sent.Add(int64(r.Sent))
				}()
			}
			wg.Wait()
			seen := map[string]int{}
			for _, m := range f.smtp.Received() {
				seen[m.Header.Get("Message-Id")]++
			}
			if sent.Load() != 200 || len(seen) != 200 || len(f.smtp.Received()) != 200 {
				t.Fatalf("sent %d, received %d, distinct %d", sent.Load(), len(f.smtp.Received()), len(seen))
			}
		})
	}
}

func TestBouncingAddressFailsForAnAdminToRetry(t *testing.T) {
	f := newFixture(t, storagetest.Open(t, storage.SQLite))
	f.smtp.Reject("lead@example.org")
	f.request("Testers wanted")
	res, _ := f.emailWorker().Drain(f.ctx)
	if res.Sent != 1 || res.Failed != 1 {
		t.Fatalf("drain: %+v", res)
	}
	failed, _, _ := f.a.ListOutbox(f.ctx, f.admin, model.OutboxDead, model.Page{})
	if len(failed) != 1 || failed[0].Recipient != "lead@example.org" || !strings.Contains(failed[0].LastError, "550") || failed[0].Attempts != 1 {
		t.Fatalf("failed: %+v", failed)
	}
	if _, err := f.a.RetryOutbox(f.ctx, f.lead, 0); model.ErrorCode(err) != model.EForbidden {
		t.Fatalf("member retry: %v", err)
	}
	if n, err := f.a.RetryOutbox(f.ctx, f.admin, failed[0].ID); err != nil || n != 1 {
		t.Fatalf("retry: %d %v", n, err)
	}
	// An invalid address fails at once, without bothering the server.
	m := model.OutboxMessage{Channel: model.ChannelEmail, Recipient: "not an address", Subject: "s", Text: "t", MessageID: "bad@test"}
	f.store.Enqueue(f.ctx, &m)
	res, _ = f.emailWorker().Drain(f.ctx)
	if res.Failed != 2 {
		t.Fatalf("after retry: %+v", res)
	}
}

func TestSlackAndWebhooks(t *testing.T) {
	f := newFixture(t, storagetest.Open(t, storage.SQLite))
	var mu sync.Mutex
	var slackBodies []string
	var fail atomic.Int32
	fail.Store(2) // the first two posts get a 500
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if fail.Add(-1) >= 0 {
			http.Error(w, "try later", http.StatusInternalServerError)
			return
		}
		mu.Lock()
		slackBodies = append(slackBodies, string(b))
		mu.Unlock()
	}))
	defer slack.Close()
	const secret = "a-long-shared-secret"
	// The sender's clock moves ten minutes per signature, so a signature
	// made when the message was queued would be stale by the retry.
	var clock atomic.Int64
	clock.Store(time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC).Unix())
	senderNow := func() time.Time { return time.Unix(clock.Add(600), 0) }
	var hookPosts []webhookPost
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		p := webhookPost{delivery: r.Header.Get("X-Consortia-Delivery"), err: verifyWebhook(secret, r.Header.Get("X-Consortia-Signature"), b,
			time.Unix(clock.Load(), 0), 5*time.Minute)}
		p.t, _, _ = strings.Cut(strings.TrimPrefix(r.Header.Get("X-Consortia-Signature"), "t="), ",")
		hookPosts = append(hookPosts, p)
		if len(hookPosts) == 1 { // the first post fails: the retry is signed anew
			http.Error(w, "try later", http.StatusServiceUnavailable)
		}
	}))
	defer hook.Close()
	gone := httptest.NewServer(http.NotFoundHandler())
	defer gone.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { time.Sleep(300 * time.Millisecond) }))
	defer slow.Close()

	var webhookID int64
	for _, h := range []struct{ kind, url, secret string }{{"slack", slack.URL, ""}, {"webhook", hook.URL, secret}, {"slack", gone.URL, ""}, {"slack", slow.URL, ""}} {
		added, err := f.a.AddHook(f.ctx, f.admin, "cloud-costs", h.kind, h.url, h.secret)
		if err != nil {
			t.Fatal(err)
		}
		if h.kind == "webhook" {
			webhookID = added.ID
		}
	}
	if _, err := f.a.AddHook(f.ctx, f.admin, "cloud-costs", "webhook", hook.URL, "short"); model.ErrorCode(err) != model.EInvalid {
		t.Fatalf("short secret: %v", err)
	}
	if _, err := f.a.AddHook(f.ctx, f.lead, "cloud-costs", "slack", slack.URL, ""); model.ErrorCode(err) != model.EForbidden {
		t.Fatalf("member adds hook: %v", err)
	}
	if _, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Dashboards <shipped> & live", Body: "See the page."}); err != nil {
		t.Fatal(err)
	}
	httpSender := &delivery.HTTP{Client: &http.Client{Timeout: 100 * time.Millisecond}, Now: senderNow}
	w := f.worker(map[string]delivery.Sender{"slack": httpSender, "webhook": httpSender})
	w.MaxAttempts = 4
	for range 10 {
		w.Drain(f.ctx)
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(slackBodies) != 1 || !strings.Contains(slackBodies[0], "Dashboards &lt;shipped&gt; &amp; live") ||
		!strings.Contains(slackBodies[0], "https://consortia.example.org/consortia/cloud-costs#updates") {
		t.Fatalf("slack: %q", slackBodies)
	}
	if len(hookPosts) != 2 || hookPosts[0].err != nil || hookPosts[1].err != nil || hookPosts[0].t == hookPosts[1].t ||
		hookPosts[0].delivery == "" || hookPosts[0].delivery != hookPosts[1].delivery {
		t.Fatalf("webhook posts (want two, each verified, signed at its own time, one delivery id): %+v", hookPosts)
	}
	failed, _, _ := f.a.ListOutbox(f.ctx, f.admin, model.OutboxDead, model.Page{})
	var reasons []string
	for _, m := range failed {
		reasons = append(reasons, m.LastError)
	}
	// 404: permanent after one attempt; a timeout: retried until out of attempts.
	if len(failed) != 2 || !strings.Contains(strings.Join(reasons, "|"), "404") || !strings.Contains(strings.Join(reasons, "|"), "Timeout") {
		t.Fatalf("failed: %q", reasons)
	}

	// A post queued for a webhook that is disconnected before it is sent
	// fails for good: there is no secret left to sign it with.
	if _, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: "cloud-costs", Title: "Second", Body: "More."}); err != nil {
		t.Fatal(err)
	}
	if err := f.a.RemoveHook(f.ctx, f.admin, webhookID); err != nil {
		t.Fatal(err)
	}
	w.Drain(f.ctx)
	failed, _, _ = f.a.ListOutbox(f.ctx, f.admin, model.OutboxDead, model.Page{})
	reason := ""
	for _, m := range failed {
		if m.Recipient == hook.URL {
			reason = m.LastError
		}
	}
	if len(hookPosts) != 2 || !strings.Contains(reason, "webhook was disconnected") {
		t.Fatalf("after disconnecting: %d posts, failure %q", len(hookPosts), reason)
	}
}

type webhookPost struct {
	delivery, t string
	err         error
}

// verifyWebhook checks a post the way the README tells receivers to: split
// "t=…,v1=…", recompute HMAC-SHA256 of "t.body" with the shared secret,
// compare in constant time, and refuse a time too far from now (a replay).
func verifyWebhook(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return fmt.Errorf("malformed signature header %q", header)
	}
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(ts + "."))
	mac.Write(body)
	if !hmac.Equal([]byte(sig), []byte(hex.EncodeToString(mac.Sum(nil)))) {
		return errors.New("signature mismatch")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("signed %s from now: a replay", d)
	}
	return nil
}

func TestOneClickLinksAndUnsubscribe(t *testing.T) {
	f := newFixture(t, storagetest.Open(t, storage.SQLite))
	now := time.Now()
	f.a.Clock = func() time.Time { return now }
	f.request("Testers wanted")
	f.emailWorker().Drain(f.ctx)
	var link string
	for _, m := range f.smtp.Received() {
		if m.To[0] == "lead@example.org" {
			parts, _ := m.Parts()
			body := parts["text/plain"]
			i := strings.Index(body, "https://consortia.example.org/r/")
			link = body[i+len("https://consortia.example.org/r/"):]
			link = link[:strings.IndexAny(link, "\r\n\" ")]
		}
	}
	// Checking the link records nothing; confirming does.
	r, u, answer, err := f.a.CheckAnswerLink(f.ctx, link)
	if err != nil || u.ID != f.lead.ID || answer != "Yes" {
		t.Fatalf("check: %v %v %q", u, err, answer)
	}
	if got, _ := f.store.RequestByID(f.ctx, r.ID); len(got.Answers) != 0 {
		t.Fatal("checking a link recorded an answer")
	}
	tampered := link[:len(link)-2] + "xx"
	if _, _, err := f.a.AnswerByLink(f.ctx, tampered); model.ErrorCode(err) != model.EInvalid || !strings.Contains(err.Error(), "not valid") {
		t.Fatalf("tampered: %v", err)
	}
	now = now.Add(30 * 24 * time.Hour)
	if _, _, err := f.a.AnswerByLink(f.ctx, link); model.ErrorCode(err) != model.EInvalid || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired: %v", err)
	}
	now = now.Add(-30 * 24 * time.Hour)
	if _, _, err := f.a.AnswerByLink(f.ctx, link); err != nil {
		t.Fatal(err)
	}
	got, _ := f.a.GetRequest(f.ctx, f.admin, r.ID)
	if len(got.Answers) != 1 || got.Answers[0].UserName != "Lee Lead" || got.Answers[0].Answer != "Yes" {
		t.Fatalf("answers: %+v", got.Answers)
	}
	if _, err := f.a.Unsubscribe(f.ctx, "nonsense.token"); model.ErrorCode(err) != model.EInvalid {
		t.Fatalf("unknown unsubscribe token: %v", err)
	}
	token := f.a.Site.Signer.UnsubscribeLink(f.lead.ID)
	if _, err := f.a.Unsubscribe(f.ctx, token); err != nil {
		t.Fatal(err)
	}
	before, _ := f.a.OutboxStatus(f.ctx, f.admin)
	f.request("Another request")
	after, _ := f.a.OutboxStatus(f.ctx, f.admin)
	if after.Pending-before.Pending != 1 { // only the staff member now
		t.Fatalf("unsubscribed lead still gets mail: %+v → %+v", before, after)
	}
}
