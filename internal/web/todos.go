package web

import (
	"net/http"

	"consortia/internal/model"
)

// todoCount is how many to-dos wait for a signed-in person, for the menu.
// A page still renders if they cannot be read (the number is left out).
func (ui *UI) todoCount(r *http.Request, u *model.User) int {
	if u == nil || u.DisabledAt != nil {
		return 0
	}
	if list, ok := r.Context().Value(todosKey{}).([]model.Todo); ok {
		return len(list)
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
