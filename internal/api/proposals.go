package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/proposalbudget"
)

// Grant proposals: their fields, initiatives and communities, status moves.

// proposalRoutes lists the operations on proposals.
func (h *Handler) proposalRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const tag = "Proposals"
	create := op("create-proposal", http.MethodPost, "/proposals", "Start a grant proposal (staff, or a lead of the lead community)", tag)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, op("list-proposals", http.MethodGet, "/proposals", "List the proposals the caller may see", tag), h.listProposals)
	huma.Register(api, create, h.createProposal)
	huma.Register(api, op("get-proposal", http.MethodGet, "/proposals/{id}", "Get a proposal", tag), h.getProposal)
	huma.Register(api, op("update-proposal", http.MethodPatch, "/proposals/{id}", "Update a proposal (staff, or a lead of the lead community)", tag), h.updateProposal)
	huma.Register(api, op("move-proposal", http.MethodPost, "/proposals/{id}/status", "Move a proposal to another status", tag), h.moveProposal)
	h.proposalWorkRoutes(api, op) // budget lines and sections: internal/api/proposal_work.go
}

// Ref names a record by numeric id or slug; JSON may give either a number
// or a string.
type Ref string

// UnmarshalJSON accepts a JSON number (an id) or string (an id or slug).
func (r *Ref) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*r = Ref(s)
		return nil
	}
	var n int64
	if err := json.Unmarshal(b, &n); err != nil {
		return fmt.Errorf("must be an id or a slug")
	}
	*r = Ref(strconv.FormatInt(n, 10))
	return nil
}

// Schema describes a Ref: an integer id or a string.
func (Ref) Schema(huma.Registry) *huma.Schema {
	return &huma.Schema{Description: "An id (number) or slug (string).",
		OneOf: []*huma.Schema{{Type: huma.TypeInteger, Format: "int64"}, {Type: huma.TypeString}}}
}

func refs(list []Ref) []string {
	out := make([]string, len(list))
	for i, r := range list {
		out[i] = string(r)
	}
	return out
}

// ProposalFields are the writable fields of a proposal. On PATCH every
// field is optional and only those present change.
type ProposalFields struct {
	Title         *string `json:"title,omitempty" maxLength:"160" doc:"Required on create."`
	Funder        *string `json:"funder,omitempty" maxLength:"200" doc:"The funder's name. Required on create."`
	FunderWebsite *string `json:"funder_website,omitempty" maxLength:"2048"`
	Programme     *string `json:"programme,omitempty" maxLength:"200" doc:"The funder's programme or call."`
	CallURL       *string `json:"call_url,omitempty" maxLength:"2048"`
	Deadline      *string `json:"deadline,omitempty" maxLength:"40" doc:"RFC 3339 instant with its offset, e.g. 2027-03-01T17:00:00-05:00. Required on create, and then in the future."`
	TimeZone      *string `json:"time_zone,omitempty" maxLength:"64" doc:"IANA time zone the deadline is shown in; UTC when omitted on create."`
	Amount        *int64  `json:"amount,omitempty" doc:"Requested amount in integer minor units (cents). Required on create."`
	Currency      *string `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217 code. Required on create."`
	PeriodStart   *string `json:"period_start,omitempty" maxLength:"10" doc:"First day of the funded period, YYYY-MM-DD; empty to clear."`
	PeriodEnd     *string `json:"period_end,omitempty" maxLength:"10" doc:"Last day of the funded period, YYYY-MM-DD; empty to clear."`
	Summary       *string `json:"summary,omitempty" maxLength:"20000" doc:"Markdown."`
	LeadCommunity *string `json:"lead_community,omitempty" maxLength:"64" doc:"Slug or id of the community that leads; absent or empty: the host leads."`
	HostRole      *string `json:"host_role,omitempty" enum:"lead,subawardee,collaborator" doc:"The host's role: lead when no community leads; subawardee (the default) or collaborator when one does."`
	Initiatives   *[]Ref  `json:"initiatives,omitempty" maxItems:"50" doc:"Initiatives from the roadmap, by id or slug; replaces the list."`
	Partners      *[]Ref  `json:"partners,omitempty" maxItems:"50" doc:"Other communities taking part, by id or slug; replaces the list."`
	Consortium    *string `json:"consortium,omitempty" maxLength:"64" doc:"Slug or id of the consortium the proposal serves; empty for none."`
	PublicAward   *bool   `json:"public_award,omitempty" doc:"Once awarded, list the proposal publicly."`
}

