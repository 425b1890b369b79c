package server_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Helpers of this file carry a gp (grant proposal) prefix.

var proposalTables = []string{"proposals", "proposal_initiatives", "proposal_communities", "proposal_status_changes",
	"proposal_budget_lines", "proposal_sections", "audit_log"}

// gpWorld: staff, two communities with a lead each, a member of the first
// who is not a lead, an outsider, a public and a non-public initiative.
type gpWorld struct {
	e                             *env
	northTok, southTok, memberTok string
	outsiderTok                   string
	public, private               string // initiative slugs
	deadline                      string
}

func gpNew(t *testing.T, s *storage.Store) *gpWorld {
	e := newEnv(t, s)
	north, south := e.community("northfield", "Northfield University"), e.community("southgate", "Southgate Institute")
	w := &gpWorld{e: e, northTok: rmLead(e, "priya@northfield.example.edu", "Priya Raman", north),
		southTok: rmLead(e, "sam@southgate.example.edu", "Sam Okafor", south),
		deadline: time.Now().Add(60 * 24 * time.Hour).UTC().Format(time.RFC3339)}
	member := e.user("mo@northfield.example.edu", "Mo Member", model.RoleMember)
	if r := e.do("PUT", "/api/v1/communities/northfield/people", e.adminToken, map[string]any{"email": member.Email, "role": "member"}); r.status != 200 {
		t.Fatalf("add member: %d %s", r.status, r.body)
	}
	w.memberTok = e.token(member)
	w.outsiderTok = e.token(e.user("olga@elsewhere.example.org", "Olga Outsider", model.RoleMember))
	w.public = rmCreate(e, e.adminToken, rmDetailed("Shared GPU scheduling", true, "gpu"))
	w.private = rmCreate(e, e.adminToken, rmDetailed("Internal billing rework", false, "billing"))
	return w
}

func (w *gpWorld) body(extra map[string]any) map[string]any {
	b := map[string]any{"title": "Research computing for all", "funder": "Open Science Foundation", "deadline": w.deadline,
		"amount": 25000000, "currency": "USD", "initiatives": []any{w.public}}
	for k, v := range extra {
		if v == nil {
			delete(b, k)
		} else {
			b[k] = v
		}
	}
	return b
}

func (w *gpWorld) create(token string, extra map[string]any) map[string]any {
	w.e.t.Helper()
	r := w.e.do("POST", "/api/v1/proposals", token, w.body(extra))
	rmWant(w.e.t, "create proposal", r, 201, "")
	return r.json(w.e.t)
}

func TestAPIProposalLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e

		// Staff start a proposal the host leads, naming initiatives by slug and by id.
		ini := e.do("GET", "/api/v1/initiatives/"+w.private, e.adminToken, nil).json(t)
		r := e.do("POST", "/api/v1/proposals", e.adminToken, w.body(map[string]any{"initiatives": []any{w.public, rmNum(ini["id"])},
			"partners": []string{"southgate"}, "summary": "We **will** share GPUs."}))
		rmWant(t, "create", r, 201, "")
		p := r.json(t)
		id := rmNum(p["id"])
		if p["status"] != "idea" || p["host_role"] != "lead" || p["lead_community"] != nil || rmMoney(p["amount"]) != "25000000 USD" ||
			r.header.Get("Location") != fmt.Sprintf("/api/v1/proposals/%d", id) || len(rmList(p, "initiatives")) != 2 {
			t.Fatalf("created: %s (Location %q)", r.body, r.header.Get("Location"))
		}
		if got := rmSlugs(rmList(p, "communities")); !slices.Equal(got, []string{"southgate"}) {
			t.Fatalf("communities %v, want the partner", got)
		}
		path := fmt.Sprintf("/api/v1/proposals/%d", id)

		// The partner's lead sees it; an outsider and a visitor do not.
		rmWant(t, "partner reads", e.do("GET", path, w.southTok, nil), 200, "")
		rmWant(t, "outsider reads", e.do("GET", path, w.outsiderTok, nil), 404, "")
		rmWant(t, "visitor reads", e.do("GET", path, "", nil), 404, "")
		if items := rmList(e.do("GET", "/api/v1/proposals", w.outsiderTok, nil).json(t), "items"); len(items) != 0 {
			t.Fatalf("outsider lists %v", items)
		}
		// The partner's lead may read but not change it.
		rmWant(t, "partner edits", e.do("PATCH", path, w.southTok, map[string]any{"title": "Mine now"}), 403, "")

		// Moves go in order; each is recorded.
		move := func(token string, body map[string]any) response { return e.do("POST", path+"/status", token, body) }
		before := rmSnapshot(e, proposalTables...)
		rmWant(t, "idea to submitted", move(e.adminToken, map[string]any{"status": "submitted"}), 409, "")
		rmWant(t, "idea to awarded", move(e.adminToken, map[string]any{"status": "awarded", "award_amount": 100, "awarded_on": "2027-01-01"}), 409, "")
		rmWant(t, "unknown status", move(e.adminToken, map[string]any{"status": "won"}), 422, "body.status")
		rmSameCounts(t, e, before)
		rmWant(t, "to drafting", move(e.adminToken, map[string]any{"status": "drafting"}), 200, "")
		rmWant(t, "to submitted", move(e.adminToken, map[string]any{"status": "submitted", "note": "Sent through the portal."}), 200, "")
		before = rmSnapshot(e, proposalTables...)
		rmWant(t, "awarded without amount", move(e.adminToken, map[string]any{"status": "awarded"}), 422, "body.award_amount")
		rmWant(t, "awarded with fractional amount", move(e.adminToken, map[string]any{"status": "awarded", "award_amount": 12.5, "awarded_on": "2027-01-01"}), 422, "body.award_amount")
		rmWant(t, "declined with amount", move(e.adminToken, map[string]any{"status": "declined", "award_amount": 100}), 422, "body.award_amount")
		rmSameCounts(t, e, before)
		r = move(e.adminToken, map[string]any{"status": "awarded", "award_amount": 20000000, "awarded_on": "2027-02-15"})
		rmWant(t, "awarded", r, 200, "")
		p = r.json(t)
		if p["status"] != "awarded" || rmMoney(p["award_amount"]) != "20000000 USD" || !strings.HasPrefix(fmt.Sprint(p["awarded_on"]), "2027-02-15") {
			t.Fatalf("award not recorded: %s", r.body)
		}
		h := rmList(p, "history")
		if len(h) != 3 || h[0]["from"] != "idea" || h[0]["to"] != "drafting" || h[2]["to"] != "awarded" || h[1]["note"] != "Sent through the portal." || h[2]["by_name"] != "Ada Admin" {
			t.Fatalf("history: %v", h)
		}
		for _, it := range rmList(p, "initiatives") {
			if it["funded"] != true {
				t.Fatalf("initiative not credited as funded: %v", it)
			}
		}
		for _, c := range rmList(p, "communities") {
			if c["credited"] != true {
				t.Fatalf("community not credited: %v", c)
			}
		}
		rmWant(t, "awarded to drafting", move(e.adminToken, map[string]any{"status": "drafting"}), 409, "")

		// Listed publicly once awarded, if asked: visitors then see it without
		// the initiative that is not public.
		rmWant(t, "visitor before public", e.do("GET", path, "", nil), 404, "")
		rmWant(t, "make public", e.do("PATCH", path, e.adminToken, map[string]any{"public_award": true}), 200, "")
		r = e.do("GET", path, "", nil)
		rmWant(t, "visitor reads public award", r, 200, "")
		if got := rmSlugs(rmList(r.json(t), "initiatives")); !slices.Equal(got, []string{w.public}) || strings.Contains(string(r.body), w.private) {
			t.Fatalf("visitor sees initiatives %v: %s", got, r.body)
		}
		if items := rmList(e.do("GET", "/api/v1/proposals", "", nil).json(t), "items"); len(items) != 1 {
			t.Fatalf("visitor lists %d proposals, want the public award", len(items))
		}
	})
}

func TestAPIProposalLedByCommunity(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e
		before := rmSnapshot(e, proposalTables...)
		// A lead may not start one the host leads, nor one for another community;
		// a member who is not a lead may not start one for their community.
		rmWant(t, "lead, host leads", e.do("POST", "/api/v1/proposals", w.northTok, w.body(nil)), 403, "")
		rmWant(t, "lead, other community", e.do("POST", "/api/v1/proposals", w.northTok, w.body(map[string]any{"lead_community": "southgate"})), 403, "")
		rmWant(t, "member", e.do("POST", "/api/v1/proposals", w.memberTok, w.body(map[string]any{"lead_community": "northfield"})), 403, "")
		rmWant(t, "visitor", e.do("POST", "/api/v1/proposals", "", w.body(map[string]any{"lead_community": "northfield"})), 401, "")
		rmSameCounts(t, e, before)

		p := w.create(w.northTok, map[string]any{"lead_community": "northfield"})
		if p["host_role"] != "subawardee" || p["lead_community"].(map[string]any)["slug"] != "northfield" || p["can_edit"] != true {
			t.Fatalf("community-led: %v", p)
		}
		path := fmt.Sprintf("/api/v1/proposals/%d", rmNum(p["id"]))
		// The community's people see it; its member may not change it.
		r := e.do("GET", path, w.memberTok, nil)
		rmWant(t, "member reads", r, 200, "")
		if r.json(t)["can_edit"] != false {
			t.Fatalf("member may edit: %s", r.body)
		}
		rmWant(t, "member edits", e.do("PATCH", path, w.memberTok, map[string]any{"title": "x"}), 403, "")
		rmWant(t, "member moves", e.do("POST", path+"/status", w.memberTok, map[string]any{"status": "drafting"}), 403, "")
		// The lead edits and moves it, but cannot hand the lead away.
		r = e.do("PATCH", path, w.northTok, map[string]any{"title": "GPUs for teaching", "host_role": "collaborator", "version": rmNum(p["version"])})
		rmWant(t, "lead edits", r, 200, "")
		if q := r.json(t); q["title"] != "GPUs for teaching" || q["host_role"] != "collaborator" {
			t.Fatalf("edited: %s", r.body)
		}
		rmWant(t, "stale version", e.do("PATCH", path, w.northTok, map[string]any{"title": "Again", "version": rmNum(p["version"])}), 409, "")
		rmWant(t, "hand away", e.do("PATCH", path, w.northTok, map[string]any{"lead_community": "southgate"}), 403, "")
		rmWant(t, "host leads, but lead named", e.do("PATCH", path, w.northTok, map[string]any{"host_role": "lead"}), 422, "body.host_role")
		rmWant(t, "lead moves", e.do("POST", path+"/status", w.northTok, map[string]any{"status": "drafting"}), 200, "")
		// Staff hand the lead to the host.
		r = e.do("PATCH", path, e.adminToken, map[string]any{"lead_community": "", "host_role": "lead"})
		rmWant(t, "staff hand lead to host", r, 200, "")
		if q := r.json(t); q["lead_community"] != nil || len(rmList(q, "communities")) != 0 {
			t.Fatalf("lead not removed: %s", r.body)
		}
		rmWant(t, "old lead no longer sees it", e.do("GET", path, w.northTok, nil), 404, "")
	})
}

