package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/demo"
	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/server"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

const (
	adminEmail    = "admin@example.org"
	adminName     = "Ada Admin"
	adminPassword = "correct horse battery staple"

	// testTimeout bounds each test, so that a hung browser fails the test
	// and does not hang CI.
	testTimeout = 60 * time.Second

	// chromiumEnv names a Chromium or Chrome binary to use.
	chromiumEnv = "CONSORTIA_CHROMIUM"
	// screenshotsEnv names a folder for screenshots of the pages; without
	// it the tests take none.
	screenshotsEnv = "CONSORTIA_SCREENSHOTS"
)

// fastHash keeps password hashing cheap in tests.
var fastHash = auth.Params{Memory: 64, Time: 1, Threads: 1}

// site is the real application, running on loopback with a real database.
type site struct {
	url   string
	app   *app.App
	store *storage.Store // the app's database, for tests to arrange and check
	admin *model.User
}

// startSite starts the application the way internal/server's test helpers
// do, with an admin account that signs in with adminPassword.
func startSite(t *testing.T) *site {
	t.Helper()
	store := storagetest.Open(t, storage.SQLite)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	a := app.New(store, log)
	a.Password = fastHash
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	h, err := server.NewServer(a, identity.NewSessions(store.Sessions(identity.IdleTimeout), false), server.NewMetrics(store.DB(), "test"),
		server.Config{BaseURL: srv.URL, Version: "test"}, log)
	if err != nil {
		t.Fatal(err)
	}
	srv.Config.Handler = h
	admin, err := a.CreateUser(context.Background(), nil,
		model.UserInput{Email: adminEmail, Name: adminName, Role: model.RoleAdmin}, adminPassword)
	if err != nil {
		t.Fatal(err)
	}
	return &site{url: srv.URL, app: a, store: store, admin: admin}
}

// findChromium returns the browser to drive. Without one it skips the test,
// except under CI, which must run it.
func findChromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(chromiumEnv); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			t.Fatalf("%s=%s: %v", chromiumEnv, p, err)
		}
		return found
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("no chromium on PATH but CI is set: the browser tests must run in CI; install Debian's chromium or set %s", chromiumEnv)
	}
	t.Skipf("browser test skipped: no chromium on PATH; install Debian's chromium or set %s", chromiumEnv)
	return ""
}

// syncBuffer collects the browser's output, which another goroutine writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// browser is one tab of a headless Chromium, pointed at a site.
type browser struct {
	t    *testing.T
	ctx  context.Context
	base string

	mu         sync.Mutex
	exceptions []string
}

// newBrowser starts a headless Chromium with a fresh profile. Every action
// shares one deadline of testTimeout.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	return newBrowserFor(t, base, testTimeout)
}

// newBrowserFor is newBrowser with a deadline of its own, for tests that
// visit many pages.
func newBrowserFor(t *testing.T, base string, timeout time.Duration) *browser {
	t.Helper()
	exe := findChromium(t)
	profile := t.TempDir() // before the cleanup below, so it is removed after the browser quits
	var out syncBuffer
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.NoSandbox, // we run as root
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		// Keep Chromium off the network: only the site on loopback.
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&out),
	)
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	b := &browser{t: t, ctx: bctx, base: base}
	t.Cleanup(func() {
		b.mu.Lock()
		for _, e := range b.exceptions {
			t.Errorf("uncaught JavaScript exception: %s", e)
		}
		b.mu.Unlock()
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
		if t.Failed() {
			// Containers have no D-Bus; Chromium's complaints about it are noise.
			var lines []string
			for l := range strings.Lines(out.String()) {
				if !strings.Contains(l, "dbus") {
					lines = append(lines, l)
				}
			}
			if len(lines) > 0 {
				t.Logf("chromium output:\n%s", strings.Join(lines, ""))
			}
		}
	})
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(1280, 900)); err != nil {
		t.Fatalf("start %s: %v\n%s", exe, err, out.String())
	}
	// Uncaught exceptions of the pages fail the test.
	console := chromedp.Console(bctx)
	go func() {
		for m, err := range console {
			if err != nil {
				return
			}
			if m.IsException() {
				e := m.String()
				if m.URL != "" {
					e += fmt.Sprintf(" (%s:%d)", m.URL, m.Line+1)
				}
				b.mu.Lock()
				b.exceptions = append(b.exceptions, e)
				b.mu.Unlock()
			}
		}
	}()
	return b
}

