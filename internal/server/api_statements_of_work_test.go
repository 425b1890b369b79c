package server_test

import (
	"net/url"
	"strings"
	"testing"

	"consortia/internal/pdfdoc/pdftext"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestAPIStatementsOfWork: once an initiative's funding goal is met, staff
// make versioned statements of work from the initiative and the co-funders'
// shares; each co-funder's lead acknowledges a version; the PDF reads back
// with the shares and hides an anonymous co-funder's name from the others;
// nobody outside staff and the co-funders learns that it exists.
func TestAPIStatementsOfWork(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := fdNew(t, s, "Budget alerts")
		e := w.e
		base := "/api/v1/initiatives/budget-alerts/statements-of-work"
		g := fdWant(t, "goal", e.do("POST", "/api/v1/funding/goals", e.adminToken, map[string]any{"initiative": "budget-alerts", "amount": 1_000_000}), 201)
		goal := "/api/v1/funding/goals/" + mustJSON(g["id"])
		fdWant(t, "north pledges", e.do("POST", goal+"/pledges", w.tokens["north"], map[string]any{"community": "north", "amount": 600_000}), 201)
		fdWant(t, "pacific pledges anonymously", e.do("POST", goal+"/pledges", w.tokens["pacific"], map[string]any{"community": "pacific", "amount": 400_000, "anonymous": true}), 201)
		rmWant(t, "before the goal is met", e.do("POST", base, e.adminToken, map[string]any{}), 409, "")
		fdWant(t, "close", e.do("POST", goal+"/close", e.adminToken, nil), 200)

		before := rmSnapshot(e, "statements_of_work", "statement_acknowledgements", "audit_log")
		rmWant(t, "visitor lists", e.do("GET", base, "", nil), 401, "")
		rmWant(t, "a community that did not co-fund lists", e.do("GET", base, w.tokens["tester"], nil), 404, "")
		rmWant(t, "a community that did not co-fund reads the PDF", e.do("GET", "/api/v1/initiatives/budget-alerts/statement-of-work.pdf", w.tokens["andes"], nil), 404, "")
		rmWant(t, "a lead makes one", e.do("POST", base, w.tokens["north"], map[string]any{}), 403, "")
		rmWant(t, "control character", e.do("POST", base, e.adminToken, map[string]any{"timeline": "Q1\u0000"}), 422, "body.timeline")
		rmWant(t, "oversize notes", e.do("POST", base, e.adminToken, map[string]any{"notes": strings.Repeat("n", 5001)}), 422, "body.notes")
		rmWant(t, "unknown field", e.do("POST", base, e.adminToken, map[string]any{"colour": "red"}), 422, "body.colour")
		rmWant(t, "wrong type", e.do("POST", base, e.adminToken, map[string]any{"timeline": 3}), 422, "body.timeline")
		rmWant(t, "no statement yet", e.do("GET", "/api/v1/initiatives/budget-alerts/statement-of-work.pdf", e.adminToken, nil), 404, "")
		rmSameCounts(t, e, before)

		st := fdWant(t, "make version 1", e.do("POST", base, e.adminToken, map[string]any{"timeline": "January to March 2027."}), 201)
		// The co-funders' leads (and nobody else) are asked to acknowledge it.
		var asked []string
		rows, err := s.DB().Query(`SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id JOIN events e ON e.id = n.event_id
			WHERE e.kind = 'initiative.statement_of_work' ORDER BY u.email`)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var email string
			rows.Scan(&email)
			asked = append(asked, email)
		}
		rows.Close()
		if strings.Join(asked, " ") != w.emails["north"]+" "+w.emails["pacific"] {
			t.Fatalf("asked to acknowledge: %v", asked)
		}
		if fdNum(st["version"]) != 1 || len(st["waiting"].([]any)) != 2 {
			t.Fatalf("version 1: %v", st)
		}
		list := fdWant(t, "north lists", e.do("GET", base, w.tokens["north"], nil), 200)
		v1 := list["statements"].([]any)[0].(map[string]any)
		body := mustJSON(v1)
		if !strings.Contains(body, "An anonymous co-funder") || strings.Contains(body, "acific") || !strings.Contains(body, `"name":"North"`) {
			t.Fatalf("north reads an anonymous co-funder's name, or not its own: %s", body)
		}

		before = rmSnapshot(e, "statement_acknowledgements", "audit_log")
		ack := func(token, community string, version string) response {
			return e.do("POST", base+"/"+version+"/acknowledgements", token, map[string]any{"community": community})
		}
		rmWant(t, "staff acknowledges for a co-funder", ack(e.adminToken, "north", "1"), 403, "")
		rmWant(t, "a lead acknowledges for another co-funder", ack(w.tokens["north"], "pacific", "1"), 403, "")
		rmWant(t, "a community that is not a co-funder", ack(w.tokens["tester"], "tester", "1"), 404, "")
		rmWant(t, "an unknown version", ack(w.tokens["north"], "north", "9"), 404, "")
		rmWant(t, "version zero", ack(w.tokens["north"], "north", "0"), 422, "path.version")
		rmSameCounts(t, e, before)
		rmWant(t, "north acknowledges", ack(w.tokens["north"], "north", "1"), 204, "")
		rmWant(t, "north acknowledges again", ack(w.tokens["north"], "north", "1"), 409, "")

		r := e.do("GET", "/api/v1/initiatives/budget-alerts/statement-of-work.pdf", w.tokens["north"], nil)
		rmWant(t, "north's PDF", r, 200, "")
		if r.header.Get("Content-Type") != "application/pdf" || !strings.Contains(r.header.Get("Content-Disposition"), "statement-of-work-budget-alerts-v1.pdf") {
			t.Fatalf("headers %v", r.header)
		}
		text := pdftext.Extract(t, r.body)
		for _, want := range []string{"Budget alerts", "Version 1", "North USD 6,000", "An anonymous co-funder USD 4,000", "Total USD 10,000",
			"January to March 2027.", "North, by Lead of north on"} {
			if !strings.Contains(text, want) {
				t.Errorf("north's PDF lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Pacific") {
			t.Errorf("north's PDF names the anonymous co-funder:\n%s", text)
		}
		if text := pdftext.Extract(t, e.do("GET", "/api/v1/initiatives/budget-alerts/statement-of-work.pdf?version=1", e.adminToken, nil).body); !strings.Contains(text, "Pacific USD 4,000") {
			t.Errorf("staff's PDF does not name the anonymous co-funder:\n%s", text)
		}

		// A new version waits for every co-funder again; the old one keeps its acknowledgement.
		fdWant(t, "version 2", e.do("POST", base, e.adminToken, map[string]any{"notes": "Scope grew."}), 201)
		list = fdWant(t, "staff lists", e.do("GET", base, e.adminToken, nil), 200)
		sts := list["statements"].([]any)
		if len(sts) != 2 || len(sts[0].(map[string]any)["waiting"].([]any)) != 2 || len(sts[1].(map[string]any)["acknowledgements"].([]any)) != 1 {
			t.Fatalf("versions: %s", mustJSON(sts))
		}

		// The initiative page: the co-funder's lead acknowledges version 2 there.
		b := e.browser()
		b.login(w.emails["pacific"], testPassword)
		page := b.get("/initiatives/budget-alerts")
		has(t, page, "Statement of work", `href="/initiatives/budget-alerts/statement-of-work.pdf?version=2"`, "Acknowledge version 2 for Pacific")
		wantStatus(t, "acknowledge on the page", b.post("/initiatives/budget-alerts/statements-of-work/acknowledge", url.Values{"version": {"2"}, "community": {"pacific"}}), 303)
		lacks(t, b.get("/initiatives/budget-alerts"), "Acknowledge version 2")
		wantStatus(t, "download on the page", b.get("/initiatives/budget-alerts/statement-of-work.pdf?version=2"), 200)
		other := e.browser()
		other.login(w.emails["tester"], testPassword)
		lacks(t, other.get("/initiatives/budget-alerts"), "Statement of work")
		wantStatus(t, "download by a non-co-funder", other.get("/initiatives/budget-alerts/statement-of-work.pdf"), 404)
	})
}

