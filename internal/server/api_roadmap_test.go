package server_test

import (
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Helpers of this file carry an rm prefix so they cannot clash with those
// of other test files of the package.

// rmLead adds a member account, makes it a lead of c through the API and
// returns its token.
func rmLead(e *env, email, name string, c *model.Community) string {
	e.t.Helper()
	u := e.user(email, name, model.RoleMember)
	r := e.do("PUT", "/api/v1/communities/"+c.Slug+"/people", e.adminToken, map[string]any{"email": email, "role": "lead"})
	if r.status != 200 {
		e.t.Fatalf("make %s a lead of %s: %d %s", email, c.Slug, r.status, r.body)
	}
	return e.token(u)
}

// rmSnapshot counts the rows of tables, to show that refused writes change nothing.
func rmSnapshot(e *env, tables ...string) map[string]int {
	e.t.Helper()
	out := map[string]int{}
	for _, t := range tables {
		out[t] = e.count(t)
	}
	return out
}

func rmSameCounts(t *testing.T, e *env, before map[string]int) {
	t.Helper()
	for table, n := range before {
		if got := e.count(table); got != n {
			t.Errorf("%s: %d rows before, %d after: a refused write changed something", table, n, got)
		}
	}
}

// rmWant checks a response's status and, for errors, that it is problem
// details naming location (when given).
func rmWant(t *testing.T, what string, r response, status int, location string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.status, status, r.body)
	}
	if status >= 400 {
		if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s: content type %q, want application/problem+json: %s", what, ct, r.body)
		}
		if location != "" && !strings.Contains(string(r.body), `"location":"`+location+`"`) {
			t.Fatalf("%s: problem does not name %s: %s", what, location, r.body)
		}
	}
}

func rmWords(n int) string { return strings.TrimSpace(strings.Repeat("notebooks ", n)) }

// rmDetailed is an initiative body with enough detail to become a candidate.
func rmDetailed(title string, public bool, themes ...string) map[string]any {
	return map[string]any{"title": title, "public": public, "persona": "researcher", "problem": rmWords(60),
		"solution": rmWords(60), "implementation": rmWords(60), "ecosystem_fit": rmWords(25),
		"hours_low": 10, "hours_high": 20, "themes": themes}
}

func rmNum(v any) int64 {
	f, _ := v.(float64)
	return int64(f)
}

func rmList(m map[string]any, key string) []map[string]any {
	var out []map[string]any
	for _, x := range m[key].([]any) {
		out = append(out, x.(map[string]any))
	}
	return out
}

func rmSlugs(list []map[string]any) []string {
	out := []string{}
	for _, x := range list {
		out = append(out, fmt.Sprint(x["slug"]))
	}
	return out
}

func rmStrings(v any) []string {
	out := []string{}
	for _, x := range v.([]any) {
		out = append(out, fmt.Sprint(x))
	}
	return out
}

func rmMoney(v any) string {
	m := v.(map[string]any)
	return fmt.Sprintf("%d %s", rmNum(m["amount"]), m["currency"])
}

// rmMove moves an initiative as staff and fails the test if refused.
func rmMove(e *env, ref string, statuses ...string) {
	e.t.Helper()
	for _, s := range statuses {
		if r := e.do("POST", "/api/v1/initiatives/"+ref+"/status", e.adminToken, map[string]any{"status": s}); r.status != 200 {
			e.t.Fatalf("move %s to %s: %d %s", ref, s, r.status, r.body)
		}
	}
}

// rmCreate creates an initiative and returns its slug.
func rmCreate(e *env, token string, body map[string]any) string {
	e.t.Helper()
	r := e.do("POST", "/api/v1/initiatives", token, body)
	if r.status != 201 {
		e.t.Fatalf("create initiative: %d %s", r.status, r.body)
	}
	return r.json(e.t)["slug"].(string)
}

var consortiumTables = []string{"consortia", "consortium_members", "consortium_member_events", "consortium_transitions",
	"consortium_supporters", "consortium_initiatives", "consortium_narratives", "audit_log"}

