package model

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Kinds of things a discussion thread can be about. Each kind's visibility
// is that of the thing itself (decided in app); a new kind (proposals, when
// they exist) is added there, without a migration.
const (
	ThreadInitiative = "initiative"
	ThreadNarrative  = "narrative"
	ThreadConsortium = "consortium"
	ThreadMeeting    = "meeting"
)

// Limits of comments.
const (
	MaxCommentLength      = 10000
	MaxHideReasonLength   = 300
	MaxMentionsPerComment = 20
)

// Comment is one comment of a thread. A reply names its parent (a
// top-level comment: replies are one level deep). A deleted comment keeps
// its place without its text; a hidden one shows staff's reason instead of
// its text to everyone but staff.
type Comment struct {
	ID           int64         `json:"id"`
	SubjectKind  string        `json:"subject_kind" enum:"initiative,narrative,consortium,meeting"`
	SubjectID    int64         `json:"subject_id"`
	ParentID     *int64        `json:"parent_id,omitempty" doc:"The comment this one replies to."`
	AuthorID     int64         `json:"author_id"`
	AuthorName   string        `json:"author_name"`
	Body         string        `json:"text" doc:"Markdown; empty when deleted, or hidden (except for staff)."`
	CreatedAt    time.Time     `json:"created_at"`
	EditedAt     *time.Time    `json:"edited_at,omitempty"`
	Deleted      bool          `json:"deleted"`
	Hidden       bool          `json:"hidden"`
	HiddenReason string        `json:"hidden_reason,omitempty"`
	HiddenBy     string        `json:"hidden_by,omitempty"`
	History      []CommentEdit `json:"history" doc:"Earlier versions of an edited comment, oldest first."`
	Replies      []*Comment    `json:"replies,omitempty"`
	URL          string        `json:"url" doc:"Path of the comment on its page, e.g. /initiatives/cost-dashboards#comment-7."`
	// What the reader may do with it.
	CanEdit bool `json:"can_edit"`
	CanHide bool `json:"can_hide"`
}

// CommentEdit is an earlier version of an edited comment.
type CommentEdit struct {
	Body      string    `json:"text"`
	WrittenAt time.Time `json:"written_at"`
}

// CommentInput is a new comment (ParentID 0: top level) or an edit.
type CommentInput struct {
	Body     string
	ParentID int64
}

// Validate checks a comment's text.
func (in CommentInput) Validate() error {
	var p Problems
	checkText(&p, "text", in.Body, true, MaxCommentLength)
	if in.ParentID < 0 {
		p.Add("parent_id", "must be the id of a comment")
	}
	if len(Mentions(in.Body)) > MaxMentionsPerComment {
		p.Add("text", "may mention at most %d people", MaxMentionsPerComment)
	}
	return p.Err()
}

// ValidateHideReason checks the reason staff give for hiding a comment.
func ValidateHideReason(reason string) error {
	var p Problems
	checkLine(&p, "hidden_reason", reason, true, MaxHideReasonLength)
	return p.Err()
}

// mentionPattern is a mention: @[Full Name], the name as people see it.
var mentionPattern = regexp.MustCompile(`@\[([^\[\]\n]{1,120})\]`)

// Mentions lists the distinct names a text mentions as @[Full Name]
// (case as written, surrounding spaces trimmed).
func Mentions(text string) []string {
	var out []string
	seen := map[string]bool{}
	for _, m := range mentionPattern.FindAllStringSubmatch(text, -1) {
		name := strings.TrimSpace(m[1])
		key := strings.ToLower(name)
		if name == "" || seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, name)
	}
	return out
}

// Excerpt shortens a text to at most n characters for a notification,
// cutting at a word where it can.
func Excerpt(text string, n int) string {
	text = strings.Join(strings.Fields(text), " ")
	if utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)[:n]
	s := string(r)
	if i := strings.LastIndexByte(s, ' '); i > n/2 {
		s = s[:i]
	}
	return s + "…"
}
