package api

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// routes lists every API operation, top to bottom.
func (h *Handler) routes(api huma.API) {
	op := func(id, method, path, summary, tag string) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag},
			MaxBodyBytes: MaxBodyBytes, Security: bearer}
	}
	huma.Register(api, op("get-me", http.MethodGet, "/me", "The signed-in person", "People"), h.getMe)

	huma.Register(api, op("list-communities", http.MethodGet, "/communities", "List communities", "Communities"), h.listCommunities)
	create := op("create-community", http.MethodPost, "/communities", "Create a community (staff)", "Communities")
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, h.createCommunity)
	huma.Register(api, op("get-community", http.MethodGet, "/communities/{id}", "Get a community by id or slug", "Communities"), h.getCommunity)
	huma.Register(api, op("update-community", http.MethodPatch, "/communities/{id}", "Update a community (staff or its lead)", "Communities"), h.updateCommunity)
	huma.Register(api, op("archive-community", http.MethodPost, "/communities/{id}/archive", "Archive a community (staff)", "Communities"), h.archiveCommunity)
	huma.Register(api, op("restore-community", http.MethodPost, "/communities/{id}/restore", "Restore an archived community (staff)", "Communities"), h.restoreCommunity)
	huma.Register(api, op("set-affiliation", http.MethodPut, "/communities/{id}/people", "Add a person to a community or change their role", "Communities"), h.setAffiliation)
	remove := op("remove-affiliation", http.MethodDelete, "/communities/{id}/people/{user_id}", "Remove a person from a community", "Communities")
	remove.DefaultStatus = http.StatusNoContent
	huma.Register(api, remove, h.removeAffiliation)

	huma.Register(api, op("list-people", http.MethodGet, "/people", "List people (signed in)", "People"), h.listPeople)
	huma.Register(api, op("get-person", http.MethodGet, "/people/{id}", "Get a person (signed in)", "People"), h.getPerson)

	huma.Register(api, op("list-audit", http.MethodGet, "/audit", "Read the audit log (staff)", "Audit"), h.listAudit)
}