// TestStatementOfWorkFromAnAward: an initiative funded by an awarded grant
// proposal gets a statement of work too (before the award: 409), naming the
// award.
func TestStatementOfWorkFromAnAward(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e
		p := w.create(e.adminToken, nil)
		base := "/api/v1/initiatives/" + w.public + "/statements-of-work"
		rmWant(t, "before the award", e.do("POST", base, e.adminToken, map[string]any{}), 409, "")
		status := "/api/v1/proposals/" + mustJSON(p["id"]) + "/status"
		rmWant(t, "drafting", e.do("POST", status, e.adminToken, map[string]any{"status": "drafting"}), 200, "")
		rmWant(t, "submitted", e.do("POST", status, e.adminToken, map[string]any{"status": "submitted"}), 200, "")
		rmWant(t, "awarded", e.do("POST", status, e.adminToken, map[string]any{"status": "awarded", "award_amount": 20_000_000, "awarded_on": "2027-02-15"}), 200, "")
		rmWant(t, "made", e.do("POST", base, e.adminToken, map[string]any{"timeline": "Spring 2027."}), 201, "")
		r := e.do("GET", "/api/v1/initiatives/"+w.public+"/statement-of-work.pdf", e.adminToken, nil)
		rmWant(t, "PDF", r, 200, "")
		if text := pdftext.Extract(t, r.body); !strings.Contains(text, "Open Science Foundation awarded USD 200,000 to the proposal “Research computing for all”") {
			t.Errorf("the statement does not name the award:\n%s", text)
		}
		rmWant(t, "a lead of a community that is no co-funder", e.do("GET", base, w.northTok, nil), 404, "")
	})
}
