package web

import (
	"net/http"
	"net/url"
	"strconv"

	"consortia/internal/app"
	"consortia/internal/model"
)

// threadSection is the discussion shown at the foot of an initiative,
// narrative, consortium or meeting page.
type threadSection struct {
	*app.Thread
	// Action is where the page's new comments are posted; FollowAction
	// where its follow button posts (initiatives only).
	Action, FollowAction string
	// Login is the sign-in link that comes back to the discussion.
	Login string
}

// threadPaths are the page paths of each kind of thread.
var threadPaths = map[string]string{
	model.ThreadInitiative: "/initiatives/",
	model.ThreadNarrative:  "/narratives/",
	model.ThreadConsortium: "/consortia/",
	model.ThreadMeeting:    "/meetings/",
}

// withThread loads the discussion of a page's subject (as the reader may
// see it) into the page.
func (ui *UI) withThread(r *http.Request, p *Page, kind string, id int64) error {
	ref := strconv.FormatInt(id, 10)
	t, err := ui.app.GetThread(r.Context(), user(r), kind, ref)
	if err != nil {
		return err
	}
	s := &threadSection{Thread: t, Action: threadPaths[kind] + ref + "/comments",
		Login: "/login?next=" + url.QueryEscape(r.URL.Path+"#discussion")}
	if t.CanFollow {
		s.FollowAction = threadPaths[kind] + ref + "/follow"
	}
	p.Thread = s
	return nil
}

// commentFormData is the page that shows a comment form again when what
// was sent could not be saved.
type commentFormData struct {
	Heading, Action, Field, Label, Value, Back string
	Hidden                                     map[string]string
}

// commentFailed answers a comment form that could not be saved: input
// problems come back on a page with the text kept; anything else is an
// error page.
func (ui *UI) commentFailed(w http.ResponseWriter, r *http.Request, err error, d commentFormData) {
	if !inputProblem(err) {
		ui.Error(w, r, err)
		return
	}
	p := ui.page(r, d.Heading, "", d)
	p.Message = model.ErrorMessage(err)
	for _, f := range model.ErrorFields(err) {
		p.Errors[f.Field] = f.Message
		p.Message += " " + f.Message + "."
	}
	ui.render(w, r, http.StatusUnprocessableEntity, "comment_form", p)
}

// PostComment adds a comment or reply to the discussion of a subject of a
// kind (the page path's {ref}).
func (ui *UI) PostComment(kind string) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		ref := r.PathValue("ref")
		in := model.CommentInput{Body: r.PostForm.Get("text")}
		parent := r.PostForm.Get("parent_id")
		if parent != "" {
			id, err := strconv.ParseInt(parent, 10, 64)
			if err != nil || id <= 0 {
				return fieldProblem("parent_id", "is not a comment of this discussion")
			}
			in.ParentID = id
		}
		c, err := ui.app.PostComment(r.Context(), user(r), kind, ref, in)
		if err != nil {
			heading := "Your comment was not posted"
			if parent != "" {
				heading = "Your reply was not posted"
			}
			ui.commentFailed(w, r, err, commentFormData{Heading: heading, Action: r.URL.Path, Field: "text", Label: "Your comment",
				Value: in.Body, Back: threadPaths[kind] + url.PathEscape(ref) + "#discussion", Hidden: map[string]string{"parent_id": parent}})
			return nil
		}
		return ui.backToComment(w, r, c, "Your comment is posted.")
	})
}

// backToComment answers a comment form that worked: the message, and back
// to the comment on its page.
func (ui *UI) backToComment(w http.ResponseWriter, r *http.Request, c *model.Comment, msg string) error {
	ui.flash(r, msg)
	redirect(w, r, c.URL)
	return nil
}

// commentForm reads the comment id of the path and the posted form.
func commentForm(r *http.Request) (int64, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return 0, err
	}
	return id, parseForm(r)
}

// EditComment replaces the text of the signed-in person's comment.
func (ui *UI) EditComment() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := commentForm(r)
		if err != nil {
			return err
		}
		text := r.PostForm.Get("text")
		c, err := ui.app.EditComment(r.Context(), user(r), id, text)
		if err != nil {
			ui.commentFailed(w, r, err, commentFormData{Heading: "Your edit was not saved", Action: r.URL.Path, Field: "text",
				Label: "Your comment", Value: text})
			return nil
		}
		return ui.backToComment(w, r, c, "Your comment is updated.")
	})
}

// DeleteComment deletes the signed-in person's comment.
func (ui *UI) DeleteComment() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		c, err := ui.app.DeleteComment(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		return ui.backToComment(w, r, c, "Your comment is deleted.")
	})
}

// HideComment hides a comment with a reason, or shows it again (staff).
func (ui *UI) HideComment() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := commentForm(r)
		if err != nil {
			return err
		}
		hidden := r.PostForm.Get("hidden") != "0"
		reason := r.PostForm.Get("hidden_reason")
		c, err := ui.app.HideComment(r.Context(), user(r), id, hidden, reason)
		if err != nil {
			ui.commentFailed(w, r, err, commentFormData{Heading: "The comment was not hidden", Action: r.URL.Path, Field: "hidden_reason",
				Label: "Why hide it (readers see this)", Value: reason, Hidden: map[string]string{"hidden": "1"}})
			return nil
		}
		if hidden {
			return ui.backToComment(w, r, c, "The comment is hidden.")
		}
		return ui.backToComment(w, r, c, "The comment is shown again.")
	})
}

// FollowInitiative starts or stops the signed-in person's following of an
// initiative.
func (ui *UI) FollowInitiative() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := parseForm(r); err != nil {
			return err
		}
		ref := r.PathValue("ref")
		on := r.PostForm.Get("on") != "0"
		if err := ui.app.FollowInitiative(r.Context(), user(r), ref, on); err != nil {
			return err
		}
		if on {
			ui.flash(r, "You follow this initiative: you will hear of its comments and status changes.")
		} else {
			ui.flash(r, "You no longer follow this initiative.")
		}
		redirect(w, r, "/initiatives/"+url.PathEscape(ref)+"#discussion")
		return nil
	})
}
