package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"consortia/internal/demo"
)

// colorScheme makes the page prefer a light or a dark colour scheme.
func colorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	})
}

// contrast computes WCAG contrast ratios in the page: of the element's
// text on its background, and of its background on each colour of the
// hero's gradient (a button must stand out from what it sits on).
const contrast = `(sel => {
	const rgb = s => (s.match(/[\d.]+/g) || []).slice(0, 3).map(Number);
	const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }); return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
	const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
	const el = document.querySelector(sel), cs = getComputedStyle(el);
	const bg = rgb(cs.backgroundColor), hero = getComputedStyle(el.closest(".hero")).backgroundImage.match(/rgb[a]?\([^)]*\)/g).map(rgb);
	return [ratio(rgb(cs.color), bg), Math.min(...hero.map(h => ratio(bg, h)))];
})`

// TestBrowserHomeForVisitors: a visitor's home page shows the consortia
// and the open funding goals, not only communities; the hero's main button
// keeps 4.5:1 text contrast and stands out from the hero (3:1), in both
// colour schemes.
func TestBrowserHomeForVisitors(t *testing.T) {
	s := startSite(t)
	if err := demo.Seed(context.Background(), s.app, s.store); err != nil {
		t.Fatalf("seed the demo's sample data: %v", err)
	}
	b := newBrowser(t, s.url)
	b.expectPage(b.open("/"), 200, "/")
	if n := b.count(`#home-consortia ~ .card-grid .consortium-card`); n == 0 {
		t.Error("the home page shows visitors no consortium")
	}
	if n := b.count(`.home-goals li a[href^="/funding/"]`); n == 0 {
		t.Error("the home page shows visitors no funding goal")
	}
	if got := b.attr(`.site-header .main-menu a[href="/updates"]`, "href"); got != "/updates" {
		t.Error("Updates is not in the main menu")
	}
	for _, scheme := range []string{"light", "dark"} {
		b.do("prefer "+scheme, colorScheme(scheme))
		b.open("/")
		r := eval[[]float64](b, contrast+`(".hero a[role=button]:not(.secondary)")`)
		if r[0] < 4.5 {
			t.Errorf("%s: the hero button's text has %.2f:1 contrast, want 4.5:1", scheme, r[0])
		}
		if r[1] < 3 {
			t.Errorf("%s: the hero button stands out from the hero by %.2f:1, want 3:1", scheme, r[1])
		}
	}
	b.screenshot("home-visitor")
}
