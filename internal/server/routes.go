package server

import (
	"log/slog"
	"net/http"

	"consortia/internal/api"
	"consortia/internal/app"
	"consortia/internal/web"
)

// addRoutes lists every route of the application, top to bottom. The JSON
// API's operations are listed in internal/api/routes.go.
func addRoutes(mux *http.ServeMux, a *app.App, ui *web.UI, metrics *Metrics, cfg Config, log *slog.Logger) {
	// Operations.
	mux.Handle("GET /healthz", handleHealthz())
	mux.Handle("GET /readyz", handleReadyz(a))
	mux.Handle("GET /metrics", metrics.Handler())

	// JSON API, /api/v1/…
	openapi := api.Register(mux, a, cfg.BaseURL, cfg.Version, log)
	mux.Handle("GET /api/v1/{$}", http.RedirectHandler("/api", http.StatusFound))
	mux.Handle("/api/", ui.APINotFound())

	// Web pages.
	mux.Handle("GET /static/", ui.Static())
	mux.Handle("GET /favicon.ico", ui.Favicon())
	mux.Handle("GET /{$}", ui.Home())
	mux.Handle("GET /api", ui.APIDocs(openapi))

	mux.Handle("GET /login", ui.LoginForm())
	mux.Handle("POST /login", ui.Login())
	mux.Handle("POST /logout", ui.Logout())

	mux.Handle("GET /communities", ui.Communities())
	mux.Handle("GET /communities/new", ui.NewCommunityForm())
	mux.Handle("POST /communities", ui.CreateCommunity())
	mux.Handle("GET /communities/{ref}", ui.Community())
	mux.Handle("GET /communities/{ref}/edit", ui.EditCommunityForm())
	mux.Handle("POST /communities/{ref}/edit", ui.UpdateCommunity())
	mux.Handle("POST /communities/{ref}/archive", ui.ArchiveCommunity(true))
	mux.Handle("POST /communities/{ref}/restore", ui.ArchiveCommunity(false))
	mux.Handle("POST /communities/{ref}/people", ui.AddAffiliation())
	mux.Handle("POST /communities/{ref}/people/{user}/remove", ui.RemoveAffiliation())

	mux.Handle("GET /people", ui.People())
	mux.Handle("GET /people/{id}", ui.Person())

	mux.Handle("GET /account", ui.Account())
	mux.Handle("POST /account/password", ui.ChangePassword())
	mux.Handle("POST /account/tokens", ui.CreateToken())
	mux.Handle("POST /account/tokens/{id}/revoke", ui.RevokeToken())

	mux.Handle("GET /admin", http.RedirectHandler("/admin/users", http.StatusFound))
	mux.Handle("GET /admin/users", ui.AdminUsers())
	mux.Handle("POST /admin/users", ui.AdminCreateUser())
	mux.Handle("GET /admin/users/{id}", ui.AdminUser())
	mux.Handle("POST /admin/users/{id}", ui.AdminUpdateUser())
	mux.Handle("POST /admin/users/{id}/disable", ui.AdminDisableUser(true))
	mux.Handle("POST /admin/users/{id}/enable", ui.AdminDisableUser(false))
	mux.Handle("GET /admin/audit", ui.AdminAudit())
	mux.Handle("GET /admin/audit.csv", ui.AdminAuditExport("csv"))
	mux.Handle("GET /admin/audit.json", ui.AdminAuditExport("json"))

	mux.Handle("/", ui.NotFound())
}