func (f ProposalFields) apply(in *model.ProposalInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Title, f.Title)
	set(&in.Funder, f.Funder)
	set(&in.FunderWebsite, f.FunderWebsite)
	set(&in.Programme, f.Programme)
	set(&in.CallURL, f.CallURL)
	set(&in.TimeZone, f.TimeZone)
	set(&in.Currency, f.Currency)
	set(&in.Summary, f.Summary)
	set(&in.LeadCommunity, f.LeadCommunity)
	set(&in.HostRole, f.HostRole)
	set(&in.Consortium, f.Consortium)
	if f.LeadCommunity != nil && f.HostRole == nil {
		in.HostRole = "" // derived again from the lead
	}
	if f.Amount != nil {
		in.Amount = *f.Amount
	}
	if f.PublicAward != nil {
		in.PublicAward = *f.PublicAward
	}
	if f.Initiatives != nil {
		in.Initiatives = refs(*f.Initiatives)
	}
	if f.Partners != nil {
		in.Partners = refs(*f.Partners)
	}
	if f.Deadline != nil {
		t, err := time.Parse(time.RFC3339, strings.TrimSpace(*f.Deadline))
		if err != nil {
			return invalid("deadline", "must be an RFC 3339 instant like 2027-03-01T17:00:00Z")
		}
		in.Deadline = t
	}
	for field, pair := range map[string]struct {
		src *string
		dst **time.Time
	}{"period_start": {f.PeriodStart, &in.PeriodStart}, "period_end": {f.PeriodEnd, &in.PeriodEnd}} {
		if pair.src == nil {
			continue
		}
		if strings.TrimSpace(*pair.src) == "" {
			*pair.dst = nil
			continue
		}
		t, err := time.Parse(time.DateOnly, strings.TrimSpace(*pair.src))
		if err != nil {
			return invalid(field, "must be a date like 2027-07-01")
		}
		*pair.dst = &t
	}
	return nil
}

// ProposalDetail is a proposal with its initiatives, communities and
// history.
type ProposalDetail struct {
	ProposalData
	Initiatives []model.ProposalInitiative `json:"initiatives"`
	Communities []model.ProposalCommunity  `json:"communities"`
	History     []model.StatusChange       `json:"history"`
	Next        []string                   `json:"next_statuses" doc:"Statuses the caller may move the proposal to."`
	Budget      *proposalbudget.Table      `json:"budget" doc:"The initiatives' estimates (hours range × rate, low and high) and the added lines, with totals and each party's share."`
	Lines       []model.BudgetLine         `json:"budget_lines"`
	Sections    []model.Section            `json:"sections" doc:"Only for callers signed in."`
	Checklist   []model.CheckItem          `json:"checklist" doc:"What is missing before the proposal can go to its funder."`
	CanEdit     bool                       `json:"can_edit" doc:"Whether the caller may change the proposal."`
	PageURL     string                     `json:"page_url"`
}

// ProposalData is model.Proposal without methods, for embedding.
type ProposalData model.Proposal

func proposalDetail(v *app.ProposalView) ProposalDetail {
	return ProposalDetail{ProposalData: ProposalData(*v.Proposal), Initiatives: v.Initiatives, Communities: v.Communities,
		History: v.History, Next: v.Next, Budget: v.Budget, Lines: v.Lines, Sections: v.Sections, Checklist: v.Checklist, CanEdit: v.CanEdit, PageURL: fmt.Sprintf("/proposals/%d", v.ID)}
}

// ProposalOutput is one proposal.
type ProposalOutput struct {
	Body ProposalDetail
}

// ProposalPath names a proposal.
type ProposalPath struct {
	ID int64 `path:"id"`
}

// ListProposalsInput filters the list.
type ListProposalsInput struct {
	Consortium string `query:"consortium" maxLength:"64" doc:"Only this consortium's proposals (id or slug)."`
	Initiative string `query:"initiative" maxLength:"64" doc:"Only proposals including this initiative (id or slug)."`
	Open       bool   `query:"open" doc:"Only proposals still being written (idea, drafting)."`
}