// TestAPIConsortiumLifecycle walks the whole path through the API: staff
// propose, two community leads support and join with roles, critical mass
// is reached, the kickoff is scheduled, goals are agreed with a decision to
// go, and the consortium becomes active, then concludes.
func TestAPIConsortiumLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north, south := e.community("northfield", "Northfield University"), e.community("southgate", "Southgate Institute")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		southTok := rmLead(e, "sam@southgate.example.edu", "Sam Okafor", south)

		r := e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Cloud Costs", "problem": "Running hubs in the cloud costs too much.",
			"critical_mass_communities": 2, "critical_mass_people": 2, "slack_channel": "#cloud-costs"})
		rmWant(t, "propose", r, 201, "")
		c := r.json(t)
		if c["slug"] != "cloud-costs" || c["stage"] != "proposed" || c["slack_channel"] != "cloud-costs" || c["critical_mass_reached"] != false ||
			r.header.Get("Location") != fmt.Sprintf("/api/v1/consortia/%v", c["id"]) {
			t.Fatalf("proposed: %v, Location %q", c, r.header.Get("Location"))
		}
		base := "/api/v1/consortia/cloud-costs"
		transition := func(token string, body map[string]any) response {
			return e.do("POST", base+"/transitions", token, body)
		}

		// Proposed → active skips stages.
		r = transition(e.adminToken, map[string]any{"to": "active"})
		rmWant(t, "proposed to active", r, 409, "body.to")
		rmWant(t, "to gathering", transition(e.adminToken, map[string]any{"to": "gathering", "reason": "Announced at the community call."}), 200, "")

		// Without critical mass, goals cannot be defined yet.
		r = transition(e.adminToken, map[string]any{"to": "defining_goals"})
		rmWant(t, "defining goals without critical mass", r, 409, "body.to")
		if !strings.Contains(string(r.body), "Critical mass is not reached: 0 of 2 communities") {
			t.Fatalf("critical mass not explained: %s", r.body)
		}

		// Two leads agree with the problem and join with roles.
		rmWant(t, "north supports", e.do("PUT", base+"/support", northTok, map[string]any{"will_meet": true, "community": "northfield", "comment": "Our bill doubled."}), 204, "")
		rmWant(t, "south supports", e.do("PUT", base+"/support", southTok, map[string]any{"community": fmt.Sprint(south.ID)}), 204, "")
		r = e.do("POST", base+"/members", northTok, map[string]any{"community": "northfield", "roles": []string{"test", "react_prioritize"}, "co_create": "lots"})
		rmWant(t, "north joins", r, 201, "")
		m := r.json(t)
		if got := rmStrings(m["roles"]); !slices.Equal(got, []string{"react_prioritize", "test"}) || m["co_create"] != "lots" || m["share_credit"] != "some" ||
			r.header.Get("Location") != fmt.Sprintf("/api/v1/consortia/%v/members/northfield", c["id"]) {
			t.Fatalf("north member: %v, Location %q", m, r.header.Get("Location"))
		}
		rmWant(t, "south joins", e.do("POST", base+"/members", southTok, map[string]any{"community": "southgate", "roles": []string{"co_fund", "endorse"}}), 201, "")

		r = e.do("GET", base, northTok, nil)
		rmWant(t, "get", r, 200, "")
		c = r.json(t)
		if rmNum(c["support_communities"]) != 2 || rmNum(c["support_people"]) != 2 || c["critical_mass_reached"] != true ||
			rmNum(c["member_count"]) != 2 || len(c["supporters"].([]any)) != 2 || len(c["members"].([]any)) != 2 {
			t.Fatalf("critical mass not reached: %s", r.body)
		}
		rmWant(t, "to defining goals", transition(e.adminToken, map[string]any{"to": "defining_goals"}), 200, "")

		// Active needs a kickoff, agreed goals and a decision to go.
		before := rmSnapshot(e, consortiumTables...)
		r = transition(e.adminToken, map[string]any{"to": "active"})
		rmWant(t, "active too early", r, 409, "body.to")
		for _, unmet := range []string{"No kickoff meeting has been scheduled.", "The goals have not been drafted and agreed.", "No decision to go ahead has been recorded."} {
			if !strings.Contains(string(r.body), unmet) {
				t.Fatalf("409 does not list %q: %s", unmet, r.body)
			}
		}
		if n := len(r.json(t)["errors"].([]any)); n != 3 {
			t.Fatalf("errors[] lists %d conditions, want 3: %s", n, r.body)
		}
		rmWant(t, "override without reason", transition(e.adminToken, map[string]any{"to": "active", "override": true}), 422, "body.reason")
		rmWant(t, "override by a lead", transition(northTok, map[string]any{"to": "active", "override": true, "reason": "We want to start"}), 403, "")
		rmSameCounts(t, e, before)

		r = e.do("PUT", base+"/kickoff", e.adminToken, map[string]any{"at": "2026-03-02T17:00:00+01:00"})
		rmWant(t, "kickoff", r, 200, "")
		if r.json(t)["kickoff_at"] != "2026-03-02T16:00:00Z" {
			t.Fatalf("kickoff: %s", r.body)
		}
		r = e.do("PUT", base+"/goals", e.adminToken, map[string]any{"goals": "1. Halve the cost of an idle hub.", "agreed": true, "decision": "go", "decision_note": "Eight people at kickoff."})
		rmWant(t, "goals", r, 200, "")
		if c = r.json(t); c["goals_agreed"] != true || c["decision"] != "go" || c["decision_note"] != "Eight people at kickoff." {
			t.Fatalf("goals: %s", r.body)
		}
		// A partial edit leaves the kickoff, the goals and the rest alone.
		v := rmNum(r.json(t)["version"])
		rmWant(t, "stale edit", e.do("PATCH", base, e.adminToken, map[string]any{"guide_url": "https://example.org/guide", "version": v - 1}), 409, "")
		r = e.do("PATCH", base, e.adminToken, map[string]any{"guide_url": "https://example.org/guide", "version": v})
		rmWant(t, "edit", r, 200, "")
		if c = r.json(t); c["guide_url"] != "https://example.org/guide" || c["kickoff_at"] != "2026-03-02T16:00:00Z" || c["goals_agreed"] != true ||
			c["slack_channel"] != "cloud-costs" || rmNum(c["critical_mass_people"]) != 2 || rmNum(c["version"]) != v+1 {
			t.Fatalf("partial edit: %s", r.body)
		}
		r = e.do("GET", base, e.adminToken, nil)
		next := rmList(r.json(t), "next_stages")
		if len(next) == 0 || next[0]["stage"] != "active" || len(next[0]["blockers"].([]any)) != 0 {
			t.Fatalf("active still blocked: %v", next)
		}
		r = transition(e.adminToken, map[string]any{"to": "active", "reason": "Kickoff held, goals agreed."})
		rmWant(t, "to active", r, 200, "")
		if r.json(t)["stage"] != "active" {
			t.Fatalf("not active: %s", r.body)
		}
		r = e.do("GET", base, "", nil)
		c = r.json(t)
		var stages []string
		for _, tr := range rmList(c, "timeline") {
			stages = append(stages, tr["to"].(string))
		}
		if !slices.Equal(stages, []string{"proposed", "gathering", "defining_goals", "active"}) {
			t.Fatalf("timeline: %v", stages)
		}
		if last := rmList(c, "timeline")[3]; last["override"] != false || last["reason"] != "Kickoff held, goals agreed." || last["by_name"] != "" {
			t.Fatalf("timeline entry (visitors see no names): %v", last)
		}
		if c["proposed_by"] != "" || len(c["supporters"].([]any)) != 0 {
			t.Fatalf("visitors see people: %s", r.body)
		}

		// Members, grouped by role, and their history.
		r = e.do("GET", base+"/members", "", nil)
		rmWant(t, "members", r, 200, "")
		ms := r.json(t)
		if len(ms["items"].([]any)) != 2 || ms["history"] != nil {
			t.Fatalf("members for visitors: %s", r.body)
		}
		byRole := map[string][]string{}
		for _, g := range rmList(ms, "by_role") {
			byRole[g["role"].(string)] = rmSlugs(rmList(g, "communities"))
		}
		if len(byRole) != 6 || !slices.Equal(byRole["react_prioritize"], []string{"northfield"}) || !slices.Equal(byRole["co_fund"], []string{"southgate"}) || len(byRole["connect"]) != 0 {
			t.Fatalf("by role: %v", byRole)
		}
		r = e.do("PATCH", base+"/members/northfield", northTok, map[string]any{"roles": []string{"connect"}})
		rmWant(t, "change roles", r, 200, "")
		if m = r.json(t); !slices.Equal(rmStrings(m["roles"]), []string{"connect"}) || m["co_create"] != "lots" {
			t.Fatalf("changed roles: %s", r.body)
		}
		rmWant(t, "south leaves", e.do("DELETE", base+"/members/southgate", southTok, nil), 204, "")
		r = e.do("GET", base+"/members?history=true", northTok, nil)
		ms = r.json(t)
		var actions []string
		for _, ev := range rmList(ms, "history") {
			actions = append(actions, ev["action"].(string))
		}
		if len(ms["items"].([]any)) != 1 || !slices.Equal(actions, []string{"left", "roles_changed", "joined", "joined"}) {
			t.Fatalf("after leaving: %s", r.body)
		}

		// Concluding needs a closing summary.
		rmWant(t, "conclude without summary", transition(e.adminToken, map[string]any{"to": "concluded"}), 422, "body.closing_summary")
		r = transition(e.adminToken, map[string]any{"to": "concluded", "closing_summary": "Idle hubs now scale to zero."})
		rmWant(t, "conclude", r, 200, "")
		if c = r.json(t); c["stage"] != "concluded" || c["closing_summary"] != "Idle hubs now scale to zero." {
			t.Fatalf("concluded: %s", r.body)
		}

		// The audit log has every step.
		r = e.do("GET", "/api/v1/audit?entity_type=consortium&action=consortium.stage", e.adminToken, nil)
		if rmNum(r.json(t)["total"]) != 4 {
			t.Fatalf("audit of stage changes: %s", r.body)
		}
	})
}

