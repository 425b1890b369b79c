package web

import (
	"net/http"

	"consortia/internal/model"
)

// storyFromForm reads a user story of impact from a form's story.* fields.
func storyFromForm(r *http.Request) model.Story {
	f := r.PostForm
	return model.Story{Who: f.Get("story.who"), Before: f.Get("story.before"), After: f.Get("story.after"),
		Quote: f.Get("story.quote"), Numbers: f.Get("story.numbers")}
}

// storyFields fills the "story-fields" partial: a form's story inputs with
// what was sent back after a problem, or else the story on record.
type storyFields struct {
	Page  *Page
	Form  string // the form's name, the prefix of its fields' errors
	Story model.Story
}

// Value is a field's value: as sent when the form came back with a problem.
func (s storyFields) Value(field string) string {
	if len(s.Page.Form) > 0 {
		return s.Page.Value(s.Form + ".story." + field)
	}
	switch field {
	case "who":
		return s.Story.Who
	case "before":
		return s.Story.Before
	case "after":
		return s.Story.After
	case "quote":
		return s.Story.Quote
	default:
		return s.Story.Numbers
	}
}

// Err is a field's problem, if any.
func (s storyFields) Err(field string) string { return s.Page.Err(s.Form + ".story." + field) }

// ID is a field's element id, unique on the page.
func (s storyFields) ID(field string) string { return s.Form + "-story-" + field }
