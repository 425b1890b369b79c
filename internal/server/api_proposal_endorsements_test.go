package server_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"consortia/internal/pdfdoc"
	"consortia/internal/pdfdoc/pdftext"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Helpers of this file carry a pe (proposal endorsement) prefix.

var peTables = []string{"proposal_endorsements", "endorsement_letters", "proposal_communities", "events", "audit_log"}

// peUpload posts a multipart form with one file field, with a bearer token.
func peUpload(e *env, path, token, field, name string, content []byte) response {
	e.t.Helper()
	req := peMultipart(e, path, field, name, content)
	req.Header.Set("Authorization", "Bearer "+token)
	return peSend(e, http.DefaultClient, req)
}

// peMultipart is a POST of a multipart form with one file field.
func peMultipart(e *env, path, field, name string, content []byte) *http.Request {
	e.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile(field, name)
	if err != nil {
		e.t.Fatal(err)
	}
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return req
}

func peSend(e *env, client *http.Client, req *http.Request) response {
	e.t.Helper()
	res, err := client.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return response{status: res.StatusCode, header: res.Header, body: b}
}

// peNew is the proposals' world with signed links configured.
func peNew(t *testing.T, s *storage.Store) *gpWorld {
	t.Helper()
	w := gpNew(t, s)
	if err := w.e.app.ConfigureNotifications(context.Background(), w.e.srv.URL); err != nil {
		t.Fatal(err)
	}
	return w
}

