package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"consortia/internal/demo"
)

// phoneWidth is a common phone's CSS width (iPhone 12 to 15).
const phoneWidth = 390

// overflowing names the elements that stick out past the right edge of
// the page, to say what to fix when the page scrolls sideways.
const overflowing = `(() => {
	const w = document.documentElement.clientWidth, out = [];
	for (const el of document.querySelectorAll("body *")) {
		const r = el.getBoundingClientRect();
		if (r.width > 0 && r.right > w + 1 && getComputedStyle(el).position !== "fixed") {
			let p = el.parentElement, clipped = false;
			for (; p && p !== document.body; p = p.parentElement) {
				const o = getComputedStyle(p).overflowX;
				if (o !== "visible") { clipped = true; break; }
			}
			if (!clipped) out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " → " + Math.round(r.right) + "px");
		}
	}
	return out.slice(0, 8);
})()`

// oneRow tells whether the header's parts and the links of the menu row
// (when shown) sit on one line: each overlaps the others vertically.
const oneRow = `(() => {
	const boxes = [...document.querySelectorAll(".site-header nav > *, .site-header .main-menu > li")]
		.filter(e => e.checkVisibility()).map(e => e.getBoundingClientRect());
	return Math.max(...boxes.map(r => r.top)) < Math.min(...boxes.map(r => r.bottom));
})()`

// TestBrowserPhoneWidth: at 390 px no main page scrolls sideways (tables
// scroll inside their box or become stacked cards), and the main menu
// collapses behind one "Menu" button that works without the script.
func TestBrowserPhoneWidth(t *testing.T) {
	s := startSite(t)
	if err := demo.Seed(context.Background(), s.app, s.store); err != nil {
		t.Fatalf("seed the demo's sample data: %v", err)
	}
	b := newBrowser(t, s.url)
	// A plain 390 px window: a mobile emulation would widen the layout
	// viewport to fit content that is too wide and hide the overflow.
	b.do("a phone-wide window", chromedp.EmulateViewport(phoneWidth, 844))

	check := func(who, path string) {
		t.Helper()
		b.expectPage(b.open(path), 200, path)
		if d := eval[int](b, `document.documentElement.scrollWidth - document.documentElement.clientWidth`); d > 0 {
			t.Errorf("%s at %d px: %s is %d px wider than the screen; sticking out: %q", who, phoneWidth, path, d, eval[[]string](b, overflowing))
		}
		b.screenshot("phone-" + who[:1] + strings.NewReplacer("/", "_").Replace(path))
		// The header is one row: the menu is collapsed.
		if !eval[bool](b, oneRow) {
			t.Errorf("%s at %d px: the header of %s takes more than one row", who, phoneWidth, path)
		}
	}
	pages := []string{"/", "/roadmap", "/initiatives", "/consortia", "/funding", "/communities"}
	consortium := func() string {
		b.open("/consortia")
		return b.attr(`main .consortium-card h3 a`, "href")
	}
	goal := func() string {
		b.open("/funding")
		return b.attr(`main a[href^="/funding/"]:not([href="/funding/new"])`, "href")
	}
	for _, p := range append(pages, consortium(), goal()) {
		check("a visitor", p)
	}
	b.signIn(adminEmail, adminPassword)
	for _, p := range append(pages, consortium(), goal(), "/account/notifications", "/updates", "/admin/outbox") {
		check("staff", p)
	}

	// The menu opens and closes without the script: it is a <details>.
	b.open("/roadmap")
	if got := b.text(".site-header details.nav-menu > summary"); got != "Menu" {
		t.Fatalf("menu button says %q", got)
	}
	if eval[bool](b, `document.querySelector(".site-header details.nav-menu a[href='/funding']").checkVisibility()`) {
		t.Error("the collapsed menu shows its links")
	}
	b.do("open the menu", chromedp.Click(chromedp.CSS(".site-header details.nav-menu > summary")))
	if !eval[bool](b, `document.querySelector(".site-header details.nav-menu a[href='/funding']").checkVisibility()`) {
		t.Error("the opened menu hides its links")
	}
	if got := b.attr(`.site-header details.nav-menu a[aria-current=page]`, "href"); got != "/roadmap" {
		t.Errorf("the current page in the menu is %q", got)
	}
	b.screenshot("phone-menu-open")

	// On a desktop screen the menu is one row of links, the header one line.
	b.do("a desktop window", chromedp.EmulateViewport(1280, 900))
	b.open("/roadmap")
	if eval[bool](b, `document.querySelector(".site-header details.nav-menu").checkVisibility()`) ||
		!eval[bool](b, `document.querySelector(".site-header .main-menu a[href='/updates']").checkVisibility()`) {
		t.Error("at 1280 px the menu is collapsed or lacks Updates")
	}
	if !eval[bool](b, oneRow) {
		t.Error("at 1280 px the header takes more than one row")
	}
}
