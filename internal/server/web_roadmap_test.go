package server_test

import (
	"context"
	"encoding/xml"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// lacks fails when the page contains any of the strings.
func lacks(t *testing.T, r response, unwanted ...string) {
	t.Helper()
	for _, u := range unwanted {
		if strings.Contains(string(r.body), u) {
			t.Errorf("page (status %d) should not contain %q", r.status, u)
		}
	}
}

func wantStatus(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		body := string(r.body)
		if len(body) > 3000 {
			body = body[:3000]
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, body)
	}
}

// words returns a text of n words.
func words(n int, word string) string {
	return strings.TrimSpace(strings.Repeat(word+" ", n))
}

// lead adds a member account that leads the community with the slug.
func (e *env) lead(slug, email, name string) *model.User {
	e.t.Helper()
	u := e.user(email, name, model.RoleMember)
	if _, err := e.app.SetAffiliation(context.Background(), e.admin, slug, email, model.AffiliationLead); err != nil {
		e.t.Fatal(err)
	}
	return u
}

// detailed is an initiative input that passes the level-of-detail checklist.
func detailed(title string, public bool, themes ...string) model.InitiativeInput {
	return model.InitiativeInput{Title: title, Persona: "instructor", Problem: words(60, "problem"), Solution: words(60, "solution"),
		Implementation: words(60, "build"), EcosystemFit: words(25, "upstream"), Themes: themes, Size: "m",
		HoursLow: 40, HoursHigh: 80, Public: public,
		Tasks: []model.Task{{Title: "Design"}, {Title: "Build", Done: true}}}
}

// initiativeAt creates an initiative as staff and moves it to status.
func (e *env) initiativeAt(in model.InitiativeInput, status string) *model.Initiative {
	e.t.Helper()
	ctx := context.Background()
	out, err := e.app.CreateInitiative(ctx, e.admin, in)
	if err != nil {
		e.t.Fatal(err)
	}
	path := map[string][]string{
		model.StatusIdea:      nil,
		model.StatusCandidate: {model.StatusCandidate},
		model.StatusUpcoming:  {model.StatusCandidate, model.StatusUpcoming},
		model.StatusBuilding:  {model.StatusCandidate, model.StatusUpcoming, model.StatusScoping, model.StatusBuilding},
		model.StatusDone:      {model.StatusCandidate, model.StatusUpcoming, model.StatusScoping, model.StatusBuilding, model.StatusReview, model.StatusDone},
	}[status]
	for _, to := range path {
		if out, err = e.app.MoveInitiative(ctx, e.admin, out.Slug, to, ""); err != nil {
			e.t.Fatal(err)
		}
	}
	return out
}

func TestWebConsortiumLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("alpha-university", "Alpha University")
		e.community("beta-institute", "Beta Institute")
		e.community("gamma-college", "Gamma College")
		e.lead("alpha-university", "lena@alpha.example", "Lena Lead")
		e.lead("beta-institute", "bo@beta.example", "Bo Lead")

		staff := e.browser()
		staff.login("admin@example.org", testPassword)

		// Staff propose a shared problem through the form.
		r := staff.get("/consortia/new")
		wantStatus(t, "new form", r, 200)
		has(t, r, `<label for="problem">Shared problem statement`, `name="critical_mass_communities"`, `value="members"`)
		r = staff.post("/consortia", url.Values{"name": {""}, "problem": {""}, "visibility": {"public"}})
		wantStatus(t, "empty proposal", r, 422)
		has(t, r, `id="name-error"`, `aria-invalid="true"`, "is required")
		r = staff.post("/consortia", url.Values{"name": {"GPUs for teaching"}, "problem": {"Instructors need **GPUs** for a week, not a year."},
			"visibility": {"public"}, "critical_mass_communities": {"2"}, "critical_mass_people": {"2"}, "slack_channel": {"#gpus-teaching"}})
		wantStatus(t, "propose", r, 303)
		page := r.header.Get("Location")
		if page != "/consortia/gpus-for-teaching" {
			t.Fatalf("redirected to %q", page)
		}
		has(t, staff.get(page), "GPUs for teaching", "<strong>GPUs</strong>", "Proposed", `aria-current="step"`, "#gpus-teaching")

		wantStatus(t, "open gathering", staff.post(page+"/stage", url.Values{"to": {"gathering"}}), 303)

		// Two leads agree with the problem and join with roles.
		lena := e.browser()
		lena.login("lena@alpha.example", testPassword)
		r = lena.get(page)
		has(t, r, "I agree with this problem", "Join the consortium", "React &amp; prioritize", "Commit funds")
		wantStatus(t, "lena supports", lena.post(page+"/support", url.Values{"on": {"1"}, "will_meet": {"1"}, "community": {"alpha-university"}}), 303)
		wantStatus(t, "lena joins", lena.post(page+"/join", url.Values{"community": {"alpha-university"}, "roles": {"react_prioritize", "test"},
			"co_create": {"lots"}, "share_credit": {"none"}, "early_adopter": {"lots"}}), 303)

		bo := e.browser()
		bo.login("bo@beta.example", testPassword)
		wantStatus(t, "bo supports", bo.post(page+"/support", url.Values{"on": {"1"}, "will_meet": {"1"}, "community": {"beta-institute"}, "comment": {"We teach 2,000 students."}}), 303)
		wantStatus(t, "bo joins", bo.post(page+"/join", url.Values{"community": {"beta-institute"}, "roles": {"endorse", "co_fund"}}), 303)

		// Bad input through the forms.
		r = bo.post(page+"/join", url.Values{"community": {"beta-institute"}})
		wantStatus(t, "join without a role", r, 422)
		has(t, r, "choose at least one role: React &amp; prioritize, Endorse, Test", `href="#join-form"`)
		lacks(t, r, "role: react_prioritize")
		r = lena.post(page+"/join", url.Values{"community": {"gamma-college"}, "roles": {"sponsor"}})
		wantStatus(t, "unknown role", r, 422)
		has(t, r, "is not a role")
		r = lena.post(page+"/join", url.Values{"community": {"gamma-college"}, "roles": {"test"}})
		wantStatus(t, "join for a community lena does not lead", r, 403)
		r = lena.post(page+"/members/beta-institute/roles", url.Values{"roles": {"test"}})
		wantStatus(t, "change roles of another community", r, 403)
		r = lena.post(page+"/stage", url.Values{"to": {"defining_goals"}})
		wantStatus(t, "lead moves the stage", r, 403)
		r = e.browser().post(page+"/support", url.Values{"on": {"1"}})
		wantStatus(t, "visitor supports", r, 401)

		// Staff schedule the kickoff, then move through the stages.
		r = staff.post(page+"/kickoff", url.Values{"kickoff": {"next tuesday"}})
		wantStatus(t, "bad kickoff", r, 422)
		has(t, r, "must be a date and time")
		r = staff.post(page+"/kickoff", url.Values{"kickoff": {"2030-03-04T16:00"}, "time_zone": {"Mars/Olympus"}})
		wantStatus(t, "kickoff in an unknown time zone", r, 422)
		has(t, r, `id="kickoff-time-zone-error"`, "must be an IANA time zone")
		wantStatus(t, "kickoff", staff.post(page+"/kickoff", url.Values{"kickoff": {"2030-03-04T16:00"}, "time_zone": {"America/New_York"}}), 303)
		has(t, staff.get(page), "Mon 4 Mar 2030, 16:00 EST", `<option value="America/New_York" selected>`)
		wantStatus(t, "defining goals", staff.post(page+"/stage", url.Values{"to": {"defining_goals"}, "reason": {"Two communities agree."}}), 303)

		r = staff.post(page+"/stage", url.Values{"to": {"active"}})
		wantStatus(t, "active before goals", r, 409)
		has(t, r, "The goals have not been drafted and agreed.", `href="#stage_active-form"`)
		r = staff.post(page+"/goals", url.Values{"goals": {""}, "agreed": {"1"}, "decision": {"go"}})
		wantStatus(t, "agreeing empty goals", r, 422)
		has(t, r, "cannot be agreed while empty")
		wantStatus(t, "goals", staff.post(page+"/goals", url.Values{"goals": {"1. A GPU pool per course\n2. Shared costs"}, "agreed": {"1"}, "decision": {"go"}, "decision_note": {"Kickoff went well."}}), 303)
		r = staff.post(page+"/stage", url.Values{"to": {"active"}})
		wantStatus(t, "active before the kickoff", r, 409)
		has(t, r, "The kickoff meeting has not happened yet (it is on Mon 4 Mar 2030, 16:00 EST).")
		e.app.Clock = func() time.Time { return time.Date(2030, 3, 4, 22, 0, 0, 0, time.UTC) }
		wantStatus(t, "active", staff.post(page+"/stage", url.Values{"to": {"active"}}), 303)

		// The page shows members by role, progress and the timeline.
		r = staff.get(page)
		wantStatus(t, "page", r, 200)
		has(t, r, `stage-active`, "Active", "A GPU pool per course", "agreed", "decision: go",
			`<progress id="mass-communities" value="2" max="2">`, `<progress id="mass-people" value="2" max="2">`, "Critical mass reached",
			"Alpha University", "Beta Institute", "Sign a letter of support", "level-lots",
			"Moved to gathering critical mass", "Moved to defining goals", "Moved to active", "Alpha University joined", "by Lena Lead",
			"Mon 4 Mar 2030, 16:00 EST", "Move to the next stage", "Conclude", "Dissolve")
		// Roles are listed under their role.
		body := string(r.body)
		coFund := body[strings.Index(body, `role-card role-co_fund`):]
		coFund = coFund[:strings.Index(coFund, "</article>")]
		if !strings.Contains(coFund, "Beta Institute") || strings.Contains(coFund, "Alpha University") {
			t.Errorf("co-fund role card: %s", coFund)
		}

		// Visitors see the public consortium without forms.
		r = e.browser().get(page)
		wantStatus(t, "visitor page", r, 200)
		has(t, r, "GPUs for teaching", "Sign in</a> to say you agree")
		lacks(t, r, "Move to the next stage", `action="/consortia/gpus-for-teaching/join"`)
		r = e.browser().get("/consortia")
		has(t, r, "GPUs for teaching", "Active", "2</strong> member communities")

		// Lena's dashboard lists the consortia of her communities.
		has(t, lena.get("/"), "Your consortia", `<a href="/consortia/gpus-for-teaching"><strong>GPUs for teaching</strong></a>`)
		has(t, lena.get("/consortia?mine=1"), "Your consortia", "GPUs for teaching")

		// The community page lists the consortium with its roles.
		r = lena.get("/communities/alpha-university")
		has(t, r, "Consortia", `href="/consortia/gpus-for-teaching"`, "React &amp; prioritize", "Test",
			"Other communities with this problem", "Communities that already solved something like this")

		// Closing needs a summary; a closed consortium cannot be edited.
		r = staff.post(page+"/stage", url.Values{"to": {"concluded"}})
		wantStatus(t, "conclude without a summary", r, 422)
		has(t, r, "A closing summary is required.")
		wantStatus(t, "conclude", staff.post(page+"/stage", url.Values{"to": {"concluded"}, "closing_summary": {"Every course got its pool."}}), 303)
		r = staff.get(page)
		has(t, r, "Every course got its pool.", "can no longer change")
		lacks(t, r, `action="/consortia/gpus-for-teaching/goals"`, `action="/consortia/gpus-for-teaching/join"`, "I agree with this problem")
		wantStatus(t, "edit form of a closed consortium", staff.get(page+"/edit"), 409)
		r = staff.post(page+"/edit", url.Values{"name": {"Renamed"}, "problem": {"x"}, "visibility": {"public"}})
		wantStatus(t, "edit a closed consortium", r, 409)
		has(t, r, "can no longer be changed")
		wantStatus(t, "join a closed consortium", lena.post(page+"/join", url.Values{"community": {"alpha-university"}, "roles": {"test"}}), 409)
	})
}