// peLetter is a real PDF whose text says whose letter it is.
func peLetter(t *testing.T, who string) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := pdfdoc.WritePacket(&buf, pdfdoc.Packet{Title: "Letter of support from " + who}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// peEndorsement finds a community's endorsement in a list response.
func peEndorsement(t *testing.T, r response, community string) map[string]any {
	t.Helper()
	for _, x := range r.json(t)["endorsements"].([]any) {
		m := x.(map[string]any)
		if m["community"].(map[string]any)["slug"] == community {
			return m
		}
	}
	return nil
}

// TestAPIProposalEndorsements walks the endorsement pipeline over HTTP on
// both databases: requests to the consortium's endorsers with signed email
// links, answers with consent, story and reference, letters (bad uploads of
// every class refused), revocation before and after submission, and the
// packet PDF and ZIP naming only communities with current consent.
func TestAPIProposalEndorsements(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := peNew(t, s)
		e := w.e
		east := e.community("eastbay", "Eastbay College")
		eastTok := rmLead(e, "eve@eastbay.example.edu", "Eve Lead", east)
		rmWant(t, "consortium", e.do("POST", "/api/v1/consortia", e.adminToken, map[string]any{"name": "Cloud Costs", "slug": "cc", "problem": "Costs."}), 201, "")
		for tok, join := range map[string]map[string]any{
			w.northTok: {"community": "northfield", "roles": []string{"endorse"}},
			w.southTok: {"community": "southgate", "roles": []string{"co_propose", "test"}},
			eastTok:    {"community": "eastbay", "roles": []string{"test"}},
		} {
			rmWant(t, "join", e.do("POST", "/api/v1/consortia/cc/members", tok, join), 201, "")
		}
		p := w.create(e.adminToken, map[string]any{"consortium": "cc", "summary": "We **will** share GPUs.", "initiatives": []any{w.public, w.private}})
		base := fmt.Sprintf("/api/v1/proposals/%d", rmNum(p["id"]))
		ends := base + "/endorsements"

		// Requests: bad input and callers who may not ask change nothing.
		before := rmSnapshot(e, peTables...)
		rmWant(t, "nothing asked", e.do("POST", ends, e.adminToken, map[string]any{"asks": map[string]any{}}), 422, "body.asks")
		rmWant(t, "unknown community", e.do("POST", ends, e.adminToken, map[string]any{"communities": []string{"atlantis"}, "asks": map[string]any{"letter": true}}), 422, "body.communities")
		rmWant(t, "asks of the wrong type", e.do("POST", ends, e.adminToken, map[string]any{"asks": map[string]any{"letter": "yes"}}), 422, "body.asks.letter")
		rmWant(t, "oversize message", e.do("POST", ends, e.adminToken, map[string]any{"asks": map[string]any{"letter": true}, "message": strings.Repeat("m", 2001)}), 422, "body.message")
		rmWant(t, "a lead of an uninvolved community asks", e.do("POST", ends, w.northTok, map[string]any{"asks": map[string]any{"letter": true}}), 404, "")
		rmWant(t, "a visitor asks", e.do("POST", ends, "", map[string]any{"asks": map[string]any{"letter": true}}), 401, "")
		rmSameCounts(t, e, before)

		asks := map[string]any{"letter": true, "story": true, "consent": true, "reference": true}
		r := e.do("POST", ends, e.adminToken, map[string]any{"asks": asks, "message": "Deadline is close."})
		rmWant(t, "ask the consortium's endorsers", r, 200, "")
		if peEndorsement(t, r, "northfield")["status"] != "asked" || peEndorsement(t, r, "southgate") == nil || peEndorsement(t, r, "eastbay") != nil {
			t.Fatalf("asked: %s", r.body)
		}
		// Each lead got a link signed for them, through the outbox.
		var links int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM events WHERE kind = 'proposal.endorsement' AND url LIKE '/endorse/%'`).Scan(&links); err != nil || links != 2 {
			t.Fatalf("signed request links: %d (%v)", links, err)
		}
		var mail string
		if err := s.DB().QueryRow(`SELECT text_body FROM outbox WHERE recipient = 'priya@northfield.example.edu'`).Scan(&mail); err != nil ||
			!strings.Contains(mail, e.srv.URL+"/endorse/") || !strings.Contains(mail, "Deadline is close.") {
			t.Fatalf("the email to the north lead (%v):\n%s", err, mail)
		}
		r = e.do("POST", ends+"/remind", e.adminToken, nil)
		rmWant(t, "remind", r, 200, "")
		if rmNum(r.json(t)["reminded"]) != 2 {
			t.Fatalf("reminded: %s", r.body)
		}

		// Answers: who may not, and bad input of every class.
		north := ends + "/northfield"
		story := map[string]any{"who": "Physics instructors", "before": "Labs waited for GPUs.", "after": "Labs start on time.", "quote": "It just works."}
		before = rmSnapshot(e, peTables...)
		for _, c := range []struct {
			name, path, token string
			body              any
			status            int
			location          string
		}{
			{"consent from a member who is not a lead", north, w.memberTok, map[string]any{"consent_to_be_named": true}, 403, ""},
			{"answering for another community", north, w.southTok, map[string]any{"consent_to_be_named": true}, 403, ""},
			{"staff consents for a community", north, e.adminToken, map[string]any{"consent_to_be_named": true}, 403, ""},
			{"an outsider", north, w.outsiderTok, map[string]any{"consent_to_be_named": true}, 404, ""},
			{"blank who", north, w.northTok, map[string]any{"consent_to_be_named": true, "story": map[string]any{"who": " ", "before": "B", "after": "A"}}, 422, "body.story.who"},
			{"a reference without an address", north, w.northTok, map[string]any{"consent_to_be_named": true, "reference": map[string]any{"name": "Dr Ada", "email": "not-an-address"}}, 422, "body.reference.email"},
			{"decline with consent", north, w.northTok, map[string]any{"consent_to_be_named": true, "decline": true}, 422, "body.decline"},
			{"consent of the wrong type", north, w.northTok, map[string]any{"consent_to_be_named": 1}, 422, "body.consent_to_be_named"},
			{"unknown field", north, w.northTok, map[string]any{"consent_to_be_named": true, "colour": "red"}, 422, "body.colour"},
			{"control character", north, w.northTok, map[string]any{"consent_to_be_named": true, "story": map[string]any{"who": "W\u0007", "before": "B", "after": "A"}}, 422, "body.story.who"},
			{"malformed JSON", north, w.northTok, `{"consent_to_be_named": tru`, 400, ""},
			{"unknown community", ends + "/atlantis", w.northTok, map[string]any{"consent_to_be_named": true}, 422, "path.community"},
			{"revoke consent never given", north + "/consent", w.northTok, nil, 409, ""},
		} {
			method := "PUT"
			if strings.HasSuffix(c.path, "/consent") {
				method = "DELETE"
			}
			rmWant(t, c.name, e.do(method, c.path, c.token, c.body), c.status, c.location)
		}
		rmSameCounts(t, e, before)

		r = e.do("PUT", north, w.northTok, map[string]any{"consent_to_be_named": true, "story": story,
			"reference": map[string]any{"name": "Dr Ada Lovelace", "email": "ada@northfield.example.edu", "role": "Director"}})
		rmWant(t, "north answers", r, 200, "")
		got := r.json(t)
		consent := got["consent"].(map[string]any)
		if got["status"] != "answered" || consent["given"] != true || consent["by_name"] != "Priya Raman" ||
			consent["wording"] != "Northfield University agrees to be named as a collaborator on the proposal “Research computing for all” to Open Science Foundation, in the proposal and the documents submitted with it." {
			t.Fatalf("north's answer: %s", r.body)
		}
		r = e.do("PUT", ends+"/southgate", w.southTok, map[string]any{"consent_to_be_named": false, "decline": true})
		rmWant(t, "south declines", r, 200, "")
		if r.json(t)["status"] != "declined" {
			t.Fatalf("declined: %s", r.body)
		}
		rmWant(t, "south consents after all", e.do("PUT", ends+"/southgate", w.southTok, map[string]any{"consent_to_be_named": true}), 200, "")
		r = e.do("DELETE", ends+"/southgate/consent", w.southTok, nil)
		rmWant(t, "south revokes before submission", r, 200, "")
		if c := r.json(t)["consent"].(map[string]any); c["given"] != false || c["by_name"] != "Sam Okafor" || r.json(t)["revoked_after_submission"] != false {
			t.Fatalf("south's revocation: %s", r.body)
		}

		// Letters: checked by content; nothing is written for a bad one.
		letters := func(slug string) string { return ends + "/" + slug + "/letter" }
		good := peLetter(t, "Northfield")
		before = rmSnapshot(e, peTables...)
		for _, c := range []struct {
			name, token, field, file string
			content                  []byte
			status                   int
		}{
			{"a PNG renamed .pdf", w.northTok, "file", "letter.pdf", append([]byte("\x89PNG\r\n\x1a\n"), make([]byte, 200)...), 422},
			{"an empty file", w.northTok, "file", "letter.pdf", nil, 422},
			{"a truncated PDF", w.northTok, "file", "letter.pdf", good[:len(good)/2], 422},
			{"a 20 MB file", w.northTok, "file", "big.pdf", append(bytes.Clone(good), make([]byte, 20<<20)...), 413},
			{"another field name", w.northTok, "letter", "letter.pdf", good, 422},
			{"for another community", w.southTok, "file", "letter.pdf", good, 403},
		} {
			r := peUpload(e, letters("northfield"), c.token, c.field, c.file, c.content)
			rmWant(t, c.name, r, c.status, "")
			if c.status == 422 && c.field == "file" && !strings.Contains(string(r.body), `"location":"body.file"`) {
				t.Errorf("%s: the problem does not name body.file: %s", c.name, r.body)
			}
		}
		rmSameCounts(t, e, before)

		first := peLetter(t, "Northfield, first draft")
		r = peUpload(e, letters("northfield"), w.northTok, "file", `C:\letters\first draft.pdf`, first)
		rmWant(t, "upload", r, 200, "")
		firstID := rmNum(r.json(t)["letter"].(map[string]any)["id"])
		r = peUpload(e, letters("northfield"), w.northTok, "file", "support.pdf", good)
		rmWant(t, "replace", r, 200, "")
		cur := r.json(t)["letter"].(map[string]any)
		if cur["file_name"] != "support.pdf" || len(r.json(t)["letter_history"].([]any)) != 1 {
			t.Fatalf("replaced letter: %s", r.body)
		}
		for id, want := range map[int64][]byte{firstID: first, rmNum(cur["id"]): good} {
			r := e.do("GET", fmt.Sprintf("%s/letters/%d", base, id), w.southTok, nil)
			rmWant(t, "download", r, 200, "")
			if !bytes.Equal(r.body, want) || r.header.Get("Content-Type") != "application/pdf" {
				t.Fatalf("letter %d does not round-trip byte for byte (%d bytes, want %d)", id, len(r.body), len(want))
			}
		}
		rmWant(t, "an outsider downloads", e.do("GET", fmt.Sprintf("%s/letters/%d", base, firstID), w.outsiderTok, nil), 404, "")
		rmWant(t, "withdraw", e.do("DELETE", letters("northfield"), w.northTok, nil), 204, "")
		rmWant(t, "withdraw again", e.do("DELETE", letters("northfield"), w.northTok, nil), 404, "")
		rmWant(t, "upload again", peUpload(e, letters("northfield"), w.northTok, "file", "support.pdf", good), 200, "")
		rmWant(t, "south's letter without consent", peUpload(e, letters("southgate"), w.southTok, "file", "south.pdf", peLetter(t, "Southgate")), 200, "")
		r = e.do("GET", ends, w.northTok, nil)
		if n := peEndorsement(t, r, "northfield"); len(n["letter_history"].([]any)) != 2 || n["letter_history"].([]any)[0].(map[string]any)["ended_how"] != "withdrawn" {
			t.Fatalf("letter history: %s", r.body)
		}

		// A narrative the proposal's initiatives belong to lends its endorsers'
		// consent and stories (Eastbay consents for the area; Northfield, named
		// on the proposal already, is not named twice).
		rmWant(t, "narrative", e.do("POST", "/api/v1/narratives", e.adminToken, map[string]any{"title": "GPUs for teaching", "story": "S.", "public": true}), 201, "")
		rmWant(t, "link", e.do("PUT", "/api/v1/narratives/gpus-for-teaching/initiatives/"+w.public, e.adminToken, nil), 204, "")
		rmWant(t, "eastbay endorses the area", e.do("PUT", "/api/v1/narratives/gpus-for-teaching/endorsements/eastbay", eastTok, map[string]any{"consent_to_be_named": true,
			"story": map[string]any{"who": "Biology students", "before": "No GPUs.", "after": "A GPU per lab group."}}), 204, "")
		rmWant(t, "north endorses the area", e.do("PUT", "/api/v1/narratives/gpus-for-teaching/endorsements/northfield", w.northTok, map[string]any{"consent_to_be_named": true}), 204, "")

		// The budget table is the proposal's: estimates, added lines, overhead.
		rmWant(t, "travel", e.do("POST", base+"/budget-lines", e.adminToken, map[string]any{"kind": "travel", "label": "Workshop travel", "amount": 250_050}), 201, "")
		rmWant(t, "overhead", e.do("POST", base+"/budget-lines", e.adminToken, map[string]any{"kind": "overhead", "label": "Indirect costs", "basis_points": 1000}), 201, "")

		// The packet names only communities with current consent.
		r = e.do("GET", base+"/packet.pdf", w.southTok, nil)
		rmWant(t, "packet", r, 200, "")
		text := pdftext.Extract(t, r.body)
		for _, want := range []string{"Research computing for all", "Open Science Foundation", "Shared GPU scheduling", "Internal billing rework",
			"Northfield University: Northfield University agrees to be named", "Story 1: Northfield University", "Labs start on time.",
			"Northfield University — support.pdf", "We will share GPUs.",
			"Eastbay College: Eastbay College agrees to be named as a supporter of “GPUs for teaching”", "Eastbay College (on “GPUs for teaching”)", "A GPU per lab group.",
			"Workshop travel USD 2,500.50 USD 2,500.50", "Indirect costs USD 550.05 USD 850.05", "USD 6,050.55 USD 9,350.55", // the totals row
			"The host organization leads and carries the whole budget: USD 6,050.55–USD 9,350.55."} {
			if !strings.Contains(text, want) {
				t.Errorf("the packet lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Southgate") {
			t.Errorf("the packet names a community that revoked consent:\n%s", text)
		}
		if n := strings.Count(text, "Northfield University agrees to be named"); n != 1 {
			t.Errorf("Northfield is named %d times among the collaborators:\n%s", n, text)
		}
		r = e.do("GET", base+"/packet.zip", w.northTok, nil)
		rmWant(t, "zip", r, 200, "")
		zr, err := zip.NewReader(bytes.NewReader(r.body), int64(len(r.body)))
		if err != nil {
			t.Fatalf("not a ZIP (%s): %v", r.header.Get("Content-Type"), err)
		}
		var names []string
		for _, f := range zr.File {
			names = append(names, f.Name)
			if strings.HasPrefix(f.Name, "letters/") {
				rc, _ := f.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				if !bytes.Equal(b, good) {
					t.Errorf("%s differs from the uploaded letter", f.Name)
				}
			}
		}
		if strings.Join(names, " ") != fmt.Sprintf("proposal-%d-packet.pdf letters/01-northfield-support.pdf", rmNum(p["id"])) {
			t.Fatalf("ZIP entries: %v", names)
		}
		rmWant(t, "an outsider's packet", e.do("GET", base+"/packet.pdf", w.outsiderTok, nil), 404, "")
		rmWant(t, "a visitor's packet", e.do("GET", base+"/packet.zip", "", nil), 401, "")

		// After submission a revocation is recorded, shown, and honoured.
		for _, st := range []string{"drafting", "submitted"} {
			rmWant(t, "to "+st, e.do("POST", base+"/status", e.adminToken, map[string]any{"status": st}), 200, "")
		}
		r = e.do("DELETE", north+"/consent", w.northTok, nil)
		rmWant(t, "north revokes after submission", r, 200, "")
		if r.json(t)["revoked_after_submission"] != true {
			t.Fatalf("revocation after submission not flagged: %s", r.body)
		}
		text = pdftext.Extract(t, e.do("GET", base+"/packet.pdf", e.adminToken, nil).body)
		if strings.Contains(text, "Northfield") || !strings.Contains(text, "Eastbay College agrees to be named") {
			t.Errorf("the packet still names a community after it revoked consent on the proposal (its consent for the narrative's area included):\n%s", text)
		}
	})
}

// TestLetterServedByAnotherInstance: two app instances share one database
// (PostgreSQL, as deployed with several instances; and SQLite): a letter
// uploaded through one is served byte for byte by the other, and its
// withdrawal through the other is seen by the first. Nothing is on disk.
func TestLetterServedByAnotherInstance(t *testing.T) {
	storagetest.EachPair(t, func(t *testing.T, s1, s2 *storage.Store) {
		w := peNew(t, s1)
		one, two := w.e, newServerEnv(t, s2)
		p := w.create(one.adminToken, nil)
		ends := fmt.Sprintf("/api/v1/proposals/%d/endorsements", rmNum(p["id"]))
		rmWant(t, "ask", one.do("POST", ends, one.adminToken, map[string]any{"communities": []string{"northfield"}, "asks": map[string]any{"letter": true}}), 200, "")
		letter := pdftext.Padded(3<<20, "Northfield")
		r := peUpload(one, ends+"/northfield/letter", w.northTok, "file", "support.pdf", letter)
		rmWant(t, "upload through one", r, 200, "")
		id := rmNum(r.json(t)["letter"].(map[string]any)["id"])
		r = two.do("GET", fmt.Sprintf("/api/v1/proposals/%d/letters/%d", rmNum(p["id"]), id), w.southTok, nil)
		rmWant(t, "a non-involved lead through two", r, 404, "")
		r = two.do("GET", fmt.Sprintf("/api/v1/proposals/%d/letters/%d", rmNum(p["id"]), id), w.northTok, nil)
		rmWant(t, "download through two", r, 200, "")
		if !bytes.Equal(r.body, letter) {
			t.Fatalf("instance two serves %d bytes, not the %d uploaded through one", len(r.body), len(letter))
		}
		rmWant(t, "withdraw through two", two.do("DELETE", ends+"/northfield/letter", w.northTok, nil), 204, "")
		if got := peEndorsement(t, one.do("GET", ends, w.northTok, nil), "northfield"); got["letter"] != nil {
			t.Fatalf("instance one still has a current letter: %v", got)
		}
	})
}