// TestAPIConsortiumOverride: staff may waive unmet conditions with a
// reason, which the timeline records.
func TestAPIConsortiumOverride(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		r := e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Teaching Hubs", "problem": "Courses need hubs that start fast."})
		rmWant(t, "propose", r, 201, "")
		base := "/api/v1/consortia/teaching-hubs"
		rmWant(t, "gathering", e.do("POST", base+"/transitions", e.adminToken, map[string]any{"to": "gathering"}), 200, "")
		before := rmSnapshot(e, consortiumTables...)
		rmWant(t, "blocked", e.do("POST", base+"/transitions", e.adminToken, map[string]any{"to": "defining_goals"}), 409, "body.to")
		rmWant(t, "override without reason", e.do("POST", base+"/transitions", e.adminToken, map[string]any{"to": "defining_goals", "override": true, "reason": "  "}), 422, "body.reason")
		rmSameCounts(t, e, before)
		r = e.do("POST", base+"/transitions", e.adminToken, map[string]any{"to": "defining_goals", "override": true, "reason": "The funder's deadline is in May."})
		rmWant(t, "override", r, 200, "")
		r = e.do("GET", base, e.adminToken, nil)
		tl := rmList(r.json(t), "timeline")
		last := tl[len(tl)-1]
		if last["to"] != "defining_goals" || last["override"] != true || last["by_name"] != "Ada Admin" ||
			!strings.Contains(last["reason"].(string), "The funder's deadline is in May.") || !strings.Contains(last["reason"].(string), "Critical mass is not reached") {
			t.Fatalf("timeline does not record the override: %v", last)
		}
		r = e.do("GET", "/api/v1/audit?entity_type=consortium&action=consortium.stage", e.adminToken, nil)
		if !strings.Contains(string(r.body), `"override":true`) {
			t.Fatalf("audit does not record the override: %s", r.body)
		}
	})
}

// TestAPIConsortiumBadInput sends each kind of bad input and checks the
// status, the field named, and that nothing was written.
func TestAPIConsortiumBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north, south := e.community("northfield", "Northfield University"), e.community("southgate", "Southgate Institute")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		southTok := rmLead(e, "sam@southgate.example.edu", "Sam Okafor", south)
		rmWant(t, "propose", e.do("POST", "/api/v1/consortia", northTok, map[string]any{"name": "CC", "slug": "cc", "problem": "Costs."}), 201, "")
		rmWant(t, "join", e.do("POST", "/api/v1/consortia/cc/members", northTok, map[string]any{"community": "northfield", "roles": []string{"test"}}), 201, "")

		before := rmSnapshot(e, consortiumTables...)
		cases := []struct {
			name, method, path, token string
			body                      any
			status                    int
			location                  string
		}{
			{"proposed to active", "POST", "/cc/transitions", e.adminToken, map[string]any{"to": "active"}, 409, "body.to"},
			{"unknown stage", "POST", "/cc/transitions", e.adminToken, map[string]any{"to": "paused"}, 422, "body.to"},
			{"no stage", "POST", "/cc/transitions", e.adminToken, map[string]any{}, 422, "body.to"},
			{"transition by a lead", "POST", "/cc/transitions", northTok, map[string]any{"to": "gathering"}, 403, ""},
			{"transition by a visitor", "POST", "/cc/transitions", "", map[string]any{"to": "gathering"}, 401, ""},
			{"stale version", "POST", "/cc/transitions", e.adminToken, map[string]any{"to": "gathering", "version": 99}, 409, "body.version"},
			{"role outside the six", "POST", "/cc/members", southTok, map[string]any{"community": "southgate", "roles": []string{"test", "cheerlead"}}, 422, "body.roles"},
			{"no role", "POST", "/cc/members", southTok, map[string]any{"community": "southgate", "roles": []string{}}, 422, "body.roles"},
			{"roles left out", "POST", "/cc/members", southTok, map[string]any{"community": "southgate"}, 422, "body.roles"},
			{"roles not a list", "POST", "/cc/members", southTok, map[string]any{"community": "southgate", "roles": "test"}, 422, "body.roles"},
			{"unknown level", "POST", "/cc/members", southTok, map[string]any{"community": "southgate", "roles": []string{"test"}, "co_create": "heaps"}, 422, "body.co_create"},
			{"duplicate membership", "POST", "/cc/members", northTok, map[string]any{"community": "northfield", "roles": []string{"endorse"}}, 409, ""},
			{"join for a community one does not lead", "POST", "/cc/members", northTok, map[string]any{"community": "southgate", "roles": []string{"test"}}, 403, ""},
			{"join for no community", "POST", "/cc/members", e.adminToken, map[string]any{"roles": []string{"test"}}, 422, "body.community"},
			{"join for an unknown community", "POST", "/cc/members", e.adminToken, map[string]any{"community": "atlantis", "roles": []string{"test"}}, 422, "body.community"},
			{"unknown field on join", "POST", "/cc/members", southTok, map[string]any{"community": "southgate", "roles": []string{"test"}, "colour": "red"}, 422, "body.colour"},
			{"change to a role outside the six", "PATCH", "/cc/members/northfield", northTok, map[string]any{"roles": []string{"boss"}}, 422, "body.roles"},
			{"change to no role", "PATCH", "/cc/members/northfield", northTok, map[string]any{"roles": []string{}}, 422, "body.roles"},
			{"change another community's roles", "PATCH", "/cc/members/northfield", southTok, map[string]any{"roles": []string{"test"}}, 403, ""},
			{"change a non-member", "PATCH", "/cc/members/southgate", southTok, map[string]any{"roles": []string{"test"}}, 404, ""},
			{"leave for another community", "DELETE", "/cc/members/northfield", southTok, nil, 403, ""},
			{"leave as a non-member", "DELETE", "/cc/members/southgate", southTok, nil, 404, ""},
			{"support for a community one is not in", "PUT", "/cc/support", northTok, map[string]any{"community": "southgate"}, 403, ""},
			{"support with a wrong type", "PUT", "/cc/support", northTok, map[string]any{"will_meet": "yes"}, 422, "body.will_meet"},
			{"unknown field on propose", "POST", "", e.adminToken, map[string]any{"name": "Xenon", "problem": "Y", "colour": "red"}, 422, "body.colour"},
			{"wrong type on propose", "POST", "", e.adminToken, map[string]any{"name": "Xenon", "problem": "Y", "critical_mass_communities": "two"}, 422, "body.critical_mass_communities"},
			{"no name", "POST", "", e.adminToken, map[string]any{"problem": "Y"}, 422, "body.name"},
			{"no problem", "POST", "", e.adminToken, map[string]any{"name": "Xenon"}, 422, "body.problem"},
			{"unknown visibility", "POST", "", e.adminToken, map[string]any{"name": "Xenon", "problem": "Y", "visibility": "secret"}, 422, "body.visibility"},
			{"critical mass of zero", "POST", "", e.adminToken, map[string]any{"name": "Xenon", "problem": "Y", "critical_mass_people": 0}, 422, "body.critical_mass_people"},
			{"taken slug", "POST", "", e.adminToken, map[string]any{"name": "CC", "slug": "cc", "problem": "Y"}, 409, "body.slug"},
			{"unknown narrative", "POST", "", e.adminToken, map[string]any{"name": "Xenon", "problem": "Y", "narrative_ids": []int{999}}, 422, "body.narrative_ids"},
			{"unknown initiative", "POST", "", e.adminToken, map[string]any{"name": "Xenon", "problem": "Y", "initiative_ids": []int{999}}, 422, "body.initiative_ids"},
			{"malformed JSON", "POST", "", e.adminToken, `{"name": "Xenon", `, 400, ""},
			{"propose as a visitor", "POST", "", "", map[string]any{"name": "Xenon", "problem": "Y"}, 401, ""},
			{"edit someone else's proposal", "PATCH", "/cc", southTok, map[string]any{"name": "Mine"}, 403, ""},
			{"edit with a stale version", "PATCH", "/cc", e.adminToken, map[string]any{"name": "New", "version": 99}, 409, ""},
			{"edit with a wrong type", "PATCH", "/cc", e.adminToken, map[string]any{"name": 42}, 422, "body.name"},
			{"kickoff not a time", "PUT", "/cc/kickoff", e.adminToken, map[string]any{"at": "next tuesday"}, 422, "body.at"},
			{"kickoff by a lead", "PUT", "/cc/kickoff", northTok, map[string]any{"at": "2026-03-02T16:00:00Z"}, 403, ""},
			{"unknown decision", "PUT", "/cc/goals", e.adminToken, map[string]any{"goals": "G", "decision": "maybe"}, 422, "body.decision"},
			{"agreed on no goals", "PUT", "/cc/goals", e.adminToken, map[string]any{"goals": "", "agreed": true}, 422, "body.goals"},
			{"agreed and goals_agreed disagree", "PUT", "/cc/goals", e.adminToken, map[string]any{"goals": "G", "agreed": true, "goals_agreed": false}, 422, "body.goals_agreed"},
			{"goals by a lead", "PUT", "/cc/goals", northTok, map[string]any{"goals": "G"}, 403, ""},
			{"unknown consortium", "GET", "/nope", e.adminToken, nil, 404, ""},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rmWant(t, c.name, e.do(c.method, "/api/v1/consortia"+c.path, c.token, c.body), c.status, c.location)
			})
		}
		rmSameCounts(t, e, before)

		// A concluded consortium is read-only.
		rmWant(t, "propose", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Old", "problem": "Done with."}), 201, "")
		for _, to := range []string{"gathering", "defining_goals", "active"} {
			rmWant(t, "to "+to, e.do("POST", "/api/v1/consortia/old/transitions", e.adminToken, map[string]any{"to": to, "override": true, "reason": "Test."}), 200, "")
		}
		rmWant(t, "north joins old", e.do("POST", "/api/v1/consortia/old/members", northTok, map[string]any{"community": "northfield", "roles": []string{"test"}}), 201, "")
		rmWant(t, "conclude", e.do("POST", "/api/v1/consortia/old/transitions", e.adminToken, map[string]any{"to": "concluded", "closing_summary": "Finished."}), 200, "")
		before = rmSnapshot(e, consortiumTables...)
		closed := []struct {
			name, method, path, token string
			body                      any
		}{
			{"edit", "PATCH", "", e.adminToken, map[string]any{"name": "Renamed"}},
			{"goals", "PUT", "/goals", e.adminToken, map[string]any{"goals": "More."}},
			{"kickoff", "PUT", "/kickoff", e.adminToken, map[string]any{"at": "2027-01-01T00:00:00Z"}},
			{"support", "PUT", "/support", southTok, map[string]any{"community": "southgate"}},
			{"withdraw support", "DELETE", "/support", southTok, nil},
			{"join", "POST", "/members", southTok, map[string]any{"community": "southgate", "roles": []string{"test"}}},
			{"change roles", "PATCH", "/members/northfield", northTok, map[string]any{"roles": []string{"endorse"}}},
			{"leave", "DELETE", "/members/northfield", northTok, nil},
			{"reopen", "POST", "/transitions", e.adminToken, map[string]any{"to": "active", "override": true, "reason": "Again."}},
			{"dissolve", "POST", "/transitions", e.adminToken, map[string]any{"to": "dissolved", "closing_summary": "No."}},
		}
		for _, c := range closed {
			t.Run("concluded: "+c.name, func(t *testing.T) {
				rmWant(t, c.name, e.do(c.method, "/api/v1/consortia/old"+c.path, c.token, c.body), 409, "")
			})
		}
		rmSameCounts(t, e, before)
	})
}

