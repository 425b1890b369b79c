package web

import (
	"net/http"
	"strconv"

	"consortia/internal/model"
)

// handlerFunc is a page handler that returns its failure instead of writing
// it: one adapter, handle, turns every error into the same error page.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// handle adapts a handlerFunc to net/http, rendering a returned error with
// the status its code maps to (and sending anonymous visitors to sign in).
func (ui *UI) handle(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			ui.Error(w, r, err)
		}
	})
}

// pathID reads a numeric path parameter; a value that is not a positive
// whole number is a not-found error, like any unknown page.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, model.Errorf(model.ENotFound, "There is no page at %s.", r.URL.Path)
	}
	return id, nil
}
