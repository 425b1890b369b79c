package e2e

import (
	"context"
	_ "embed"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"consortia/internal/demo"
)

//go:embed testdata/axe-core/axe.min.js
var axeSource string

// axeViolation is one failed rule of axe-core on a page.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target  []any  `json:"target"`
		Summary string `json:"failureSummary"`
	} `json:"nodes"`
}

// axeCheck runs axe-core's WCAG 2.1 A and AA rules on the page shown, or
// with onlyColors just the colour-contrast rule (all a change of colour
// scheme can break).
func (b *browser) axeCheck(onlyColors bool) []axeViolation {
	b.t.Helper()
	if !eval[bool](b, `typeof window.axe === "object"`) {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](axeSource+";true")); err != nil {
			b.t.Fatalf("inject axe-core: %v", err)
		}
	}
	only := `{type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}`
	if onlyColors {
		only = `{type: "rule", values: ["color-contrast"]}`
	}
	run := `axe.run(document, {runOnly: ` + only + `, resultTypes: ["violations"]})
		.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => ({target: n.target, failureSummary: n.failureSummary}))})))`
	v, err := chromedp.Run(b.ctx, chromedp.Evaluate[[]axeViolation](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("run axe-core on %s: %v", b.path(), err)
	}
	return v
}

// colorScheme makes the page prefer the light or dark scheme.
func (b *browser) colorScheme(scheme string) {
	b.t.Helper()
	b.do("prefer the "+scheme+" colour scheme", chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}})
		return err
	}))
}

// firstLink returns the first link in the page's main part whose path is
// prefix followed by one segment matching the regular expression tail, or
// fails.
func (b *browser) firstLink(prefix, tail string) string {
	b.t.Helper()
	href := eval[string](b, `(Array.from(document.querySelectorAll("main a[href^='`+prefix+`']"))
		.map(a => a.getAttribute("href")).find(h => new RegExp(`+jsString("^"+prefix+"(?:"+tail+")$")+`).test(h))) ?? ""`)
	if href == "" {
		b.t.Fatalf("%s has no link to %s…", b.path(), prefix)
	}
	return href
}

// TestAccessibilityAxe checks the main pages of the demo with axe-core, as
// a visitor and as staff: any WCAG 2.1 A or AA violation fails the test,
// and in the dark colour scheme any contrast below AA.
func TestAccessibilityAxe(t *testing.T) {
	s := startSite(t)
	if err := demo.Seed(context.Background(), s.app, s.store); err != nil {
		t.Fatalf("seed the demo: %v", err)
	}
	b := newBrowserFor(t, s.url, 5*time.Minute)

	b.open("/consortia")
	consortium := b.firstLink("/consortia/", "[a-z0-9-]+")
	b.open("/communities")
	community := b.firstLink("/communities/", "[a-z0-9-]+")
	b.open("/roadmap")
	initiative := b.firstLink("/initiatives/", "[a-z0-9-]+")
	b.open("/funding")
	goal := b.firstLink("/funding/", "[0-9]+")
	visitor := []string{"/", "/roadmap", "/initiatives", initiative, "/narratives", "/consortia", consortium,
		"/communities", community, "/funding", goal, "/updates", "/search?q=data", "/network", "/introductions", "/password-reset", "/login"}

	check := func(who string, paths []string) {
		for _, scheme := range []string{"light", "dark"} {
			b.colorScheme(scheme)
			for _, p := range paths {
				b.open(p)
				for _, v := range b.axeCheck(scheme == "dark") {
					var where []string
					for _, n := range v.Nodes {
						where = append(where, fmt.Sprint(n.Target)+": "+strings.ReplaceAll(n.Summary, "\n", " "))
					}
					t.Errorf("%s, %s scheme, %s: %s (%s, %s)\n  %s", who, scheme, p, v.Help, v.ID, v.Impact, strings.Join(where, "\n  "))
				}
			}
		}
	}
	check("visitor", visitor)

	b.signIn(demo.AdminEmail, demo.AdminPassword)
	b.open(consortium + "/rounds")
	round := b.firstLink("/rounds/", "[0-9]+")
	b.open("/initiatives/budget-alerts-before-the-bill-arrives")
	call := b.firstLink("/testing-calls/", "[0-9]+")
	staff := append(visitor[:len(visitor)-1], "/account", "/account/notifications", "/admin/outbox", "/admin/audit", "/admin/invitations", round, consortium+"/meetings",
		call, consortium+"/credits", "/introductions/new")
	check("staff", staff)
}
