package api

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/model"
)

// endorsementRoutes lists the operations on a proposal's endorsements,
// letters of support and packet.
func (h *Handler) endorsementRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const tag = "Proposals"
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	huma.Register(api, op("list-proposal-endorsements", http.MethodGet, "/proposals/{id}/endorsements", "A proposal's endorsements: status per community, answers and letters", tag), h.listEndorsements)
	huma.Register(api, op("request-proposal-endorsements", http.MethodPost, "/proposals/{id}/endorsements", "Ask communities to endorse a proposal (staff, or a lead of the lead community)", tag), h.requestEndorsements)
	huma.Register(api, op("remind-proposal-endorsements", http.MethodPost, "/proposals/{id}/endorsements/remind", "Remind the communities that have not answered", tag), h.remindEndorsements)
	huma.Register(api, op("answer-proposal-endorsement", http.MethodPut, "/proposals/{id}/endorsements/{community}", "A community's answer: consent to be named, story, reference or decline (its lead)", tag), h.answerEndorsement)
	huma.Register(api, op("revoke-proposal-consent", http.MethodDelete, "/proposals/{id}/endorsements/{community}/consent", "Revoke a community's consent to be named (its lead)", tag), h.revokeConsent)
	upload := op("upload-proposal-letter", http.MethodPost, "/proposals/{id}/endorsements/{community}/letter", "Upload a letter of support (PDF, at most 10 MB)", tag)
	upload.MaxBodyBytes = model.MaxLetterUploadBytes
	huma.Register(api, upload, h.uploadLetter)
	huma.Register(api, status(op("withdraw-proposal-letter", http.MethodDelete, "/proposals/{id}/endorsements/{community}/letter", "Withdraw a community's letter of support (kept as history)", tag), http.StatusNoContent), h.withdrawLetter)
	huma.Register(api, op("get-proposal-letter", http.MethodGet, "/proposals/{id}/letters/{letter}", "Download a letter of support", tag), h.getLetter)
	huma.Register(api, op("get-proposal-packet-pdf", http.MethodGet, "/proposals/{id}/packet.pdf", "The proposal packet as one PDF", tag), h.packetPDF)
	huma.Register(api, op("get-proposal-packet-zip", http.MethodGet, "/proposals/{id}/packet.zip", "The packet PDF and every letter of support, as a ZIP", tag), h.packetZIP)
}

// EndorsementsOutput lists a proposal's endorsements.
type EndorsementsOutput struct {
	Body struct {
		Endorsements []*model.ProposalEndorsement `json:"endorsements"`
	}
}

func endorsementsOutput(list []*model.ProposalEndorsement) *EndorsementsOutput {
	out := &EndorsementsOutput{}
	out.Body.Endorsements = list
	if list == nil {
		out.Body.Endorsements = []*model.ProposalEndorsement{}
	}
	return out
}