// TestAPIConsortiumVisibility: private consortia are for staff and their
// own people; members-only ones for people signed in; others get 404, as
// if they did not exist, and see no link to them.
func TestAPIConsortiumVisibility(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north, south := e.community("northfield", "Northfield University"), e.community("southgate", "Southgate Institute")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		southTok := rmLead(e, "sam@southgate.example.edu", "Sam Okafor", south)
		ini := rmCreate(e, e.adminToken, rmDetailed("GPU Quotas", true, "gpu"))
		var iniID int64
		if r := e.do("GET", "/api/v1/initiatives/"+ini, "", nil); r.status == 200 {
			iniID = rmNum(r.json(t)["id"])
		}
		rmWant(t, "private", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Secret Council", "problem": "P.", "visibility": "private", "initiative_ids": []int64{iniID}}), 201, "")
		rmWant(t, "members only", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Members Club", "problem": "P.", "visibility": "members"}), 201, "")
		rmWant(t, "public", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Open Forum", "problem": "P."}), 201, "")
		rmWant(t, "staff add north", e.do("POST", "/api/v1/consortia/secret-council/members", e.adminToken, map[string]any{"community": "northfield", "roles": []string{"test"}}), 201, "")

		before := rmSnapshot(e, consortiumTables...)
		for _, c := range []struct {
			who, token string
			see        []string
		}{
			{"staff", e.adminToken, []string{"members-club", "open-forum", "secret-council"}},
			{"a lead of a member", northTok, []string{"members-club", "open-forum", "secret-council"}},
			{"another member", southTok, []string{"members-club", "open-forum"}},
			{"a visitor", "", []string{"open-forum"}},
		} {
			r := e.do("GET", "/api/v1/consortia", c.token, nil)
			got := rmSlugs(rmList(r.json(t), "items"))
			slices.Sort(got)
			if !slices.Equal(got, c.see) || rmNum(r.json(t)["total"]) != int64(len(c.see)) {
				t.Errorf("%s lists %v, want %v", c.who, got, c.see)
			}
			for _, slug := range []string{"members-club", "secret-council"} {
				want := 404
				if slices.Contains(c.see, slug) {
					want = 200
				}
				rmWant(t, c.who+" gets "+slug, e.do("GET", "/api/v1/consortia/"+slug, c.token, nil), want, "")
				rmWant(t, c.who+" gets members of "+slug, e.do("GET", "/api/v1/consortia/"+slug+"/members", c.token, nil), want, "")
			}
			// The initiative's link to the private consortium shows only to those who see it.
			r = e.do("GET", "/api/v1/initiatives/"+ini, c.token, nil)
			links := rmSlugs(rmList(r.json(t), "consortia"))
			if want := slices.Contains(c.see, "secret-council"); want != slices.Contains(links, "secret-council") {
				t.Errorf("%s sees consortia %v of the initiative", c.who, links)
			}
			r = e.do("GET", "/api/v1/initiatives?consortium=secret-council", c.token, nil)
			if slices.Contains(c.see, "secret-council") {
				rmWant(t, c.who+" filters by it", r, 200, "")
			} else {
				rmWant(t, c.who+" filters by it", r, 422, "query.consortium")
				rmWant(t, c.who+" filters the roadmap by it", e.do("GET", "/api/v1/roadmap?consortium=secret-council", c.token, nil), 422, "query.consortium")
			}
		}
		r := e.do("GET", "/api/v1/consortia?stage=proposed&q=council", e.adminToken, nil)
		if got := rmSlugs(rmList(r.json(t), "items")); !slices.Equal(got, []string{"secret-council"}) {
			t.Errorf("stage and search filters: %v", got)
		}
		rmWant(t, "unknown stage filter", e.do("GET", "/api/v1/consortia?stage=paused", "", nil), 422, "query.stage")
		// Outsiders cannot act on what they cannot see.
		rmWant(t, "outsider supports", e.do("PUT", "/api/v1/consortia/secret-council/support", southTok, map[string]any{"community": "southgate"}), 404, "")
		rmWant(t, "outsider joins", e.do("POST", "/api/v1/consortia/secret-council/members", southTok, map[string]any{"community": "southgate", "roles": []string{"test"}}), 404, "")
		rmWant(t, "outsider edits", e.do("PATCH", "/api/v1/consortia/secret-council", southTok, map[string]any{"name": "Mine"}), 404, "")
		rmWant(t, "visitor supports", e.do("PUT", "/api/v1/consortia/secret-council/support", "", map[string]any{}), 401, "")
		rmSameCounts(t, e, before)
	})
}

var initiativeTables = []string{"initiatives", "initiative_status_history", "initiative_tasks", "initiative_interest", "initiative_themes", "audit_log"}

// TestAPIInitiativeLifecycle: a member proposes an idea, the checklist says
// what is missing, the move to candidate is refused with field errors until
// the idea has enough words; then staff take it on.
func TestAPIInitiativeLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north, south := e.community("northfield", "Northfield University"), e.community("southgate", "Southgate Institute")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		_ = south
		author := e.user("mo@example.org", "Mo Member", model.RoleMember)
		authorTok := e.token(author)

		r := e.do("POST", "/api/v1/initiatives", authorTok, map[string]any{"title": "Faster Notebook Start", "public": true, "themes": []string{"Performance"}})
		rmWant(t, "create", r, 201, "")
		in := r.json(t)
		if in["slug"] != "faster-notebook-start" || in["status"] != "idea" || in["public"] != false || in["author_name"] != "Mo Member" ||
			r.header.Get("Location") != fmt.Sprintf("/api/v1/initiatives/%v", in["id"]) {
			t.Fatalf("created: %s, Location %q", r.body, r.header.Get("Location"))
		}
		base := "/api/v1/initiatives/faster-notebook-start"
		r = e.do("GET", base, authorTok, nil)
		rmWant(t, "get", r, 200, "")
		in = r.json(t)
		missing := map[string]bool{}
		for _, it := range rmList(in, "checklist") {
			if it["ok"] == false {
				missing[it["field"].(string)] = true
			}
		}
		for _, f := range []string{"persona", "problem", "solution", "implementation", "ecosystem_fit", "hours"} {
			if !missing[f] {
				t.Errorf("checklist does not list %s as missing: %v", f, in["checklist"])
			}
		}
		if missing["themes"] || in["ready_for_candidate"] != false || in["can_edit"] != true || !slices.Equal(rmStrings(in["next_statuses"]), []string{"candidate"}) {
			t.Fatalf("detail: %s", r.body)
		}
		if rmList(in, "history")[0]["to"] != "idea" {
			t.Fatalf("history: %v", in["history"])
		}
		// Visitors cannot see a non-public idea.
		rmWant(t, "visitor get", e.do("GET", base, "", nil), 404, "")

		before := rmSnapshot(e, initiativeTables...)
		r = e.do("POST", base+"/status", authorTok, map[string]any{"status": "candidate"})
		rmWant(t, "candidate without detail", r, 422, "body.problem")
		for _, f := range []string{"body.persona", "body.solution", "body.implementation", "body.ecosystem_fit", "body.hours"} {
			if !strings.Contains(string(r.body), `"location":"`+f+`"`) {
				t.Errorf("422 does not name %s: %s", f, r.body)
			}
		}
		badCases := []struct {
			name, method, path, token string
			body                      any
			status                    int
			location                  string
		}{
			{"no status", "POST", "/status", authorTok, map[string]any{"note": "x"}, 422, "body.status"},
			{"unknown status", "POST", "/status", e.adminToken, map[string]any{"status": "shipped"}, 422, "body.status"},
			{"skip ahead", "POST", "/status", e.adminToken, map[string]any{"status": "done"}, 409, ""},
			{"author declines", "POST", "/status", authorTok, map[string]any{"status": "declined"}, 403, ""},
			{"stale version on move", "POST", "/status", e.adminToken, map[string]any{"status": "declined", "version": 99}, 409, "body.version"},
			{"another member edits", "PATCH", "", northTok, map[string]any{"title": "Mine"}, 403, ""},
			{"visitor edits", "PATCH", "", "", map[string]any{"title": "Mine"}, 401, ""},
			{"stale version", "PATCH", "", authorTok, map[string]any{"title": "New", "version": 99}, 409, ""},
			{"unknown field", "PATCH", "", authorTok, map[string]any{"colour": "red"}, 422, "body.colour"},
			{"wrong type", "PATCH", "", authorTok, map[string]any{"hours_low": "ten"}, 422, "body.hours_low"},
			{"high below low", "PATCH", "", authorTok, map[string]any{"hours_low": 20, "hours_high": 10}, 422, "body.hours_high"},
			{"unknown persona", "PATCH", "", authorTok, map[string]any{"persona": "wizard"}, 422, "body.persona"},
			{"bad link", "PATCH", "", authorTok, map[string]any{"links": []map[string]any{{"url": "ftp://x"}}}, 422, "body.links[0].url"},
			{"bad currency", "PATCH", "", authorTok, map[string]any{"rate": map[string]any{"amount": 100, "currency": "XYZ"}}, 422, "body.rate.currency"},
			{"empty title", "PATCH", "", authorTok, map[string]any{"title": " "}, 422, "body.title"},
			{"create without title", "POST", "/../", authorTok, map[string]any{"problem": "P"}, 422, "body.title"},
			{"create as a visitor", "POST", "/../", "", map[string]any{"title": "T"}, 401, ""},
		}
		for _, c := range badCases {
			t.Run(c.name, func(t *testing.T) {
				path := base + c.path
				if c.path == "/../" {
					path = "/api/v1/initiatives"
				}
				rmWant(t, c.name, e.do(c.method, path, c.token, c.body), c.status, c.location)
			})
		}
		rmSameCounts(t, e, before)

		// With enough words the idea becomes a candidate.
		detail := rmDetailed("Faster Notebook Start", true, "performance")
		detail["version"] = 1
		r = e.do("PATCH", base, authorTok, detail)
		rmWant(t, "add detail", r, 200, "")
		if in = r.json(t); rmNum(in["version"]) != 2 || in["public"] != false {
			t.Fatalf("after edit: %s", r.body)
		}
		r = e.do("POST", base+"/status", authorTok, map[string]any{"status": "candidate", "note": "Ready for review."})
		rmWant(t, "to candidate", r, 200, "")
		if in = r.json(t); in["status"] != "candidate" || in["status_label"] != "Candidate" {
			t.Fatalf("moved: %s", r.body)
		}
		rmWant(t, "author edits a candidate", e.do("PATCH", base, authorTok, map[string]any{"title": "X"}), 403, "")
		v := rmNum(in["version"])
		rmWant(t, "staff move with version", e.do("POST", base+"/status", e.adminToken, map[string]any{"status": "upcoming", "version": v}), 200, "")
		r = e.do("GET", base, e.adminToken, nil)
		hist := rmList(r.json(t), "history")
		if len(hist) != 3 || hist[1]["to"] != "candidate" || hist[1]["note"] != "Ready for review." || hist[2]["by_name"] != "Ada Admin" {
			t.Fatalf("history: %v", hist)
		}

		// Sub-tasks: the author ticks them; ids keep done state across edits.
		r = e.do("PATCH", base, e.adminToken, map[string]any{"tasks": []map[string]any{{"title": "Design"}, {"title": "Build"}}})
		rmWant(t, "add tasks", r, 200, "")
		tasks := rmList(r.json(t), "tasks")
		t1, t2 := rmNum(tasks[0]["id"]), rmNum(tasks[1]["id"])
		rmWant(t, "tick", e.do("PUT", fmt.Sprintf("%s/tasks/%d", base, t1), authorTok, map[string]any{"done": true}), 204, "")
		rmWant(t, "tick without done", e.do("PUT", fmt.Sprintf("%s/tasks/%d", base, t1), authorTok, map[string]any{}), 422, "body.done")
		rmWant(t, "tick by another", e.do("PUT", fmt.Sprintf("%s/tasks/%d", base, t1), northTok, map[string]any{"done": false}), 403, "")
		rmWant(t, "tick a missing task", e.do("PUT", base+"/tasks/999999", authorTok, map[string]any{"done": true}), 404, "")
		r = e.do("PATCH", base, e.adminToken, map[string]any{"tasks": []map[string]any{{"id": t1, "title": "Design v2"}, {"id": t2, "title": "Build"}, {"title": "Ship"}}})
		rmWant(t, "edit tasks", r, 200, "")
		if in = r.json(t); rmNum(in["tasks_done"]) != 1 || rmNum(in["progress"]) != 33 || rmList(in, "tasks")[0]["title"] != "Design v2" {
			t.Fatalf("tasks after edit: %s", r.body)
		}

		// Interest and co-funding.
		rmWant(t, "interest", e.do("PUT", base+"/interest", northTok, map[string]any{"community": "northfield", "note": "We need this."}), 204, "")
		rmWant(t, "co-funding by a lead", e.do("PUT", base+"/interest", northTok, map[string]any{"community": "northfield", "kind": "co_funded"}), 403, "")
		rmWant(t, "interest for another community", e.do("PUT", base+"/interest", northTok, map[string]any{"community": "southgate"}), 403, "")
		rmWant(t, "interest without community", e.do("PUT", base+"/interest", northTok, map[string]any{}), 422, "body.community")
		rmWant(t, "interest for an unknown community", e.do("PUT", base+"/interest", e.adminToken, map[string]any{"community": "atlantis"}), 422, "body.community")
		rmWant(t, "interest of an unknown kind", e.do("PUT", base+"/interest", e.adminToken, map[string]any{"community": "northfield", "kind": "adored"}), 422, "body.kind")
		rmWant(t, "co-funding by staff", e.do("PUT", base+"/interest", e.adminToken, map[string]any{"community": "southgate", "kind": "co_funded"}), 204, "")
		rmWant(t, "staff publish", e.do("PATCH", base, e.adminToken, map[string]any{"public": true}), 200, "")
		r = e.do("GET", base, "", nil)
		in = r.json(t)
		if !slices.Equal(rmSlugs(rmList(in, "interested")), []string{"northfield"}) || !slices.Equal(rmSlugs(rmList(in, "co_funded")), []string{"southgate"}) {
			t.Fatalf("interest: %s", r.body)
		}
		if in["author_name"] != "" || in["author_id"] != nil || in["status_changed_by"] != "" || rmList(in, "history")[0]["by_name"] != "" {
			t.Fatalf("visitors see people's names: %s", r.body)
		}
		rmWant(t, "withdraw without community", e.do("DELETE", base+"/interest", northTok, nil), 422, "query.community")
		rmWant(t, "withdraw an unknown kind", e.do("DELETE", base+"/interest?community=northfield&kind=adored", northTok, nil), 422, "query.kind")
		rmWant(t, "withdraw for an unknown community", e.do("DELETE", base+"/interest?community=atlantis", northTok, nil), 422, "query.community")
		rmWant(t, "withdraw", e.do("DELETE", base+"/interest?community=northfield", northTok, nil), 204, "")
		r = e.do("GET", base, northTok, nil)
		if len(rmList(r.json(t), "interested")) != 0 {
			t.Fatalf("interest not withdrawn: %s", r.body)
		}
	})
}

