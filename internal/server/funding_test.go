package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"consortia/internal/budget"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Helpers of this file carry an fd prefix so they cannot clash with those
// of other test files of the package.

// fdWorld is a consortium working on one initiative whose members play
// different roles, each community with a lead.
type fdWorld struct {
	e          *env
	initiative *model.Initiative
	consortium *model.Consortium
	tokens     map[string]string // community slug → its lead's API token
	emails     map[string]string
}

func fdNew(t *testing.T, s *storage.Store, title string) *fdWorld {
	t.Helper()
	e := newEnv(t, s)
	ctx := context.Background()
	w := &fdWorld{e: e, tokens: map[string]string{}, emails: map[string]string{}}
	var err error
	w.initiative, err = e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: title, Slug: "budget-alerts", HoursLow: 100, HoursHigh: 200, Public: true})
	if err != nil {
		t.Fatal(err)
	}
	w.consortium, err = e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.", InitiativeIDs: []int64{w.initiative.ID}})
	if err != nil {
		t.Fatal(err)
	}
	for slug, roles := range map[string][]string{"north": {model.RoleCoFund, model.RoleReactPrioritize}, "andes": {model.RoleCoFund},
		"pacific": {model.RoleCoFund, model.RoleReactPrioritize}, "tester": {model.RoleTest}} {
		e.community(slug, strings.ToUpper(slug[:1])+slug[1:])
		w.emails[slug] = slug + "@example.org"
		u := e.user(w.emails[slug], "Lead of "+slug, model.RoleMember)
		if _, err := e.app.SetAffiliation(ctx, e.admin, slug, u.Email, model.AffiliationLead); err != nil {
			t.Fatal(err)
		}
		w.tokens[slug] = e.token(u)
		if _, err := e.app.Join(ctx, e.admin, w.consortium.Slug, slug, model.MemberInput{Roles: roles}); err != nil {
			t.Fatal(err)
		}
	}
	e.community("agency", "Agency")
	return w
}

func fdWant(t *testing.T, what string, r response, status int) map[string]any {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
	}
	if len(r.body) == 0 || r.body[0] != '{' {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return m
}

func fdNum(v any) int64 { f, _ := v.(float64); return int64(f) }

func fdThermo(t *testing.T, goal map[string]any, committed, active, waiting int64) {
	t.Helper()
	th := goal["thermometer"].(map[string]any)
	if fdNum(th["committed"]) != committed || fdNum(th["active"]) != active || fdNum(th["waiting"]) != waiting {
		t.Fatalf("thermometer %v, want committed %d active %d waiting %d", th, committed, active, waiting)
	}
}

func fdCount(e *env, tables ...string) map[string]int {
	out := map[string]int{}
	for _, t := range tables {
		out[t] = e.count(t)
	}
	return out
}

