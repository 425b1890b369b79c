package e2e

import (
	"cmp"
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"consortia/internal/model"
)

// TestBrowserConsortiumLifecycle walks a consortium through its life in the
// browser, with plain form posts: staff propose it and open it for
// gathering; two community leads agree with the problem, will take part in
// meetings and join with roles; staff see the critical mass reached, move
// it to defining goals, schedule the kickoff, record the agreed goals and
// the decision to go, and make it active. A visitor then finds it, and the
// initiatives in its scope, on the consortia list, its page and the roadmap.
//
// The app layer sets up only what a person cannot do in these pages: the
// accounts, the communities with their leads, and the initiatives.
func TestBrowserConsortiumLifecycle(t *testing.T) {
	s := startSite(t)
	ctx := context.Background()

	const (
		staffEmail = "stella@host.example"
		staffName  = "Stella Staff"
		lenaEmail  = "lena@alpha.example"
		lenaName   = "Lena Lead"
		boEmail    = "bo@beta.example"
		boName     = "Bo Lead"

		name    = "GPUs for teaching"
		slug    = "gpus-for-teaching"
		page    = "/consortia/" + slug
		problem = "Instructors need **GPUs** for a week, not a year."
		slack   = "#gpus-teaching"
		goals   = "1. A GPU pool per course\n2. Shared costs"
	)
	if _, err := s.app.CreateUser(ctx, s.admin, model.UserInput{Email: staffEmail, Name: staffName, Role: model.RoleAdmin}, adminPassword); err != nil {
		t.Fatal(err)
	}
	for _, l := range []struct{ email, name, slug, community string }{
		{lenaEmail, lenaName, "alpha-university", "Alpha University"},
		{boEmail, boName, "beta-institute", "Beta Institute"},
	} {
		if _, err := s.app.CreateUser(ctx, s.admin, model.UserInput{Email: l.email, Name: l.name, Role: model.RoleMember}, adminPassword); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.CreateCommunity(ctx, s.admin, model.CommunityInput{Slug: l.slug, Name: l.community, Kind: "university"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.app.SetAffiliation(ctx, s.admin, l.slug, l.email, model.AffiliationLead); err != nil {
			t.Fatal(err)
		}
	}
	// Initiatives detailed enough for the roadmap board: two public ones
	// in the consortium's scope, a private one in scope that visitors must
	// not see, and a public one outside it.
	words := func(n int, w string) string { return strings.TrimSpace(strings.Repeat(w+" ", n)) }
	initiative := func(title string, public bool, status ...string) *model.Initiative {
		t.Helper()
		in, err := s.app.CreateInitiative(ctx, s.admin, model.InitiativeInput{Title: title, Persona: "instructor",
			Problem: words(60, "problem"), Solution: words(60, "solution"), Implementation: words(60, "build"),
			EcosystemFit: words(25, "upstream"), Themes: []string{"gpu"}, Size: "m", HoursLow: 40, HoursHigh: 80, Public: public})
		if err != nil {
			t.Fatal(err)
		}
		for _, to := range status {
			if in, err = s.app.MoveInitiative(ctx, s.admin, in.Slug, to, ""); err != nil {
				t.Fatal(err)
			}
		}
		return in
	}
	pools := initiative("Course GPU pools", true, model.StatusCandidate)
	billing := initiative("Shared GPU billing", true, model.StatusCandidate, model.StatusUpcoming)
	secret := initiative("Secret GPU contract", false, model.StatusCandidate)
	initiative("Unrelated storage quota", true, model.StatusCandidate)

	// One browser, one deadline (testTimeout) for the whole walk; people
	// take turns by signing out and in.
	b := newBrowser(t, s.url)
	signOut := func() {
		t.Helper()
		b.expectPage(b.clickAndWait(`header form[action="/logout"] button`), 200, "/")
		if n := b.count(`header form[action="/logout"]`); n != 0 {
			t.Fatal("still signed in after signing out")
		}
	}
	// center scrolls an element to the middle of the window. The site's
	// header is sticky: an element that Chromium scrolls just into view can
	// sit under it, and a click meant for it lands on the header.
	center := func(sel string) {
		t.Helper()
		if !eval[bool](b, `(() => { const el = document.querySelector(`+jsString(sel)+`); el?.scrollIntoView({block: "center"}); return !!el; })()`) {
			t.Fatalf("%s: no element matches %s", b.path(), sel)
		}
	}
	click := func(what, sel string) {
		t.Helper()
		center(sel)
		b.do(what, chromedp.Click(chromedp.CSS(sel)))
	}
	// follow clicks a link or button and expects the page it leads to.
	follow := func(sel string, status int64, path string) {
		t.Helper()
		center(sel)
		b.expectPage(b.clickAndWait(sel), status, path)
	}
	// submit clicks the submit button of a form.
	submit := func(form string, status int64, path string) {
		t.Helper()
		follow(form+` button[type=submit]`, status, path)
	}
	flash := func(want string) {
		t.Helper()
		if got := b.text("main .flash"); got != want {
			t.Errorf("%s: flash %q, want %q", b.path(), got, want)
		}
	}
	// names returns what the elements say without the parts hidden from
	// assistive technology, such as the initials of an avatar.
	names := func(sel string) []string {
		t.Helper()
		return eval[[]string](b, `Array.from(document.querySelectorAll(`+jsString(sel)+`), el => {
			const c = el.cloneNode(true);
			c.querySelectorAll('[aria-hidden="true"]').forEach(h => h.remove());
			return c.textContent.replace(/\s+/g, " ").trim(); })`)
	}
	stage := func() string {
		t.Helper()
		return b.text("main .page-header .badge.stage")
	}
	current := func() string {
		t.Helper()
		return b.text(`main ol.stepper li[aria-current="step"] .step-label`)
	}

	// 1. Staff propose the consortium through the form.
	b.signIn(staffEmail, adminPassword)
	b.expectPage(b.clickAndWait(`header nav a[href="/consortia"]`), 200, "/consortia")
	if got := b.text("main h1"); got != "Consortia" {
		t.Fatalf("consortia page heading is %q", got)
	}
	if got := b.text(`main a[href="/consortia/new"]`); got != "Propose a shared problem" {
		t.Errorf("propose link says %q", got)
	}
	follow(`main a[href="/consortia/new"]`, 200, "/consortia/new")
	if got := b.text("main h1"); got != "Propose a consortium" {
		t.Fatalf("form heading is %q", got)
	}
	if !eval[bool](b, `document.querySelector('input[name="visibility"][value="public"]').checked`) {
		t.Error("the form does not default to a public consortium")
	}
	b.do("fill the consortium form",
		chromedp.SendKeys(chromedp.ID("name"), name),
		chromedp.SendKeys(chromedp.ID("problem"), problem),
		chromedp.SendKeys(chromedp.ID("slack_channel"), slack))
	// The critical mass fields come filled with 3 and 5: select and retype.
	for _, id := range []string{"critical_mass_communities", "critical_mass_people"} {
		b.do("set "+id,
			chromedp.Focus(chromedp.ID(id)),
			chromedp.KeyEvent("a", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
			chromedp.KeyEvent("2"))
		if got := b.value("#" + id); got != "2" {
			t.Fatalf("%s is %q after typing 2", id, got)
		}
	}
	// Initiatives in scope: a multiple select; click one, Ctrl+click the others.
	option := func(in *model.Initiative) string {
		return `#initiative_ids option[value="` + itoa(in.ID) + `"]`
	}
	center("#initiative_ids")
	b.do("choose the initiatives in scope", chromedp.Click(chromedp.CSS(option(pools))))
	for _, in := range []*model.Initiative{billing, secret} {
		nodes, err := chromedp.Run(b.ctx, chromedp.Nodes(chromedp.CSS(option(in))))
		if err != nil {
			t.Fatalf("find %s: %v", option(in), err)
		}
		b.do("Ctrl+click "+in.Title, chromedp.MouseClickNode(nodes[0], chromedp.ButtonModifiers(chromedp.ModifierCtrl)))
	}
	chosen := eval[[]string](b, `Array.from(document.querySelector("#initiative_ids").selectedOptions, o => o.value)`)
	if want := []string{itoa(pools.ID), itoa(billing.ID), itoa(secret.ID)}; !sameSet(chosen, want) {
		t.Fatalf("initiatives chosen: %q, want %q", chosen, want)
	}
	submit(`main form.stacked`, 200, page)
	flash("You proposed “" + name + "”. Next: find people who agree with the problem and will take part in meetings.")
	if got := b.text("main h1"); got != name {
		t.Errorf("consortium heading is %q", got)
	}
	if got := stage(); got != "Proposed" {
		t.Errorf("stage badge %q, want Proposed", got)
	}
	if got := current(); got != "Proposed (current)" {
		t.Errorf("current step %q", got)
	}
	if got := b.text("main .prose strong"); got != "GPUs" {
		t.Errorf("the problem's Markdown bold is %q", got)
	}
	if got := b.text("main aside dl.facts code"); got != slack {
		t.Errorf("Slack channel shows as %q, want %q", got, slack)
	}
	if got := b.text(`label[for="mass-communities"] strong`) + " · " + b.text(`label[for="mass-people"] strong`); got != "0 of 2 needed · 0 of 2 needed" {
		t.Errorf("critical mass of a new consortium: %s", got)
	}

	// Open it for gathering with the stage form.
	if got := b.texts(`#stage form.transition h3`); !slices.Equal(got, []string{"→ Gathering critical mass", "→ Dissolved"}) {
		t.Errorf("stage forms of a proposed consortium: %q", got)
	}
	submit(`#stage_gathering-form`, 200, page)
	flash(name + " is now at the stage “Gathering critical mass”.")
	if got := stage(); got != "Gathering critical mass" {
		t.Fatalf("stage badge %q after opening for gathering", got)
	}
	if got := b.text(`#stage_defining_goals-form .blockers`); !strings.Contains(got, "Critical mass is not reached: 0 of 2 communities") {
		t.Errorf("the defining-goals form says %q", got)
	}
	signOut()

	// 2. Each lead agrees with the problem, will meet, and joins with roles.
	type lead struct {
		email, name, community, communityName string
		roles                                 []string
		comment                               string
	}
	leads := []lead{
		{lenaEmail, lenaName, "alpha-university", "Alpha University", []string{model.RoleReactPrioritize, model.RoleTest}, ""},
		{boEmail, boName, "beta-institute", "Beta Institute", []string{model.RoleEndorse, model.RoleCoFund}, "We teach 2,000 students."},
	}
	for i, l := range leads {
		b.signIn(l.email, adminPassword)
		b.expectPage(b.clickAndWait(`header nav a[href="/consortia"]`), 200, "/consortia")
		if got := b.text(`#sec-gathering`); got != "Gathering critical mass 1" {
			t.Errorf("%s sees the section %q", l.name, got)
		}
		follow(`#consortia-list a[href="`+page+`"]`, 200, page)
		if got := b.text(`#support-form button[type=submit]`); got != "I agree with this problem" {
			t.Fatalf("support button says %q", got)
		}
		if !eval[bool](b, `document.querySelector('#support-form input[name="will_meet"]').checked`) {
			click("tick will take part in meetings", `#support-form input[name="will_meet"]`)
		}
		b.do("speak for the community", chromedp.SetValue(chromedp.ID("support-community"), l.community))
		if l.comment != "" {
			b.do("comment", chromedp.SendKeys(chromedp.ID("support-comment"), l.comment))
		}
		submit(`#support-form`, 200, page)
		flash("Thank you: you are counted toward the critical mass.")
		if got := b.text(`#support-form p`); got != "You agree with this problem and will take part in meetings." {
			t.Errorf("%s: support form says %q", l.name, got)
		}
		want := itoa(int64(i+1)) + " of 2 needed"
		if i == 1 {
			want = "2 (needs 2) ✓"
		}
		if got := b.text(`label[for="mass-communities"] strong`); got != want {
			t.Errorf("after %s agreed, communities: %s", l.name, got)
		}

		// The join form, for the one community the lead leads.
		if got := b.text(`#join h3`); got != "Join with your community" {
			t.Errorf("join box heading %q", got)
		}
		if got := b.value("#join-community"); got != l.community {
			t.Errorf("join form community is %q, want %q", got, l.community)
		}
		if i == 0 {
			// No role ticked: the error shows beside the roles, nothing changes.
			submit(`#join-form`, 422, page+"/join")
			fs := `#join-form fieldset.role-choices`
			if got := b.attr(fs, "aria-invalid"); got != "true" {
				t.Errorf("roles fieldset aria-invalid=%q", got)
			}
			if got := b.attr(fs, "aria-describedby"); got != "join-roles-error" {
				t.Errorf("roles fieldset aria-describedby=%q", got)
			}
			if got := b.text(fs + ` #join-roles-error`); !strings.HasPrefix(got, "choose at least one role") {
				t.Errorf("roles error: %q", got)
			}
			if !eval[bool](b, `document.getElementById("join-roles-error").getClientRects().length > 0`) {
				t.Error("the roles error is not displayed")
			}
			if got := b.text(`#form-error`); !strings.Contains(got, "choose at least one role") {
				t.Errorf("page alert: %q", got)
			}
			if got := b.attr(`#form-error a`, "href"); got != "#join-form" {
				t.Errorf("page alert links to %q", got)
			}
			if n := b.count(`#join-form input[name="roles"]:checked`); n != 0 {
				t.Errorf("%d roles ticked after the failed join", n)
			}
			if got := b.text("main .page-header .muted.small strong"); got != "0" {
				t.Errorf("member count after the failed join: %q", got)
			}
			if v, err := s.app.GetConsortium(ctx, s.admin, slug); err != nil {
				t.Fatal(err)
			} else if len(v.Members) != 0 || len(v.MemberEvents) != 0 {
				t.Fatalf("the join without a role changed the members: %+v", v.Members)
			}
		}
		for _, r := range l.roles {
			click("tick "+r, `#join-form input[name="roles"][value="`+r+`"]`)
		}
		submit(`#join-form`, 200, page)
		flash(l.communityName + " joined the consortium.")
		for _, r := range l.roles {
			if got := names(`.role-card.role-` + r + ` .chip-list li`); !slices.Contains(got, l.communityName) {
				t.Errorf("%s is not under the role %s: %q", l.communityName, r, got)
			}
		}
		if n := b.count(`#join-form`); n != 0 {
			t.Errorf("%s still sees the join form after joining", l.name)
		}
		signOut()
	}

	// 3. Staff see the critical mass reached and take it to active.
	b.signIn(staffEmail, adminPassword)
	b.expectPage(b.open(page), 200, page)
	for _, id := range []string{"mass-communities", "mass-people"} {
		if v, m := b.attr("#"+id, "value"), b.attr("#"+id, "max"); v != "2" || m != "2" {
			t.Errorf("#%s is %s of %s, want 2 of 2", id, v, m)
		}
	}
	if got := b.text(`#critical-mass .ok-text`); got != "✓ Critical mass reached." {
		t.Errorf("critical mass says %q", got)
	}
	if got := b.texts(`#critical-mass .supporter-list li`); len(got) != 2 ||
		!strings.Contains(got[0], lenaName+" for Alpha University will meet") || !strings.Contains(got[1], boName+" for Beta Institute will meet") {
		t.Errorf("who agrees: %q", got)
	}
	if got := b.text(`#stage_defining_goals-form`); !strings.Contains(got, "Nothing stands in the way") {
		t.Errorf("the defining-goals form says %q", got)
	}
	b.do("note the move", chromedp.SendKeys(chromedp.ID("stage_defining_goals-reason"), "Two communities agree."))
	submit(`#stage_defining_goals-form`, 200, page)
	flash(name + " is now at the stage “Defining goals”.")
	if got := stage(); got != "Defining goals" {
		t.Fatalf("stage badge %q after the move to defining goals", got)
	}
	if got := b.texts(`#stage_active-form .blockers li`); !slices.Contains(got, "No kickoff meeting has been scheduled.") ||
		!slices.Contains(got, "The goals have not been drafted and agreed.") || !slices.Contains(got, "No decision to go ahead has been recorded.") {
		t.Errorf("blockers of the move to active: %q", got)
	}

	// Schedule the kickoff: type into the datetime-local input (UTC).
	if got := b.attr("#kickoff-at", "type"); got != "datetime-local" {
		t.Fatalf("kickoff input type is %q", got)
	}
	center("#kickoff-at")
	// Chromium shows the fields in the order of the locale: for en-US,
	// month/day/year, then hour:minute AM/PM. The year takes up to six
	// digits, so an arrow key moves on to the hour.
	b.do("type the kickoff", chromedp.Focus(chromedp.ID("kickoff-at")),
		chromedp.KeyEvent("03"), chromedp.KeyEvent("04"), chromedp.KeyEvent("2030"), chromedp.KeyEvent(kb.ArrowRight),
		chromedp.KeyEvent("04"), chromedp.KeyEvent("00"), chromedp.KeyEvent("P"))
	if got := b.value("#kickoff-at"); got != "2030-03-04T16:00" {
		lang := eval[string](b, `navigator.language`)
		if lang == "en-US" {
			t.Fatalf("typing 03 04 2030 → 04 00 P into the kickoff gave %q", got)
		}
		t.Logf("the browser's locale is %s, not en-US: typing into the datetime-local input gave %q; setting the value instead", lang, got)
		b.do("set the kickoff", chromedp.SetValue(chromedp.ID("kickoff-at"), "2030-03-04T16:00"))
	}
	// The kickoff is planned in Berlin's time and shown in it.
	b.do("choose the kickoff's time zone", chromedp.SetValue(chromedp.ID("kickoff-tz"), "Europe/Berlin"))
	submit(`#kickoff-form`, 200, page)
	flash("Kickoff scheduled for Monday 4 March 2030, 16:00 CET.")
	if got := b.text("#kickoff .kickoff-date"); got != "Mon 4 Mar 2030, 16:00 CET" {
		t.Errorf("kickoff shows as %q", got)
	}
	if got := b.value("#kickoff-tz"); got != "Europe/Berlin" {
		t.Errorf("the kickoff form's time zone is %q", got)
	}
	// Until the kickoff has happened, becoming active needs an override.
	if got := b.texts(`#stage_active-form .blockers li`); !slices.Contains(got, "The kickoff meeting has not happened yet (it is on Mon 4 Mar 2030, 16:00 CET).") {
		t.Errorf("blockers of the move to active before the kickoff: %q", got)
	}
	s.app.Clock = func() time.Time { return time.Date(2030, 3, 4, 17, 0, 0, 0, time.UTC) }

	// Record the goals, agreed, with the decision to go. The form is in a
	// closed <details>: open it as a person would.
	click("open the goals form", `details.staff-box > summary`)
	b.do("type the goals", chromedp.SendKeys(chromedp.ID("goals-text"), goals))
	click("tick agreed", `#goals-form input[name="agreed"]`)
	click("choose go", `#goals-form input[name="decision"][value="go"]`)
	b.do("type the decision note", chromedp.SendKeys(chromedp.ID("decision-note"), "Kickoff went well."))
	submit(`#goals-form`, 200, page)
	flash("Saved the goals and decision.")
	if got := b.text("#goals"); got != "Goals agreed decision: go" {
		t.Errorf("goals heading: %q", got)
	}
	if got := b.texts(`#goals + .prose li`); !slices.Equal(got, []string{"A GPU pool per course", "Shared costs"}) {
		t.Errorf("goals: %q", got)
	}
	if got := b.text(`#stage_active-form`); !strings.Contains(got, "Nothing stands in the way") {
		t.Errorf("the active form says %q", got)
	}
	submit(`#stage_active-form`, 200, page)
	flash(name + " is now at the stage “Active”.")

	// The page: stage Active, members by role, the timeline.
	if got := stage(); got != "Active" {
		t.Errorf("stage badge %q, want Active", got)
	}
	if got := current(); got != "Active (current)" {
		t.Errorf("current step %q", got)
	}
	if got := b.texts(`main ol.stepper li.step-done .step-label`); !slices.Equal(got, []string{"Proposed (passed)", "Gathering critical mass (passed)", "Defining goals (passed)"}) {
		t.Errorf("passed steps: %q", got)
	}
	if got := b.text("main .page-header .muted.small strong"); got != "2" {
		t.Errorf("member count %q, want 2", got)
	}
	byRole := map[string][]string{
		model.RoleReactPrioritize: {"Alpha University"},
		model.RoleEndorse:         {"Beta Institute"},
		model.RoleTest:            {"Alpha University"},
		model.RoleConnect:         nil,
		model.RoleCoPropose:       nil,
		model.RoleCoFund:          {"Beta Institute"},
	}
	for role, want := range byRole {
		card := `#members ~ .role-grid .role-card.role-` + role
		if got := names(card + ` .chip-list li a`); !slices.Equal(got, want) && !(len(got) == 0 && len(want) == 0) {
			t.Errorf("role %s lists %q, want %q", role, got, want)
		}
		if got := b.text(card + ` h3 .count`); got != itoa(int64(len(want))) {
			t.Errorf("role %s counts %s", role, got)
		}
	}
	if got := b.texts(`.members-table tbody th .member-roles`); !slices.Equal(got, []string{"React & prioritize · Test", "Endorse · Co-fund"}) {
		t.Errorf("member roles in the table: %q", got)
	}
	timeline := b.texts(`ol.timeline li strong`)
	var stages []string
	for _, e := range timeline {
		if e == "Proposed" || strings.HasPrefix(e, "Moved to ") {
			stages = append(stages, e)
		}
	}
	if want := []string{"Proposed", "Moved to gathering critical mass", "Moved to defining goals", "Moved to active"}; !slices.Equal(stages, want) {
		t.Errorf("stage changes in the timeline: %q, want %q (timeline %q)", stages, want, timeline)
	}
	for _, e := range []string{"Alpha University joined", "Beta Institute joined"} {
		if !slices.Contains(timeline, e) {
			t.Errorf("the timeline lacks %q: %q", e, timeline)
		}
	}
	if got := b.text(`ol.timeline li.timeline-member:has(strong) .small.muted:last-child`); got != "as React & prioritize, Test" {
		t.Errorf("the first join in the timeline: %q", got)
	}
	if got := eval[string](b, `Array.from(document.querySelectorAll("ol.timeline li")).find(li => li.textContent.includes("Moved to defining goals"))?.textContent.replace(/\s+/g, " ").trim() ?? ""`); !strings.Contains(got, "by "+staffName) || !strings.Contains(got, "Two communities agree.") {
		t.Errorf("the move to defining goals in the timeline: %q", got)
	}
	if got := b.texts(`#stage form.transition button[type=submit]`); !slices.Equal(got, []string{"Conclude", "Dissolve"}) {
		t.Errorf("stage buttons of an active consortium: %q", got)
	}
	b.screenshot("consortium-active")

	// Cross-check through the app.
	v, err := s.app.GetConsortium(ctx, s.admin, slug)
	if err != nil {
		t.Fatal(err)
	}
	if v.Name != name || v.Problem != problem || v.Stage != model.StageActive || v.Visibility != model.VisibilityPublic ||
		v.SlackChannel != strings.TrimPrefix(slack, "#") || v.CriticalCommunities != 2 || v.CriticalPeople != 2 {
		t.Errorf("stored consortium: name %q, problem %q, stage %s, visibility %s, slack %q, critical mass %d/%d",
			v.Name, v.Problem, v.Stage, v.Visibility, v.SlackChannel, v.CriticalCommunities, v.CriticalPeople)
	}
	// Browsers send the line breaks of a textarea as CRLF, and the app
	// stores them as they come.
	if strings.ReplaceAll(v.Goals, "\r\n", "\n") != goals || !v.GoalsAgreed || v.Decision != "go" || v.DecisionNote != "Kickoff went well." {
		t.Errorf("stored goals %q, agreed %v, decision %q, note %q", v.Goals, v.GoalsAgreed, v.Decision, v.DecisionNote)
	}
	if want := time.Date(2030, 3, 4, 15, 0, 0, 0, time.UTC); v.KickoffAt == nil || !v.KickoffAt.Equal(want) || v.KickoffTimeZone != "Europe/Berlin" {
		t.Errorf("stored kickoff %v in %q, want %v in Europe/Berlin", v.KickoffAt, v.KickoffTimeZone, want)
	}
	if v.SupportCommunities != 2 || v.SupportPeople != 2 || len(v.Supporters) != 2 {
		t.Errorf("stored support: %d communities, %d people, %d supporters", v.SupportCommunities, v.SupportPeople, len(v.Supporters))
	}
	for _, sp := range v.Supporters {
		if !sp.WillMeet || sp.CommunityID == nil {
			t.Errorf("supporter %s: will meet %v, community %q", sp.UserName, sp.WillMeet, sp.CommunityName)
		}
	}
	members := map[string][]string{}
	for _, m := range v.Members {
		members[m.CommunitySlug] = m.Roles
	}
	for _, l := range leads {
		if !slices.Equal(members[l.community], l.roles) {
			t.Errorf("stored roles of %s: %q, want %q", l.community, members[l.community], l.roles)
		}
	}
	if len(v.Members) != 2 {
		t.Errorf("stored %d members, want 2", len(v.Members))
	}
	var moves []string
	for _, tr := range v.Timeline {
		moves = append(moves, tr.To)
	}
	if want := []string{model.StageProposed, model.StageGathering, model.StageDefining, model.StageActive}; !slices.Equal(moves, want) {
		t.Errorf("stored transitions %q, want %q", moves, want)
	}
	var scope []int64
	for _, in := range v.Initiatives {
		scope = append(scope, in.ID)
	}
	if want := []int64{pools.ID, billing.ID, secret.ID}; !sameSet(scope, want) {
		t.Errorf("stored initiatives in scope %v, want %v", scope, want)
	}
	signOut()

	// 4. A visitor: the roadmap, filtered by the consortium.
	b.expectPage(b.clickAndWait(`header nav a[href="/roadmap"]`), 200, "/roadmap")
	cards := func() []string {
		t.Helper()
		return b.texts(`#roadmap-board .initiative-card h3 a`)
	}
	if got := cards(); !sameSet(got, []string{"Course GPU pools", "Shared GPU billing", "Unrelated storage quota"}) {
		t.Errorf("a visitor's roadmap shows %q", got)
	}
	if got := b.texts(`#consortium option`); !slices.Contains(got, name) {
		t.Fatalf("the roadmap's consortium filter offers %q", got)
	}
	// SetValue fires input and change, as choosing an option does.
	b.do("choose the consortium", chromedp.SetValue(chromedp.ID("consortium"), slug))
	// With JavaScript, choosing the consortium updates the board in place
	// (htmx, on change) and the address follows.
	const filtered = "/roadmap?theme=&narrative=&consortium=" + slug
	if _, err := chromedp.Run(b.ctx, chromedp.Poll[bool](`location.pathname + location.search === `+jsString(filtered)+
		` && document.querySelector("#roadmap-board .result-count") !== null && !document.querySelector(".htmx-request")`)); err != nil {
		t.Fatalf("the roadmap did not filter on choosing the consortium (at %s): %v", b.path(), err)
	}
	if got := cards(); !sameSet(got, []string{"Course GPU pools", "Shared GPU billing"}) {
		t.Errorf("the roadmap filtered in place by the consortium shows %q", got)
	}
	// Without it, the Filter button sends the form; a GET form sends its
	// empty selects too.
	submit(`form.roadmap-filters`, 200, filtered)
	if got := cards(); !sameSet(got, []string{"Course GPU pools", "Shared GPU billing"}) {
		t.Errorf("the roadmap filtered by the consortium shows %q", got)
	}
	if got := b.text(`#roadmap-board .result-count`); !strings.HasPrefix(got, "Filtered · consortium.") {
		t.Errorf("filter note %q", got)
	}

	// The consortia list and the consortium's page.
	b.expectPage(b.clickAndWait(`header nav a[href="/consortia"]`), 200, "/consortia")
	if got := b.text(`#sec-active`); got != "Active 1" {
		t.Errorf("the visitor's active section: %q", got)
	}
	card := `#consortia-list .consortium-card:has(a[href="` + page + `"])`
	if got := b.text(card + ` .card-foot`); got != "2 member communities 2 initiatives in scope" {
		t.Errorf("the visitor's card says %q", got)
	}
	follow(card+` h3 a`, 200, page)
	if got := stage(); got != "Active" {
		t.Errorf("the visitor sees stage %q", got)
	}
	if got := b.texts(`main aside a[href^="/initiatives/"]`); !sameSet(got, []string{"Course GPU pools", "Shared GPU billing"}) {
		t.Errorf("a visitor sees the initiatives in scope %q", got)
	}
	if got := names(`.role-card.role-co_fund .chip-list li a`); !slices.Equal(got, []string{"Beta Institute"}) {
		t.Errorf("a visitor sees co-funders %q", got)
	}
	if got := b.text(`#critical-mass p.small:last-child`); !strings.HasPrefix(got, "Sign in to say you agree") {
		t.Errorf("a visitor is asked %q", got)
	}
	if n := b.count(`#stage, #goals-form, #kickoff-form, #join-form, #support-form`); n != 0 {
		t.Errorf("a visitor sees %d staff or member forms", n)
	}
	if got := b.text(`main aside a[href="/roadmap?consortium=` + slug + `"]`); got != "See them on the roadmap →" {
		t.Errorf("roadmap link says %q", got)
	}
	follow(`main aside a[href="/roadmap?consortium=`+slug+`"]`, 200, "/roadmap?consortium="+slug)
	if got := cards(); !sameSet(got, []string{"Course GPU pools", "Shared GPU billing"}) {
		t.Errorf("the roadmap from the consortium's link shows %q", got)
	}
	if pv, err := s.app.GetConsortium(ctx, nil, slug); err != nil {
		t.Errorf("a visitor cannot get the consortium: %v", err)
	} else if len(pv.Initiatives) != 2 || pv.Stage != model.StageActive {
		t.Errorf("a visitor gets %d initiatives at stage %s", len(pv.Initiatives), pv.Stage)
	}
}

// sameSet reports whether a and b hold the same items, in any order.
func sameSet[T cmp.Ordered](a, b []T) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
