package app_test

import (
	"fmt"
	"strconv"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// kinds lists the notification kinds a person has, newest first.
func (f *fixture) kinds(u *model.User) []string {
	f.t.Helper()
	list, err := f.a.RecentNotifications(f.ctx, u, 50)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Kind)
	}
	return out
}

func TestCommentThreadOnAPublicInitiative(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		lead := f.user("lead@example.org", "Lee Lead", model.RoleMember)
		other := f.user("other@example.org", "Oli Other", model.RoleMember)
		pub, _ := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Public one", Public: true})

		// Visitors read, only people signed in write.
		_, err := f.a.PostComment(f.ctx, nil, model.ThreadInitiative, pub.Slug, model.CommentInput{Body: "hi"})
		code(t, err, model.EUnauthorized)
		c, err := f.a.PostComment(f.ctx, lead, model.ThreadInitiative, pub.Slug, model.CommentInput{Body: "  Exam weeks hurt. @[oli other] @[Lee Lead] @[Nobody Here]  "})
		if err != nil {
			t.Fatal(err)
		}
		if c.Body != "Exam weeks hurt. @[oli other] @[Lee Lead] @[Nobody Here]" || c.AuthorName != "Lee Lead" || !c.CanEdit {
			t.Fatalf("comment: %+v", c)
		}
		// The mentioned person hears of it (names compare without case);
		// the author does not hear of their own mention.
		if k := f.kinds(other); len(k) != 1 || k[0] != model.EventCommentMention {
			t.Fatalf("mentioned person's notifications: %v", k)
		}
		if k := f.kinds(lead); len(k) != 0 {
			t.Fatalf("author notified: %v", k)
		}
		// Replies are one level deep: a reply to a reply joins the thread.
		r1, err := f.a.PostComment(f.ctx, other, model.ThreadInitiative, pub.Slug, model.CommentInput{Body: "Same here.", ParentID: c.ID})
		if err != nil || r1.ParentID == nil || *r1.ParentID != c.ID {
			t.Fatalf("reply: %+v %v", r1, err)
		}
		r2, err := f.a.PostComment(f.ctx, lead, model.ThreadInitiative, pub.Slug, model.CommentInput{Body: "Reply to reply", ParentID: r1.ID})
		if err != nil || r2.ParentID == nil || *r2.ParentID != c.ID {
			t.Fatalf("reply to a reply: %+v %v", r2, err)
		}
		th, err := f.a.GetThread(f.ctx, nil, model.ThreadInitiative, pub.Slug)
		if err != nil || len(th.Comments) != 1 || len(th.Comments[0].Replies) != 2 || th.Count != 3 || th.CanComment || th.CanFollow {
			t.Fatalf("visitor's thread: %+v %v", th, err)
		}
		if th.Comments[0].CanEdit || th.Comments[0].CanHide {
			t.Fatal("a visitor may act on a comment")
		}

		// Bad input: named field, nothing written.
		before := f.countRows(s, "comments")
		for _, body := range map[string]string{
			"empty":    "   ",
			"control":  "bad \x00 byte",
			"escape":   "bell \x07",
			"oversize": strings.Repeat("a", model.MaxCommentLength+1),
			"mentions": func() string {
				var b strings.Builder
				for i := range model.MaxMentionsPerComment + 1 {
					b.WriteString("@[Person " + string(rune('A'+i)) + "] ")
				}
				return b.String()
			}(),
		} {
			_, err := f.a.PostComment(f.ctx, lead, model.ThreadInitiative, pub.Slug, model.CommentInput{Body: body})
			code(t, err, model.EInvalid)
			fieldNamed(t, err, "text")
		}
		_, err = f.a.PostComment(f.ctx, lead, model.ThreadInitiative, pub.Slug, model.CommentInput{Body: "x", ParentID: 999999})
		fieldNamed(t, err, "parent_id")
		_, err = f.a.PostComment(f.ctx, lead, "poll", pub.Slug, model.CommentInput{Body: "x"})
		code(t, err, model.ENotFound)
		if n := f.countRows(s, "comments"); n != before {
			t.Fatalf("bad input wrote %d comments", n-before)
		}

		// Only the author edits or deletes; edits keep the history.
		_, err = f.a.EditComment(f.ctx, other, c.ID, "mine now")
		code(t, err, model.EForbidden)
		_, err = f.a.DeleteComment(f.ctx, other, c.ID)
		code(t, err, model.EForbidden)
		_, err = f.a.EditComment(f.ctx, lead, c.ID, "")
		fieldNamed(t, err, "text")
		e, err := f.a.EditComment(f.ctx, lead, c.ID, "Exam weeks hurt a lot. @[Sam Staff]")
		if err != nil || e.EditedAt == nil || len(e.History) != 1 || !strings.HasPrefix(e.History[0].Body, "Exam weeks hurt.") {
			t.Fatalf("edit: %+v %v", e, err)
		}
		// Newly mentioned people hear of it; those mentioned before not again.
		if k := f.kinds(f.admin); len(k) != 1 || k[0] != model.EventCommentMention {
			t.Fatalf("newly mentioned: %v", k)
		}
		if k := f.kinds(other); len(k) != 1 {
			t.Fatalf("mentioned again on edit: %v", k)
		}
		if d, err := f.a.DeleteComment(f.ctx, lead, r2.ID); err != nil || !d.Deleted || d.URL != fmt.Sprintf("/initiatives/%s#comment-%d", pub.Slug, r2.ID) {
			t.Fatalf("deleted: %+v %v", d, err)
		}
		_, err = f.a.EditComment(f.ctx, lead, r2.ID, "back")
		code(t, err, model.EConflict)
		_, err = f.a.DeleteComment(f.ctx, lead, r2.ID)
		code(t, err, model.ENotFound)
		th, _ = f.a.GetThread(f.ctx, other, model.ThreadInitiative, pub.Slug)
		if d := th.Comments[0].Replies[1]; !d.Deleted || d.Body != "" || th.Count != 2 {
			t.Fatalf("deleted reply: %+v", d)
		}

		// Staff hide with a reason (audited); readers see the reason only.
		_, err = f.a.HideComment(f.ctx, lead, r1.ID, true, "off topic")
		code(t, err, model.EForbidden)
		_, err = f.a.HideComment(f.ctx, f.admin, r1.ID, true, " ")
		fieldNamed(t, err, "hidden_reason")
		if _, err := f.a.HideComment(f.ctx, f.admin, r1.ID, true, "Shares a private address."); err != nil {
			t.Fatal(err)
		}
		th, _ = f.a.GetThread(f.ctx, lead, model.ThreadInitiative, pub.Slug)
		if h := th.Comments[0].Replies[0]; !h.Hidden || h.Body != "" || h.HiddenReason != "Shares a private address." {
			t.Fatalf("hidden for a reader: %+v", h)
		}
		th, _ = f.a.GetThread(f.ctx, f.admin, model.ThreadInitiative, pub.Slug)
		if h := th.Comments[0].Replies[0]; h.Body != "Same here." || !h.CanHide {
			t.Fatalf("hidden for staff: %+v", h)
		}
		_, err = f.a.EditComment(f.ctx, other, r1.ID, "sneaky")
		code(t, err, model.EConflict)
		var audited int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action = 'comment.hide' AND entity_id = '` + strconv.FormatInt(r1.ID, 10) + `'`).Scan(&audited); err != nil || audited != 1 {
			t.Fatalf("hide audited %d times (%v)", audited, err)
		}
	})
}

func TestCommentsFollowTheirSubjectsVisibility(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		lead := f.user("lead@example.org", "Lee Lead", model.RoleMember)
		outsider := f.user("out@example.org", "Out Sider", model.RoleMember)
		f.community("northfield", nil, lead)
		c, err := f.a.ProposeConsortium(f.ctx, lead, model.ConsortiumInput{Name: "Quiet work", Problem: "Not for everyone yet.",
			CriticalCommunities: 2, CriticalPeople: 2, Visibility: model.VisibilityPrivate})
		if err != nil {
			t.Fatal(err)
		}
		// The outsider can neither read nor write the private thread: 404,
		// nothing written.
		_, err = f.a.GetThread(f.ctx, outsider, model.ThreadConsortium, c.Slug)
		code(t, err, model.ENotFound)
		_, err = f.a.PostComment(f.ctx, outsider, model.ThreadConsortium, c.Slug, model.CommentInput{Body: "let me in"})
		code(t, err, model.ENotFound)
		_, err = f.a.PostComment(f.ctx, outsider, model.ThreadConsortium, c.Slug, model.CommentInput{Body: ""})
		code(t, err, model.ENotFound) // the subject is checked before the input
		if n := f.countRows(s, "comments"); n != 0 {
			t.Fatalf("%d comments written", n)
		}
		// A member mentions the outsider and staff: only staff may see it,
		// so only staff hear of it.
		cm, err := f.a.PostComment(f.ctx, lead, model.ThreadConsortium, c.Slug, model.CommentInput{Body: "@[Out Sider] @[Sam Staff] thoughts?"})
		if err != nil {
			t.Fatal(err)
		}
		if k := f.kinds(outsider); len(k) != 0 {
			t.Fatalf("outsider notified: %v", k)
		}
		if k := f.kinds(f.admin); len(k) != 1 || k[0] != model.EventCommentMention {
			t.Fatalf("staff: %v", k)
		}
		// The comment itself is as hidden as its consortium.
		_, err = f.a.EditComment(f.ctx, outsider, cm.ID, "x")
		code(t, err, model.ENotFound)
		_, err = f.a.DeleteComment(f.ctx, outsider, cm.ID)
		code(t, err, model.ENotFound)
		// Mentions are personal: not the consortium's news.
		news, err := f.a.News(f.ctx, lead, c.Slug, 50)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range news {
			if e.Kind == model.EventCommentMention {
				t.Fatalf("a mention in the consortium's news: %+v", e)
			}
		}

		// A non-public initiative: visitors get 404.
		priv, _ := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Internal one"})
		_, err = f.a.GetThread(f.ctx, nil, model.ThreadInitiative, priv.Slug)
		code(t, err, model.ENotFound)
		code(t, f.a.FollowInitiative(f.ctx, nil, priv.Slug, true), model.EUnauthorized)
	})
}

func TestFollowingAnInitiative(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		fan := f.user("fan@example.org", "Fan Follower", model.RoleMember)
		writer := f.user("w@example.org", "Wri Ter", model.RoleMember)
		in, _ := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Followed one", Public: true})
		if err := f.a.FollowInitiative(f.ctx, fan, in.Slug, true); err != nil {
			t.Fatal(err)
		}
		if err := f.a.FollowInitiative(f.ctx, fan, in.Slug, true); err != nil { // twice is once
			t.Fatal(err)
		}
		th, _ := f.a.GetThread(f.ctx, fan, model.ThreadInitiative, in.Slug)
		if !th.Following || !th.CanFollow {
			t.Fatalf("thread for a follower: %+v", th)
		}
		if _, err := f.a.PostComment(f.ctx, writer, model.ThreadInitiative, in.Slug, model.CommentInput{Body: "Progress?"}); err != nil {
			t.Fatal(err)
		}
		// A follower mentioned hears of it once, as a mention.
		if _, err := f.a.PostComment(f.ctx, writer, model.ThreadInitiative, in.Slug, model.CommentInput{Body: "@[Fan Follower] see above"}); err != nil {
			t.Fatal(err)
		}
		// Status changes reach followers, also early moves that are not news.
		if _, err := f.a.MoveInitiative(f.ctx, f.admin, in.Slug, model.StatusDeclined, "Out of scope"); err != nil {
			t.Fatal(err)
		}
		want := []string{model.EventInitiativeStatus, model.EventCommentMention, model.EventCommentPosted}
		if k := f.kinds(fan); strings.Join(k, ",") != strings.Join(want, ",") {
			t.Fatalf("follower's notifications: %v, want %v", k, want)
		}
		if k := f.kinds(writer); len(k) != 0 {
			t.Fatalf("author notified of own comments: %v", k)
		}
		if err := f.a.FollowInitiative(f.ctx, fan, in.Slug, false); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.PostComment(f.ctx, writer, model.ThreadInitiative, in.Slug, model.CommentInput{Body: "Anyone?"}); err != nil {
			t.Fatal(err)
		}
		if k := f.kinds(fan); len(k) != 3 {
			t.Fatalf("notified after unfollowing: %v", k)
		}
		var follows int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM audit_log WHERE action IN ('initiative.follow', 'initiative.unfollow')`).Scan(&follows); err != nil || follows != 2 {
			t.Fatalf("follow audited %d times (%v)", follows, err)
		}
	})
}