// do runs steps that return nothing; what names them in a failure.
func (b *browser) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, steps...); err != nil {
		b.t.Fatalf("%s (at %s): %v", what, b.path(), err)
	}
}

// open loads a page of the site and returns its HTTP status.
func (b *browser) open(path string) int64 {
	b.t.Helper()
	res, err := chromedp.Run(b.ctx, chromedp.NavigateResponse(b.base+path))
	if err != nil {
		b.t.Fatalf("open %s: %v", path, err)
	}
	return res.Status
}

// clickAndWait clicks the element and waits for the page it leads to, whose
// HTTP status it returns (after redirects).
func (b *browser) clickAndWait(sel string) int64 {
	b.t.Helper()
	from := b.path()
	res, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("click %s on %s: %v", sel, from, err)
	}
	if res == nil { // a same-document navigation (e.g. htmx pushing a URL) has no response
		b.t.Fatalf("click %s on %s: no page load followed", sel, from)
	}
	return res.Status
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](b *browser, js string) T {
	b.t.Helper()
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[T](js))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// jsString quotes s as a JavaScript string literal.
func jsString(s string) string {
	q, _ := json.Marshal(s)
	return string(q)
}

// path is the path of the page shown.
func (b *browser) path() string {
	p, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](`location.pathname + location.search`))
	if err != nil {
		return "?"
	}
	return p
}

// text returns the text of the first element matching sel, with runs of
// white space collapsed; the test fails when there is none.
func (b *browser) text(sel string) string {
	b.t.Helper()
	type result struct {
		Found bool   `json:"found"`
		Text  string `json:"text"`
	}
	r := eval[result](b, `(() => { const el = document.querySelector(`+jsString(sel)+`);
		return el ? {found: true, text: el.textContent.replace(/\s+/g, " ").trim()} : {found: false, text: ""}; })()`)
	if !r.Found {
		b.t.Fatalf("%s: no element matches %s", b.path(), sel)
	}
	return r.Text
}

// texts returns the text of every element matching sel.
func (b *browser) texts(sel string) []string {
	b.t.Helper()
	return eval[[]string](b, `Array.from(document.querySelectorAll(`+jsString(sel)+`), el => el.textContent.replace(/\s+/g, " ").trim())`)
}

// count returns how many elements match sel.
func (b *browser) count(sel string) int {
	b.t.Helper()
	return eval[int](b, `document.querySelectorAll(`+jsString(sel)+`).length`)
}

// attr returns an attribute of the first element matching sel, or "" when
// the element or the attribute is missing.
func (b *browser) attr(sel, name string) string {
	b.t.Helper()
	return eval[string](b, `(document.querySelector(`+jsString(sel)+`)?.getAttribute(`+jsString(name)+`)) ?? ""`)
}

// value returns the current value of a form field.
func (b *browser) value(sel string) string {
	b.t.Helper()
	return eval[string](b, `document.querySelector(`+jsString(sel)+`)?.value ?? ""`)
}

// expectPage checks the path and the status of the page shown.
func (b *browser) expectPage(status, want int64, path string) {
	b.t.Helper()
	if got := b.path(); got != path {
		b.t.Fatalf("at %s, want %s", got, path)
	}
	if status != want {
		b.t.Fatalf("%s: status %d, want %d", path, status, want)
	}
}

// screenshot saves a full-page PNG of the page shown into the folder named
// by CONSORTIA_SCREENSHOTS; without it, it does nothing.
func (b *browser) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv(screenshotsEnv)
	if dir == "" {
		return
	}
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn signs in through the sign-in form and expects the dashboard.
func (b *browser) signIn(email, password string) {
	b.t.Helper()
	b.open("/login")
	b.do("fill the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), email),
		chromedp.SendKeys(chromedp.ID("password"), password))
	status := b.clickAndWait(`main form[action="/login"] button[type=submit]`)
	b.expectPage(status, 200, "/")
	if h := b.text("main h1"); !strings.HasPrefix(h, "Hello, ") {
		b.t.Fatalf("after signing in the dashboard says %q, want Hello, …", h)
	}
}

