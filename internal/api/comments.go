package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
)

// SubjectPath names the thing a discussion is about.
type SubjectPath struct {
	ID string `path:"id" maxLength:"64" doc:"Numeric id, or slug (initiatives, narratives and consortia)."`
}

// ThreadOutput is a discussion: top-level comments with their replies.
type ThreadOutput struct {
	Body *app.Thread
}

// PostCommentInput is a new comment or reply.
type PostCommentInput struct {
	SubjectPath
	Body struct {
		Body     string `json:"text" maxLength:"10000" doc:"Markdown. Mention people as @[Full Name]: those who can see the discussion are notified."`
		ParentID int64  `json:"parent_id,omitempty" minimum:"0" doc:"The comment to reply to; replies are one level deep."`
	}
}

// CreatedComment is a posted comment and where it lives.
type CreatedComment struct {
	Location string `header:"Location"`
	Body     *model.Comment
}

// CommentPath names a comment.
type CommentPath struct {
	ID int64 `path:"id" minimum:"1"`
}

// PatchCommentInput edits a comment (its author) or hides or shows it
// (staff).
type PatchCommentInput struct {
	CommentPath
	Body struct {
		Body         *string `json:"text,omitempty" maxLength:"10000" doc:"New Markdown text (the author only); the earlier text is kept in the history."`
		Hidden       *bool   `json:"hidden,omitempty" doc:"Hide (true) or show again (false); staff only."`
		HiddenReason string  `json:"hidden_reason,omitempty" maxLength:"300" doc:"Why it is hidden; required when hiding. Readers see it in the comment's place."`
	}
}

// CommentOutput is one comment.
type CommentOutput struct {
	Body *model.Comment
}

func (h *Handler) getThread(kind string) func(context.Context, *SubjectPath) (*ThreadOutput, error) {
	return func(ctx context.Context, in *SubjectPath) (*ThreadOutput, error) {
		t, err := h.app.GetThread(ctx, actor(ctx), kind, in.ID)
		if err != nil {
			return nil, h.fail(ctx, err)
		}
		return &ThreadOutput{Body: t}, nil
	}
}

func (h *Handler) postComment(kind string) func(context.Context, *PostCommentInput) (*CreatedComment, error) {
	return func(ctx context.Context, in *PostCommentInput) (*CreatedComment, error) {
		c, err := h.app.PostComment(ctx, actor(ctx), kind, in.ID, model.CommentInput{Body: in.Body.Body, ParentID: in.Body.ParentID})
		if err != nil {
			return nil, h.fail(ctx, err)
		}
		return &CreatedComment{Location: fmt.Sprintf("%s/comments/%d", Prefix, c.ID), Body: c}, nil
	}
}

func (h *Handler) patchComment(ctx context.Context, in *PatchCommentInput) (*CommentOutput, error) {
	b := in.Body
	var c *model.Comment
	var err error
	switch {
	case b.Body != nil && b.Hidden != nil, b.Body == nil && b.Hidden == nil:
		var p model.Problems
		p.Add("text", "send either text (to edit) or hidden (to hide or show)")
		err = p.Err()
	case b.Body != nil:
		c, err = h.app.EditComment(ctx, actor(ctx), in.ID, *b.Body)
	default:
		c, err = h.app.HideComment(ctx, actor(ctx), in.ID, *b.Hidden, b.HiddenReason)
	}
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CommentOutput{Body: c}, nil
}

func (h *Handler) deleteComment(ctx context.Context, in *CommentPath) (*struct{}, error) {
	if _, err := h.app.DeleteComment(ctx, actor(ctx), in.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

func (h *Handler) follow(on bool) func(context.Context, *SubjectPath) (*struct{}, error) {
	return func(ctx context.Context, in *SubjectPath) (*struct{}, error) {
		if err := h.app.FollowInitiative(ctx, actor(ctx), in.ID, on); err != nil {
			return nil, h.fail(ctx, err)
		}
		return nil, nil
	}
}

// discussionRoutes lists the operations on discussion threads and on
// following initiatives.
func (h *Handler) discussionRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const tag = "Discussion"
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	for _, s := range []struct{ kind, path, one string }{
		{model.ThreadInitiative, "initiatives", "an initiative"},
		{model.ThreadNarrative, "narratives", "a narrative"},
		{model.ThreadConsortium, "consortia", "a consortium"},
		{model.ThreadMeeting, "meetings", "a meeting"},
	} {
		huma.Register(api, op("list-"+s.kind+"-comments", http.MethodGet, "/"+s.path+"/{id}/comments", "The discussion of "+s.one, tag), h.getThread(s.kind))
		huma.Register(api, status(op("post-"+s.kind+"-comment", http.MethodPost, "/"+s.path+"/{id}/comments", "Comment on "+s.one+" (signed in)", tag), http.StatusCreated), h.postComment(s.kind))
	}
	huma.Register(api, op("update-comment", http.MethodPatch, "/comments/{id}", "Edit your comment, or hide or show one (staff)", tag), h.patchComment)
	huma.Register(api, status(op("delete-comment", http.MethodDelete, "/comments/{id}", "Delete your comment", tag), http.StatusNoContent), h.deleteComment)
	huma.Register(api, status(op("follow-initiative", http.MethodPut, "/initiatives/{id}/follow", "Follow an initiative (signed in)", tag), http.StatusNoContent), h.follow(true))
	huma.Register(api, status(op("unfollow-initiative", http.MethodDelete, "/initiatives/{id}/follow", "Stop following an initiative", tag), http.StatusNoContent), h.follow(false))
}
