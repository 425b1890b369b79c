package web

import "net/http"

// Static serves the embedded stylesheets, scripts and images.
func (ui *UI) Static() http.Handler { return ui.static }

// Favicon serves the site icon.
func (ui *UI) Favicon() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/static/icon.svg", http.StatusMovedPermanently)
	})
}