// TestAPIRoadmapVisibilityAndCost: visitors see public initiatives only;
// cost estimates are hours × the blended (or own) rate in minor units.
func TestAPIRoadmapVisibilityAndCost(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north := e.community("northfield", "Northfield University")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		a := rmCreate(e, e.adminToken, rmDetailed("Autoscaling", true, "cloud"))
		b := rmCreate(e, e.adminToken, rmDetailed("Billing Internals", false, "cloud"))
		own := rmDetailed("Course Templates", true, "teaching")
		own["rate"] = map[string]any{"amount": 10000, "currency": "EUR"}
		c := rmCreate(e, e.adminToken, own)
		d := rmCreate(e, e.adminToken, map[string]any{"title": "Dark Mode", "public": true})
		rmMove(e, a, "candidate")
		rmMove(e, b, "candidate")
		rmMove(e, c, "candidate", "upcoming", "scoping")
		rmWant(t, "interest", e.do("PUT", "/api/v1/initiatives/"+a+"/interest", northTok, map[string]any{"community": "northfield"}), 204, "")

		// Lists and reads.
		for _, who := range []struct {
			name, token string
			see         []string
		}{{"visitor", "", []string{a, c, d}}, {"member", northTok, []string{a, b, c, d}}} {
			r := e.do("GET", "/api/v1/initiatives?per_page=100", who.token, nil)
			got := rmSlugs(rmList(r.json(t), "items"))
			slices.Sort(got)
			if !slices.Equal(got, who.see) || rmNum(r.json(t)["total"]) != int64(len(who.see)) {
				t.Errorf("%s lists %v, want %v", who.name, got, who.see)
			}
		}
		rmWant(t, "visitor gets non-public", e.do("GET", "/api/v1/initiatives/"+b, "", nil), 404, "")
		rmWant(t, "member gets non-public", e.do("GET", "/api/v1/initiatives/"+b, northTok, nil), 200, "")
		r := e.do("GET", "/api/v1/initiatives?status=in-flight", "", nil)
		if got := rmSlugs(rmList(r.json(t), "items")); !slices.Equal(got, []string{c}) {
			t.Fatalf("in flight: %v", got)
		}
		r = e.do("GET", "/api/v1/initiatives?theme=cloud&q=auto", "", nil)
		if got := rmSlugs(rmList(r.json(t), "items")); !slices.Equal(got, []string{a}) {
			t.Fatalf("theme and search: %v", got)
		}
		rmWant(t, "bad status filter", e.do("GET", "/api/v1/initiatives?status=shipped", "", nil), 422, "query.status")
		rmWant(t, "bad page size", e.do("GET", "/api/v1/initiatives?per_page=1000", "", nil), 422, "query.per_page")

		// The roadmap, grouped by status.
		roadmap := func(token, query string) map[string][]map[string]any {
			t.Helper()
			r := e.do("GET", "/api/v1/roadmap"+query, token, nil)
			rmWant(t, "roadmap"+query, r, 200, "")
			m := r.json(t)
			out := map[string][]map[string]any{}
			for _, col := range []string{"candidate", "upcoming", "in_flight", "done"} {
				out[col] = rmList(m, col)
			}
			return out
		}
		rm := roadmap("", "")
		if got := rmSlugs(rm["candidate"]); !slices.Equal(got, []string{a}) {
			t.Fatalf("visitor's candidates: %v", got)
		}
		if got := rmSlugs(rm["in_flight"]); !slices.Equal(got, []string{c}) || len(rm["upcoming"]) != 0 || len(rm["done"]) != 0 {
			t.Fatalf("visitor's roadmap: %v", rm)
		}
		item := rm["candidate"][0]
		if rmNum(item["interested_count"]) != 1 || rmSlugs(rmList(item, "interested"))[0] != "northfield" || rmNum(item["co_funded_count"]) != 0 {
			t.Fatalf("interest on the roadmap: %v", item)
		}
		// Default blended rate: 150.00 USD per hour.
		if rmMoney(item["cost_low"]) != "150000 USD" || rmMoney(item["cost_high"]) != "300000 USD" || rmMoney(item["rate"]) != "15000 USD" {
			t.Fatalf("cost estimate: %v", item)
		}
		if it := rm["in_flight"][0]; rmMoney(it["cost_low"]) != "100000 EUR" || it["status_label"] != "In flight: scoping" {
			t.Fatalf("own rate: %v", it)
		}
		if got := rmSlugs(roadmap(northTok, "")["candidate"]); len(got) != 2 || !slices.Contains(got, b) {
			t.Fatalf("member's candidates: %v", got)
		}
		if rm = roadmap("", "?theme=teaching"); len(rm["candidate"]) != 0 || len(rm["in_flight"]) != 1 {
			t.Fatalf("theme filter: %v", rm)
		}

		// Changing the blended rate: staff only, validated.
		before := rmSnapshot(e, "settings", "audit_log")
		for _, c := range []struct {
			name, token string
			body        any
			status      int
			location    string
		}{
			{"visitor", "", map[string]any{"amount": 20000, "currency": "EUR"}, 401, ""},
			{"member", northTok, map[string]any{"amount": 20000, "currency": "EUR"}, 403, ""},
			{"no amount", e.adminToken, map[string]any{"currency": "EUR"}, 422, "body.amount"},
			{"negative", e.adminToken, map[string]any{"amount": -5, "currency": "EUR"}, 422, "body.amount"},
			{"too high", e.adminToken, map[string]any{"amount": 10_000_001, "currency": "EUR"}, 422, "body.amount"},
			{"unknown currency", e.adminToken, map[string]any{"amount": 20000, "currency": "XYZ"}, 422, "body.currency"},
			{"not a number", e.adminToken, map[string]any{"amount": "lots", "currency": "EUR"}, 422, "body.amount"},
			{"unknown field", e.adminToken, map[string]any{"amount": 20000, "currency": "EUR", "per": "hour"}, 422, "body.per"},
		} {
			rmWant(t, "blended rate: "+c.name, e.do("PUT", "/api/v1/settings/blended-rate", c.token, c.body), c.status, c.location)
		}
		rmSameCounts(t, e, before)
		r = e.do("PUT", "/api/v1/settings/blended-rate", e.adminToken, map[string]any{"amount": 20000, "currency": "eur"})
		rmWant(t, "set rate", r, 200, "")
		if rmMoney(r.json(t)) != "20000 EUR" {
			t.Fatalf("rate: %s", r.body)
		}
		rm = roadmap("", "")
		if rmMoney(rm["candidate"][0]["cost_low"]) != "200000 EUR" || rmMoney(rm["candidate"][0]["cost_high"]) != "400000 EUR" || rmMoney(rm["in_flight"][0]["cost_low"]) != "100000 EUR" {
			t.Fatalf("costs after the rate change: %v", rm)
		}
		// Editing an initiative does not pin the blended rate on it.
		rmWant(t, "edit", e.do("PATCH", "/api/v1/initiatives/"+a, e.adminToken, map[string]any{"title": "Autoscaling Hubs"}), 200, "")
		rmWant(t, "set rate again", e.do("PUT", "/api/v1/settings/blended-rate", e.adminToken, map[string]any{"amount": 25000, "currency": "USD"}), 200, "")
		r = e.do("GET", "/api/v1/initiatives/"+a, "", nil)
		if rmMoney(r.json(t)["cost_low"]) != "250000 USD" || r.json(t)["title"] != "Autoscaling Hubs" {
			t.Fatalf("blended rate pinned by an edit: %s", r.body)
		}
		r = e.do("GET", "/api/v1/audit?action=settings.blended_rate", e.adminToken, nil)
		if rmNum(r.json(t)["total"]) != 2 {
			t.Fatalf("audit: %s", r.body)
		}
	})
}

