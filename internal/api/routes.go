package api

import (
	"net/http"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// routes lists every API operation, top to bottom.
func (h *Handler) routes(api huma.API) {
	op := func(id, method, path, summary, tag string) huma.Operation {
		return huma.Operation{OperationID: id, Method: method, Path: path, Summary: summary, Tags: []string{tag},
			Description: descriptions[id], Errors: possibleErrors(method, path),
			MaxBodyBytes: MaxBodyBytes, Security: security(id, method)}
	}
	huma.Register(api, op("get-me", http.MethodGet, "/me", "The signed-in person", "People"), h.getMe)
	huma.Register(api, op("get-my-todo", http.MethodGet, "/me/todo", "What needs you: the signed-in person's to-dos", "People"), h.getMyTodo)

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
	h.accountRoutes(api, op) // accounts, invitations, tokens: internal/api/accounts.go

	h.roadmapRoutes(api, op)
	h.statementRoutes(api, op) // statements of work: internal/api/statements_of_work.go
	h.updatesRoutes(api, op)
	h.discussionRoutes(api, op) // comments and following: internal/api/comments.go
	h.fundingRoutes(api, op)    // co-funding: internal/api/funding.go
	// Meetings, demos and rounds: internal/api/meetings.go, rounds.go.
	h.prioritizeRoutes(api, op)
	h.testingRoutes(api, op)      // testing calls and feedback: internal/api/testing.go
	h.proposalRoutes(api, op)     // grant proposals: internal/api/proposals.go
	h.introductionRoutes(api, op) // introductions and the network: internal/api/introductions.go
	h.endorsementRoutes(api, op)  // proposal endorsements, letters, packet: internal/api/proposal_endorsements.go

	huma.Register(api, op("search", http.MethodGet, "/search", "Search initiatives, narratives, consortia, communities and meetings", "Search"), h.search)

	huma.Register(api, op("list-audit", http.MethodGet, "/audit", "Read the audit log (staff)", "Audit"), h.listAudit)
}

// possibleErrors lists the problem statuses an operation can answer, so the
// document shows them: any call can carry a bad token or ask for what the
// caller may not do; anything with a path parameter can name something that
// does not exist (or is not visible); writes can conflict or be too large;
// any input can be invalid.
func possibleErrors(method, path string) []int {
	codes := []int{http.StatusUnauthorized, http.StatusForbidden}
	if strings.Contains(path, "{") {
		codes = append(codes, http.StatusNotFound)
	}
	if method != http.MethodGet {
		codes = append(codes, http.StatusConflict, http.StatusRequestEntityTooLarge)
	}
	return append(codes, http.StatusUnprocessableEntity)
}

// roadmapRoutes lists the operations on initiatives, the roadmap,
// narratives and consortia.
func (h *Handler) roadmapRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	const ini, nar, con = "Initiatives", "Narratives", "Consortia"

	huma.Register(api, op("list-initiatives", http.MethodGet, "/initiatives", "List initiatives (visitors see public ones)", ini), h.listInitiatives)
	huma.Register(api, status(op("create-initiative", http.MethodPost, "/initiatives", "Propose an initiative (an idea; signed in)", ini), http.StatusCreated), h.createInitiative)
	huma.Register(api, op("get-initiative", http.MethodGet, "/initiatives/{id}", "Get an initiative with its checklist, history and peers", ini), h.getInitiative)
	huma.Register(api, op("update-initiative", http.MethodPatch, "/initiatives/{id}", "Update an initiative (staff, or its author while an idea)", ini), h.updateInitiative)
	huma.Register(api, op("move-initiative", http.MethodPost, "/initiatives/{id}/status", "Move an initiative to another status", ini), h.moveInitiative)
	huma.Register(api, status(op("set-initiative-task", http.MethodPut, "/initiatives/{id}/tasks/{task_id}", "Tick or untick a sub-task (staff or the author)", ini), http.StatusNoContent), h.setTask)
	huma.Register(api, status(op("set-initiative-interest", http.MethodPut, "/initiatives/{id}/interest", "Record a community's interest or co-funding", ini), http.StatusNoContent), h.setInterest)
	huma.Register(api, status(op("remove-initiative-interest", http.MethodDelete, "/initiatives/{id}/interest", "Withdraw a community's interest or co-funding", ini), http.StatusNoContent), h.removeInterest)
	huma.Register(api, op("get-roadmap", http.MethodGet, "/roadmap", "The roadmap: initiatives by status, with interest, co-funding and cost", ini), h.getRoadmap)
	huma.Register(api, op("set-blended-rate", http.MethodPut, "/settings/blended-rate", "Set the hourly rate for cost estimates (staff)", ini), h.setBlendedRate)

	huma.Register(api, op("list-narratives", http.MethodGet, "/narratives", "List narratives (visitors see public ones)", nar), h.listNarratives)
	huma.Register(api, status(op("create-narrative", http.MethodPost, "/narratives", "Create a narrative (staff)", nar), http.StatusCreated), h.createNarrative)
	huma.Register(api, op("get-narrative", http.MethodGet, "/narratives/{id}", "Get a narrative by id or slug", nar), h.getNarrative)
	huma.Register(api, op("update-narrative", http.MethodPatch, "/narratives/{id}", "Update a narrative (staff)", nar), h.updateNarrative)
	huma.Register(api, status(op("link-narrative-initiative", http.MethodPut, "/narratives/{id}/initiatives/{initiative}", "Add an initiative to a narrative (staff)", nar), http.StatusNoContent), h.linkInitiative)
	huma.Register(api, status(op("unlink-narrative-initiative", http.MethodDelete, "/narratives/{id}/initiatives/{initiative}", "Remove an initiative from a narrative (staff)", nar), http.StatusNoContent), h.unlinkInitiative)
	huma.Register(api, status(op("endorse-narrative", http.MethodPut, "/narratives/{id}/endorsements/{community}", "Endorse a narrative for a community (its lead, or staff)", nar), http.StatusNoContent), h.endorseNarrative)
	huma.Register(api, status(op("unendorse-narrative", http.MethodDelete, "/narratives/{id}/endorsements/{community}", "Withdraw a community's endorsement", nar), http.StatusNoContent), h.unendorseNarrative)

	huma.Register(api, op("list-consortia", http.MethodGet, "/consortia", "List consortia (as far as the caller may see them)", con), h.listConsortia)
	huma.Register(api, status(op("propose-consortium", http.MethodPost, "/consortia", "Propose a consortium around a shared problem (signed in)", con), http.StatusCreated), h.proposeConsortium)
	huma.Register(api, op("get-consortium", http.MethodGet, "/consortia/{id}", "Get a consortium with members, supporters and timeline", con), h.getConsortium)
	huma.Register(api, op("update-consortium", http.MethodPatch, "/consortia/{id}", "Update a consortium (staff, or its proposer while proposed)", con), h.updateConsortium)
	huma.Register(api, op("transition-consortium", http.MethodPost, "/consortia/{id}/transitions", "Move a consortium to another stage (staff)", con), h.transition)
	huma.Register(api, op("set-consortium-goals", http.MethodPut, "/consortia/{id}/goals", "Record the goals and the go/no-go decision (staff)", con), h.setGoals)
	huma.Register(api, op("schedule-consortium-kickoff", http.MethodPut, "/consortia/{id}/kickoff", "Schedule or clear the kickoff meeting (staff)", con), h.scheduleKickoff)
	huma.Register(api, status(op("support-consortium", http.MethodPut, "/consortia/{id}/support", "Agree with the problem statement", con), http.StatusNoContent), h.support)
	huma.Register(api, status(op("withdraw-consortium-support", http.MethodDelete, "/consortia/{id}/support", "Withdraw your support", con), http.StatusNoContent), h.withdrawSupport)
	huma.Register(api, op("list-consortium-members", http.MethodGet, "/consortia/{id}/members", "List the member communities and their roles", con), h.listMembers)
	huma.Register(api, status(op("join-consortium", http.MethodPost, "/consortia/{id}/members", "Join with a community (its lead, or staff)", con), http.StatusCreated), h.join)
	huma.Register(api, op("change-consortium-member", http.MethodPatch, "/consortia/{id}/members/{community}", "Change a member's roles or involvement", con), h.changeRoles)
	huma.Register(api, status(op("leave-consortium", http.MethodDelete, "/consortia/{id}/members/{community}", "Leave: end a community's membership", con), http.StatusNoContent), h.leave)
}
