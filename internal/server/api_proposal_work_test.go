package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// The budget from estimates: the initiative's hours range × the blended
// rate, fixed lines and overhead, totals exact, the host's share apart.
func TestAPIProposalBudget(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e
		p := w.create(e.adminToken, nil) // 10–20 hours at the blended USD 150.00
		path := fmt.Sprintf("/api/v1/proposals/%d", rmNum(p["id"]))
		add := func(token string, body map[string]any) response {
			return e.do("POST", path+"/budget-lines", token, body)
		}

		before := rmSnapshot(e, proposalTables...)
		for _, c := range []struct {
			what     string
			token    string
			body     any
			status   int
			location string
		}{
			{"fractional minor units", e.adminToken, map[string]any{"kind": "travel", "amount": 100.5}, 422, "body.amount"},
			{"amount as text", e.adminToken, map[string]any{"kind": "travel", "amount": "100"}, 422, "body.amount"},
			{"no amount", e.adminToken, map[string]any{"kind": "travel"}, 422, "body.amount"},
			{"overhead with amount", e.adminToken, map[string]any{"kind": "overhead", "amount": 5, "basis_points": 1000}, 422, "body.amount"},
			{"overhead over 100%", e.adminToken, map[string]any{"kind": "overhead", "basis_points": 10001}, 422, "body.basis_points"},
			{"fractional basis points", e.adminToken, map[string]any{"kind": "overhead", "basis_points": 12.5}, 422, "body.basis_points"},
			{"unknown kind", e.adminToken, map[string]any{"kind": "lunch", "amount": 5}, 422, "body.kind"},
			{"lead share when the host leads", e.adminToken, map[string]any{"kind": "travel", "amount": 5, "party": "lead"}, 422, "body.party"},
			{"control character", e.adminToken, map[string]any{"kind": "travel", "amount": 5, "label": "a\u0000b"}, 422, "body.label"},
			{"unknown field", e.adminToken, map[string]any{"kind": "travel", "amount": 5, "currency": "EUR"}, 422, ""},
			{"outsider", w.outsiderTok, map[string]any{"kind": "travel", "amount": 5}, 404, ""},
			{"visitor", "", map[string]any{"kind": "travel", "amount": 5}, 401, ""},
		} {
			rmWant(t, c.what, add(c.token, c.body.(map[string]any)), c.status, c.location)
		}
		rmSameCounts(t, e, before)

		rmWant(t, "equipment", add(e.adminToken, map[string]any{"kind": "equipment", "label": "Test GPUs", "amount": 1234567}), 201, "")
		r := add(e.adminToken, map[string]any{"kind": "overhead", "basis_points": 1000})
		rmWant(t, "overhead", r, 201, "")
		overheadID := rmNum(r.json(t)["id"])

		b := e.do("GET", path, e.adminToken, nil).json(t)["budget"].(map[string]any)
		rng := func(key string) string {
			m := b[key].(map[string]any)
			return fmt.Sprintf("%d–%d", rmNum(m["low"]), rmNum(m["high"]))
		}
		// Work 150,000–300,000; equipment 1,234,567; overhead 10% of
		// 1,384,567–1,534,567 = 138,456.7–153,456.7, rounded half up.
		if rng("direct") != "1384567–1534567" || rng("indirect") != "138457–153457" || rng("total") != "1523024–1688024" ||
			rng("host_share") != "1523024–1688024" || rng("lead_share") != "0–0" || b["currency"] != "USD" {
			t.Fatalf("budget: %v", b)
		}
		rows := b["rows"].([]any)
		if len(rows) != 3 || rows[0].(map[string]any)["kind"] != "work" || rows[0].(map[string]any)["label"] != "Shared GPU scheduling" {
			t.Fatalf("rows: %v", rows)
		}

		rmWant(t, "remove overhead", e.do("DELETE", fmt.Sprintf("%s/budget-lines/%d", path, overheadID), e.adminToken, nil), 204, "")
		rmWant(t, "remove again", e.do("DELETE", fmt.Sprintf("%s/budget-lines/%d", path, overheadID), e.adminToken, nil), 404, "")
		b = e.do("GET", path, e.adminToken, nil).json(t)["budget"].(map[string]any)
		if rng("total") != "1384567–1534567" {
			t.Fatalf("after removing overhead: %v", b)
		}
	})
}

