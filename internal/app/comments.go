package app

import (
	"context"
	"fmt"
	"strings"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Thread is a discussion as one reader may see it: top-level comments
// with their replies, and what the reader may do.
type Thread struct {
	Kind       string           `json:"subject_kind"`
	SubjectID  int64            `json:"subject_id"`
	Title      string           `json:"-"`
	URL        string           `json:"-"`
	Comments   []*model.Comment `json:"items"`
	Count      int              `json:"count" doc:"Comments that are neither deleted nor hidden, replies included."`
	CanComment bool             `json:"can_comment"`
	// Following is whether the reader follows the subject (initiatives
	// only); CanFollow whether they may.
	CanFollow bool `json:"can_follow"`
	Following bool `json:"following"`
}

// GetThread returns the discussion of a subject the reader may see (else
// 404). It only reads.
func (a *App) GetThread(ctx context.Context, reader *model.User, kind, ref string) (*Thread, error) {
	s, err := loadThreadSubject(ctx, a.store, reader, kind, ref)
	if err != nil {
		return nil, err
	}
	list, err := a.store.Comments(ctx, s.Kind, s.ID)
	if err != nil {
		return nil, err
	}
	signedIn := requireSignIn(reader) == nil
	t := &Thread{Kind: s.Kind, SubjectID: s.ID, Title: s.Title, URL: s.URL, Comments: []*model.Comment{}, CanComment: signedIn}
	top := map[int64]*model.Comment{}
	for _, c := range list {
		screenComment(reader, s, c)
		if !c.Deleted && !c.Hidden {
			t.Count++
		}
		if c.ParentID == nil {
			top[c.ID] = c
			t.Comments = append(t.Comments, c)
		} else if p := top[*c.ParentID]; p != nil {
			p.Replies = append(p.Replies, c)
		}
	}
	if s.Kind == model.ThreadInitiative && signedIn {
		t.CanFollow = true
		if t.Following, err = a.store.Following(ctx, s.ID, reader.ID); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// screenComment leaves what the reader may see of a comment of a thread
// they see: a hidden comment's text and history only for staff.
func screenComment(reader *model.User, s *threadSubject, c *model.Comment) {
	c.URL = fmt.Sprintf("%s#comment-%d", s.URL, c.ID)
	c.CanEdit = reader != nil && reader.DisabledAt == nil && reader.ID == c.AuthorID && !c.Deleted && !c.Hidden
	c.CanHide = reader.IsAdmin() && !c.Deleted
	if c.Hidden && !reader.IsAdmin() {
		c.Body, c.History = "", []model.CommentEdit{}
	}
	if reader == nil {
		c.HiddenBy = ""
	}
}

// PostComment adds a comment (or a reply) to the discussion of a subject
// the actor may see, and tells the people it mentions who may see it and,
// on an initiative, its followers.
func (a *App) PostComment(ctx context.Context, actor *model.User, kind, ref string, in model.CommentInput) (*model.Comment, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Body = strings.TrimSpace(in.Body)
	var out *model.Comment
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		// The subject first: on something the actor cannot see, 404
		// whatever the input.
		s, err := loadThreadSubject(ctx, tx, actor, kind, ref)
		if err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		var parent *int64
		if in.ParentID != 0 {
			p, err := tx.CommentByID(ctx, in.ParentID)
			if err != nil || p.SubjectKind != s.Kind || p.SubjectID != s.ID || p.Deleted {
				var pr model.Problems
				pr.Add("parent_id", "is not a comment of this discussion")
				return pr.Err()
			}
			if p.ParentID != nil {
				p.ID = *p.ParentID // replies are one level deep: a reply to a reply joins its thread
			}
			parent = &p.ID
		}
		c, err := tx.InsertComment(ctx, s.Kind, s.ID, parent, actor.ID, in.Body)
		if err != nil {
			return err
		}
		screenComment(actor, s, c)
		if err := tx.Audit(ctx, actor, "comment.create", "comment", idStr(c.ID), nil, c); err != nil {
			return err
		}
		told, err := a.tellMentioned(ctx, tx, actor, s, c, model.Mentions(c.Body))
		if err != nil {
			return err
		}
		if s.Kind == model.ThreadInitiative {
			told[actor.ID] = true
			if err := a.tellFollowers(ctx, tx, actor, s, c, told); err != nil {
				return err
			}
		}
		out = c
		return nil
	})
	return out, err
}

// commentEvent is the notification of a comment: its text, shortened,
// and a link to it.
func commentEvent(kind, title string, s *threadSubject, c *model.Comment) model.Event {
	return model.Event{Kind: kind, Audience: model.AudiencePeople, Title: title, Body: model.Excerpt(c.Body, 300),
		URL: c.URL, ConsortiumID: s.ConsortiumID}
}

// tellMentioned notifies the people a comment names who may see its
// subject (never its author); others are not told, and the answer is the
// same either way. It returns who was told.
func (a *App) tellMentioned(ctx context.Context, tx *storage.Tx, actor *model.User, s *threadSubject, c *model.Comment, names []string) (map[int64]bool, error) {
	told := map[int64]bool{}
	if len(names) == 0 {
		return told, nil
	}
	people, err := tx.UsersNamed(ctx, names)
	if err != nil {
		return nil, err
	}
	to, err := whoSee(ctx, tx, people, s, map[int64]bool{actor.ID: true})
	if err != nil || len(to) == 0 {
		return told, err
	}
	e := commentEvent(model.EventCommentMention, actor.Name+" mentioned you in the discussion of "+s.Title, s, c)
	e.To = to
	for _, id := range to {
		told[id] = true
	}
	return told, a.emit(ctx, tx, actor, e, nil)
}

// EditComment replaces the text of the actor's own comment; the earlier
// text stays in its history. People newly mentioned are told.
func (a *App) EditComment(ctx context.Context, actor *model.User, id int64, body string) (*model.Comment, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in := model.CommentInput{Body: strings.TrimSpace(body)}
	var out *model.Comment
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, s, err := a.visibleComment(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if before.AuthorID != actor.ID {
			return forbidden("You can edit only your own comments.")
		}
		if before.Deleted || before.Hidden {
			return model.Errorf(model.EConflict, "This comment was deleted or hidden and can no longer be edited.")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := tx.EditComment(ctx, id, in.Body); err != nil {
			return err
		}
		c, err := tx.CommentByID(ctx, id)
		if err != nil {
			return err
		}
		screenComment(actor, s, c)
		if err := tx.Audit(ctx, actor, "comment.edit", "comment", idStr(id), before.Body, c.Body); err != nil {
			return err
		}
		var added []string
		old := map[string]bool{}
		for _, n := range model.Mentions(before.Body) {
			old[strings.ToLower(n)] = true
		}
		for _, n := range model.Mentions(c.Body) {
			if !old[strings.ToLower(n)] {
				added = append(added, n)
			}
		}
		if _, err := a.tellMentioned(ctx, tx, actor, s, c, added); err != nil {
			return err
		}
		out = c
		return nil
	})
	return out, err
}

// DeleteComment removes the text of the actor's own comment (its replies
// stay) and returns what is left of it.
func (a *App) DeleteComment(ctx context.Context, actor *model.User, id int64) (*model.Comment, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var out *model.Comment
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, s, err := a.visibleComment(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if before.AuthorID != actor.ID {
			return forbidden("You can delete only your own comments.")
		}
		if before.Deleted {
			return model.NotFound(model.EntityComment, id)
		}
		if err := tx.DeleteComment(ctx, id); err != nil {
			return err
		}
		if out, err = tx.CommentByID(ctx, id); err != nil {
			return err
		}
		screenComment(actor, s, out)
		return tx.Audit(ctx, actor, "comment.delete", "comment", idStr(id), before, nil)
	})
	return out, err
}

