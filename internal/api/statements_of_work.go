package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
)

// statementRoutes lists the operations on statements of work for co-funded
// initiatives.
func (h *Handler) statementRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const ini = "Initiatives"
	huma.Register(api, op("list-statements-of-work", http.MethodGet, "/initiatives/{id}/statements-of-work", "List an initiative's statements of work (staff and its co-funders)", ini), h.listStatements)
	create := op("create-statement-of-work", http.MethodPost, "/initiatives/{id}/statements-of-work", "Make the next version of a statement of work (staff, once the goal is met)", ini)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, h.createStatement)
	ack := op("acknowledge-statement-of-work", http.MethodPost, "/initiatives/{id}/statements-of-work/{version}/acknowledgements", "Acknowledge a version for a co-funding community (its lead)", ini)
	ack.DefaultStatus = http.StatusNoContent
	huma.Register(api, ack, h.acknowledgeStatement)
	huma.Register(api, op("get-statement-of-work-pdf", http.MethodGet, "/initiatives/{id}/statement-of-work.pdf", "A statement of work as PDF (staff and its co-funders)", ini), h.statementPDF)
}

// StatementsOutput is an initiative's statements of work, newest first.
type StatementsOutput struct {
	Body struct {
		Initiative model.InitiativeRef      `json:"initiative"`
		GoalMet    bool                     `json:"goal_met" doc:"A funding goal of the initiative closed with its amount committed."`
		Statements []*model.StatementOfWork `json:"statements"`
	}
}

func statementsOutput(v *app.StatementsView) *StatementsOutput {
	out := &StatementsOutput{}
	out.Body.Initiative, out.Body.GoalMet, out.Body.Statements = v.Initiative, v.Goal != nil, v.Statements
	return out
}

func (h *Handler) listStatements(ctx context.Context, in *InitiativePath) (*StatementsOutput, error) {
	v, err := h.app.StatementsOfWork(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return statementsOutput(v), nil
}

// CreateStatementInput is what staff write for a new version.
type CreateStatementInput struct {
	InitiativePath
	Body struct {
		Timeline string `json:"timeline,omitempty" maxLength:"5000" doc:"The timeline agreed for this version (plain text)."`
		Notes    string `json:"notes,omitempty" maxLength:"5000" doc:"Anything else the co-funders should read."`
	}
}

// StatementOutput is one version.
type StatementOutput struct {
	Body *model.StatementOfWork
}

func (h *Handler) createStatement(ctx context.Context, in *CreateStatementInput) (*StatementOutput, error) {
	st, err := h.app.CreateStatementOfWork(ctx, actor(ctx), in.ID, model.StatementInput{Timeline: in.Body.Timeline, Notes: in.Body.Notes})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &StatementOutput{Body: st}, nil
}

// AcknowledgeStatementInput names the version and the co-funder.
type AcknowledgeStatementInput struct {
	InitiativePath
	Version int `path:"version" minimum:"1" doc:"The version acknowledged."`
	Body    struct {
		Community string `json:"community" maxLength:"64" doc:"The co-funding community's id or slug; the caller must be one of its leads."`
	}
}

func (h *Handler) acknowledgeStatement(ctx context.Context, in *AcknowledgeStatementInput) (*struct{}, error) {
	if err := h.app.AcknowledgeStatementOfWork(ctx, actor(ctx), in.ID, in.Version, in.Body.Community); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// StatementPDFInput chooses a version.
type StatementPDFInput struct {
	InitiativePath
	Version int `query:"version" minimum:"0" default:"0" doc:"The version; 0 or absent: the latest."`
}

// PDFFile is a generated PDF document, with the file name to save it as.
type PDFFile struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (h *Handler) statementPDF(ctx context.Context, in *StatementPDFInput) (*PDFFile, error) {
	name, body, err := h.app.StatementOfWorkPDF(ctx, actor(ctx), in.ID, in.Version)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &PDFFile{ContentType: "application/pdf", ContentDisposition: `attachment; filename="` + name + `"`, Body: body}, nil
}
