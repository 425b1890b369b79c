package app_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// found lists the titles a reader finds for text, best first.
func found(t *testing.T, f *fixture, u *model.User, text, kind string) []string {
	t.Helper()
	r, err := f.a.Search(f.ctx, u, text, kind, 1)
	if err != nil {
		t.Fatalf("search %q: %v", text, err)
	}
	out := []string{}
	for _, h := range r.Items {
		if h.URL == "" || !strings.HasPrefix(h.URL, "/") {
			t.Errorf("%q: hit without a path: %+v", text, h)
		}
		out = append(out, h.Title)
	}
	return out
}

// TestSearchVisibility: the same cases on both databases. Visitors find
// public records only; signed-in people also non-public initiatives and
// members-only consortia; private consortia and their meetings only their
// own people and staff; archived communities only staff. The index follows
// every write at once.
func TestSearchVisibility(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		insider := f.user("in@example.org", "Ina Insider", model.RoleMember)
		stranger := f.user("out@example.org", "Otto Outsider", model.RoleMember)
		f.community("northfield", nil, insider)
		f.community("southfield", nil, stranger)
		pub, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "GPU quotas for courses", Public: true,
			Problem: "Instructors need per-course resource limits on shared JupyterHubs."})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Billing dashboards for GPU spending", Public: false}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.CreateNarrative(f.ctx, f.admin, model.NarrativeInput{Title: "Teaching with notebooks", Story: "Courses outgrow laptops and need GPU time.", Public: true}); err != nil {
			t.Fatal(err)
		}
		secret, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Hidden accelerator pool", Problem: "Pooling GPU budgets quietly.", Visibility: model.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Join(f.ctx, f.admin, secret.Slug, "northfield", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ScheduleMeeting(f.ctx, f.admin, secret.Slug, model.MeetingInput{Kind: "other", Title: "Accelerator pool kickoff", Agenda: "GPU budgets",
			StartsAt: time.Now().Add(48 * time.Hour), TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Members-only GPU club", Problem: "Sharing.", Visibility: model.VisibilityMembers}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.CreateCommunity(f.ctx, f.admin, model.CommunityInput{Slug: "gpu-lab", Name: "Old GPU lab", Kind: "university"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.ArchiveCommunity(f.ctx, f.admin, "gpu-lab", true); err != nil {
			t.Fatal(err)
		}

		sorted := func(list []string) []string { slices.Sort(list); return list }
		all := []string{"Accelerator pool kickoff", "Billing dashboards for GPU spending", "GPU quotas for courses", "Hidden accelerator pool",
			"Members-only GPU club", "Old GPU lab", "Teaching with notebooks"}
		for _, c := range []struct {
			who  string
			u    *model.User
			want []string
		}{
			{"visitor", nil, []string{"GPU quotas for courses", "Teaching with notebooks"}},
			{"stranger", stranger, []string{"Billing dashboards for GPU spending", "GPU quotas for courses", "Members-only GPU club", "Teaching with notebooks"}},
			{"insider", insider, []string{"Accelerator pool kickoff", "Billing dashboards for GPU spending", "GPU quotas for courses", "Hidden accelerator pool",
				"Members-only GPU club", "Teaching with notebooks"}},
			{"staff", f.admin, all},
		} {
			if got := sorted(found(t, f, c.u, "gpu", "")); !slices.Equal(got, c.want) {
				t.Errorf("%s finds %q, want %q", c.who, got, c.want)
			}
			r, err := f.a.Search(f.ctx, c.u, "gpu", "", 1)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, fc := range r.Facets {
				n += fc.Count
			}
			if n != len(c.want) || r.Total != len(c.want) {
				t.Errorf("%s: facets count %d, total %d, want %d", c.who, n, r.Total, len(c.want))
			}
			// Looking for a private record by its exact words reveals nothing.
			if c.u == nil || c.u == stranger {
				if got := found(t, f, c.u, `"hidden accelerator pool"`, ""); len(got) != 0 {
					t.Errorf("%s finds the private consortium: %q", c.who, got)
				}
			}
		}

		// Words, stems, the typed prefix, phrases, OR and minus.
		for _, c := range []struct {
			q    string
			want []string
		}{
			{"quota", []string{"GPU quotas for courses"}},
			{"jupyterh", []string{"GPU quotas for courses"}},
			{"per-course limits", []string{"GPU quotas for courses"}},
			{`"resource limits"`, []string{"GPU quotas for courses"}},
			{`"limits resource"`, []string{}},
			{"gpu -courses", []string{}},
			{"notebooks OR quotas", []string{"GPU quotas for courses", "Teaching with notebooks"}},
			{"the notebooks ", []string{"Teaching with notebooks"}},
		} {
			if got := sorted(found(t, f, nil, c.q, "")); !slices.Equal(got, c.want) {
				t.Errorf("%q finds %q, want %q", c.q, got, c.want)
			}
		}
		// The title counts more than the text; matches are marked.
		r, err := f.a.Search(f.ctx, nil, "courses", "", 1)
		if err != nil || len(r.Items) != 2 || r.Items[0].Title != "GPU quotas for courses" {
			t.Fatalf("ranking: %+v %v", r, err)
		}
		if !strings.Contains(r.Items[0].TitleHTML, "<mark>courses</mark>") || !strings.Contains(r.Items[1].SnippetHTML, "<mark>Courses</mark>") {
			t.Errorf("highlights: %q / %q", r.Items[0].TitleHTML, r.Items[1].SnippetHTML)
		}
		if got := found(t, f, f.admin, "gpu", model.SearchMeeting); !slices.Equal(got, []string{"Accelerator pool kickoff"}) {
			t.Errorf("kind meeting: %q", got)
		}

		// Every write is searchable at once, with its new visibility.
		if _, err := f.a.UpdateInitiative(f.ctx, f.admin, pub.Slug, 0, model.InitiativeInput{Title: "Course quotas for accelerators", Public: false}); err != nil {
			t.Fatal(err)
		}
		if got := found(t, f, nil, "accelerators", ""); len(got) != 0 {
			t.Errorf("a visitor finds the initiative made non-public: %q", got)
		}
		if got := found(t, f, stranger, "accelerators", ""); !slices.Equal(got, []string{"Course quotas for accelerators"}) {
			t.Errorf("after the edit: %q", got)
		}
		if got := found(t, f, stranger, "jupyterhubs", ""); len(got) != 0 {
			t.Errorf("the old text is still found: %q", got)
		}
	})
}

