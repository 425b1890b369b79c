package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
	"consortia/internal/tally"
)

// prWant checks a response's status and, for errors, that it is problem
// details naming location (when given).
func prWant(t *testing.T, what string, r response, status int, location string) {
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

func prDecode[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, r.body)
	}
	return v
}

// TestAPIMeetingsAndDemos schedules, lists, changes and answers meetings,
// posts a demo and records reactions through the JSON API.
func TestAPIMeetingsAndDemos(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		alphaLead, betaLead, outsider := prLead(e, "alpha"), prLead(e, "beta"), prLead(e, "omega")
		alpha, beta, omega := e.token(alphaLead), e.token(betaLead), e.token(outsider)
		rp := []string{model.RoleReactPrioritize}
		c, ids := prConsortium(e, "Cloud costs", model.VisibilityPublic, []string{"Dashboards", "Alerts"}, map[string][]string{"alpha": rp, "beta": rp})
		base := "/api/v1/consortia/" + c.Slug

		// Scheduling: staff only, with a valid zone; local times read in the zone.
		body := map[string]any{"kind": "quarterly", "starts_at": "2027-01-12T17:00", "time_zone": "Europe/Berlin", "duration_minutes": 90, "video_url": "https://meet.example.org/q1"}
		prWant(t, "a lead schedules", e.do("POST", base+"/meetings", alpha, body), 403, "")
		prWant(t, "a visitor schedules", e.do("POST", base+"/meetings", "", body), 401, "")
		prWant(t, "unknown zone", e.do("POST", base+"/meetings", e.adminToken, map[string]any{"starts_at": "2027-01-12T17:00", "time_zone": "Mars/Olympus"}), 422, "body.time_zone")
		prWant(t, "bad start", e.do("POST", base+"/meetings", e.adminToken, map[string]any{"starts_at": "next tuesday"}), 422, "body.starts_at")
		prWant(t, "no start", e.do("POST", base+"/meetings", e.adminToken, map[string]any{"kind": "demo"}), 422, "body.starts_at")
		prWant(t, "unknown field", e.do("POST", base+"/meetings", e.adminToken, map[string]any{"starts_at": "2027-01-12T17:00:00Z", "room": "B"}), 422, "")
		r := e.do("POST", base+"/meetings", e.adminToken, body)
		prWant(t, "schedule", r, 201, "")
		m := prDecode[map[string]any](t, r)
		mid := int64(m["id"].(float64))
		if r.header.Get("Location") != fmt.Sprintf("/api/v1/meetings/%d", mid) || m["starts_at"] != "2027-01-12T16:00:00Z" ||
			m["starts_local"] != "2027-01-12T17:00:00+01:00" || m["agenda"] != model.DefaultAgenda || m["sequence"].(float64) != 0 ||
			m["calendar_url"] != fmt.Sprintf("/meetings/%d.ics", mid) || m["kind_label"] != "Quarterly prioritization" {
			t.Fatalf("scheduled meeting: %s %s", r.header.Get("Location"), r.body)
		}
		mpath := fmt.Sprintf("/api/v1/meetings/%d", mid)

		// RSVPs: signed in, one of yes/maybe/no; visitors see no names.
		prWant(t, "rsvp", e.do("PUT", mpath+"/rsvp", alpha, map[string]any{"response": "yes"}), 204, "")
		prWant(t, "bad rsvp", e.do("PUT", mpath+"/rsvp", alpha, map[string]any{"response": "perhaps"}), 422, "body.response")
		prWant(t, "visitor rsvp", e.do("PUT", mpath+"/rsvp", "", map[string]any{"response": "yes"}), 401, "")
		got := prDecode[map[string]any](t, e.do("GET", mpath, alpha, nil))
		if got["my_rsvp"] != "yes" || len(got["rsvps"].([]any)) != 1 {
			t.Fatalf("meeting for alpha: %v", got)
		}
		got = prDecode[map[string]any](t, e.do("GET", mpath, "", nil))
		if len(got["rsvps"].([]any)) != 0 {
			t.Fatalf("visitors see who attends: %v", got)
		}

		// Changes raise the sequence; a stale version is refused.
		r = e.do("PATCH", mpath, e.adminToken, map[string]any{"notes": "We saw **dashboards**.", "decisions": "Open a round.", "version": 1})
		prWant(t, "patch", r, 200, "")
		got = prDecode[map[string]any](t, r)
		if got["sequence"].(float64) != 1 || got["notes"] != "We saw **dashboards**." || got["starts_at"] != "2027-01-12T16:00:00Z" {
			t.Fatalf("patched meeting: %s", r.body)
		}
		prWant(t, "stale patch", e.do("PATCH", mpath, e.adminToken, map[string]any{"cancelled": true, "version": 1}), 409, "")
		prWant(t, "a lead patches", e.do("PATCH", mpath, alpha, map[string]any{"title": "Mine"}), 403, "")
		list := prDecode[prItems](t, e.do("GET", base+"/meetings", "", nil))
		if len(list.Items) != 1 || list.Items[0]["title"] != "Quarterly prioritization" {
			t.Fatalf("meetings: %v", list)
		}

		// A demo and reactions.
		demo := map[string]any{"title": "Dashboards preview", "initiative_id": ids[0], "meeting_id": mid}
		prWant(t, "a lead posts a demo", e.do("POST", base+"/demos", alpha, demo), 403, "")
		prWant(t, "demo of another consortium's meeting", e.do("POST", base+"/demos", e.adminToken, map[string]any{"title": "x", "meeting_id": 9999}), 422, "body.meeting_id")
		r = e.do("POST", base+"/demos", e.adminToken, demo)
		prWant(t, "post demo", r, 201, "")
		did := int64(prDecode[map[string]any](t, r)["id"].(float64))
		dpath := fmt.Sprintf("/api/v1/demos/%d", did)
		prWant(t, "react", e.do("PUT", dpath+"/reactions/alpha", alpha, map[string]any{"reaction": "resonated", "comment": "Yes!"}), 204, "")
		prWant(t, "react again", e.do("PUT", dpath+"/reactions/beta", beta, map[string]any{"reaction": "did_not_resonate"}), 204, "")
		prWant(t, "react for another community", e.do("PUT", dpath+"/reactions/beta", alpha, map[string]any{"reaction": "neutral"}), 403, "")
		prWant(t, "react as a non-member", e.do("PUT", dpath+"/reactions/omega", omega, map[string]any{"reaction": "neutral"}), 403, "")
		prWant(t, "unknown reaction", e.do("PUT", dpath+"/reactions/alpha", alpha, map[string]any{"reaction": "meh"}), 422, "body.reaction")
		prWant(t, "unknown community", e.do("PUT", dpath+"/reactions/nobody", e.adminToken, map[string]any{"reaction": "neutral"}), 422, "path.community")
		d := prDecode[map[string]any](t, e.do("GET", dpath, "", nil))
		sum := d["summary"].(map[string]any)
		if sum["resonated"].(float64) != 1 || sum["did_not_resonate"].(float64) != 1 || sum["neutral"].(float64) != 0 ||
			d["reactions"].([]any)[0].(map[string]any)["by_name"] != "" {
			t.Fatalf("demo for visitors: %v", d)
		}
		demos := prDecode[prItems](t, e.do("GET", base+"/demos", alpha, nil))
		if len(demos.Items) != 1 || demos.Items[0]["reactions"].([]any)[0].(map[string]any)["by_name"] != "Lead of alpha" {
			t.Fatalf("demos: %v", demos)
		}
		if md := prDecode[map[string]any](t, e.do("GET", mpath, "", nil)); len(md["demos"].([]any)) != 1 {
			t.Fatalf("the meeting lists no demo: %v", md)
		}
	})
}

