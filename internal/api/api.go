// Package api is consortia's JSON API under /api/v1, built with huma so the
// OpenAPI 3.1 document at /api/v1/openapi.json is generated from the same
// types that decode requests. Every error is RFC 9457 problem details.
package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"

	"consortia/internal/app"
	"consortia/internal/identity"
	"consortia/internal/model"
	"consortia/internal/problem"
)

// Prefix is where the API lives.
const Prefix = "/api/v1"

// MaxBodyBytes bounds every request body.
const MaxBodyBytes = 256 << 10

// Handler holds what the API's handlers need.
type Handler struct {
	app *app.App
	log *slog.Logger
}

// Register adds the API's routes to mux and returns the huma API (for
// its OpenAPI document).
func Register(mux *http.ServeMux, a *app.App, baseURL, version string, log *slog.Logger) huma.API {
	cfg := huma.DefaultConfig("consortia API", version)
	cfg.Info.Description = "Member communities and their people; the roadmap of initiatives and narratives; consortia with their meetings, demos and prioritization rounds; co-funding goals, pledges, budget rounds and matching pools; updates, requests and notification preferences; grant proposals. " +
		"Authenticate with `Authorization: Bearer <token>` (create a token on your account page or with `consortia token create`); reads of public information need no token. " +
		"Errors are RFC 9457 problem details; `errors[].location` names the field at fault."
	cfg.Info.Contact = &huma.Contact{Name: "The operators of this consortia instance", URL: baseURL + "/"}
	cfg.Info.License = &huma.License{Name: "BSD 3-Clause License", Identifier: "BSD-3-Clause"}
	cfg.Tags = tags
	cfg.Servers = []*huma.Server{{URL: baseURL + Prefix}}
	cfg.OpenAPIPath = "/openapi"
	cfg.DocsPath = "" // huma's docs page loads scripts from a CDN; the web UI serves its own API page
	cfg.SchemasPath = "/schemas"
	cfg.Components.SecuritySchemes = map[string]*huma.SecurityScheme{
		"bearer": {Type: "http", Scheme: "bearer", Description: "An API token (cst_…)."},
	}
	api := humago.NewWithPrefix(mux, Prefix, cfg)
	api.UseMiddleware(guard(api))
	h := &Handler{app: a, log: log}
	h.routes(api)
	// The letter upload's file is described inline in its multipart body;
	// huma also registers the FormFile type as a schema nobody refers to.
	delete(api.OpenAPI().Components.Schemas.Map(), "FormFile")
	return api
}

// fail converts an application error to a huma problem, keeping the
// status mapping in one place (package problem).
func (h *Handler) fail(ctx context.Context, err error) error {
	status := problem.Status(err)
	if status == http.StatusInternalServerError {
		h.log.ErrorContext(ctx, "internal error", "err", err)
		return huma.NewError(status, "An internal error occurred.")
	}
	var details []error
	for _, f := range model.ErrorFields(err) {
		details = append(details, &huma.ErrorDetail{Message: f.Message, Location: problem.Location(f.Field)})
	}
	var se huma.StatusError
	if errors.As(err, &se) {
		return se
	}
	return huma.NewError(status, model.ErrorMessage(err), details...)
}

func actor(ctx context.Context) *model.User { return identity.User(ctx) }

// Pagination is the query for list endpoints.
type Pagination struct {
	Page    int `query:"page" minimum:"1" default:"1" doc:"Page number, from 1."`
	PerPage int `query:"per_page" minimum:"1" maximum:"100" default:"25" doc:"Items per page (at most 100)."`
}

func (p Pagination) page() model.Page { return model.Page{Number: p.Page, Size: p.PerPage} }

// PageInfo describes where a list page stands.
type PageInfo struct {
	Total   int `json:"total" doc:"Number of items matching the query."`
	Page    int `json:"page"`
	PerPage int `json:"per_page"`
	Pages   int `json:"pages"`
}

func pageInfo(p model.Page, total int) PageInfo {
	p = p.Normalize()
	return PageInfo{Total: total, Page: p.Number, PerPage: p.Size, Pages: p.Pages(total)}
}
