package web

import (
	"net/http"
	"sort"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

type apiOperation struct {
	Method, Path, Summary, Tag string
}

// APIDocs lists the JSON API's operations from its OpenAPI document, on a
// page served by us (huma's own docs page would load scripts from a CDN).
func (ui *UI) APIDocs(api huma.API) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		var ops []apiOperation
		for path, item := range api.OpenAPI().Paths {
			for method, op := range map[string]*huma.Operation{"GET": item.Get, "POST": item.Post, "PUT": item.Put, "PATCH": item.Patch, "DELETE": item.Delete} {
				if op == nil {
					continue
				}
				tag := ""
				if len(op.Tags) > 0 {
					tag = op.Tags[0]
				}
				ops = append(ops, apiOperation{Method: method, Path: "/api/v1" + path, Summary: op.Summary, Tag: tag})
			}
		}
		sort.Slice(ops, func(i, j int) bool {
			if ops[i].Tag != ops[j].Tag {
				return ops[i].Tag < ops[j].Tag
			}
			if ops[i].Path != ops[j].Path {
				return ops[i].Path < ops[j].Path
			}
			return strings.Compare(ops[i].Method, ops[j].Method) < 0
		})
		ui.render(w, r, http.StatusOK, "api", ui.page(r, "JSON API", "api", map[string]any{"Operations": ops, "BaseURL": ui.cfg.BaseURL}))
		return nil
	})
}