func TestBrowserSignInAndCreateCommunity(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, s.url)
	ctx := context.Background()

	// A visitor signs in from the home page.
	b.expectPage(b.open("/"), 200, "/")
	if got := b.text(`header a[href="/login"]`); got != "Sign in" {
		t.Fatalf("header sign-in link says %q", got)
	}
	b.expectPage(b.clickAndWait(`header a[href="/login"]`), 200, "/login")
	if got := b.text("main h1"); got != "Sign in" {
		t.Fatalf("sign-in page heading is %q", got)
	}
	b.do("fill the sign-in form",
		chromedp.SendKeys(chromedp.ID("email"), adminEmail),
		chromedp.SendKeys(chromedp.ID("password"), adminPassword))
	b.expectPage(b.clickAndWait(`main form[action="/login"] button[type=submit]`), 200, "/")
	if got, want := b.text("main h1"), "Hello, "+adminName; got != want {
		t.Fatalf("dashboard heading is %q, want %q", got, want)
	}
	if got, want := b.text("main .flash"), "Welcome back, "+adminName+"."; got != want {
		t.Errorf("flash after sign-in is %q, want %q", got, want)
	}
	if n := b.count(`header form[action="/logout"] button`); n != 1 {
		t.Errorf("signed in, the header has %d sign-out buttons, want 1", n)
	}

	// To the communities, and the form to add one.
	b.expectPage(b.clickAndWait(`header nav a[href="/communities"]`), 200, "/communities")
	if got := b.text("main h1"); got != "Communities" {
		t.Fatalf("communities page heading is %q", got)
	}
	if got := b.attr(`header nav a[href="/communities"]`, "aria-current"); got != "page" {
		t.Errorf("the Communities menu item is not marked as the current page (aria-current=%q)", got)
	}
	if got := b.text(`main a[href="/communities/new"]`); got != "Add a community" {
		t.Errorf("add link says %q", got)
	}
	b.expectPage(b.clickAndWait(`main a[href="/communities/new"]`), 200, "/communities/new")

	// Everything but the name: the form comes back with the error next to
	// the name field and keeps what was typed.
	const (
		name        = "Open Climate Lab"
		kind        = "research-collaboration"
		website     = "https://climate.example.org"
		description = "We run **shared GPUs** for _climate_ models.\n\n<script>window.__consortiaInjected = 1</script>\n\n- notebooks\n- data\n"
		tags        = "Climate, gpu, open-data, climate"
	)
	b.do("fill the community form without a name",
		chromedp.SetValue(chromedp.ID("kind"), kind),
		chromedp.SendKeys(chromedp.ID("website"), website),
		chromedp.SendKeys(chromedp.ID("description"), description),
		chromedp.SendKeys(chromedp.ID("tags"), tags))
	status := b.clickAndWait(`main form.stacked button[type=submit]`)
	b.expectPage(status, 422, "/communities")
	if got := b.attr("#name", "aria-invalid"); got != "true" {
		t.Errorf(`name field has aria-invalid=%q, want "true"`, got)
	}
	if got := b.attr("#name", "aria-describedby"); got != "name-error" {
		t.Errorf("name field has aria-describedby=%q, want name-error", got)
	}
	if got := eval[string](b, `document.getElementById("name").nextElementSibling?.id ?? ""`); got != "name-error" {
		t.Errorf("the element after the name field is %q, want the error #name-error", got)
	}
	if got := b.text("#name-error"); got == "" {
		t.Error("the name error is empty")
	}
	if got := eval[bool](b, `document.getElementById("name-error").getClientRects().length > 0`); !got {
		t.Error("the name error is not displayed")
	}
	// The slug, left blank to be derived from the name, may be flagged
	// too; the fields that were filled in must not be.
	invalid := eval[[]string](b, `Array.from(document.querySelectorAll('[aria-invalid="true"]'), el => el.id)`)
	for _, id := range []string{"kind", "website", "description", "tags"} {
		if slices.Contains(invalid, id) {
			t.Errorf("the valid field %s is marked invalid (invalid: %q)", id, invalid)
		}
	}
	if got := b.attr("#form-error", "role"); got != "alert" {
		t.Errorf("form-level error has role %q, want alert", got)
	}
	if got := b.value("#kind"); got != kind {
		t.Errorf("kind came back as %q, want %q", got, kind)
	}
	if got := b.value("#website"); got != website {
		t.Errorf("website came back as %q, want %q", got, website)
	}
	if got := b.value("#description"); got != description {
		t.Errorf("description came back as %q, want %q", got, description)
	}
	if got := b.value("#tags"); got != tags {
		t.Errorf("tags came back as %q, want %q", got, tags)
	}
	if _, total, err := s.app.ListCommunities(ctx, s.admin, model.CommunityFilter{IncludeArchived: true}); err != nil {
		t.Fatal(err)
	} else if total != 0 {
		t.Fatalf("the form without a name created %d communities", total)
	}

	// With the name, the community is added.
	b.do("type the name", chromedp.SendKeys(chromedp.ID("name"), name))
	b.expectPage(b.clickAndWait(`main form.stacked button[type=submit]`), 200, "/communities/open-climate-lab")
	if got := b.text("main h1"); got != name {
		t.Errorf("community page heading is %q, want %q", got, name)
	}
	if got, want := b.text("main .flash"), name+" was added."; got != want {
		t.Errorf("flash is %q, want %q", got, want)
	}
	if got := b.text("main .prose strong"); got != "shared GPUs" {
		t.Errorf("Markdown bold rendered as %q, want a <strong> with shared GPUs", got)
	}
	if got := b.count("main .prose em, main .prose li"); got != 3 {
		t.Errorf("found %d <em> and <li> in the description, want 3", got)
	}
	if got := b.count("main .prose script, main script"); got != 0 {
		t.Errorf("the description's <script> became %d script elements", got)
	}
	if got := eval[bool](b, `"__consortiaInjected" in window`); got {
		t.Error("the description's script ran")
	}
	if got := b.texts("main .community-header ul.tags li"); !slices.Equal(got, []string{"climate", "gpu", "open-data"}) {
		t.Errorf("tags on the page: %q", got)
	}
	if got := b.attr(`main .community-header a[href^="https://"]`, "href"); got != website {
		t.Errorf("website link is %q, want %q", got, website)
	}

	v, err := s.app.GetCommunity(ctx, s.admin, "open-climate-lab")
	if err != nil {
		t.Fatalf("the community is not in the database: %v", err)
	}
	if v.Name != name || v.Kind != kind || v.Website != website {
		t.Errorf("stored name, kind, website = %q, %q, %q", v.Name, v.Kind, v.Website)
	}
	if !slices.Equal(v.Tags, []string{"climate", "gpu", "open-data"}) {
		t.Errorf("stored tags = %q, want [climate gpu open-data]", v.Tags)
	}
	if !strings.Contains(v.Description, "**shared GPUs**") {
		t.Errorf("stored description = %q, want the Markdown source", v.Description)
	}

	// Sign out: the sign-in link is back and the staff pages are closed.
	b.expectPage(b.clickAndWait(`header form[action="/logout"] button`), 200, "/")
	if got := b.text(`header a[href="/login"]`); got != "Sign in" {
		t.Errorf("after signing out the header link says %q, want Sign in", got)
	}
	if n := b.count(`header form[action="/logout"]`); n != 0 {
		t.Errorf("after signing out the header still has %d sign-out forms", n)
	}
	if strings.HasPrefix(b.text("main h1"), "Hello,") {
		t.Error("after signing out the page still greets the admin")
	}
	b.open("/communities/new")
	if n := b.count("form.stacked #name"); n != 0 {
		t.Error("after signing out the new-community form is still served")
	}
}

