package server_test

import (
	"fmt"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// browserFrom is a browser whose connections come from ip, a loopback
// address other than 127.0.0.1, so the server sees another client address.
func (e *env) browserFrom(ip string) *browser {
	b := e.browser()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}}
	b.client.Transport = &http.Transport{DialContext: d.DialContext}
	return b
}

// signInAnswer is what one sign-in post got back.
type signInAnswer struct {
	status     int
	retryAfter string
	err        error
}

// concurrentSignIns posts n sign-ins at once (email(i), wrong password),
// each from its own cookie jar, and returns the answers.
func (e *env) concurrentSignIns(n int, email func(i int) string) []signInAnswer {
	out := make([]signInAnswer, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			jar, _ := cookiejar.New(nil)
			c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			form := url.Values{"email": {email(i)}, "password": {fmt.Sprint("guess ", i)}}
			req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.srv.URL)
			<-start
			res, err := c.Do(req)
			if err != nil {
				out[i].err = err
				return
			}
			res.Body.Close()
			out[i] = signInAnswer{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After")}
		}()
	}
	close(start)
	wg.Wait()
	return out
}

// checkConcurrentLimit asserts that of simultaneous wrong guesses at most
// limit were checked (401) and every other one was refused with 429 and a
// Retry-After.
func checkConcurrentLimit(t *testing.T, answers []signInAnswer, limit int) {
	t.Helper()
	checked := 0
	for i, a := range answers {
		switch {
		case a.err != nil:
			t.Fatalf("attempt %d: %v", i, a.err)
		case a.status == http.StatusUnauthorized:
			checked++
		case a.status == http.StatusTooManyRequests:
			if s, err := strconv.Atoi(a.retryAfter); err != nil || s < 1 {
				t.Errorf("attempt %d: 429 with Retry-After %q", i, a.retryAfter)
			}
		default:
			t.Errorf("attempt %d: status %d", i, a.status)
		}
	}
	if checked == 0 || checked > limit {
		t.Fatalf("%d of %d simultaneous wrong passwords were checked; the limit is %d", checked, len(answers), limit)
	}
}

// TestSignInLimitsHoldUnderConcurrency: the attempt is counted before the
// password is checked, in one atomic statement, so a burst of simultaneous
// guesses cannot all slip past a limit that was read before any of them
// was recorded.
func TestSignInLimitsHoldUnderConcurrency(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		limits := e.app.LoginLimits
		limits.DelayBase = time.Millisecond
		e.app.LoginLimits = limits
		// 60 guesses at one account from one address: the pair limit.
		checkConcurrentLimit(t, e.concurrentSignIns(60, func(int) string { return "admin@example.org" }), limits.PerPair)
		// 60 guesses at 60 accounts from one address: the address limit
		// (the pair burst above used some of it).
		checkConcurrentLimit(t, e.concurrentSignIns(60, func(i int) string { return fmt.Sprintf("nobody%d@example.org", i) }), limits.PerAddress)
	})
}

// TestStrangerCannotLockTheOwnerOut: failures from one address limit that
// address, not the account; the owner signs in from another address.
func TestStrangerCannotLockTheOwnerOut(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.app.LoginLimits.DelayBase = time.Millisecond
		stranger := e.browserFrom("127.0.0.2")
		for i := range e.app.LoginLimits.PerPair {
			if r := stranger.login("admin@example.org", fmt.Sprint("guess ", i)); r.status != 401 {
				t.Fatalf("stranger's attempt %d: %d", i, r.status)
			}
		}
		r := stranger.login("admin@example.org", "one more guess")
		if r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Fatalf("stranger past the limit: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		has(t, r, "Too many failed sign-in attempts for this account.")
		// The owner, from a clean address, with the right password.
		if r := e.browser().login("admin@example.org", testPassword); r.status != 303 {
			t.Fatalf("owner from a clean address: %d %s", r.status, r.body)
		}
		// The stranger stays limited after the owner's sign-in.
		if r := stranger.login("admin@example.org", testPassword); r.status != 429 {
			t.Fatalf("stranger after the owner signed in: %d", r.status)
		}
	})
}

// TestPasswordChangeCurrentPasswordIsLimited: a borrowed session cannot be
// used to guess the current password without limit.
func TestPasswordChangeCurrentPasswordIsLimited(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.user("member@example.org", "Mo Member", model.RoleMember)
		b := e.browser()
		b.login("member@example.org", testPassword)
		change := func(current string) response {
			return b.post("/account/password", url.Values{"current_password": {current}, "new_password": {"a new passphrase"},
				"confirm_password": {"a new passphrase"}})
		}
		for i := range e.app.LoginLimits.PerPair {
			if r := change(fmt.Sprint("guess ", i)); r.status != 422 {
				t.Fatalf("wrong current password %d: %d", i, r.status)
			}
		}
		r := change(testPassword)
		if r.status != 429 || r.header.Get("Retry-After") == "" {
			t.Fatalf("past the limit: %d, Retry-After %q", r.status, r.header.Get("Retry-After"))
		}
		has(t, r, "Too many wrong current passwords.")
		// Nothing changed: the old password still signs in.
		if r := e.browserFrom("127.0.0.3").login("member@example.org", testPassword); r.status != 303 {
			t.Fatalf("old password after refused changes: %d", r.status)
		}
	})
}