func TestWebConsortiumOverride(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	staff := e.browser()
	staff.login("admin@example.org", testPassword)
	r := staff.post("/consortia", url.Values{"name": {"Data rescue"}, "problem": {"Datasets vanish."}, "visibility": {"members"}})
	wantStatus(t, "propose", r, 303)
	page := r.header.Get("Location")
	wantStatus(t, "gathering", staff.post(page+"/stage", url.Values{"to": {"gathering"}}), 303)
	r = staff.get(page)
	has(t, r, "Critical mass is not reached: 0 of 3 communities", "Override: go ahead anyway")
	r = staff.post(page+"/stage", url.Values{"to": {"defining_goals"}})
	wantStatus(t, "blocked move", r, 409)
	has(t, r, "Staff can override")
	r = staff.post(page+"/stage", url.Values{"to": {"defining_goals"}, "override": {"1"}})
	wantStatus(t, "override without a reason", r, 422)
	has(t, r, "an override needs a reason", `id="stage-defining-goals-reason-error"`)
	wantStatus(t, "override", staff.post(page+"/stage", url.Values{"to": {"defining_goals"}, "override": {"1"}, "reason": {"The funder's deadline is Friday."}}), 303)
	r = staff.get(page)
	has(t, r, "timeline-override", "The funder&#39;s deadline is Friday.", "Defining goals")
	// Members-only consortia are hidden from visitors.
	wantStatus(t, "visitor", e.browser().get(page), 404)
	lacks(t, e.browser().get("/consortia"), "Data rescue")
}