// TestSearchBadInput: query syntax of either engine, quotes, very long
// text and control characters give a clear 422 naming the field or an
// empty result, never a failure; nothing is written.
func TestSearchBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		if _, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Near real-time alerts", Public: true}); err != nil {
			t.Fatal(err)
		}
		for _, q := range []string{`"`, `""`, `"alerts`, `alerts"`, `*`, `alerts*`, `(alerts`, `NEAR(alerts real)`, `alerts:*`, `title:alerts`,
			`a & b | !c`, `'alerts'`, `\`, `-`, `--alerts`, `OR`, `alerts OR`, `OR alerts`, `AND NOT`, `^alerts`, `alerts -`, `{}`, `<script>`,
			`' OR 1=1 --`, `%`, `_`, `ａｌｅｒｔｓ`, "🙂", "alerts " + strings.Repeat("x", 150)} {
			if _, err := f.a.Search(f.ctx, nil, q, "", 1); err != nil {
				t.Errorf("%q: %v", q, err)
			}
		}
		if got := found(t, f, nil, `NEAR( alerts)`, ""); !slices.Equal(got, []string{"Near real-time alerts"}) {
			t.Errorf("syntax words are words: %q", got)
		}
		if got := found(t, f, nil, `-alerts`, ""); len(got) != 0 {
			t.Errorf("only a negation finds nothing, got %q", got)
		}
		for _, c := range []struct{ q, kind, field string }{
			{strings.Repeat("a", model.SearchMaxLength+1), "", "q"},
			{"alerts\x00", "", "q"},
			{"alerts\nreal", "", "q"},
			{"\xff", "", "q"},
			{strings.Repeat("w ", model.SearchMaxTerms+1), "", "q"},
			{"alerts", "proposal-x", "kind"},
		} {
			_, err := f.a.Search(f.ctx, nil, c.q, c.kind, 1)
			code(t, err, model.EInvalid)
			fieldNamed(t, err, c.field)
		}
		_, err := f.a.Search(f.ctx, nil, "alerts", "", 0)
		fieldNamed(t, err, "page")
		_, err = f.a.Search(f.ctx, nil, "alerts", "", 51)
		fieldNamed(t, err, "page")
	})
}
