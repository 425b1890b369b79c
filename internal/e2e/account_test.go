package e2e

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// otherDevice is a second, cookie-keeping client signed in as email.
func otherDevice(t *testing.T, base, email, password string) *http.Client {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	form := url.Values{"email": {email}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in on the other device: %d", res.StatusCode)
	}
	return c
}

// accountStatus is the status of the account page for a client (200
// signed in, 303 to the sign-in page otherwise).
func accountStatus(t *testing.T, c *http.Client, base string) int {
	t.Helper()
	res, err := c.Get(base + "/account")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// TestBrowserSignOutEverywhere: the account page's button, after its
// confirmation, ends this session and the one on another device.
func TestBrowserSignOutEverywhere(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, s.url)
	b.signIn(adminEmail, adminPassword)
	phone := otherDevice(t, s.url, adminEmail, adminPassword)
	if got := accountStatus(t, phone, s.url); got != http.StatusOK {
		t.Fatalf("the other device is not signed in: %d", got)
	}

	var mu sync.Mutex
	var asked []string
	dialogs := chromedp.Events(b.ctx, page.JavascriptDialogOpening)
	go func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			mu.Lock()
			asked = append(asked, ev.Message)
			mu.Unlock()
			_, _ = chromedp.Call(b.ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: true})
		}
	}()

	b.expectPage(b.open("/account"), 200, "/account")
	if got := b.text(`#sessions`); got != "Sessions" {
		t.Fatalf("account page sessions heading: %q", got)
	}
	b.expectPage(b.clickAndWait(`form[action="/account/sign-out-everywhere"] button[type=submit]`), 200, "/login")
	if got, want := b.text("main .flash"), "You were signed out on every device."; got != want {
		t.Errorf("flash after signing out everywhere is %q, want %q", got, want)
	}
	mu.Lock()
	if len(asked) != 1 || !strings.Contains(asked[0], "Sign out on every device") {
		t.Errorf("confirmation asked: %q", asked)
	}
	mu.Unlock()
	if got := accountStatus(t, phone, s.url); got != http.StatusSeeOther {
		t.Fatalf("the other device is still signed in: %d", got)
	}
	b.open("/account")
	if p := b.path(); !strings.HasPrefix(p, "/login?next=") {
		t.Fatalf("this browser is still signed in: at %s", p)
	}
}