// Sections: owners from the host or the lead community, the owner writes
// their own, the checklist and the owner's to-dos.
func TestAPIProposalSections(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		w := gpNew(t, s)
		e := w.e
		ctx := context.Background()
		p := w.create(w.northTok, map[string]any{"lead_community": "northfield"})
		id := rmNum(p["id"])
		path := fmt.Sprintf("/api/v1/proposals/%d", id)
		mo, err := s.UserByEmail(ctx, "mo@northfield.example.edu")
		if err != nil {
			t.Fatal(err)
		}
		olga, err := s.UserByEmail(ctx, "olga@elsewhere.example.org")
		if err != nil {
			t.Fatal(err)
		}
		due := time.Now().Add(10 * 24 * time.Hour).UTC().Truncate(time.Minute).Format(time.RFC3339)

		before := rmSnapshot(e, proposalTables...)
		rmWant(t, "owner from elsewhere", e.do("POST", path+"/sections", w.northTok, map[string]any{"title": "Need", "owner_id": olga.ID}), 422, "body.owner_id")
		rmWant(t, "no title", e.do("POST", path+"/sections", w.northTok, map[string]any{"owner_id": mo.ID}), 422, "body.title")
		rmWant(t, "bad due date", e.do("POST", path+"/sections", w.northTok, map[string]any{"title": "Need", "due_at": "soon"}), 422, "body.due_at")
		rmWant(t, "member adds", e.do("POST", path+"/sections", w.memberTok, map[string]any{"title": "Need"}), 403, "")
		rmWant(t, "outsider adds", e.do("POST", path+"/sections", w.outsiderTok, map[string]any{"title": "Need"}), 404, "")
		rmSameCounts(t, e, before)

		r := e.do("POST", path+"/sections", w.northTok, map[string]any{"title": "Statement of need", "owner_id": mo.ID, "due_at": due})
		rmWant(t, "lead adds section", r, 201, "")
		sec := r.json(t)
		if sec["owner_name"] != "Mo Member" || sec["status"] != "todo" || sec["due_at"] != due {
			t.Fatalf("section: %s", r.body)
		}
		spath := fmt.Sprintf("%s/sections/%d", path, rmNum(sec["id"]))
		rmWant(t, "staff owns one", e.do("POST", path+"/sections", e.adminToken, map[string]any{"title": "Budget justification", "owner_id": e.admin.ID}), 201, "")

		// The owner writes their section but does not reassign it.
		rmWant(t, "owner drafts", e.do("PATCH", spath, w.memberTok, map[string]any{"status": "drafting", "body": "Students wait for GPUs."}), 200, "")
		rmWant(t, "owner renames", e.do("PATCH", spath, w.memberTok, map[string]any{"title": "Mine"}), 403, "")
		rmWant(t, "owner reassigns", e.do("PATCH", spath, w.memberTok, map[string]any{"owner_id": 0}), 403, "")
		rmWant(t, "outsider writes", e.do("PATCH", spath, w.outsiderTok, map[string]any{"status": "done"}), 404, "")
		rmWant(t, "bad status", e.do("PATCH", spath, w.northTok, map[string]any{"status": "finished"}), 422, "body.status")

		sectionTodos := func() []model.Todo {
			t.Helper()
			all, err := e.app.Todos(ctx, mo)
			if err != nil {
				t.Fatal(err)
			}
			var out []model.Todo
			for _, td := range all {
				if td.Kind == model.TodoSection {
					out = append(out, td)
				}
			}
			return out
		}
		todos := sectionTodos()
		if len(todos) != 1 || todos[0].Action != `Write "Statement of need"` || todos[0].Title != "Research computing for all" || todos[0].URL != fmt.Sprintf("/proposals/%d#section-%d", id, rmNum(sec["id"])) {
			t.Fatalf("to-dos: %+v", todos)
		}

		got := e.do("GET", path, w.memberTok, nil).json(t)
		var msgs []string
		for _, it := range rmList(got, "checklist") {
			if it["ok"] != true {
				msgs = append(msgs, fmt.Sprint(it["label"], ": ", it["message"]))
			}
		}
		joined := strings.Join(msgs, "\n")
		if !strings.Contains(joined, "Summary: Write the summary.") || !strings.Contains(joined, "Statement of need: Drafting, due") ||
			!strings.Contains(joined, "Budget justification: To do (Ada Admin): no due date.") {
			t.Fatalf("checklist:\n%s", joined)
		}

		rmWant(t, "done", e.do("PATCH", spath, w.memberTok, map[string]any{"status": "done"}), 200, "")
		if todos := sectionTodos(); len(todos) != 0 {
			t.Fatalf("to-dos after done: %+v", todos)
		}
		rmWant(t, "member removes", e.do("DELETE", spath, w.memberTok, nil), 403, "")
		rmWant(t, "lead removes", e.do("DELETE", spath, w.northTok, nil), 204, "")
		rmWant(t, "removed", e.do("PATCH", spath, w.northTok, map[string]any{"status": "done"}), 404, "")
	})
}

