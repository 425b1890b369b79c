package server_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestAPIComments drives discussion threads through the API: visibility
// of the thing discussed, every class of bad input (nothing written),
// authorship, staff hiding and following.
func TestAPIComments(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		ctx := context.Background()
		author := e.user("author@example.org", "Ann Author", model.RoleMember)
		other := e.user("other@example.org", "Otto Other", model.RoleMember)
		authorTok, otherTok := e.token(author), e.token(other)
		in, err := e.app.CreateInitiative(ctx, e.admin, model.InitiativeInput{Title: "Shared storage", Public: true})
		if err != nil {
			t.Fatal(err)
		}
		private, err := e.app.ProposeConsortium(ctx, author, model.ConsortiumInput{Name: "Closed circle", Problem: "Private for now.",
			CriticalCommunities: 2, CriticalPeople: 2, Visibility: model.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		path := "/api/v1/initiatives/" + in.Slug + "/comments"

		r := e.do("POST", path, "", map[string]any{"text": "hello"})
		rmWant(t, "anonymous comment", r, 401, "")
		r = e.do("POST", path, authorTok, map[string]any{"text": "Our quota runs out. @[Otto Other]"})
		rmWant(t, "comment", r, 201, "")
		c := r.json(t)
		id := rmNum(c["id"])
		if r.header.Get("Location") != fmt.Sprintf("/api/v1/comments/%d", id) || c["author_name"] != "Ann Author" {
			t.Fatalf("created: %v %s", r.header, r.body)
		}
		r = e.do("POST", path, otherTok, map[string]any{"text": "Ours too.", "parent_id": id})
		rmWant(t, "reply", r, 201, "")
		reply := rmNum(r.json(t)["id"])
		r = e.do("GET", path, "", nil)
		rmWant(t, "visitor reads", r, 200, "")
		th := r.json(t)
		items, _ := th["items"].([]any)
		if len(items) != 1 || th["count"] != float64(2) {
			t.Fatalf("thread: %s", r.body)
		}
		if replies, _ := items[0].(map[string]any)["replies"].([]any); len(replies) != 1 {
			t.Fatalf("replies: %s", r.body)
		}

		// Something the caller cannot see: 404 for reads and writes, nothing written.
		before := rmSnapshot(e, "comments", "events", "notifications", "audit_log")
		cpath := "/api/v1/consortia/" + private.Slug + "/comments"
		rmWant(t, "read a private thread", e.do("GET", cpath, otherTok, nil), 404, "")
		rmWant(t, "write a private thread", e.do("POST", cpath, otherTok, map[string]any{"text": "in?"}), 404, "")
		rmWant(t, "unknown initiative", e.do("POST", "/api/v1/initiatives/no-such-thing/comments", otherTok, map[string]any{"text": "x"}), 404, "")
		rmWant(t, "meeting by slug", e.do("GET", "/api/v1/meetings/abc/comments", otherTok, nil), 404, "")

		// Bad input of every class: the field named, nothing written.
		for _, c := range []struct {
			what     string
			body     any
			status   int
			location string
		}{
			{"empty", map[string]any{"text": "  "}, 422, "body.text"},
			{"missing", map[string]any{}, 422, "body"}, // huma: "expected required property text",
			{"oversize", map[string]any{"text": strings.Repeat("a", model.MaxCommentLength+1)}, 422, "body.text"},
			{"control character", `{"text": "bell \u0007"}`, 422, "body.text"},
			{"NUL", `{"text": "nul \u0000"}`, 422, "body.text"},
			{"wrong type", map[string]any{"text": 7}, 422, "body.text"},
			{"unknown field", map[string]any{"text": "x", "pinned": true}, 422, "body.pinned"},
			{"malformed", `{"text": `, 400, ""},
			{"parent elsewhere", map[string]any{"text": "x", "parent_id": 999999}, 422, "body.parent_id"},
		} {
			rmWant(t, c.what, e.do("POST", path, authorTok, c.body), c.status, c.location)
		}
		rmSameCounts(t, e, before)

		// Only the author edits and deletes; staff hide with a reason.
		cp := fmt.Sprintf("/api/v1/comments/%d", id)
		rmWant(t, "edit another's comment", e.do("PATCH", cp, otherTok, map[string]any{"text": "mine"}), 403, "")
		rmWant(t, "delete another's comment", e.do("DELETE", cp, otherTok, nil), 403, "")
		rmWant(t, "hide as a member", e.do("PATCH", cp, otherTok, map[string]any{"hidden": true, "hidden_reason": "no"}), 403, "")
		rmWant(t, "edit and hide at once", e.do("PATCH", cp, authorTok, map[string]any{"text": "x", "hidden": true}), 422, "body.text")
		rmWant(t, "hide without reason", e.do("PATCH", cp, e.adminToken, map[string]any{"hidden": true}), 422, "body.hidden_reason")
		rmSameCounts(t, e, before)
		r = e.do("PATCH", cp, authorTok, map[string]any{"text": "Our quota ran out twice."})
		rmWant(t, "edit", r, 200, "")
		if h, _ := r.json(t)["history"].([]any); len(h) != 1 {
			t.Fatalf("history: %s", r.body)
		}
		r = e.do("PATCH", fmt.Sprintf("/api/v1/comments/%d", reply), e.adminToken, map[string]any{"hidden": true, "hidden_reason": "Off topic."})
		rmWant(t, "hide", r, 200, "")
		r = e.do("GET", path, otherTok, nil)
		if !strings.Contains(string(r.body), `"hidden_reason":"Off topic."`) || strings.Contains(string(r.body), "Ours too.") {
			t.Fatalf("hidden reply for its reader: %s", r.body)
		}
		rmWant(t, "delete", e.do("DELETE", cp, authorTok, nil), 204, "")
		rmWant(t, "delete again", e.do("DELETE", cp, authorTok, nil), 404, "")

		// Following.
		fp := "/api/v1/initiatives/" + in.Slug + "/follow"
		rmWant(t, "follow anonymously", e.do("PUT", fp, "", nil), 401, "")
		rmWant(t, "follow", e.do("PUT", fp, otherTok, nil), 204, "")
		r = e.do("GET", path, otherTok, nil)
		if th := r.json(t); th["following"] != true || th["can_follow"] != true {
			t.Fatalf("following: %s", r.body)
		}
		rmWant(t, "unfollow", e.do("DELETE", fp, otherTok, nil), 204, "")
	})
}
