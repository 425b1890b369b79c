package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestGoalFormPreselectsAndSorts: "Set a funding goal" on an initiative
// page (a link by id) preselects that initiative; the list is by title.
func TestGoalFormPreselectsAndSorts(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		for _, title := range []string{"Zeta tools", "alpha notebooks"} {
			if _, err := e.app.CreateInitiative(context.Background(), e.admin, model.InitiativeInput{Title: title}); err != nil {
				t.Fatal(err)
			}
		}
		admin := fdLogin(t, e, "admin@example.org")
		link := fmt.Sprintf("/funding/new?initiative=%d", w.initiative.ID)
		fdHas(t, "initiative page", admin.get("/initiatives/budget-alerts"), 200, `href="`+strings.ReplaceAll(link, "&", "&amp;")+`"`)
		for _, path := range []string{link, "/funding/new?initiative=budget-alerts"} {
			page := string(fdWant200(t, admin.get(path)))
			if !strings.Contains(page, `<option value="budget-alerts" selected>`) {
				t.Errorf("%s: the initiative is not preselected", path)
			}
			a, b, z := strings.Index(page, ">alpha notebooks"), strings.Index(page, ">Budget alerts"), strings.Index(page, ">Zeta tools")
			if a < 0 || b < 0 || z < 0 || !(a < b && b < z) {
				t.Errorf("%s: initiatives not sorted by title (%d, %d, %d)", path, a, b, z)
			}
		}
		fdHas(t, "a consortium by id", admin.get(fmt.Sprintf("/funding/new?consortium=%d", w.consortium.ID)), 200,
			fmt.Sprintf(`<option value="%s" selected>`, w.consortium.Slug))
		if page := string(fdWant200(t, admin.get("/funding/new?initiative=ghost"))); strings.Contains(page, "selected>") && strings.Contains(page, `value="budget-alerts" selected`) {
			t.Error("an unknown initiative preselects one")
		}
	})
}

func fdWant200(t *testing.T, r response) []byte {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	return r.body
}

// TestPledgeConditionBuilder: a lead builds a condition in major units
// with the form (no JSON); amounts become exact minor units; each problem
// names the builder's field by its label, and nothing is written.
func TestPledgeConditionBuilder(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		admin := fdLogin(t, e, "admin@example.org")
		r := admin.post("/funding", url.Values{"initiative": {"budget-alerts"}, "amount": {"30,000"}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create goal: %d %s", r.status, r.body)
		}
		goalURL := r.header.Get("Location")
		north := fdLogin(t, e, w.emails["north"])
		page := fdWant200(t, north.get(goalURL))
		for _, want := range []string{`name="cond_total"`, "Only if the others give at least", `name="cond_count"`, `name="cond_pledger"`, `name="cond_join"`} {
			if !strings.Contains(string(page), want) {
				t.Errorf("the pledge form lacks %q", want)
			}
		}
		for _, unwanted := range []string{"condition_json", "minor units", "as JSON"} {
			if strings.Contains(string(page), unwanted) {
				t.Errorf("the pledge form still offers %q", unwanted)
			}
		}

		before := e.count("pledges")
		pledge := func(extra url.Values) response {
			f := url.Values{"community": {"north"}, "kind": {"fixed"}, "amount": {"5,000"}}
			for k, v := range extra {
				f[k] = v
			}
			return north.post(goalURL+"/pledges", f)
		}
		for _, c := range []struct {
			form url.Values
			want []string
		}{
			{url.Values{"cond_total": {"5000,50"}}, []string{"Only if the others give at least: must be an amount like", `id="pledge-cond-total-error"`}},
			{url.Values{"cond_total": {"1e4"}}, []string{"Only if the others give at least: must be an amount like"}},
			{url.Values{"cond_total": {"-5"}}, []string{"Only if the others give at least: must be an amount like"}},
			{url.Values{"cond_count": {"two"}}, []string{"Only if at least this many other communities pledge: must be a whole number", `id="pledge-cond-count-error"`}},
			{url.Values{"cond_count": {"0"}}, []string{"Only if at least this many other communities pledge: must be a whole number"}},
			{url.Values{"cond_pledger": {"north"}}, []string{"Only if this community also pledges: a pledge cannot be conditional on its own community", `id="pledge-cond-pledger-error"`}},
			{url.Values{"cond_total": {"100"}, "cond_pledger": {"ghost"}}, []string{"Only if this community also pledges: unknown pledger"}},
			{url.Values{"cond_total": {"100"}, "cond_count": {"1"}, "cond_join": {"maybe"}}, []string{"With several conditions: must be"}},
		} {
			fdHas(t, fmt.Sprint(c.form), pledge(c.form), http.StatusUnprocessableEntity, c.want...)
		}
		if n := e.count("pledges"); n != before {
			t.Fatalf("refused pledges were written: %d → %d", before, n)
		}

		if r := pledge(url.Values{"cond_total": {"15,000.50"}, "cond_count": {"1"}, "cond_join": {"any"}}); r.status != http.StatusSeeOther {
			t.Fatalf("pledge with a built condition: %d %s", r.status, r.body)
		}
		var amount int64
		var cond string
		if err := e.store.DB().QueryRow(`SELECT amount, condition FROM pledges`).Scan(&amount, &cond); err != nil {
			t.Fatal(err)
		}
		if amount != 500_000 || !strings.Contains(cond, `"type":"any"`) || !strings.Contains(cond, `"value":1500050`) || !strings.Contains(cond, `"type":"others_count_at_least","value":1`) {
			t.Fatalf("stored pledge: %d %s", amount, cond)
		}
		fdHas(t, "terms", north.get(goalURL), 200, "USD 5,000 if others give at least USD 15,000.50 or at least 1 other community pledges")
	})
}