// TestAPINarratives: staff write narratives and link initiatives; leads
// endorse them for their community.
func TestAPINarratives(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north, south := e.community("northfield", "Northfield University"), e.community("southgate", "Southgate Institute")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		_ = south
		pub := rmCreate(e, e.adminToken, rmDetailed("Autoscaling", true, "cloud"))
		hidden := rmCreate(e, e.adminToken, rmDetailed("Billing Internals", false, "cloud"))
		rmMove(e, pub, "candidate")
		body := map[string]any{"title": "Affordable Cloud Hubs", "summary": "Hubs anyone can afford.", "story": "Costs keep *rising*.", "themes": []string{"Cloud"}, "public": true}

		before := rmSnapshot(e, "narratives", "narrative_initiatives", "narrative_endorsements", "audit_log")
		rmWant(t, "member creates", e.do("POST", "/api/v1/narratives", northTok, body), 403, "")
		rmWant(t, "visitor creates", e.do("POST", "/api/v1/narratives", "", body), 401, "")
		rmWant(t, "no story", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "T"}), 422, "body.story")
		rmWant(t, "unknown field", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "T", "story": "S", "colour": "red"}), 422, "body.colour")
		rmWant(t, "bad slug", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "T", "story": "S", "slug": "Not A Slug"}), 422, "body.slug")
		rmSameCounts(t, e, before)

		r := e.do("POST", "/api/v1/narratives", e.adminToken, body)
		rmWant(t, "create", r, 201, "")
		n := r.json(t)
		if n["slug"] != "affordable-cloud-hubs" || r.header.Get("Location") != fmt.Sprintf("/api/v1/narratives/%v", n["id"]) || !slices.Equal(rmStrings(n["themes"]), []string{"cloud"}) {
			t.Fatalf("created: %s", r.body)
		}
		rmWant(t, "internal", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "Internal Plans", "story": "Not yet."}), 201, "")
		base := "/api/v1/narratives/affordable-cloud-hubs"

		// Linking initiatives: staff only.
		before = rmSnapshot(e, "narratives", "narrative_initiatives", "narrative_endorsements", "audit_log")
		rmWant(t, "member links", e.do("PUT", base+"/initiatives/"+pub, northTok, nil), 403, "")
		rmWant(t, "unknown initiative", e.do("PUT", base+"/initiatives/nope", e.adminToken, nil), 422, "path.initiative")
		rmWant(t, "unknown narrative", e.do("PUT", "/api/v1/narratives/nope/initiatives/"+pub, e.adminToken, nil), 404, "")
		rmWant(t, "endorse for another community", e.do("PUT", base+"/endorsements/southgate", northTok, nil), 403, "")
		rmWant(t, "endorse for an unknown community", e.do("PUT", base+"/endorsements/atlantis", northTok, nil), 422, "path.community")
		rmWant(t, "endorse as a visitor", e.do("PUT", base+"/endorsements/northfield", "", nil), 401, "")
		rmWant(t, "edit as a member", e.do("PATCH", base, northTok, map[string]any{"summary": "Mine"}), 403, "")
		rmWant(t, "edit with a stale version", e.do("PATCH", base, e.adminToken, map[string]any{"summary": "New", "version": 99}), 409, "")
		rmWant(t, "edit with a wrong type", e.do("PATCH", base, e.adminToken, map[string]any{"public": "yes"}), 422, "body.public")
		rmSameCounts(t, e, before)

		for _, ref := range []string{pub, hidden, pub} { // linking twice is fine
			rmWant(t, "link "+ref, e.do("PUT", base+"/initiatives/"+ref, e.adminToken, nil), 204, "")
		}
		rmWant(t, "link to internal", e.do("PUT", "/api/v1/narratives/internal-plans/initiatives/"+pub, e.adminToken, nil), 204, "")
		r = e.do("GET", base, northTok, nil)
		if got := rmSlugs(rmList(r.json(t), "initiatives")); len(got) != 2 {
			t.Fatalf("member sees linked initiatives %v", got)
		}
		r = e.do("GET", base, "", nil)
		if got := rmSlugs(rmList(r.json(t), "initiatives")); !slices.Equal(got, []string{pub}) {
			t.Fatalf("visitor sees linked initiatives %v", got)
		}
		// The initiative filter by narrative, and what visitors see of links.
		r = e.do("GET", "/api/v1/initiatives?narrative="+url.QueryEscape("affordable-cloud-hubs"), northTok, nil)
		if rmNum(r.json(t)["total"]) != 2 {
			t.Fatalf("filter by narrative: %s", r.body)
		}
		rmWant(t, "filter by an unknown narrative", e.do("GET", "/api/v1/initiatives?narrative=nope", "", nil), 422, "query.narrative")
		rmWant(t, "visitor filters by a non-public narrative", e.do("GET", "/api/v1/roadmap?narrative=internal-plans", "", nil), 422, "query.narrative")
		if got := rmSlugs(roadmapColumn(t, e, "?narrative=affordable-cloud-hubs", "candidate")); !slices.Equal(got, []string{pub}) {
			t.Fatalf("roadmap by narrative: %v", got)
		}
		r = e.do("GET", "/api/v1/initiatives/"+pub, "", nil)
		if got := rmSlugs(rmList(r.json(t), "narratives")); !slices.Equal(got, []string{"affordable-cloud-hubs"}) {
			t.Fatalf("visitor sees narratives %v of the initiative", got)
		}
		r = e.do("GET", "/api/v1/initiatives/"+pub, northTok, nil)
		if got := rmSlugs(rmList(r.json(t), "narratives")); len(got) != 2 {
			t.Fatalf("member sees narratives %v of the initiative", got)
		}
		rmWant(t, "unlink", e.do("DELETE", base+"/initiatives/"+hidden, e.adminToken, nil), 204, "")
		// Visitors see no link from a consortium to a non-public narrative.
		var ids []int64
		for _, ref := range []string{"affordable-cloud-hubs", "internal-plans"} {
			ids = append(ids, rmNum(e.do("GET", "/api/v1/narratives/"+ref, e.adminToken, nil).json(t)["id"]))
		}
		rmWant(t, "consortium", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Cloud Costs", "problem": "P.", "narrative_ids": ids}), 201, "")
		for who, want := range map[string]int{"": 1, northTok: 2} {
			r = e.do("GET", "/api/v1/consortia/cloud-costs", who, nil)
			if got := rmList(r.json(t), "narratives"); len(got) != want {
				t.Errorf("consortium's narratives %v, want %d", got, want)
			}
			r = e.do("GET", "/api/v1/consortia", who, nil)
			if got := rmList(rmList(r.json(t), "items")[0], "narratives"); len(got) != want {
				t.Errorf("listed consortium's narratives %v, want %d", got, want)
			}
		}

		// Endorsements by a lead.
		rmWant(t, "endorse", e.do("PUT", base+"/endorsements/northfield", northTok, nil), 204, "")
		r = e.do("GET", base, "", nil)
		if got := rmSlugs(rmList(r.json(t), "endorsers")); !slices.Equal(got, []string{"northfield"}) {
			t.Fatalf("endorsers %v", got)
		}
		rmWant(t, "withdraw", e.do("DELETE", base+"/endorsements/"+fmt.Sprint(north.ID), northTok, nil), 204, "")
		if r = e.do("GET", base, "", nil); len(rmList(r.json(t), "endorsers")) != 0 {
			t.Fatalf("endorsement not withdrawn: %s", r.body)
		}

		// Visibility and edits.
		rmWant(t, "visitor gets internal", e.do("GET", "/api/v1/narratives/internal-plans", "", nil), 404, "")
		if r = e.do("GET", "/api/v1/narratives", "", nil); rmNum(r.json(t)["total"]) != 1 {
			t.Fatalf("visitor lists: %s", r.body)
		}
		if r = e.do("GET", "/api/v1/narratives?per_page=1&page=2", northTok, nil); rmNum(r.json(t)["total"]) != 2 || len(rmList(r.json(t), "items")) != 1 ||
			!strings.Contains(r.header.Get("Link"), `rel="prev"`) {
			t.Fatalf("member lists: %s", r.body)
		}
		r = e.do("PATCH", base, e.adminToken, map[string]any{"gaps": "Nothing for *teaching* yet.", "version": 1})
		rmWant(t, "edit", r, 200, "")
		if n = r.json(t); rmNum(n["version"]) != 2 || n["story"] != "Costs keep *rising*." || n["public"] != true {
			t.Fatalf("edited: %s", r.body)
		}
	})
}