// TestFundingAPI: the co-funding operations end to end over HTTP, with each
// class of bad input refused as problem details and nothing written.
func TestFundingAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		fdWant(t, "lead cannot set goals", e.do("POST", "/api/v1/funding/goals", w.tokens["north"], map[string]any{"initiative": "budget-alerts"}), 403)
		g := fdWant(t, "create goal", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"initiative": "budget-alerts"}), 201)
		id := fdNum(g["id"])
		if goal := g["goal"].(map[string]any); fdNum(goal["amount"]) != 3_000_000 || goal["currency"] != "USD" {
			t.Fatalf("goal defaults to the estimate: %v", goal)
		}
		base := fmt.Sprintf("/api/v1/funding/goals/%d", id)

		fdWant(t, "firm", e.do("POST", base+"/pledges", w.tokens["north"], map[string]any{"community": "north", "amount": 500_000}), 201)
		fdWant(t, "3x", e.do("POST", base+"/pledges", w.tokens["andes"], map[string]any{"community": "andes", "amount": 500_000,
			"condition": map[string]any{"type": "others_total_at_least", "value": 1_500_000}}), 201)
		fdWant(t, "match", e.do("POST", base+"/pledges", e.adminToken, map[string]any{"community": "agency", "kind": "matching", "rate": "1", "amount": 600_000}), 201)
		goal := fdWant(t, "get", e.do("GET", base, "", nil), 200)
		fdThermo(t, goal, 500_000, 500_000, 500_000)
		if goal["resolution"] != nil {
			t.Fatal("visitors see the resolver's raw output")
		}
		if r := fdWant(t, "staff get", e.do("GET", base, e.adminToken, nil), 200); r["resolution"] == nil {
			t.Fatal("staff see the resolution")
		}
		wi := fdWant(t, "what-if", e.do("POST", base+"/whatif", "", map[string]any{"amount": 1_000_000}), 200)
		// 10,000.00 activates andes' 5,000.00 and lifts the match from 5,000.00 to its 6,000.00 cap.
		if fdNum(wi["unlocked"]) != 600_000 || fdNum(wi["delta_collected"]) != 1_600_000 || fmt.Sprint(wi["newly_active"]) != "[Andes]" {
			t.Fatalf("what-if: %v", wi)
		}

		// Bad input: each class refused, nothing written.
		before := fdCount(e, "pledges", "audit_log", "funding_goals")
		for _, c := range []struct {
			name, token string
			body        any
			status      int
			location    string
		}{
			{"zero", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 0}, 422, "body.amount"},
			{"negative", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": -100}, 422, "body.amount"},
			{"overflow", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": int64(9223372036854775807)}, 422, "body.amount"},
			{"beyond int64", w.tokens["pacific"], `{"community": "pacific", "amount": 99999999999999999999}`, 422, ""},
			{"fractional", w.tokens["pacific"], `{"community": "pacific", "amount": 10.5}`, 422, ""},
			{"unknown currency", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10, "currency": "XYZ"}, 422, "body.currency"},
			{"mixed currency", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10, "currency": "EUR"}, 422, "body.currency"},
			{"unknown pledger", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10, "condition": map[string]any{"type": "pledger_active", "community": "ghost"}}, 422, "body.condition.community"},
			{"non-monotone", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10, "condition": map[string]any{"type": "not", "of": []any{map[string]any{"type": "pledger_active", "community": "north"}}}}, 422, "body.condition.type"},
			{"unknown field", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10, "condition": map[string]any{"type": "others_count_at_least", "value": 1, "colour": "red"}}, 422, ""},
			{"malformed JSON", w.tokens["pacific"], "{\"community\": \"pacific\",\n \"amount\": }", 400, ""},
			{"without the role", w.tokens["tester"], map[string]any{"community": "tester", "amount": 10}, 403, ""},
			{"not its lead", w.tokens["pacific"], map[string]any{"community": "north", "amount": 10}, 403, ""},
			{"visitor", "", map[string]any{"community": "pacific", "amount": 10}, 401, ""},
			{"twice", w.tokens["north"], map[string]any{"community": "north", "amount": 10}, 409, ""},
		} {
			r := e.do("POST", base+"/pledges", c.token, c.body)
			if r.status != c.status {
				t.Fatalf("%s: status %d, want %d: %s", c.name, r.status, c.status, r.body)
			}
			if r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%s: not problem details: %s", c.name, r.body)
			}
			if c.location != "" && !strings.Contains(string(r.body), `"location":"`+c.location+`"`) {
				t.Fatalf("%s: problem does not name %s: %s", c.name, c.location, r.body)
			}
		}
		if r := e.do("POST", base+"/pledges", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10, "condition": map[string]any{"type": "others_total_at_most", "value": 5}}); !strings.Contains(string(r.body), "monotone") {
			t.Fatalf("non-monotone conditions are explained: %s", r.body)
		}
		fdWant(t, "what-if zero", e.do("POST", base+"/whatif", "", map[string]any{"amount": 0}), 422)
		fdWant(t, "goal overflow", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "amount": int64(9223372036854775807)}), 422)
		fdWant(t, "goal zero", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "amount": 0}), 422)
		fdWant(t, "goal currency", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "amount": 100, "currency": "ABC"}), 422)
		rmSameCounts(t, e, before)

		// After the deadline: no more pledges.
		past := time.Now().UTC().Add(-time.Hour)
		version := fdNum(goal["version"])
		fdWant(t, "deadline", e.do("PATCH", base, e.adminToken, map[string]any{"version": version, "deadline": past}), 200)
		fdWant(t, "after deadline", e.do("POST", base+"/pledges", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 10}), 409)
		rmSameCounts(t, e, map[string]int{"pledges": before["pledges"]})

		// Close: the resolved set is committed; invoices; receipts; payment.
		fdWant(t, "lead cannot close", e.do("POST", base+"/close", w.tokens["north"], nil), 403)
		closed := fdWant(t, "close", e.do("POST", base+"/close", e.adminToken, nil), 200)
		if fdNum(closed["committed_total"]) != 1_000_000 || len(closed["committed"].([]any)) != 2 || len(closed["lapsed"].([]any)) != 1 {
			t.Fatalf("close: %v", closed)
		}
		fdThermo(t, fdWant(t, "closed", e.do("GET", base, "", nil), 200), 1_000_000, 0, 0)
		inv := fdWant(t, "invoices", e.do("POST", base+"/invoices", e.adminToken, nil), 200)
		if len(inv["invoiced"].([]any)) != 2 {
			t.Fatalf("invoices: %v", inv)
		}
		pid := fdNum(inv["invoiced"].([]any)[0])
		rc := fdWant(t, "receipt", e.do("GET", fmt.Sprintf("/api/v1/funding/pledges/%d", pid), w.tokens["north"], nil), 200)
		if p := rc["pledge"].(map[string]any); p["state"] != "invoiced" || !strings.HasPrefix(fmt.Sprint(p["invoice_number"]), "CF-") || fdNum(p["committed_amount"]) != 500_000 {
			t.Fatalf("receipt: %v", rc)
		}
		fdWant(t, "other community's receipt", e.do("GET", fmt.Sprintf("/api/v1/funding/pledges/%d", pid), w.tokens["andes"], nil), 404)
		fdWant(t, "paid", e.do("POST", fmt.Sprintf("/api/v1/funding/pledges/%d/paid", pid), e.adminToken, nil), 204)
		fdWant(t, "list", e.do("GET", "/api/v1/funding/goals?state=closed", "", nil), 200)

		// Uploaded documents in the commands' formats; problems name the line.
		doc := `{"currency": "EUR", "goal": 300,
  "pledges": [{"id": "a", "amount": 100, "condition": {"type": "pledger_active", "id": "b"}},
              {"id": "b", "amount": 200, "condition": {"type": "pledger_active", "id": "a"}}]}`
		if res := fdWant(t, "resolve", e.do("POST", "/api/v1/funding/resolve", e.adminToken, doc), 200); res["funded"] != true || fdNum(res["collected"]) != 300 {
			t.Fatalf("mutual pledges resolve: %v", res)
		}
		bad := "{\"currency\": \"EUR\",\n \"pledges\": [{\"id\": \"a\", \"amount\": 10.5}]}"
		if r := e.do("POST", "/api/v1/funding/resolve", e.adminToken, bad); r.status != 422 || !strings.Contains(string(r.body), "line 2") {
			t.Fatalf("a bad pledge document names the line: %d %s", r.status, r.body)
		}
		if r := e.do("POST", "/api/v1/funding/resolve", e.adminToken, "{\n\"currency\": }"); r.status != 422 || !strings.Contains(string(r.body), "line 2") {
			t.Fatalf("malformed JSON names the line: %d %s", r.status, r.body)
		}
		qf := `{"match_pool": 250, "contributions": [{"contributor": "x", "recipient": "A", "amount": 25}, {"contributor": "y", "recipient": "A", "amount": 25}]}`
		if res := fdWant(t, "match", e.do("POST", "/api/v1/funding/match", e.adminToken, qf), 200); fdNum(res["matches"].(map[string]any)["A"]) != 50 {
			t.Fatalf("qf: %v", res)
		}
		if r := e.do("POST", "/api/v1/funding/match", e.adminToken, "{\"match_pool\": 5,\n\"contributions\": [{\"contributor\": \"x\", \"recipient\": \"A\", \"amount\": -1}]}"); r.status != 422 || !strings.Contains(string(r.body), "line 2") {
			t.Fatalf("a bad matching document names the line: %d %s", r.status, r.body)
		}
		fdWant(t, "resolve needs sign-in", e.do("POST", "/api/v1/funding/resolve", "", doc), 401)
	})
}