func TestBrowserKeyboardAndAccessibility(t *testing.T) {
	s := startSite(t)
	b := newBrowser(t, s.url)
	b.signIn(adminEmail, adminPassword)

	// The first Tab on a page reaches the skip link, which then shows.
	b.expectPage(b.open("/communities"), 200, "/communities")
	b.do("press Tab", chromedp.KeyEvent(kb.Tab))
	type focused struct {
		Tag  string `json:"tag"`
		Text string `json:"text"`
		Href string `json:"href"`
		Left int    `json:"left"`
	}
	f := eval[focused](b, `(() => { const el = document.activeElement, r = el.getBoundingClientRect();
		return {tag: el.tagName, text: el.textContent.trim(), href: el.getAttribute("href") ?? "", left: Math.round(r.left)}; })()`)
	if f.Tag != "A" || f.Text != "Skip to content" || f.Href != "#main" {
		t.Errorf("the first Tab focuses <%s href=%q> %q, want the skip link", f.Tag, f.Href, f.Text)
	}
	if f.Left < 0 {
		t.Errorf("the focused skip link is off screen (left %dpx)", f.Left)
	}
	b.do("follow the skip link", chromedp.KeyEvent(kb.Enter))
	if got := eval[string](b, `document.activeElement.id`); got != "main" {
		t.Errorf("after the skip link, focus is on #%q, want #main", got)
	}

	// Landmarks.
	type landmarks struct {
		Main   int `json:"main"`
		Header int `json:"header"`
		Nav    int `json:"nav"`
		Footer int `json:"footer"`
	}
	// A header or a footer inside main or a section is no banner or
	// contentinfo landmark, so count only the page-level ones.
	const landmarksJS = `(() => {
		const top = sel => Array.from(document.querySelectorAll(sel)).filter(el => !el.parentElement.closest("main, article, aside, nav, section")).length;
		return {main: document.querySelectorAll("main").length, header: top("header"), nav: document.querySelectorAll("nav").length, footer: top("footer")};
	})()`
	for _, path := range []string{"/communities", "/communities/new"} {
		b.expectPage(b.open(path), 200, path)
		l := eval[landmarks](b, landmarksJS)
		if l.Main != 1 || l.Header != 1 || l.Nav < 1 || l.Footer != 1 {
			t.Errorf("%s landmarks: %d main, %d page header, %d nav, %d page footer; want 1, 1, ≥1, 1", path, l.Main, l.Header, l.Nav, l.Footer)
		}
	}

	// Every field of the new-community form has a label with text.
	type field struct {
		Field   string `json:"field"`
		Labeled bool   `json:"labeled"`
	}
	fields := eval[[]field](b, `Array.from(document.querySelectorAll("main form.stacked :is(input, select, textarea)"))
		.filter(el => el.type !== "hidden")
		.map(el => ({field: el.outerHTML.slice(0, 100), labeled: Array.from(el.labels ?? []).some(l => l.textContent.trim() !== "")}))`)
	if len(fields) < 10 {
		t.Fatalf("the new-community form has %d fields, want at least 10", len(fields))
	}
	for _, f := range fields {
		if !f.Labeled {
			t.Errorf("no <label> for %s", f.Field)
		}
	}
}