func roadmapColumn(t *testing.T, e *env, query, column string) []map[string]any {
	t.Helper()
	r := e.do("GET", "/api/v1/roadmap"+query, "", nil)
	rmWant(t, "roadmap", r, 200, "")
	return rmList(r.json(t), column)
}

// TestAPIRoadmapSchemas: huma builds a schema (and the $schema link of
// responses) for every new operation without warnings; reflect.StructOf
// cannot copy types that embed a type with methods.
func TestAPIRoadmapSchemas(t *testing.T) {
	s := storagetest.Open(t, storage.SQLite)
	old := os.Stderr
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	out := make(chan string)
	go func() {
		b, _ := io.ReadAll(pr)
		out <- string(b)
	}()
	os.Stderr = pw
	e := func() *env {
		defer func() { os.Stderr = old }()
		return newServerEnv(t, s)
	}()
	pw.Close()
	if warnings := <-out; strings.Contains(warnings, "unable to create schema link") {
		t.Fatalf("huma warned while registering operations:\n%s", warnings)
	}
	e.admin = e.user("admin@example.org", "Ada Admin", model.RoleAdmin)
	e.adminToken = e.token(e.admin)

	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	rmWant(t, "openapi", r, 200, "")
	doc := string(r.body)
	for _, p := range []string{`"/initiatives/{id}/tasks/{task_id}"`, `"/roadmap"`, `"/settings/blended-rate"`, `"/narratives/{id}/endorsements/{community}"`,
		`"/consortia/{id}/transitions"`, `"/consortia/{id}/members/{community}"`, `"InitiativeDetail"`, `"ConsortiumDetail"`} {
		if !strings.Contains(doc, p) {
			t.Errorf("OpenAPI document lacks %s", p)
		}
	}
	// Responses carry $schema, which huma adds only when it could copy the type.
	slug := rmCreate(e, e.adminToken, rmDetailed("Autoscaling", true, "cloud"))
	rmWant(t, "propose", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Cloud Costs", "problem": "P."}), 201, "")
	rmWant(t, "narrative", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "Cloud", "story": "S", "public": true}), 201, "")
	for _, path := range []string{"/initiatives", "/initiatives/" + slug, "/roadmap", "/narratives", "/narratives/cloud",
		"/consortia", "/consortia/cloud-costs", "/consortia/cloud-costs/members"} {
		r := e.do("GET", "/api/v1"+path, "", nil)
		rmWant(t, path, r, 200, "")
		if _, ok := r.json(t)["$schema"]; !ok {
			t.Errorf("GET %s has no $schema: %s", path, r.body)
		}
	}
}