// TestAPIRounds runs a round through the API, refusing each class of bad
// ballot the issue lists, and re-tallies the export.
func TestAPIRounds(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		clock := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
		e.app.Clock = func() time.Time { return clock }
		tokens := map[string]string{}
		for _, slug := range []string{"alpha", "beta", "gamma", "delta"} {
			tokens[slug] = e.token(prLead(e, slug))
		}
		rp := []string{model.RoleReactPrioritize}
		c, ids := prConsortium(e, "Cloud costs", model.VisibilityPublic, []string{"Dashboards", "Alerts", "Quotas"},
			map[string][]string{"alpha": rp, "beta": rp, "gamma": rp, "delta": {model.RoleTest}})
		other, err := e.app.CreateInitiative(t.Context(), e.admin, model.InitiativeInput{Title: "Out of scope"})
		if err != nil {
			t.Fatal(err)
		}
		dash, alerts, quotas := ids[0], ids[1], ids[2]
		base := "/api/v1/consortia/" + c.Slug

		round := map[string]any{"quarter": "2027-Q2", "opens_at": "2027-01-10T11:00:00Z", "closes_at": "2027-01-17T12:00:00Z",
			"candidate_ids": []int64{dash, alerts, quotas}, "weights": map[string]int{"beta": 2}}
		prWant(t, "a lead opens a round", e.do("POST", base+"/rounds", tokens["alpha"], round), 403, "")
		bad := map[string]any{"quarter": "spring", "opens_at": "2027-01-10T11:00:00Z", "closes_at": "2027-01-09T12:00:00Z", "candidate_ids": []int64{dash, other.ID}}
		prWant(t, "bad quarter", e.do("POST", base+"/rounds", e.adminToken, bad), 422, "body.quarter")
		bad["quarter"] = "2027-Q2"
		prWant(t, "closing before opening", e.do("POST", base+"/rounds", e.adminToken, bad), 422, "body.closes_at")
		bad["closes_at"] = "2027-01-17T12:00:00Z"
		bad["candidate_ids"] = []int64{dash, other.ID + 1000}
		prWant(t, "a candidate that does not exist", e.do("POST", base+"/rounds", e.adminToken, bad), 422, "body.candidate_ids")
		prWant(t, "ranked ballots counted by approval", e.do("POST", base+"/rounds", e.adminToken, map[string]any{"quarter": "2027-Q2",
			"opens_at": "2027-01-10T11:00:00Z", "closes_at": "2027-01-17T12:00:00Z", "candidate_ids": []int64{dash, alerts}, "method": "approval"}), 422, "body.method")
		prWant(t, "weight of an unknown community", e.do("POST", base+"/rounds", e.adminToken, map[string]any{"quarter": "2027-Q2",
			"opens_at": "2027-01-10T11:00:00Z", "closes_at": "2027-01-17T12:00:00Z", "candidate_ids": []int64{dash, alerts}, "weights": map[string]int{"nobody": 2}}), 422, "body.weights")
		r := e.do("POST", base+"/rounds", e.adminToken, round)
		prWant(t, "open a round", r, 201, "")
		created := prDecode[map[string]any](t, r)
		rid := int64(created["id"].(float64))
		if created["method"] != "schulze" || created["strength"] != "winning" || created["unranked"] != "tied-last" || created["state"] != "open" ||
			created["title"] != "Priorities for 2027-Q2" || created["results_visible"] != false || len(created["drivers"].([]any)) != 3 {
			t.Fatalf("created round: %s", r.body)
		}
		rpath := fmt.Sprintf("/api/v1/rounds/%d", rid)
		if list := prDecode[prItems](t, e.do("GET", base+"/rounds", "", nil)); len(list.Items) != 1 || list.Items[0]["state"] != "open" {
			t.Fatalf("rounds: %v", list)
		}
		mine := prDecode[map[string]any](t, e.do("GET", rpath, tokens["alpha"], nil))
		if b := mine["my_ballots"].([]any); len(b) != 1 || b[0].(map[string]any)["community_slug"] != "alpha" {
			t.Fatalf("alpha's ballots: %v", mine["my_ballots"])
		}

		cast := func(token, community string, ballot any) response {
			return e.do("PUT", rpath+"/ballots/"+community, token, ballot)
		}
		ranking := func(tiers ...[]int64) map[string]any { return map[string]any{"ranking": tiers} }
		// Bad ballots, each refused and nothing stored.
		prWant(t, "unknown candidate", cast(tokens["alpha"], "alpha", ranking([]int64{dash}, []int64{other.ID})), 422, "body.ranking")
		prWant(t, "duplicate in a ranking", cast(tokens["alpha"], "alpha", ranking([]int64{dash}, []int64{alerts, dash})), 422, "body.ranking")
		prWant(t, "empty ranking", cast(tokens["alpha"], "alpha", ranking()), 422, "body.ranking")
		prWant(t, "unknown ballot field", cast(tokens["alpha"], "alpha", map[string]any{"ranks": []int64{dash}}), 422, "")
		prWant(t, "community without the role", cast(tokens["delta"], "delta", ranking([]int64{dash})), 403, "")
		prWant(t, "another community's ballot", cast(tokens["alpha"], "beta", ranking([]int64{dash})), 403, "")
		prWant(t, "unknown community", cast(e.adminToken, "nobody", ranking([]int64{dash})), 422, "path.community")
		prWant(t, "a visitor's ballot", cast("", "alpha", ranking([]int64{dash})), 401, "")
		if n := e.count("ballots"); n != 0 {
			t.Fatalf("%d ballots stored from refused requests", n)
		}
		prWant(t, "live results, set before the first ballot", e.do("PATCH", rpath, e.adminToken, map[string]any{"live_results": true}), 200, "")

		prWant(t, "alpha", cast(tokens["alpha"], "alpha", ranking([]int64{dash}, []int64{alerts}, []int64{quotas})), 204, "")
		prWant(t, "beta", cast(tokens["beta"], "beta", ranking([]int64{alerts}, []int64{dash, quotas})), 204, "")
		prWant(t, "gamma", cast(tokens["gamma"], "gamma", ranking([]int64{quotas})), 204, "")
		prWant(t, "gamma changes", cast(tokens["gamma"], "gamma", ranking([]int64{quotas}, []int64{dash})), 204, "")
		prWant(t, "a change after a ballot", e.do("PATCH", rpath, e.adminToken, map[string]any{"live_results": false}), 409, "")
		// live_results is on: everyone who can see the consortium sees the count while open.
		v := prDecode[map[string]any](t, e.do("GET", rpath, "", nil))
		if v["results_visible"] != true || v["result"] == nil || len(v["voted"].([]any)) != 0 {
			t.Fatalf("open round with live results, for visitors: %s", mustJSON(v))
		}
		prWant(t, "no export while open", e.do("GET", rpath+"/ballots", "", nil), 403, "")
		prWant(t, "no publishing while open", e.do("POST", rpath+"/publish", e.adminToken, nil), 409, "")
		mine = prDecode[map[string]any](t, e.do("GET", rpath, tokens["gamma"], nil))
		if b := mine["my_ballots"].([]any)[0].(map[string]any)["ballot"]; mustJSON(b) != fmt.Sprintf(`{"ranking":[[%d],[%d]]}`, quotas, dash) {
			t.Fatalf("gamma's ballot: %s", mustJSON(b))
		}
		if voted := mine["voted"].([]any); len(voted) != 3 {
			t.Fatalf("voted: %v", voted)
		}

		// Close: ballots are refused; staff publish and apply.
		clock = clock.Add(8 * 24 * time.Hour)
		prWant(t, "a ballot after close", cast(tokens["alpha"], "alpha", ranking([]int64{quotas})), 409, "")
		prWant(t, "a lead publishes", e.do("POST", rpath+"/publish", tokens["alpha"], nil), 403, "")
		r = e.do("POST", rpath+"/publish", e.adminToken, nil)
		prWant(t, "publish", r, 200, "")
		res := prDecode[map[string]any](t, r)
		if res["state"] != "published" || res["published_at"] == nil {
			t.Fatalf("published: %s", r.body)
		}
		// beta's ballot counts twice: dash 2 (alpha, gamma) vs alerts 2 (beta ×2): a tie; the page says so.
		var result tally.Result
		if err := json.Unmarshal(mustJSONBytes(res["result"]), &result); err != nil {
			t.Fatal(err)
		}
		if result.Ballots != 4 || len(result.Explanation) == 0 || len(result.StrongestPaths) != 3 {
			t.Fatalf("result: %+v", result)
		}

		// The exports re-tally to the same result.
		for _, format := range []string{"json", "preflib"} {
			r = e.do("GET", rpath+"/ballots?format="+format, "", nil)
			prWant(t, "export "+format, r, 200, "")
			name := regexp.MustCompile(`filename="([^"]+)"`).FindStringSubmatch(r.header.Get("Content-Disposition"))
			if name == nil || !strings.HasPrefix(name[1], fmt.Sprintf("round-%d-2027-Q2.", rid)) {
				t.Fatalf("export %s: %q", format, r.header.Get("Content-Disposition"))
			}
			el, err := tally.ParseFile(name[1], bytes.NewReader(r.body))
			if err != nil {
				t.Fatalf("%s: %v\n%s", name[1], err, r.body)
			}
			again, err := tally.Tally(el, tally.Options{})
			if err != nil || fmt.Sprint(again.Ranking) != fmt.Sprint(result.Ranking) || fmt.Sprint(again.Pairwise) != fmt.Sprint(result.Pairwise) {
				t.Fatalf("re-tally of %s: %v %v, want %v", name[1], again, err, result.Ranking)
			}
		}
		prWant(t, "unknown export format", e.do("GET", rpath+"/ballots?format=csv", "", nil), 422, "query.format")

		prWant(t, "a lead applies", e.do("POST", rpath+"/apply", tokens["alpha"], nil), 403, "")
		prCandidates(e, dash, alerts, quotas)
		r = e.do("POST", rpath+"/apply", e.adminToken, map[string]any{"count": 3})
		prWant(t, "apply", r, 200, "")
		applied := prDecode[map[string]any](t, r)
		order := applied["order"].([]any)
		var want []string
		for _, tier := range result.Ranking {
			want = append(want, tier...)
		}
		if len(order) != 3 || applied["roadmap_url"] != "/roadmap?consortium="+c.Slug+"#col-upcoming" {
			t.Fatalf("applied: %s", r.body)
		}
		upcoming := prDecode[map[string]any](t, e.do("GET", "/api/v1/initiatives?status=upcoming", "", nil))["items"].([]any)
		for i, it := range upcoming {
			if it.(map[string]any)["title"] != want[i] {
				t.Fatalf("upcoming %d is %v, want the order %v", i, it.(map[string]any)["title"], want)
			}
		}
		if v := prDecode[map[string]any](t, e.do("GET", rpath, "", nil)); v["applied_at"] == nil {
			t.Fatalf("applied_at is not set: %v", v)
		}
	})
}