func TestWebRoadmapVisitorsSeePublicInitiatives(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.initiativeAt(detailed("Public GPU pools", true, "gpu"), model.StatusUpcoming)
		e.initiativeAt(detailed("Secret storage plan", false, "storage"), model.StatusCandidate)
		e.initiativeAt(detailed("Shipped login", true, "auth"), model.StatusDone)
		e.initiativeAt(detailed("Private build", false, "gpu"), model.StatusBuilding)

		visitor := e.browser()
		r := visitor.get("/roadmap")
		wantStatus(t, "roadmap", r, 200)
		has(t, r, "Public GPU pools", "Shipped login", "Candidates", "Upcoming", "In flight", "Done",
			`<link rel="alternate" type="application/atom+xml"`, "Help fund this", "we commit $X if others invest $3X",
			"USD 6,000–12,000", "1/2 tasks", `aria-current="page">Roadmap`)
		lacks(t, r, "Secret storage plan", "Private build")

		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		r = staff.get("/roadmap")
		has(t, r, "Secret storage plan", "Private build", ">Building<")

		r = visitor.get("/roadmap?theme=gpu")
		has(t, r, "Public GPU pools")
		lacks(t, r, "Shipped login")
		r = visitor.get("/roadmap?narrative=no-such-narrative")
		lacks(t, r, "Public GPU pools")

		r = visitor.get("/initiatives?status=done")
		wantStatus(t, "list", r, 200)
		has(t, r, "Shipped login")
		lacks(t, r, "Public GPU pools")
		r = visitor.get("/initiatives?q=secret")
		has(t, r, "0 initiatives")
		wantStatus(t, "private initiative for a visitor", visitor.get("/initiatives/secret-storage-plan"), 404)
		wantStatus(t, "visitor proposes", visitor.get("/initiatives/new"), 303)

		r = visitor.get("/roadmap/delivered")
		has(t, r, "Recently delivered", "Shipped login", `id="delivered-list"`)
		r = visitor.get("/")
		has(t, r, "Recently delivered", `href="/initiatives/shipped-login"`, `href="/roadmap"`)
	})
}