// TestFundingBudgetRoundAPI: a budget round allocates a pool by equal
// shares over HTTP; the approvals export as a .pb file that allocates to
// the same outcome; malformed .pb uploads name the line.
func TestFundingBudgetRoundAPI(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		ctx := context.Background()
		var ids []int64
		for _, title := range []string{"Quotas per course", "Scale to zero"} {
			in, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: title, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, in.ID)
		}
		in := model.ConsortiumInput{Name: "Cloud costs", Slug: w.consortium.Slug, Problem: "Costs.", InitiativeIDs: append(ids, w.initiative.ID)}
		if _, err := e.app.UpdateConsortium(ctx, e.admin, w.consortium.Slug, w.consortium.Version, in); err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"consortium": w.consortium.Slug, "title": "Pool", "pool": 10_000_000, "closes_at": time.Now().Add(time.Hour),
			"candidate_ids": []int64{w.initiative.ID, ids[0], ids[1]}}
		fdWant(t, "no estimate", e.do("POST", "/api/v1/funding/budget-rounds", e.adminToken, body), 422)
		body["costs"] = map[string]int64{fmt.Sprint(ids[0]): 4_000_000, fmt.Sprint(ids[1]): 4_000_000, fmt.Sprint(w.initiative.ID): 6_000_000}
		r := fdWant(t, "round", e.do("POST", "/api/v1/funding/budget-rounds", e.adminToken, body), 201)
		rid := fdNum(r["id"])
		base := fmt.Sprintf("/api/v1/funding/budget-rounds/%d", rid)
		// north and pacific want alerts and quotas; andes wants scale to zero.
		fdWant(t, "north", e.do("PUT", base+"/ballots/north", w.tokens["north"], map[string]any{"approved": []int64{w.initiative.ID, ids[0]}}), 204)
		fdWant(t, "pacific", e.do("PUT", base+"/ballots/pacific", w.tokens["pacific"], map[string]any{"approved": []int64{ids[0], w.initiative.ID}}), 204)
		fdWant(t, "andes", e.do("PUT", base+"/ballots/andes", w.tokens["andes"], map[string]any{"approved": []int64{ids[1]}}), 204)
		fdWant(t, "tester has no role", e.do("PUT", base+"/ballots/tester", w.tokens["tester"], map[string]any{"approved": []int64{ids[1]}}), 403)
		fdWant(t, "not a candidate", e.do("PUT", base+"/ballots/north", w.tokens["north"], map[string]any{"approved": []int64{999}}), 422)
		if got := fdWant(t, "open", e.do("GET", base, "", nil), 200); got["result"] != nil {
			t.Fatal("result shown while open")
		}
		fdWant(t, "export while open", e.do("GET", base+"/export.pb", "", nil), 403)
		fdWant(t, "close", e.do("POST", base+"/close", e.adminToken, nil), 204)
		got := fdWant(t, "closed", e.do("GET", base, "", nil), 200)
		res := got["result"].(map[string]any)
		var titles []string
		for _, p := range res["selected"].([]any) {
			titles = append(titles, fmt.Sprint(p.(map[string]any)["title"]))
		}
		// Three communities share 100,000.00: two of them (66,666.67) fund
		// quotas (40,000) and cannot also afford alerts (60,000); the third
		// (33,333.33, raised by add1 to 40,000) funds scale to zero (40,000).
		if strings.Join(titles, "|") != "Quotas per course|Scale to zero" || fdNum(res["leftover"]) != 2_000_000 {
			t.Fatalf("equal shares: %v leftover %v", titles, res["leftover"])
		}
		greedy := got["greedy_baseline"].(map[string]any)["selected"].([]any)
		if len(greedy) != 2 || greedy[0].(map[string]any)["title"] != "Quotas per course" || greedy[1].(map[string]any)["title"] != "Budget alerts" {
			t.Fatalf("greedy funds the two most approved: %v", greedy)
		}
		pb := e.do("GET", base+"/export.pb", "", nil)
		if pb.status != 200 || !strings.HasPrefix(pb.header.Get("Content-Type"), "text/plain") {
			t.Fatalf("export: %d %s", pb.status, pb.header)
		}
		inst, err := budget.ParsePB(bytes.NewReader(pb.body))
		if err != nil || len(inst.Votes) != 3 || len(inst.Projects) != 3 {
			t.Fatalf("export parses: %v\n%s", err, pb.body)
		}
		for _, v := range inst.Votes {
			if strings.Contains(string(pb.body), "north") || v.VoterID == "north" {
				t.Fatal("the export names communities")
			}
		}
		req, _ := http.NewRequest("POST", e.srv.URL+"/api/v1/funding/budget/allocate?completion=add1", bytes.NewReader(pb.body))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+e.adminToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(out), `"title":"Quotas per course"`) {
			t.Fatalf("allocate exported file: %d %s", resp.StatusCode, out)
		}
		bad := "META\nkey;value\nbudget;100\nPROJECTS\nproject_id;cost\n1;50\nVOTES\nvoter_id;vote\n1;7\n"
		req, _ = http.NewRequest("POST", e.srv.URL+"/api/v1/funding/budget/allocate", strings.NewReader(bad))
		req.Header.Set("Content-Type", "text/plain")
		req.Header.Set("Authorization", "Bearer "+e.adminToken)
		resp, err = http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		out, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 422 || !strings.Contains(string(out), "line 9") {
			t.Fatalf("malformed .pb names the line: %d %s", resp.StatusCode, out)
		}

		// A matching pool over the firm pledges.
		g := fdWant(t, "goal", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"initiative": "budget-alerts"}), 201)
		for _, c := range []string{"north", "andes", "pacific"} {
			fdWant(t, "pledge "+c, e.do("POST", fmt.Sprintf("/api/v1/funding/goals/%d/pledges", fdNum(g["id"])), w.tokens[c], map[string]any{"community": c, "amount": 10_000}), 201)
		}
		m := fdWant(t, "pool", e.do("POST", "/api/v1/funding/matching-pools", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "title": "Match", "funder": "Foundation", "pool": 50_000}), 201)
		rows := m["initiatives"].([]any)
		// Three contributors of 100.00: ideal (3·10)²·100 − 30,000 = 60,000, the pool is 50,000.
		if len(rows) != 1 || fdNum(rows[0].(map[string]any)["match"]) != 50_000 || fdNum(rows[0].(map[string]any)["ideal"]) != 60_000 {
			t.Fatalf("matches: %v", m)
		}
		fdWant(t, "bad cap", e.do("POST", "/api/v1/funding/matching-pools", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "title": "M", "funder": "F", "pool": 5, "matching_cap_per_project": "3/2"}), 422)
		fdWant(t, "two caps", e.do("POST", "/api/v1/funding/matching-pools", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "title": "M", "funder": "F", "pool": 5,
			"matching_cap_per_project": "1/2", "matching_cap_amount": 2}), 422)
		fdWant(t, "cap amount not an integer", e.do("POST", "/api/v1/funding/matching-pools", e.adminToken, map[string]any{"consortium": w.consortium.Slug, "title": "M", "funder": "F", "pool": 5,
			"matching_cap_amount": "two"}), 422)
		// Gitcoin's options under Gitcoin's names: the pool of 100,000 is
		// spread (ideal 60,000), then the match is cut to the 70,000 cap.
		m = fdWant(t, "pool with gitcoin options", e.do("POST", "/api/v1/funding/matching-pools", e.adminToken, map[string]any{"consortium": w.consortium.Slug,
			"title": "Spread", "funder": "Foundation", "pool": 100_000, "matching_cap_amount": 70_000, "ignore_saturation": true}), 201)
		rows = m["initiatives"].([]any)
		if m["ignore_saturation"] != true || fdNum(m["matching_cap_amount"]) != 70_000 || fdNum(rows[0].(map[string]any)["match"]) != 70_000 {
			t.Fatalf("pool with gitcoin options: %v", m)
		}
	})
}

