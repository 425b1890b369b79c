package server_test

import (
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestAPINarrativeEndorsementContent: an endorsement carries a story and
// consent to be named for the whole area; only the community's lead gives
// or revokes consent; bad input of every class is refused with nothing
// written; visitors see a story only while its community consents.
func TestAPINarrativeEndorsementContent(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		north := e.community("northfield", "Northfield University")
		e.community("southgate", "Southgate Institute")
		northTok := rmLead(e, "priya@northfield.example.edu", "Priya Raman", north)
		rmWant(t, "narrative", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "Affordable Cloud Hubs", "story": "Costs rise.", "public": true}), 201, "")
		base := "/api/v1/narratives/affordable-cloud-hubs/endorsements/"
		story := map[string]any{"who": "Physics instructors", "before": "Labs were cancelled.", "after": "Every lab ran.", "quote": "We stopped apologising.", "numbers": "400 students"}

		before := rmSnapshot(e, "narrative_endorsements", "audit_log")
		for _, c := range []struct {
			name, token string
			body        any
			status      int
			location    string
		}{
			{"staff consents for a community", e.adminToken, map[string]any{"consent_to_be_named": true}, 403, ""},
			{"a lead answers for another community", northTok, map[string]any{"consent_to_be_named": true}, 403, ""},
			{"story without who", northTok, map[string]any{"consent_to_be_named": true, "story": map[string]any{"before": "B", "after": "A"}}, 422, "body.story"},
			{"blank who", northTok, map[string]any{"consent_to_be_named": true, "story": map[string]any{"who": " ", "before": "B", "after": "A"}}, 422, "body.story.who"},
			{"consent left out", northTok, map[string]any{"story": story}, 422, "body"},
			{"story with a control character", northTok, map[string]any{"consent_to_be_named": true, "story": map[string]any{"who": "A\u0007B", "before": "B", "after": "A"}}, 422, "body.story.who"},
			{"oversize quote", northTok, map[string]any{"consent_to_be_named": true, "story": map[string]any{"who": "W", "before": "B", "after": "A", "quote": strings.Repeat("q", 1001)}}, 422, "body.story.quote"},
			{"consent of the wrong type", northTok, map[string]any{"consent_to_be_named": "yes"}, 422, "body.consent_to_be_named"},
			{"unknown field", northTok, map[string]any{"consent_to_be_named": true, "colour": "red"}, 422, "body.colour"},
			{"malformed JSON", northTok, `{"consent_to_be_named": `, 400, ""},
			{"visitor", "", map[string]any{"consent_to_be_named": true}, 401, ""},
		} {
			path := base + "northfield"
			if c.name == "a lead answers for another community" {
				path = base + "southgate"
			}
			rmWant(t, c.name, e.do("PUT", path, c.token, c.body), c.status, c.location)
		}
		rmSameCounts(t, e, before)

		rmWant(t, "endorse with consent and story", e.do("PUT", base+"northfield", northTok, map[string]any{"consent_to_be_named": true, "story": story}), 204, "")
		got := endorsementOf(t, e, northTok, "northfield")
		consent := got["consent"].(map[string]any)
		if consent["given"] != true || consent["by_name"] != "Priya Raman" || consent["at"] == nil ||
			!strings.HasPrefix(consent["wording"].(string), "Northfield University agrees to be named as a supporter of “Affordable Cloud Hubs”") {
			t.Fatalf("consent: %v", consent)
		}
		if st := got["story"].(map[string]any); st["quote"] != "We stopped apologising." || st["numbers"] != "400 students" {
			t.Fatalf("story: %v", st)
		}
		// Staff may record the endorsement again (same consent) but not revoke it.
		rmWant(t, "staff revokes", e.do("PUT", base+"northfield", e.adminToken, map[string]any{"consent_to_be_named": false, "story": story}), 403, "")
		rmWant(t, "staff updates the story", e.do("PUT", base+"northfield", e.adminToken, map[string]any{"consent_to_be_named": true, "story": story}), 204, "")
		if endorsementOf(t, e, "", "northfield")["story"] == nil {
			t.Fatal("a visitor does not see the story of a consenting community")
		}

		// The lead revokes: recorded with who and when; visitors lose the story.
		rmWant(t, "revoke", e.do("PUT", base+"northfield", northTok, map[string]any{"consent_to_be_named": false, "story": story}), 204, "")
		consent = endorsementOf(t, e, northTok, "northfield")["consent"].(map[string]any)
		if consent["given"] != false || consent["by_name"] != "Priya Raman" || consent["at"] == nil {
			t.Fatalf("revoked consent: %v", consent)
		}
		if endorsementOf(t, e, "", "northfield")["story"] != nil {
			t.Fatal("a visitor sees the story of a community that revoked consent")
		}
		rmWant(t, "withdraw", e.do("DELETE", base+"northfield", northTok, nil), 204, "")
		if endorsementOf(t, e, northTok, "northfield") != nil {
			t.Fatal("a withdrawn endorsement is still listed")
		}
	})
}

// endorsementOf is the narrative's endorsement by the community, as token's
// holder reads it, or nil.
func endorsementOf(t *testing.T, e *env, token, community string) map[string]any {
	t.Helper()
	r := e.do("GET", "/api/v1/narratives/affordable-cloud-hubs", token, nil)
	rmWant(t, "get narrative", r, 200, "")
	for _, x := range r.json(t)["endorsements"].([]any) {
		m := x.(map[string]any)
		if m["community"].(map[string]any)["slug"] == community {
			return m
		}
	}
	return nil
}
