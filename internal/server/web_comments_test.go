package server_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestWebComments: the discussion section works with plain forms (no
// JavaScript): post, reply, mention, edit, delete, hide, follow; bad input
// comes back with the text kept; a thread the reader cannot see is 404.
func TestWebComments(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		e.user("writer@example.org", "Wanda Writer", model.RoleMember)
		e.user("reader@example.org", "Rey Reader", model.RoleMember)
		in, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: "GPU quotas", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		private, err := e.app.ProposeConsortium(ctx, e.admin, model.ConsortiumInput{Name: "Staff only", Problem: "Not yet shared.",
			CriticalCommunities: 2, CriticalPeople: 2, Visibility: model.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		page := "/initiatives/" + in.Slug

		visitor := e.browser()
		r := visitor.get(page)
		if r.status != 200 || !strings.Contains(string(r.body), `id="discussion"`) || !strings.Contains(string(r.body), "to join the discussion") {
			t.Fatalf("visitor's page: %d", r.status)
		}

		w := e.browser()
		w.login("writer@example.org", testPassword)
		r = w.post(page+"/comments", url.Values{"text": {"We hit the quota every week. @[Rey Reader] **bold**"}})
		if r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), page+"#comment-") {
			t.Fatalf("post: %d %s", r.status, r.header.Get("Location"))
		}
		var id int64
		fmt.Sscanf(strings.TrimPrefix(r.header.Get("Location"), page+"#comment-"), "%d", &id)
		body := string(w.get(page).body)
		if !strings.Contains(body, "<strong>bold</strong>") || !strings.Contains(body, fmt.Sprintf(`id="comment-%d"`, id)) {
			t.Fatal("the comment is not on the page")
		}

		// The mentioned person finds it among their notifications.
		rd := e.browser()
		rd.login("reader@example.org", testPassword)
		if n := string(rd.get("/account/notifications").body); !strings.Contains(n, "Wanda Writer mentioned you in the discussion of GPU quotas") {
			t.Fatal("the mention is not in the reader's notifications")
		}
		// Reply and follow.
		if r := rd.post(page+"/comments", url.Values{"text": {"Same for us."}, "parent_id": {fmt.Sprint(id)}}); r.status != 303 {
			t.Fatalf("reply: %d %s", r.status, r.body)
		}
		if r := rd.post(page+"/follow", url.Values{"on": {"1"}}); r.status != 303 {
			t.Fatalf("follow: %d", r.status)
		}
		if !strings.Contains(string(rd.get(page).body), "Stop following") {
			t.Fatal("no unfollow button for a follower")
		}

		// Bad input: the form comes back with the text and the message; nothing written.
		before := e.count("comments")
		long := strings.Repeat("x", model.MaxCommentLength+1)
		for _, text := range []string{"   ", long} {
			r = w.post(page+"/comments", url.Values{"text": {text}})
			if r.status != 422 || !strings.Contains(string(r.body), `id="comment-retry"`) || !strings.Contains(string(r.body), `aria-invalid="true"`) {
				t.Fatalf("bad text: %d %s", r.status, r.body)
			}
		}
		if !strings.Contains(string(r.body), long) {
			t.Fatal("the refused text is not kept")
		}
		if r := w.post(page+"/comments", url.Values{"text": {"nul \x00"}}); r.status != 422 {
			t.Fatalf("NUL: %d", r.status)
		}
		// A thread the reader cannot see: 404, nothing written.
		if r := rd.post("/consortia/"+private.Slug+"/comments", url.Values{"text": {"let me in"}}); r.status != 404 {
			t.Fatalf("private thread: %d", r.status)
		}
		if n := e.count("comments"); n != before {
			t.Fatalf("refused posts wrote %d comments", n-before)
		}

		// Someone else's comment cannot be edited or deleted.
		cp := fmt.Sprintf("/comments/%d", id)
		if r := rd.post(cp+"/edit", url.Values{"text": {"mine"}}); r.status != 403 {
			t.Fatalf("edit another's: %d", r.status)
		}
		if r := rd.post(cp+"/delete", nil); r.status != 403 {
			t.Fatalf("delete another's: %d", r.status)
		}
		if r := w.post(cp+"/edit", url.Values{"text": {"We hit the quota every day now."}}); r.status != 303 {
			t.Fatalf("edit: %d", r.status)
		}
		if body := string(w.get(page).body); !strings.Contains(body, "every day now") || !strings.Contains(body, "Earlier versions (1)") {
			t.Fatal("edit or history not shown")
		}
		// Staff hide with a reason; the reader sees the reason only.
		staff := e.browser()
		staff.login("admin@example.org", testPassword)
		if r := staff.post(cp+"/hide", url.Values{"hidden": {"1"}, "hidden_reason": {""}}); r.status != 422 {
			t.Fatalf("hide without a reason: %d", r.status)
		}
		if r := staff.post(cp+"/hide", url.Values{"hidden": {"1"}, "hidden_reason": {"Names a student."}}); r.status != 303 {
			t.Fatalf("hide: %d", r.status)
		}
		if body := string(rd.get(page).body); !strings.Contains(body, "Hidden by staff: Names a student.") || strings.Contains(body, "every day now") {
			t.Fatal("hidden comment for a reader")
		}
		if r := w.post(cp+"/delete", nil); r.status != 303 {
			t.Fatalf("delete: %d", r.status)
		}
		if body := string(rd.get(page).body); !strings.Contains(body, "This comment was deleted by its author.") || !strings.Contains(body, "Same for us.") {
			t.Fatal("deleted comment or its reply")
		}
	})
}