func TestWebRoadmapFeed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.initiativeAt(detailed("Public GPU pools & <friends>", true, "gpu"), model.StatusUpcoming)
		e.initiativeAt(detailed("Secret storage plan", false, "storage"), model.StatusCandidate)
		e.initiativeAt(detailed("Shipped login", true, "auth"), model.StatusDone)

		// Signed in or not, the feed is the public roadmap.
		b := e.browser()
		b.login("admin@example.org", testPassword)
		r := b.get("/roadmap.atom")
		wantStatus(t, "feed", r, 200)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/atom+xml") {
			t.Fatalf("content type %q", ct)
		}
		var feed struct {
			XMLName xml.Name `xml:"http://www.w3.org/2005/Atom feed"`
			ID      string   `xml:"id"`
			Title   string   `xml:"title"`
			Updated string   `xml:"updated"`
			Links   []struct {
				Rel  string `xml:"rel,attr"`
				Href string `xml:"href,attr"`
			} `xml:"link"`
			Entries []struct {
				ID      string `xml:"id"`
				Title   string `xml:"title"`
				Updated string `xml:"updated"`
				Link    struct {
					Href string `xml:"href,attr"`
				} `xml:"link"`
				Summary string `xml:"summary"`
			} `xml:"entry"`
		}
		if err := xml.Unmarshal(r.body, &feed); err != nil {
			t.Fatalf("feed is not well-formed XML: %v\n%s", err, r.body)
		}
		if feed.ID == "" || feed.Title == "" || feed.Updated == "" || len(feed.Links) == 0 {
			t.Errorf("feed lacks id, title, updated or links: %+v", feed)
		}
		if len(feed.Entries) != 2 {
			t.Fatalf("entries: %+v", feed.Entries)
		}
		// Newest updated first: the login was moved last.
		if feed.Entries[0].Title != "[Done] Shipped login" || feed.Entries[1].Title != "[Upcoming] Public GPU pools & <friends>" {
			t.Errorf("titles: %q, %q", feed.Entries[0].Title, feed.Entries[1].Title)
		}
		for _, en := range feed.Entries {
			if en.ID == "" || en.Updated == "" || !strings.Contains(en.Link.Href, "/initiatives/") || !strings.HasPrefix(en.Summary, "As an instructor") {
				t.Errorf("entry %+v", en)
			}
		}
		if strings.Contains(string(r.body), "Secret") {
			t.Error("the feed shows a non-public initiative")
		}
	})
}

