package web

import (
	"net/http"
	"time"

	"consortia/internal/model"
)

// todoCount is how many to-dos wait for a signed-in person, for the menu;
// it also notes the visit (see app.NoteVisit). A page still renders if
// either fails (the number is left out).
func (ui *UI) todoCount(r *http.Request, u *model.User) int {
	if u == nil || u.DisabledAt != nil {
		return 0
	}
	if list, ok := r.Context().Value(todosKey{}).([]model.Todo); ok {
		return len(list)
	}
	if _, err := ui.noteVisit(r, u); err != nil {
		ui.log.Error("note visit", "path", r.URL.Path, "err", err)
	}
	list, err := ui.app.Todos(r.Context(), u)
	if err != nil {
		ui.log.Error("to-do count", "path", r.URL.Path, "err", err)
		return 0
	}
	return len(list)
}

// todosKey carries the to-dos a handler already read (the dashboard), so
// the menu's count does not read them again.
type todosKey struct{}

// visitNotedKey marks a request whose visit was already noted.
type visitNotedKey struct{}

// noteVisit records that a signed-in person is here (app writes at most
// once every 15 minutes) and returns when their previous visit ended.
func (ui *UI) noteVisit(r *http.Request, u *model.User) (time.Time, error) {
	if u == nil || r.Context().Value(visitNotedKey{}) != nil {
		return time.Time{}, nil
	}
	return ui.app.NoteVisit(r.Context(), u)
}