func TestAPIProposalBadInput(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e
		before := rmSnapshot(e, proposalTables...)
		past := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)
		for _, c := range []struct {
			what     string
			token    string
			body     any
			status   int
			location string
		}{
			{"deadline in the past", e.adminToken, w.body(map[string]any{"deadline": past}), 422, "body.deadline"},
			{"deadline not RFC 3339", e.adminToken, w.body(map[string]any{"deadline": "next Tuesday"}), 422, "body.deadline"},
			{"deadline missing", e.adminToken, w.body(map[string]any{"deadline": nil}), 422, "body.deadline"},
			{"fractional minor units", e.adminToken, w.body(map[string]any{"amount": 100.5}), 422, "body.amount"},
			{"amount as text", e.adminToken, w.body(map[string]any{"amount": "100"}), 422, "body.amount"},
			{"negative amount", e.adminToken, w.body(map[string]any{"amount": -5}), 422, "body.amount"},
			{"unknown currency", e.adminToken, w.body(map[string]any{"currency": "XYZ"}), 422, "body.currency"},
			{"funder missing", e.adminToken, w.body(map[string]any{"funder": nil}), 422, "body.funder"},
			{"control character", e.adminToken, w.body(map[string]any{"title": "Bad\u0007title"}), 422, "body.title"},
			{"title too long", e.adminToken, w.body(map[string]any{"title": strings.Repeat("x", 161)}), 422, "body.title"},
			{"unknown field", e.adminToken, w.body(map[string]any{"budget": 5}), 422, ""},
			{"malformed JSON", e.adminToken, `{"title": `, 400, ""},
			{"unknown initiative", e.adminToken, w.body(map[string]any{"initiatives": []any{"no-such-thing"}}), 422, "body.initiatives[0]"},
			{"initiative as object", e.adminToken, w.body(map[string]any{"initiatives": []any{map[string]any{"id": 1}}}), 422, ""},
			{"unknown lead", e.adminToken, w.body(map[string]any{"lead_community": "nowhere"}), 422, "body.lead_community"},
			{"subawardee without lead", e.adminToken, w.body(map[string]any{"host_role": "subawardee"}), 422, "body.lead_community"},
			{"unknown host role", e.adminToken, w.body(map[string]any{"host_role": "boss"}), 422, "body.host_role"},
			{"bad call URL", e.adminToken, w.body(map[string]any{"call_url": "javascript:alert(1)"}), 422, "body.call_url"},
			{"bad time zone", e.adminToken, w.body(map[string]any{"time_zone": "Mars/Olympus"}), 422, "body.time_zone"},
			{"period backwards", e.adminToken, w.body(map[string]any{"period_start": "2027-06-01", "period_end": "2027-01-01"}), 422, "body.period_end"},
			{"unknown consortium", e.adminToken, w.body(map[string]any{"consortium": "nope"}), 422, "body.consortium"},
		} {
			r := e.do("POST", "/api/v1/proposals", c.token, c.body)
			rmWant(t, c.what, r, c.status, c.location)
		}
		rmSameCounts(t, e, before)
		rmWant(t, "no such proposal", e.do("GET", "/api/v1/proposals/999", e.adminToken, nil), 404, "")
		rmWant(t, "no such proposal to move", e.do("POST", "/api/v1/proposals/999/status", e.adminToken, map[string]any{"status": "drafting"}), 404, "")
	})
}