// TestCreditFollowsMoney: once pledges are committed (and paid), their
// communities are co-funders on the initiative page, in the API and in the
// "delivered" notice; anonymous and lapsed pledges give no public credit.
// The what-if speaks to a reader whose community already pledged.
func TestCreditFollowsMoney(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		ctx := context.Background()
		ini, err := e.app.CreateInitiative(ctx, e.admin, detailed("Per-course resource quotas", true, "gpu"))
		if err != nil {
			t.Fatal(err)
		}
		g, err := e.app.CreateGoal(ctx, e.admin, model.FundingGoalInput{InitiativeRef: ini.Slug, Amount: 1_000_000, Currency: "USD"})
		if err != nil {
			t.Fatal(err)
		}
		var paid int64
		for _, in := range []model.PledgeInput{
			{Community: "north", Amount: 600_000},
			{Community: "andes", Amount: 400_000, Anonymous: true},
			{Community: "pacific", Amount: 100_000, Condition: &model.PledgeCondition{Type: model.CondOthersTotal, Value: 5_000_000}},
		} {
			p, err := e.app.CreatePledge(ctx, e.admin, g.ID, in)
			if err != nil {
				t.Fatal(err)
			}
			if in.Community == "north" {
				paid = p.ID
			}
		}
		goalURL := fmt.Sprintf("/funding/%d", g.ID)
		pacific := fdLogin(t, e, w.emails["pacific"])
		page := string(fdWant200(t, pacific.get(goalURL+"?whatif=40,000")))
		i := strings.Index(page, `class="whatif-result"`)
		if i < 0 {
			t.Fatalf("no what-if answer:\n%s", page)
		}
		result := page[i : i+strings.Index(page[i:], "</div>")]
		if !strings.Contains(result, "If another community pledges <strong>USD 40,000</strong>") || !strings.Contains(result, "— your pledge") || strings.Contains(result, "Pacific") {
			t.Errorf("the what-if should speak to pacific's lead about their own pledge:\n%s", result)
		}

		coFunded := func() []string {
			t.Helper()
			body := fdWant(t, "initiative", e.do("GET", "/api/v1/initiatives/"+ini.Slug, "", nil), 200)
			var names []string
			list, _ := body["co_funded"].([]any)
			for _, c := range list {
				names = append(names, c.(map[string]any)["name"].(string))
			}
			return names
		}
		if got := coFunded(); len(got) != 0 {
			t.Fatalf("co-funders before any money is committed: %v", got)
		}
		if _, err := e.app.CloseGoal(ctx, e.admin, g.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.IssueInvoices(ctx, e.admin, g.ID); err != nil {
			t.Fatal(err)
		}
		if err := e.app.MarkPaid(ctx, e.admin, paid); err != nil {
			t.Fatal(err)
		}
		if got := coFunded(); len(got) != 1 || got[0] != "North" {
			t.Fatalf("co-funders after payment: %v (want North only: Andes is anonymous, Pacific lapsed)", got)
		}
		fdHas(t, "initiative page", e.browser().get("/initiatives/"+ini.Slug), 200, `<ul class="chip-list cofund"><li><a href="/communities/north">`)
		for _, to := range []string{model.StatusCandidate, model.StatusUpcoming, model.StatusScoping, model.StatusBuilding, model.StatusReview, model.StatusDone} {
			if _, err := e.app.MoveInitiative(ctx, e.admin, ini.Slug, to, ""); err != nil {
				t.Fatalf("move to %s: %v", to, err)
			}
		}
		var body string
		if err := e.store.DB().QueryRow(`SELECT body FROM events WHERE title = 'Delivered: Per-course resource quotas'`).Scan(&body); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(body, "Co-funded by North.") {
			t.Errorf("the delivered notice does not credit the co-funder: %q", body)
		}
		fdHas(t, "delivered page", e.browser().get("/roadmap/delivered"), 200, "co-funded by North")
	})
}