// Reminders go through the outbox to the owners only, once each.
func TestProposalRemindersReachOwnersOnly(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		u := newUpdatesEnvOn(t, s)
		e, ctx := u.env, u.ctx
		member := e.user("mem@example.org", "Meg Member", model.RoleMember)
		if _, err := e.app.SetAffiliation(ctx, e.admin, "alpha", member.Email, model.AffiliationMember); err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		v, err := e.app.CreateProposal(ctx, e.admin, model.ProposalInput{Title: "Cost dashboards for all", Funder: "Open Science Foundation",
			Deadline: now.Add(10 * 24 * time.Hour), Amount: 5000000, Currency: "USD", LeadCommunity: "alpha"})
		if err != nil {
			t.Fatal(err)
		}
		at := func(d time.Duration) *time.Time { x := now.Add(d); return &x }
		for _, in := range []model.SectionInput{
			{Title: "Need", OwnerID: &u.lead.ID, DueAt: at(2 * 24 * time.Hour)},
			{Title: "Team", OwnerID: &e.admin.ID, DueAt: at(20 * 24 * time.Hour)},
			{Title: "Letters", OwnerID: &member.ID, Status: model.SectionDone, DueAt: at(time.Hour)},
			{Title: "Nobody's", DueAt: at(time.Hour)},
		} {
			if _, err := e.app.AddSection(ctx, e.admin, v.ID, in); err != nil {
				t.Fatal(err)
			}
		}
		send := func(want int) {
			t.Helper()
			n, err := e.app.SendProposalReminders(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if n != want {
				t.Fatalf("queued %d reminders, want %d", n, want)
			}
			u.drain()
		}
		send(1) // the lead's section is due in two days
		send(0) // once
		if got := u.mailTo(u.lead.Email, `Your section "Need"`); len(got) != 1 || !strings.Contains(got[0], "/proposals/") {
			t.Fatalf("lead's reminder: %q", got)
		}
		// Four days on, the deadline is six days away: the owners of the
		// unfinished sections hear, the owner of a done one does not.
		e.app.Clock = func() time.Time { return now.Add(4 * 24 * time.Hour) }
		send(1)
		for _, who := range []*model.User{u.lead, e.admin} {
			if got := u.mailTo(who.Email, "is due to Open Science Foundation"); len(got) != 1 {
				t.Fatalf("%s: deadline reminders %q", who.Email, got)
			}
		}
		for _, m := range u.smtp.Received() {
			if m.To[0] == member.Email {
				t.Fatalf("the owner of a done section got %q", m.Header.Get("Subject"))
			}
			if m.To[0] != u.lead.Email && m.To[0] != e.admin.Email {
				t.Fatalf("a reminder went to %s", m.To[0])
			}
		}
		send(0)
	})
}