func TestWebInitiativeChecklistAndForms(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("alpha-university", "Alpha University")
		e.community("beta-institute", "Beta Institute")
		e.lead("alpha-university", "lena@alpha.example", "Lena Lead")

		lena := e.browser()
		lena.login("lena@alpha.example", testPassword)
		r := lena.get("/initiatives/new")
		wantStatus(t, "new", r, 200)
		has(t, r, `<select id="persona" name="persona"`, `data-hx-post="/initiatives/word-count"`, "0 words — at least 50 needed")

		r = lena.post("/initiatives", url.Values{"title": {""}, "hours_low": {"many"}})
		wantStatus(t, "bad idea", r, 422)
		has(t, r, "must be a whole number of hours", `id="hours-low-error"`)
		r = lena.post("/initiatives", url.Values{"title": {""}})
		wantStatus(t, "untitled idea", r, 422)
		has(t, r, `id="title-error"`, "is required")

		r = lena.post("/initiatives", url.Values{"title": {"Course GPU pools"}, "problem": {"Students wait for GPUs."}, "themes": {"gpu, teaching"},
			"link_label": {"Issue", ""}, "link_url": {"https://example.org/issues/1", ""}, "task_title": {"Survey instructors", "", ""}, "task_id": {"", "", ""}})
		wantStatus(t, "propose", r, 303)
		page := r.header.Get("Location")
		if page != "/initiatives/course-gpu-pools" {
			t.Fatalf("redirect %q", page)
		}
		r = lena.get(page)
		wantStatus(t, "idea page", r, 200)
		has(t, r, "Level of detail", "checklist-prominent", "A persona the problem is written from", "✗", "4 of 50 words.",
			"Idea", `class="step step-current"`, "Move to candidate", "Survey instructors", "https://example.org/issues/1",
			"Our community is interested", "Other communities with this problem", "Proposed as an idea", "by Lena Lead")

		// Asking for candidacy without detail shows what is missing.
		r = lena.post(page+"/status", url.Values{"to": {"candidate"}, "note": {"Please review"}})
		wantStatus(t, "candidate without detail", r, 422)
		has(t, r, "This idea needs more detail before it can become a candidate.", "A persona the problem is written from: Say who has the problem",
			"A problem statement of at least 50 words: 4 of 50 words.", "flagged", "Please review")

		// Lena adds the detail through the edit form.
		r = lena.get(page + "/edit")
		wantStatus(t, "edit form", r, 200)
		has(t, r, `value="Survey instructors"`, `name="version"`)
		v, err := e.app.GetInitiative(context.Background(), e.admin, "course-gpu-pools")
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"version": {strconv.FormatInt(v.Version, 10)}, "title": {"Course GPU pools"}, "persona": {"instructor"},
			"problem": {words(55, "wait")}, "solution": {words(55, "pool")}, "implementation": {words(55, "kubernetes")},
			"ecosystem_fit": {words(21, "jupyterhub")}, "themes": {"gpu, teaching"}, "size": {"m"}, "hours_low": {"40"}, "hours_high": {"60"},
			"rate": {"100"}, "currency": {"EUR"},
			"task_id": {strconv.FormatInt(v.Tasks[0].ID, 10), ""}, "task_title": {"Survey instructors", "Prototype"},
			"link_label": {"Issue"}, "link_url": {"not a url"}}
		r = lena.post(page+"/edit", form)
		wantStatus(t, "bad link", r, 422)
		has(t, r, "must be an http:// or https:// address", `id="links-0-url-error"`)
		form.Set("link_url", "https://example.org/issues/1")
		wantStatus(t, "edit", lena.post(page+"/edit", form), 303)
		r = lena.post(page+"/edit", form)
		wantStatus(t, "stale version", r, 409)

		r = lena.get(page)
		has(t, r, "EUR 4,000–6,000", "Detailed enough to become a candidate", "Prototype")
		wantStatus(t, "candidate", lena.post(page+"/status", url.Values{"to": {"candidate"}}), 303)
		r = lena.get(page)
		has(t, r, "Idea → Candidate", "Level of detail")
		lacks(t, r, "checklist-prominent", "Move to upcoming")
		wantStatus(t, "lead moves further", lena.post(page+"/status", url.Values{"to": {"upcoming"}}), 403)

		// Sub-tasks are ticked by the author.
		v, _ = e.app.GetInitiative(context.Background(), e.admin, "course-gpu-pools")
		task := strconv.FormatInt(v.Tasks[1].ID, 10)
		wantStatus(t, "tick", lena.post(page+"/tasks/"+task, url.Values{"done": {"1"}}), 303)
		has(t, lena.get(page), "1 of 2</strong> done (50%)", `Mark “Prototype” as not done`)
		other := e.browser()
		e.user("olga@example.org", "Olga Other", model.RoleMember)
		other.login("olga@example.org", testPassword)
		wantStatus(t, "tick by someone else", other.post(page+"/tasks/"+task, url.Values{"done": {"0"}}), 403)

		// Leads say their community is interested; not for others.
		wantStatus(t, "interest", lena.post(page+"/interest", url.Values{"community": {"alpha-university"}, "note": {"200 students"}}), 303)
		r = lena.get(page)
		has(t, r, "Alpha University is interested", "Withdraw")
		wantStatus(t, "interest for another community", lena.post(page+"/interest", url.Values{"community": {"beta-institute"}}), 403)
		r = lena.post(page+"/interest", url.Values{"community": {""}})
		wantStatus(t, "interest without a community", r, 422)
		wantStatus(t, "lead records co-funding", lena.post(page+"/interest", url.Values{"community": {"alpha-university"}, "kind": {"co_funded"}}), 403)

		// Staff record co-funding and set the blended rate.
		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		wantStatus(t, "co-funding", staff.post(page+"/interest", url.Values{"community": {"beta-institute"}, "kind": {"co_funded"}}), 303)
		r = staff.get("/roadmap")
		has(t, r, "Co-funded by", "Beta Institute", "1</strong> community interested")
		r = staff.get("/initiatives")
		has(t, r, "Blended hourly rate", "USD 150")
		r = staff.post("/initiatives/blended-rate", url.Values{"rate": {"abc"}, "currency": {"USD"}})
		wantStatus(t, "bad rate", r, 422)
		has(t, r, "must be an amount like 150")
		wantStatus(t, "rate", staff.post("/initiatives/blended-rate", url.Values{"rate": {"120.50"}, "currency": {"CAD"}}), 303)
		has(t, staff.get("/initiatives"), "CAD 120.50")
		wantStatus(t, "lead sets the rate", lena.post("/initiatives/blended-rate", url.Values{"rate": {"1"}, "currency": {"USD"}}), 403)

		// The live word count.
		r = lena.post("/initiatives/word-count", url.Values{"solution": {words(12, "x")}})
		wantStatus(t, "word count", r, 200)
		has(t, r, `id="solution-words"`, "12 words — at least 50")
	})
}