// fdLogin signs in a browser as the person with email.
func fdLogin(t *testing.T, e *env, email string) *browser {
	t.Helper()
	b := e.browser()
	if r := b.login(email, testPassword); r.status != http.StatusSeeOther {
		t.Fatalf("login %s: %d %s", email, r.status, r.body)
	}
	return b
}

func fdHas(t *testing.T, what string, r response, status int, parts ...string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.status, status, r.body)
	}
	for _, p := range parts {
		if !strings.Contains(string(r.body), p) {
			t.Fatalf("%s: page lacks %q\n%s", what, p, r.body)
		}
	}
}

// TestFundingWebPages: in the browser, communities pledge with conditions,
// the thermometer and the what-if show exactly what is active, the goal
// closes and the committed pledges become invoices.
func TestFundingWebPages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, `Alerts <b>& co</b>`)
		e := w.e
		admin := e.browser()
		if r := admin.login("admin@example.org", testPassword); r.status != http.StatusSeeOther {
			t.Fatalf("admin login: %d", r.status)
		}
		fdHas(t, "initiative page offers a goal", admin.get("/initiatives/budget-alerts"), 200, `id="funding"`, "/funding/new?initiative=")
		r := admin.post("/funding", url.Values{"initiative": {"budget-alerts"}, "amount": {""}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create goal: %d %s", r.status, r.body)
		}
		goalURL := r.header.Get("Location")
		fdHas(t, "bad goal", admin.post("/funding", url.Values{"consortium": {w.consortium.Slug}, "amount": {"-5"}}), 422, "amount")

		north := fdLogin(t, e, w.emails["north"])
		fdHas(t, "goal page", north.get(goalURL), 200, "Pledge for", `name="cond_total"`, "What if you pledge?")
		if r := north.post(goalURL+"/pledges", url.Values{"community": {"north"}, "kind": {"fixed"}, "amount": {"5000"}}); r.status != http.StatusSeeOther {
			t.Fatalf("firm pledge: %d %s", r.status, r.body)
		}
		andes := fdLogin(t, e, w.emails["andes"])
		if r := andes.post(goalURL+"/pledges", url.Values{"community": {"andes"}, "kind": {"fixed"}, "amount": {"5000"}, "cond_total": {"15000"}}); r.status != http.StatusSeeOther {
			t.Fatalf("3x pledge: %d %s", r.status, r.body)
		}
		pacific := fdLogin(t, e, w.emails["pacific"])
		before := e.count("pledges")
		fdHas(t, "malformed condition amount", pacific.post(goalURL+"/pledges", url.Values{"community": {"pacific"}, "kind": {"fixed"}, "amount": {"100"},
			"cond_total": {"50,00"}}), 422, "Only if the others give at least: must be an amount like")
		fdHas(t, "unknown pledger", pacific.post(goalURL+"/pledges", url.Values{"community": {"pacific"}, "kind": {"fixed"}, "amount": {"100"},
			"cond_pledger": {"ghost"}}), 422, "Only if this community also pledges: unknown pledger", "ghost")
		fdHas(t, "bad amount", pacific.post(goalURL+"/pledges", url.Values{"community": {"pacific"}, "kind": {"fixed"}, "amount": {"12.345"}}), 422, "amount")
		tester := fdLogin(t, e, w.emails["tester"])
		if r := tester.post(goalURL+"/pledges", url.Values{"community": {"tester"}, "amount": {"10"}}); r.status != 403 {
			t.Fatalf("a community without the co-fund role pledges: %d", r.status)
		}
		if n := e.count("pledges"); n != before {
			t.Fatalf("refused pledges were written: %d → %d", before, n)
		}
		// Mutual: pacific gives if andes gives; with pacific, andes' others reach 15,000.00.
		if r := pacific.post(goalURL+"/pledges", url.Values{"community": {"pacific"}, "kind": {"fixed"}, "amount": {"9999.99"}, "cond_pledger": {"andes"}, "anonymous": {"1"}}); r.status != http.StatusSeeOther {
			t.Fatalf("conditional pledge: %d %s", r.status, r.body)
		}
		visitor := e.browser()
		page := visitor.get(goalURL)
		// 9,999.99 + 5,000.00 = 14,999.99 < 15,000.00: andes and pacific wait.
		fdHas(t, "one cent short", page, 200, "Not yet active", "USD 5,000", "Anonymous", "<svg")
		if strings.Contains(string(page.body), "Pacific") {
			t.Fatal("an anonymous pledger is named to visitors")
		}
		fdHas(t, "what-if", visitor.get(goalURL+"?whatif=0.01"), 200, "If you pledge <strong>USD 0.01</strong>, <strong>USD 14,999.99 more</strong> becomes active")
		svg := visitor.get(goalURL + "/thermometer.svg")
		if svg.status != 200 || svg.header.Get("Content-Type") != "image/svg+xml; charset=utf-8" || !strings.Contains(string(svg.body), "&lt;b&gt;&amp; co&lt;/b&gt;") || strings.Contains(string(svg.body), "<b>") {
			t.Fatalf("svg: %d %s\n%s", svg.status, svg.header, svg.body)
		}
		fdHas(t, "initiative thermometer", visitor.get("/initiatives/budget-alerts"), 200, `id="funding"`, "Who pledged", "thermometer.svg")
		fdHas(t, "consortium page", visitor.get("/consortia/"+w.consortium.Slug), 200, "Initiatives being funded")
		fdHas(t, "dashboard", admin.get("/funding"), 200, "Closest to unlocking", "a new pledge of USD 0.01 unlocks it")

		// Staff close: nothing active but north's firm pledge is committed.
		if r := admin.post(goalURL+"/close", nil); r.status != http.StatusSeeOther {
			t.Fatalf("close: %d %s", r.status, r.body)
		}
		if r := admin.post(goalURL+"/invoices", nil); r.status != http.StatusSeeOther {
			t.Fatalf("invoices: %d", r.status)
		}
		fdHas(t, "closed", visitor.get(goalURL), 200, "Lapsed", "Committed")
		var pid int64
		if err := e.store.DB().QueryRow(`SELECT id FROM pledges WHERE state = 'invoiced'`).Scan(&pid); err != nil {
			t.Fatal(err)
		}
		fdHas(t, "receipt", north.get(fmt.Sprintf("/pledges/%d", pid)), 200, "Invoice CF-", "USD 5,000", "Invoiced", "Committed when the goal closed")
		if r := andes.get(fmt.Sprintf("/pledges/%d", pid)); r.status != 404 {
			t.Fatalf("another community's receipt: %d", r.status)
		}
	})
}

