package e2e

import (
	"context"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"

	"consortia/internal/demo"
)

// TestBrowserLongPages: the consortium page has a menu of its sections
// that takes the reader to each; the meeting guide's numbered list shows
// its numbers.
func TestBrowserLongPages(t *testing.T) {
	s := startSite(t)
	if err := demo.Seed(context.Background(), s.app, s.store); err != nil {
		t.Fatalf("seed the demo's sample data: %v", err)
	}
	b := newBrowser(t, s.url)
	b.open("/consortia")
	page := b.attr(`main .consortium-card h3 a`, "href")
	b.expectPage(b.open(page), 200, page)
	links := b.texts(`nav.section-nav[aria-label="On this page"] a`)
	for _, want := range []string{"Problem", "Goals", "Members", "Co-funding", "Meetings", "Timeline", "Critical mass", "Kickoff"} {
		if !slices.Contains(links, want) {
			t.Errorf("the section menu lacks %q: %q", want, links)
		}
	}
	// Every link leads to a section of the page.
	if missing := eval[[]string](b, `[...document.querySelectorAll("nav.section-nav a")].map(a => a.getAttribute("href")).filter(h => !document.querySelector(h))`); len(missing) > 0 {
		t.Errorf("section links to nothing: %q", missing)
	}
	if h := eval[int](b, `document.documentElement.scrollHeight`); h < 2000 {
		t.Logf("the consortium page is only %d px high", h)
	}
	b.do("go to the critical mass", chromedp.Click(chromedp.CSS(`nav.section-nav a[href="#critical-mass"]`)))
	if !eval[bool](b, `(() => { const r = document.getElementById("critical-mass").getBoundingClientRect(); return location.hash === "#critical-mass" && r.top >= 0 && r.top < innerHeight; })()`) {
		t.Error("the Critical mass link does not bring its section into view")
	}
	b.screenshot("consortium-section-menu")

	// The meeting guide (visitors see it beside the meetings).
	b.expectPage(b.open(page+"/meetings"), 200, page+"/meetings")
	style := eval[[]string](b, `(() => { const li = document.querySelector("ol.ceremony li"), cs = getComputedStyle(li); return [cs.display, cs.listStyleType]; })()`)
	if !slices.Equal(style, []string{"list-item", "decimal"}) {
		t.Errorf("the meeting guide's steps show as %q, want numbered list items", style)
	}
}