func TestWebNarrativePages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("alpha-university", "Alpha University")
		e.lead("alpha-university", "lena@alpha.example", "Lena Lead")
		in := e.initiativeAt(detailed("Course GPU pools", true, "gpu"), model.StatusUpcoming)

		visitor := e.browser()
		has(t, visitor.get("/narratives"), "No narratives yet.")
		wantStatus(t, "visitor new", visitor.get("/narratives/new"), 303)

		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		r := staff.post("/narratives", url.Values{"title": {"Teaching at scale"}})
		wantStatus(t, "no story", r, 422)
		has(t, r, `id="story-error"`)
		r = staff.post("/narratives", url.Values{"title": {"Teaching at scale"}, "summary": {"Courses of thousands on shared hubs."},
			"story": {"Every *semester* …"}, "gaps": {"- Grading at scale"}, "themes": {"teaching"}, "public": {"1"}})
		wantStatus(t, "create", r, 303)
		page := r.header.Get("Location")
		wantStatus(t, "link", staff.post(page+"/initiatives", url.Values{"initiative": {strconv.FormatInt(in.ID, 10)}}), 303)
		r = staff.post(page+"/initiatives", url.Values{"initiative": {"no-such-initiative"}})
		wantStatus(t, "link unknown", r, 422)

		lena := e.browser()
		lena.login("lena@alpha.example", testPassword)
		r = lena.get(page)
		has(t, r, "Endorse on behalf of Alpha University")
		lacks(t, r, "Link an initiative")
		wantStatus(t, "endorse", lena.post(page+"/endorse", url.Values{"community": {"alpha-university"}}), 303)
		// A story without who comes back with the message beside the field.
		r = lena.post(page+"/endorse", url.Values{"community": {"alpha-university"}, "consent": {"1"}, "story.before": {"Queues."}, "story.after": {"No queues."}})
		wantStatus(t, "story without who", r, 422)
		has(t, r, `id="endorse-story-who" name="story.who" value="" aria-invalid="true"`, "No queues.")
		wantStatus(t, "endorse with story", lena.post(page+"/endorse", url.Values{"community": {"alpha-university"}, "consent": {"1"},
			"story.who": {"Course instructors"}, "story.before": {"Labs waited a week."}, "story.after": {"Labs start on time."}, "story.quote": {"It just works."}}), 303)
		r = lena.get(page)
		has(t, r, "Alpha University endorses it and consents to be named", "Labs start on time.", "“It just works.”", `name="consent" value="1" checked`)
		wantStatus(t, "lead edits", lena.get(page+"/edit"), 403)

		r = visitor.get(page)
		wantStatus(t, "narrative", r, 200)
		has(t, r, "Teaching at scale", "<em>semester</em>", "Grading at scale", "Course GPU pools", "Upcoming", "Alpha University", "Labs waited a week.")
		r = visitor.get("/narratives")
		has(t, r, "Teaching at scale", "Courses of thousands", "<strong>1</strong> Upcoming", "Endorsed by Alpha University")
		r = visitor.get("/roadmap?narrative=teaching-at-scale")
		has(t, r, "Course GPU pools")
	})
}