func (h *Handler) listEndorsements(ctx context.Context, in *ProposalPath) (*EndorsementsOutput, error) {
	v, err := h.app.ProposalEndorsements(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return endorsementsOutput(v.Endorsements), nil
}

// RequestEndorsementsInput asks communities to endorse.
type RequestEndorsementsInput struct {
	ProposalPath
	Body struct {
		Communities    []string              `json:"communities,omitempty" maxItems:"100" doc:"Ids or slugs; absent or empty: the linked consortium's members with the endorse or co-propose role."`
		Asks           model.EndorsementAsks `json:"asks" doc:"What is asked of each community (at least one)."`
		Message        string                `json:"message,omitempty" maxLength:"2000" doc:"A note for the communities' leads."`
		ConsentWording string                `json:"consent_wording,omitempty" maxLength:"1000" doc:"The exact sentence a community consents to; absent: \"<community> agrees to be named as a collaborator on the proposal …\"."`
	}
}

func (h *Handler) requestEndorsements(ctx context.Context, in *RequestEndorsementsInput) (*EndorsementsOutput, error) {
	list, err := h.app.RequestEndorsements(ctx, actor(ctx), in.ID, model.EndorsementRequestInput{Communities: in.Body.Communities,
		Asks: in.Body.Asks, Message: in.Body.Message, ConsentWording: in.Body.ConsentWording})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return endorsementsOutput(list), nil
}

// EndorsementRemindOutput says how many communities were reminded.
type EndorsementRemindOutput struct {
	Body struct {
		Reminded int `json:"reminded"`
	}
}

func (h *Handler) remindEndorsements(ctx context.Context, in *ProposalPath) (*EndorsementRemindOutput, error) {
	n, err := h.app.RemindEndorsements(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &EndorsementRemindOutput{}
	out.Body.Reminded = n
	return out, nil
}

// EndorsementPath names a community's endorsement of a proposal.
type EndorsementPath struct {
	ProposalPath
	Community string `path:"community" maxLength:"64" doc:"The community's id or slug."`
}

// AnswerEndorsementInput is a community's answer.
type AnswerEndorsementInput struct {
	EndorsementPath
	Body struct {
		ConsentToBeNamed bool             `json:"consent_to_be_named" doc:"The community consents to be named with the exact wording it was asked (only its lead gives or revokes consent)."`
		Story            *model.Story     `json:"story,omitempty" doc:"A user story of impact."`
		Reference        *model.Reference `json:"reference,omitempty" doc:"A person the funder may contact."`
		Decline          bool             `json:"decline,omitempty" doc:"The community declines to endorse."`
	}
}

// EndorsementOutput is one community's endorsement.
type EndorsementOutput struct {
	Body *model.ProposalEndorsement
}

func (h *Handler) answerEndorsement(ctx context.Context, in *AnswerEndorsementInput) (*EndorsementOutput, error) {
	e, err := h.app.AnswerEndorsement(ctx, actor(ctx), in.ID, in.Community, model.ProposalEndorsementInput{
		ConsentToBeNamed: in.Body.ConsentToBeNamed, Story: in.Body.Story, Reference: in.Body.Reference, Decline: in.Body.Decline})
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return &EndorsementOutput{Body: e}, nil
}

func (h *Handler) revokeConsent(ctx context.Context, in *EndorsementPath) (*EndorsementOutput, error) {
	e, err := h.app.RevokeConsent(ctx, actor(ctx), in.ID, in.Community)
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return &EndorsementOutput{Body: e}, nil
}

// LetterForm is the upload form.
type LetterForm struct {
	File huma.FormFile `form:"file" contentType:"application/pdf,application/octet-stream" required:"true" doc:"The letter of support: a PDF of at most 10 MB, checked by its content."`
}

// UploadLetterInput uploads a letter.
type UploadLetterInput struct {
	EndorsementPath
	RawBody huma.MultipartFormFiles[LetterForm]
}

func (h *Handler) uploadLetter(ctx context.Context, in *UploadLetterInput) (*EndorsementOutput, error) {
	f := in.RawBody.Data().File
	body, err := io.ReadAll(io.LimitReader(f, model.MaxLetterBytes+1))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	e, err := h.app.UploadLetter(ctx, actor(ctx), in.ID, in.Community, f.Filename, body)
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community", "file": "body.file"})
	}
	return &EndorsementOutput{Body: e}, nil
}

func (h *Handler) withdrawLetter(ctx context.Context, in *EndorsementPath) (*struct{}, error) {
	if err := h.app.WithdrawLetter(ctx, actor(ctx), in.ID, in.Community); err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return nil, nil
}

// LetterPath names a letter of a proposal.
type LetterPath struct {
	ProposalPath
	Letter int64 `path:"letter" doc:"The letter's id (current or from the history)."`
}

func (h *Handler) getLetter(ctx context.Context, in *LetterPath) (*PDFFile, error) {
	name, body, err := h.app.Letter(ctx, actor(ctx), in.ID, in.Letter)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &PDFFile{ContentType: model.LetterContentType, ContentDisposition: `attachment; filename="` + name + `"`, Body: body}, nil
}

func (h *Handler) packetPDF(ctx context.Context, in *ProposalPath) (*PDFFile, error) {
	name, body, err := h.app.PacketPDF(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &PDFFile{ContentType: "application/pdf", ContentDisposition: `attachment; filename="` + name + `"`, Body: body}, nil
}

func (h *Handler) packetZIP(ctx context.Context, in *ProposalPath) (*huma.StreamResponse, error) {
	name, write, err := h.app.PacketZIP(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &huma.StreamResponse{Body: func(hctx huma.Context) {
		hctx.SetHeader("Content-Type", "application/zip")
		hctx.SetHeader("Content-Disposition", `attachment; filename="`+name+`"`)
		if err := write(hctx.BodyWriter()); err != nil {
			h.log.ErrorContext(ctx, "packet zip", "proposal", strconv.FormatInt(in.ID, 10), "err", err)
		}
	}}, nil
}