// TestBrowserScreenshots opens the main pages, filled with the demo's
// sample data, at desktop width and the communities list on a phone. Each
// page must load and have its heading; with CONSORTIA_SCREENSHOTS set, it
// saves full-page PNGs there for a person to look at.
func TestBrowserScreenshots(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	if err := demo.Seed(ctx, s.app, s.store); err != nil {
		t.Fatalf("seed the demo's sample data: %v", err)
	}
	items, _, err := s.app.ListCommunities(ctx, s.admin, model.CommunityFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(items) == 0 {
		t.Fatal("the demo has no communities")
	}
	// The community with the most to show.
	richest := items[0]
	for _, c := range items {
		if len(c.Description)+len(c.Tags)*40 > len(richest.Description)+len(richest.Tags)*40 {
			richest = c
		}
	}
	b := newBrowser(t, s.url)
	b.signIn(adminEmail, adminPassword)

	pages := []struct{ name, path, heading string }{
		{"01-dashboard", "/", "Hello, " + adminName},
		{"02-communities", "/communities", "Communities"},
		{"03-community", "/communities/" + richest.Slug, richest.Name},
		{"05-account", "/account", adminName},
		{"06-admin-accounts", "/admin/users", "Admin"},
		{"07-admin-audit", "/admin/audit", "Admin"},
	}
	for _, p := range pages {
		b.expectPage(b.open(p.path), 200, p.path)
		if got := b.text("main h1"); got != p.heading {
			t.Errorf("%s: heading %q, want %q", p.path, got, p.heading)
		}
		b.screenshot(p.name)
	}

	b.expectPage(b.open("/communities/new"), 200, "/communities/new")
	b.do("submit the empty form", chromedp.SendKeys(chromedp.ID("website"), "not a web address"))
	b.expectPage(b.clickAndWait(`main form.stacked button[type=submit]`), 422, "/communities")
	if n := b.count(`main form.stacked [aria-invalid="true"]`); n == 0 {
		t.Error("the empty form came back with no field marked invalid")
	}
	b.screenshot("04-community-form-errors")

	b.do("emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateScale(2)))
	b.expectPage(b.open("/communities"), 200, "/communities")
	// On a phone the layout viewport grows to fit content that is too wide,
	// so compare with the visual viewport.
	if w := eval[int](b, `document.documentElement.scrollWidth - Math.round(visualViewport.width)`); w > 0 {
		t.Errorf("on a 390px phone the communities list is %dpx wider than the screen", w)
	}
	b.screenshot("08-communities-mobile")
}