// ProposalItem is a proposal as lists show it.
type ProposalItem struct {
	ProposalData
	PageURL string `json:"page_url"`
}

// ProposalList is the proposals the caller may see, by deadline.
type ProposalList struct {
	Body struct {
		Items []ProposalItem `json:"items"`
	}
}

func (h *Handler) listProposals(ctx context.Context, in *ListProposalsInput) (*ProposalList, error) {
	list, err := h.app.ListProposals(ctx, actor(ctx), app.ProposalFilter{Consortium: in.Consortium, Initiative: in.Initiative, Open: in.Open})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &ProposalList{}
	out.Body.Items = make([]ProposalItem, len(list))
	for i, p := range list {
		out.Body.Items[i] = ProposalItem{ProposalData: ProposalData(*p), PageURL: fmt.Sprintf("/proposals/%d", p.ID)}
	}
	return out, nil
}

// CreateProposalInput starts a proposal.
type CreateProposalInput struct {
	Body ProposalFields
}

// CreatedProposal is a new proposal and where it lives.
type CreatedProposal struct {
	Location string `header:"Location"`
	Body     ProposalDetail
}

func (h *Handler) createProposal(ctx context.Context, in *CreateProposalInput) (*CreatedProposal, error) {
	pi := model.ProposalInput{Initiatives: []string{}}
	if err := in.Body.apply(&pi); err != nil {
		return nil, h.fail(ctx, err)
	}
	v, err := h.app.CreateProposal(ctx, actor(ctx), pi)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedProposal{Location: fmt.Sprintf("%s/proposals/%d", Prefix, v.ID), Body: proposalDetail(v)}, nil
}

func (h *Handler) getProposal(ctx context.Context, in *ProposalPath) (*ProposalOutput, error) {
	v, err := h.app.GetProposal(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ProposalOutput{Body: proposalDetail(v)}, nil
}

// UpdateProposalInput is a partial update; version, when given, must match.
type UpdateProposalInput struct {
	ProposalPath
	Body struct {
		ProposalFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the proposal changed since."`
	}
}

func (h *Handler) updateProposal(ctx context.Context, in *UpdateProposalInput) (*ProposalOutput, error) {
	cur, err := h.app.GetProposal(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	pi := app.ProposalInputOf(cur)
	if err := in.Body.apply(&pi); err != nil {
		return nil, h.fail(ctx, err)
	}
	v, err := h.app.UpdateProposal(ctx, actor(ctx), in.ID, in.Body.Version, pi)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ProposalOutput{Body: proposalDetail(v)}, nil
}

// MoveProposalInput moves a proposal to another status.
type MoveProposalInput struct {
	ProposalPath
	Body struct {
		Status      string `json:"status" enum:"idea,drafting,submitted,awarded,declined,withdrawn"`
		Note        string `json:"note,omitempty" maxLength:"2000"`
		AwardAmount *int64 `json:"award_amount,omitempty" doc:"The awarded amount in integer minor units of the proposal's currency; required with awarded."`
		AwardedOn   string `json:"awarded_on,omitempty" maxLength:"10" doc:"The date of the award, YYYY-MM-DD; required with awarded."`
	}
}

func (h *Handler) moveProposal(ctx context.Context, in *MoveProposalInput) (*ProposalOutput, error) {
	m := model.ProposalMove{To: in.Body.Status, Note: in.Body.Note}
	if in.Body.AwardAmount != nil || in.Body.AwardedOn != "" {
		m.Award = &model.Award{}
		if in.Body.AwardAmount != nil {
			m.Award.Amount = *in.Body.AwardAmount
		}
		if in.Body.AwardedOn != "" {
			t, err := time.Parse(time.DateOnly, in.Body.AwardedOn)
			if err != nil {
				return nil, h.fail(ctx, invalid("awarded_on", "must be a date like 2027-07-01"))
			}
			m.Award.On = t
		}
	}
	v, err := h.app.MoveProposal(ctx, actor(ctx), in.ID, m)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ProposalOutput{Body: proposalDetail(v)}, nil
}
