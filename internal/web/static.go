package web

import "net/http"

// Static serves the embedded stylesheets, scripts and images.
func (ui *UI) Static() http.Handler { return ui.static }

// Favicon serves the site icon.
func (ui *UI) Favicon() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		http.Redirect(w, r, "/static/icon.svg", http.StatusMovedPermanently)
		return nil
	})
}