func TestWebCommunityPageDiscovery(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	e.community("alpha-university", "Alpha University")
	e.community("beta-institute", "Beta Institute")
	e.lead("beta-institute", "bo@beta.example", "Bo Lead")
	done := e.initiativeAt(detailed("Shared GPU pools", true, "education"), model.StatusDone)
	if err := e.app.SetInterest(context.Background(), e.admin, done.Slug, "beta-institute", model.InterestInterested, true, ""); err != nil {
		t.Fatal(err)
	}
	r := e.browser().get("/communities/alpha-university")
	wantStatus(t, "community", r, 200)
	has(t, r, "Membership with the host", "Other communities with this problem", "shares the theme education",
		"Communities that already solved something like this", "worked on Shared GPU pools (done)", "Not taking part in any consortium yet.")
}

// The lists load related data with one query per kind, never per row.
func TestWebRoadmapQueriesDoNotGrowWithRows(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	e.community("alpha-university", "Alpha University")
	e.lead("alpha-university", "lena@alpha.example", "Lena Lead")
	ctx := context.Background()
	add := func(i int) {
		in := e.initiativeAt(detailed("Initiative "+strconv.Itoa(i), true, "gpu", "theme-"+strconv.Itoa(i)), model.StatusUpcoming)
		if err := e.app.SetInterest(ctx, e.admin, in.Slug, "alpha-university", model.InterestInterested, true, ""); err != nil {
			t.Fatal(err)
		}
		n, err := e.app.CreateNarrative(ctx, e.admin, model.NarrativeInput{Title: "Narrative " + strconv.Itoa(i), Story: "Story.", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := e.app.LinkInitiative(ctx, e.admin, n.Slug, in.Slug, true); err != nil {
			t.Fatal(err)
		}
		c, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Consortium " + strconv.Itoa(i), Problem: "P.", InitiativeIDs: []int64{in.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.Join(ctx, e.admin, c.Slug, "alpha-university", model.MemberInput{Roles: []string{model.RoleTest}}); err != nil {
			t.Fatal(err)
		}
	}
	paths := []string{"/roadmap", "/initiatives", "/narratives", "/consortia", "/roadmap.atom", "/roadmap/delivered", "/communities/alpha-university", "/"}
	b := e.browser()
	b.login("lena@alpha.example", testPassword)
	count := func() map[string]int64 {
		out := map[string]int64{}
		for _, p := range paths {
			n, r := b.queriesFor(p)
			wantStatus(t, p, r, 200)
			out[p] = n
		}
		return out
	}
	add(1)
	add(2)
	count() // the first requests after signing in may refresh the session once
	before := count()
	for i := 3; i <= 8; i++ {
		add(i)
	}
	after := count()
	for _, p := range paths {
		if before[p] == 0 {
			t.Errorf("%s: no queries counted", p)
		}
		t.Logf("%s: %d queries", p, after[p])
		if after[p] != before[p] {
			t.Errorf("%s: %d queries with 2 of each, %d with 8", p, before[p], after[p])
		}
	}
}