// HideComment lets staff hide a comment with a reason people read in its
// place (audited), or show it again.
func (a *App) HideComment(ctx context.Context, actor *model.User, id int64, hidden bool, reason string) (*model.Comment, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	var out *model.Comment
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		before, s, err := a.visibleComment(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if hidden {
			if err := model.ValidateHideReason(reason); err != nil {
				return err
			}
		}
		if err := tx.HideComment(ctx, id, hidden, actor.Name, reason); err != nil {
			return err
		}
		action := "comment.hide"
		if !hidden {
			action = "comment.show"
		}
		c, err := tx.CommentByID(ctx, id)
		if err != nil {
			return err
		}
		type state struct {
			Hidden bool   `json:"hidden"`
			Reason string `json:"reason,omitempty"`
		}
		if err := tx.Audit(ctx, actor, action, "comment", idStr(id), state{before.Hidden, before.HiddenReason}, state{c.Hidden, c.HiddenReason}); err != nil {
			return err
		}
		screenComment(actor, s, c)
		out = c
		return nil
	})
	return out, err
}

// visibleComment loads a comment whose subject the actor may see; any
// other comment is not found, so its existence is not revealed.
func (a *App) visibleComment(ctx context.Context, tx *storage.Tx, actor *model.User, id int64) (*model.Comment, *threadSubject, error) {
	c, err := tx.CommentByID(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	s, err := loadThreadSubject(ctx, tx, actor, c.SubjectKind, idStr(c.SubjectID))
	if err != nil {
		if model.ErrorCode(err) == model.ENotFound {
			return nil, nil, model.NotFound(model.EntityComment, id)
		}
		return nil, nil, err
	}
	return c, s, nil
}