// TestFundingWebBudgetRound: staff open a budget round, leads approve,
// the round closes and the page shows the equal-shares allocation; a .pb
// upload is allocated, a malformed one names the line.
func TestFundingWebBudgetRound(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		admin := fdLogin(t, e, "admin@example.org")
		fdHas(t, "form", admin.get("/budget-rounds/new?consortium="+w.consortium.Slug), 200, "Candidate initiatives", "Budget alerts")
		id := fmt.Sprint(w.initiative.ID)
		fdHas(t, "no pool", admin.post("/budget-rounds", url.Values{"consortium": {w.consortium.Slug}, "title": {"Pool"}, "pool": {"0"},
			"closes_at": {time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04")}, "candidate_ids": {id}}), 422, "pool")
		r := admin.post("/budget-rounds", url.Values{"consortium": {w.consortium.Slug}, "title": {"Pool"}, "pool": {"50000"},
			"closes_at": {time.Now().UTC().Add(time.Hour).Format("2006-01-02T15:04")}, "candidate_ids": {id}})
		if r.status != http.StatusSeeOther {
			t.Fatalf("create round: %d %s", r.status, r.body)
		}
		roundURL := r.header.Get("Location")
		north := fdLogin(t, e, w.emails["north"])
		fdHas(t, "ballot form", north.get(roundURL), 200, "Approvals of North")
		if r := north.post(roundURL+"/ballot", url.Values{"community": {"north"}, "approved": {id}}); r.status != http.StatusSeeOther {
			t.Fatalf("ballot: %d %s", r.status, r.body)
		}
		if r := admin.post(roundURL+"/close", nil); r.status != http.StatusSeeOther {
			t.Fatalf("close: %d", r.status)
		}
		fdHas(t, "result", e.browser().get(roundURL), 200, "Method of Equal Shares", "Budget alerts", "Leftover <strong>USD 20,000</strong>")
		export := e.browser().get(roundURL + "/export.pb")
		if export.status != 200 || !strings.Contains(string(export.body), "budget;50000") {
			t.Fatalf("export: %d %s", export.status, export.body)
		}

		upload := func(content string) response {
			var buf bytes.Buffer
			mw := multipart.NewWriter(&buf)
			_ = mw.WriteField("rule", "mes")
			_ = mw.WriteField("completion", "add1")
			fw, _ := mw.CreateFormFile("file", "city.pb")
			_, _ = fw.Write([]byte(content))
			mw.Close()
			req, _ := http.NewRequest("POST", e.srv.URL+"/budget-rounds/import", &buf)
			req.Header.Set("Content-Type", mw.FormDataContentType())
			req.Header.Set("Origin", e.srv.URL)
			req.Header.Set("Sec-Fetch-Site", "same-origin")
			res, err := north.client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			body, _ := io.ReadAll(res.Body)
			return response{status: res.StatusCode, header: res.Header, body: body}
		}
		fdHas(t, "import", upload(string(export.body)), 200, "Result for city.pb", "Budget alerts")
		fdHas(t, "malformed import", upload("META\nkey;value\nbudget;x\n"), 422, "line 3")
	})
}
