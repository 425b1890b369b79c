package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"consortia/internal/model"
)

// TestBrowserRankedBallot casts a ranked ballot with static/ballot.js: the
// keyboard ("Rank", "Up", the tie box) and drag and drop reorder the list,
// which fills the rank inputs the form posts; a dot ballot shows its total
// as points are typed.
func TestBrowserRankedBallot(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()
	now := time.Now()
	titles := []string{"Apples", "Bananas", "Cherries"}
	lead, c, ins := s.memberLead(t, "Fruit", model.RoleReactPrioritize, titles...)
	ids := map[string]int64{}
	var all []int64
	for i, title := range titles {
		ids[title] = ins[i].ID
		all = append(all, ins[i].ID)
	}
	open := func(bt string) int64 {
		r, err := s.app.CreateRound(ctx, s.admin, c.Slug, model.RoundInput{Quarter: "2030-Q1", BallotType: bt, DotPoints: 10,
			OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(time.Hour), CandidateIDs: all})
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	ranked, dot := open(model.BallotRanked), open(model.BallotDot)

	b := newBrowser(t, s.url)
	b.signIn(lead.Email, adminPassword)
	b.open(fmt.Sprintf("/rounds/%d", ranked))
	item := func(title string) string { return fmt.Sprintf(`.rank-item[data-id="%d"]`, ids[title]) }
	rank := func(title string) string { return b.value(item(title) + " .rank-input") }
	ranks := func() string { return rank("Apples") + "," + rank("Bananas") + "," + rank("Cherries") }
	if b.count("form.js-ranked .rank-divider") != 1 || b.count(".rank-input:not([hidden])") != 0 {
		t.Fatal("ballot.js did not turn the rank inputs into a sortable list")
	}
	if got := ranks(); got != ",," {
		t.Fatalf("a new ballot ranks %q", got)
	}

	// The keyboard: Tab to a button and press Enter or Space.
	press := func(sel, key string) {
		t.Helper()
		b.do("press "+sel, chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(key))
	}
	press(item("Cherries")+" .rank-toggle", kb.Enter)
	press(item("Apples")+" .rank-toggle", kb.Enter)
	if got := ranks(); got != "2,,1" {
		t.Fatalf("after ranking Cherries then Apples: %q", got)
	}
	press(item("Apples")+` button[aria-label="Move Apples up"]`, kb.Enter)
	if got := ranks(); got != "1,,2" {
		t.Fatalf("after moving Apples up: %q", got)
	}
	if b.attr(":focus", "aria-label") != "Move Apples up" {
		t.Fatalf("focus moved away from the button: %q", b.attr(":focus", "aria-label"))
	}
	press(item("Cherries")+" .tie-toggle input", " ")
	if got := ranks(); got != "1,,1" {
		t.Fatalf("after tying Cherries with Apples: %q", got)
	}
	if live := b.text(`form.js-ranked [aria-live]`); live == "" {
		t.Fatal("moves are not announced")
	}

	// Drag and drop: Bananas from below the line to the top.
	eval[bool](b, fmt.Sprintf(`(() => {
		const list = document.querySelector(".rank-list"), src = document.querySelector(%q), dst = document.querySelector(%q);
		const dt = new DataTransfer(), box = dst.getBoundingClientRect();
		src.dispatchEvent(new DragEvent("dragstart", {bubbles: true, dataTransfer: dt}));
		dst.dispatchEvent(new DragEvent("dragover", {bubbles: true, cancelable: true, dataTransfer: dt, clientY: box.top + 2}));
		dst.dispatchEvent(new DragEvent("drop", {bubbles: true, cancelable: true, dataTransfer: dt}));
		src.dispatchEvent(new DragEvent("dragend", {bubbles: true, dataTransfer: dt}));
		return true; })()`, item("Bananas"), item("Apples")))
	if got := ranks(); got != "2,1,2" {
		t.Fatalf("after dragging Bananas to the top: %q", got)
	}
	b.clickAndWait(fmt.Sprintf(`form[action="/rounds/%d/ballots/alpha"] button[type=submit]`, ranked))
	v, err := s.app.GetRound(ctx, lead, ranked)
	if err != nil || len(v.Voters) != 1 || v.Voters[0].Ballot == nil {
		t.Fatalf("no ballot stored: %v", err)
	}
	want := fmt.Sprint([][]int64{{ids["Bananas"]}, {ids["Apples"], ids["Cherries"]}})
	if got := fmt.Sprint(v.Voters[0].Ballot.Ranking); got != want {
		t.Fatalf("stored ranking %s, want %s", got, want)
	}
	// The page comes back with the ballot in its order and ties.
	if got := ranks(); got != "2,1,2" || b.attr(item("Cherries")+" .tie-toggle input", "aria-label") == "" {
		t.Fatalf("the cast ballot shows as %q", got)
	}
	b.screenshot("ranked-ballot")

	// Dot voting: the total follows the inputs.
	b.open(fmt.Sprintf("/rounds/%d", dot))
	b.do("spend points", chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name="points_%d"]`, ids["Apples"])), "7"),
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name="points_%d"]`, ids["Bananas"])), "5"))
	if got := b.text(".dot-spent"); got != "12" || b.count(".dot-total.over") != 1 {
		t.Fatalf("dot total %q (over: %d)", got, b.count(".dot-total.over"))
	}
}