// TestAPIScoreAndDotBallots: scores outside the range and dot ballots over
// their points are refused.
func TestAPIScoreAndDotBallots(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	clock := time.Date(2027, 4, 1, 9, 0, 0, 0, time.UTC)
	e.app.Clock = func() time.Time { return clock }
	tok := e.token(prLead(e, "alpha"))
	c, ids := prConsortium(e, "Ballot kinds", model.VisibilityPublic, []string{"One", "Two"}, map[string][]string{"alpha": {model.RoleReactPrioritize}})
	one, two := strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)
	open := func(body map[string]any) string {
		body["quarter"], body["opens_at"], body["closes_at"], body["candidate_ids"] = "2027-Q3", "2027-04-01T08:00:00Z", "2027-04-02T08:00:00Z", ids
		r := e.do("POST", "/api/v1/consortia/"+c.Slug+"/rounds", e.adminToken, body)
		prWant(t, "open", r, 201, "")
		return fmt.Sprintf("/api/v1/rounds/%d/ballots/alpha", int64(prDecode[map[string]any](t, r)["id"].(float64)))
	}
	score := open(map[string]any{"ballot_type": "score", "max_score": 3})
	prWant(t, "score above the range", e.do("PUT", score, tok, map[string]any{"scores": map[string]int{one: 4}}), 422, "body.scores")
	prWant(t, "negative score", e.do("PUT", score, tok, map[string]any{"scores": map[string]int{one: -1}}), 422, "body.scores")
	prWant(t, "score of a non-candidate", e.do("PUT", score, tok, map[string]any{"scores": map[string]int{"99999": 1}}), 422, "body.scores")
	prWant(t, "score", e.do("PUT", score, tok, map[string]any{"scores": map[string]int{one: 3, two: 0}}), 204, "")
	dot := open(map[string]any{"ballot_type": "dot", "dot_points": 5})
	prWant(t, "over the points", e.do("PUT", dot, tok, map[string]any{"points": map[string]int{one: 4, two: 2}}), 422, "body.points")
	prWant(t, "dot", e.do("PUT", dot, tok, map[string]any{"points": map[string]int{one: 4, two: 1}}), 204, "")
	approval := open(map[string]any{"ballot_type": "approval"})
	prWant(t, "approving twice", e.do("PUT", approval, tok, map[string]any{"approved": []int64{ids[0], ids[0]}}), 422, "body.approved")
	prWant(t, "approval", e.do("PUT", approval, tok, map[string]any{"approved": []int64{ids[1]}}), 204, "")
}

// TestAPIPrioritizationDocumented: the operations are in the OpenAPI
// document under their tags.
func TestAPIPrioritizationDocumented(t *testing.T) {
	e := newEnv(t, storagetest.Open(t, storage.SQLite))
	r := e.do("GET", "/api/v1/openapi.json", "", nil)
	prWant(t, "openapi", r, 200, "")
	for _, op := range []string{"list-meetings", "create-meeting", "get-meeting", "update-meeting", "rsvp-meeting", "list-demos", "create-demo",
		"get-demo", "react-to-demo", "list-rounds", "create-round", "get-round", "update-round", "cast-ballot", "publish-round", "close-round", "apply-round", "export-ballots"} {
		if !bytes.Contains(r.body, []byte(`"operationId":"`+op+`"`)) {
			t.Errorf("the OpenAPI document lacks %s", op)
		}
	}
	has(t, r, `"Meetings"`, `"Rounds"`)
	has(t, e.browser().get("/api"), "Cast or change a community&#39;s ballot while the round is open", "/rounds/{id}/ballots")
}

// prItems is a list response.
type prItems struct {
	Items []map[string]any `json:"items"`
}

func mustJSONBytes(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

func mustJSON(v any) string { return string(mustJSONBytes(v)) }
