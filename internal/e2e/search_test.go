package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"consortia/internal/model"
)

// TestBrowserSearch: the header's box searches the site; the results page
// marks the matched words, counts each kind and narrows to one; a visitor
// does not find a non-public initiative, which a signed-in person does.
func TestBrowserSearch(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	for _, in := range []model.InitiativeInput{
		{Title: "Notebook autosave", Public: true, Problem: "Students lose notebook work when the server restarts."},
		{Title: "Internal notebook metrics", Public: false},
	} {
		if _, err := s.app.CreateInitiative(ctx, s.admin, in); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.app.CreateCommunity(ctx, s.admin, model.CommunityInput{Slug: "nb", Name: "Notebook Lab", Kind: "university"}); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, s.url)
	b.open("/")
	b.do("type in the header's box", chromedp.Click(chromedp.CSS(".site-header .site-search input")),
		chromedp.SendKeys(chromedp.CSS(".site-header .site-search input"), "noteb"+kb.Enter))
	b.do("wait for the results", chromedp.WaitVisible(chromedp.CSS(".search-results")))
	if p := b.path(); p != "/search?q=noteb" {
		t.Fatalf("the box led to %s", p)
	}
	titles := b.texts(".search-results .search-title")
	if len(titles) != 2 || strings.Contains(strings.Join(titles, "|"), "Internal") {
		t.Fatalf("a visitor finds %q", titles)
	}
	if b.count(".search-results mark") == 0 {
		t.Error("no matched word is marked")
	}
	b.screenshot("search")
	b.clickAndWait(`.search-facets a[href*="kind=community"]`)
	if got := b.texts(".search-results .search-title"); len(got) != 1 || got[0] != "Notebook Lab" {
		t.Errorf("narrowed to communities: %q", got)
	}
	b.signIn(adminEmail, adminPassword)
	b.open("/search?q=notebook")
	if got := b.texts(".search-results .search-title"); len(got) != 3 {
		t.Errorf("staff find %q", got)
	}
}
