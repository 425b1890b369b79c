package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/model"
)

// A proposal's budget lines and co-written sections.

func (h *Handler) proposalWorkRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const tag = "Proposals"
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	huma.Register(api, status(op("add-proposal-budget-line", http.MethodPost, "/proposals/{id}/budget-lines", "Add a line to a proposal's budget", tag), http.StatusCreated), h.addBudgetLine)
	huma.Register(api, status(op("remove-proposal-budget-line", http.MethodDelete, "/proposals/{id}/budget-lines/{line_id}", "Remove a line from a proposal's budget", tag), http.StatusNoContent), h.removeBudgetLine)
	huma.Register(api, status(op("add-proposal-section", http.MethodPost, "/proposals/{id}/sections", "Add a section to a proposal", tag), http.StatusCreated), h.addSection)
	huma.Register(api, op("update-proposal-section", http.MethodPatch, "/proposals/{id}/sections/{section_id}", "Update a proposal's section", tag), h.updateSection)
	huma.Register(api, status(op("remove-proposal-section", http.MethodDelete, "/proposals/{id}/sections/{section_id}", "Remove a proposal's section", tag), http.StatusNoContent), h.removeSection)
}

// AddBudgetLineInput adds a budget line.
type AddBudgetLineInput struct {
	ProposalPath
	Body struct {
		Kind        string `json:"kind" enum:"travel,equipment,personnel,other,overhead"`
		Label       string `json:"label,omitempty" maxLength:"200" doc:"Defaults to the kind's name."`
		Amount      int64  `json:"amount,omitempty" doc:"Integer minor units of the proposal's currency; not for overhead."`
		BasisPoints int64  `json:"basis_points,omitempty" doc:"Overhead only: the percentage of the party's direct costs in basis points (1250 = 12.5%)."`
		Party       string `json:"party,omitempty" enum:"host,lead" doc:"Whose share the line is; host when omitted."`
	}
}

// BudgetLineOutput is a budget line and where its proposal lives.
type BudgetLineOutput struct {
	Location string `header:"Location"`
	Body     model.BudgetLine
}

func (h *Handler) addBudgetLine(ctx context.Context, in *AddBudgetLineInput) (*BudgetLineOutput, error) {
	b := in.Body
	l, err := h.app.AddBudgetLine(ctx, actor(ctx), in.ID, model.BudgetLineInput{Kind: b.Kind, Label: b.Label, Amount: b.Amount,
		BasisPoints: b.BasisPoints, Party: b.Party})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &BudgetLineOutput{Location: fmt.Sprintf("%s/proposals/%d", Prefix, in.ID), Body: *l}, nil
}

// BudgetLinePath names a budget line of a proposal.
type BudgetLinePath struct {
	ProposalPath
	LineID int64 `path:"line_id"`
}

func (h *Handler) removeBudgetLine(ctx context.Context, in *BudgetLinePath) (*struct{}, error) {
	if err := h.app.RemoveBudgetLine(ctx, actor(ctx), in.ID, in.LineID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// SectionFields are a section's writable fields; on PATCH only those
// present change.
type SectionFields struct {
	Title   *string `json:"title,omitempty" maxLength:"200" doc:"Required on create."`
	OwnerID *int64  `json:"owner_id,omitempty" minimum:"0" doc:"A person of the host (staff) or of the lead community; 0 for nobody."`
	DueAt   *string `json:"due_at,omitempty" maxLength:"40" doc:"RFC 3339 instant, e.g. 2027-02-20T17:00:00Z; empty for none."`
	Status  *string `json:"status,omitempty" enum:"todo,drafting,review,done" doc:"todo when omitted on create."`
	Body    *string `json:"body,omitempty" maxLength:"20000" doc:"Markdown: the section's text or notes."`
}

func (f SectionFields) apply(in *model.SectionInput) error {
	if f.Title != nil {
		in.Title = *f.Title
	}
	if f.Status != nil {
		in.Status = *f.Status
	}
	if f.Body != nil {
		in.Body = *f.Body
	}
	if f.OwnerID != nil {
		in.OwnerID = nil
		if *f.OwnerID != 0 {
			id := *f.OwnerID
			in.OwnerID = &id
		}
	}
	if f.DueAt != nil {
		in.DueAt = nil
		if s := strings.TrimSpace(*f.DueAt); s != "" {
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return invalid("due_at", "must be an RFC 3339 instant like 2027-02-20T17:00:00Z")
			}
			in.DueAt = &t
		}
	}
	return nil
}

// SectionOutput is one section.
type SectionOutput struct {
	Body model.Section
}

// CreatedSection is a new section and where its proposal lives.
type CreatedSection struct {
	Location string `header:"Location"`
	Body     model.Section
}

// AddSectionInput adds a section.
type AddSectionInput struct {
	ProposalPath
	Body SectionFields
}

func (h *Handler) addSection(ctx context.Context, in *AddSectionInput) (*CreatedSection, error) {
	var si model.SectionInput
	if err := in.Body.apply(&si); err != nil {
		return nil, h.fail(ctx, err)
	}
	s, err := h.app.AddSection(ctx, actor(ctx), in.ID, si)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedSection{Location: fmt.Sprintf("%s/proposals/%d", Prefix, in.ID), Body: *s}, nil
}

// SectionPath names a section of a proposal.
type SectionPath struct {
	ProposalPath
	SectionID int64 `path:"section_id"`
}

// UpdateSectionInput is a partial update of a section.
type UpdateSectionInput struct {
	SectionPath
	Body struct {
		SectionFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the section changed since."`
	}
}

func (h *Handler) updateSection(ctx context.Context, in *UpdateSectionInput) (*SectionOutput, error) {
	v, err := h.app.GetProposal(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	var si model.SectionInput
	found := false
	for _, s := range v.Sections {
		if s.ID == in.SectionID {
			si, found = model.SectionInput{Title: s.Title, OwnerID: s.OwnerID, DueAt: s.DueAt, Status: s.Status, Body: s.Body}, true
		}
	}
	if !found {
		return nil, h.fail(ctx, model.NotFound(model.EntitySection, in.SectionID))
	}
	if err := in.Body.apply(&si); err != nil {
		return nil, h.fail(ctx, err)
	}
	s, err := h.app.UpdateSection(ctx, actor(ctx), in.ID, in.SectionID, in.Body.Version, si)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &SectionOutput{Body: *s}, nil
}

func (h *Handler) removeSection(ctx context.Context, in *SectionPath) (*struct{}, error) {
	if err := h.app.RemoveSection(ctx, actor(ctx), in.ID, in.SectionID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}
