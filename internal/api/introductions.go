package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/network"
)

// Introductions: two parties connected with a purpose, from a suggestion to
// an outcome, with the double opt-in of both communities.

func (h *Handler) introductionRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const tag = "Introductions"
	huma.Register(api, op("list-introductions", http.MethodGet, "/introductions", "List introductions (as far as the caller may see them)", tag), h.listIntroductions)
	create := op("create-introduction", http.MethodPost, "/introductions", "Suggest an introduction", tag)
	create.DefaultStatus = http.StatusCreated
	huma.Register(api, create, h.createIntroduction)
	huma.Register(api, op("get-introduction", http.MethodGet, "/introductions/{id}", "Get an introduction with its answers and moves", tag), h.getIntroduction)
	huma.Register(api, op("update-introduction", http.MethodPatch, "/introductions/{id}", "Change a suggested introduction (staff or the introducer)", tag), h.updateIntroduction)
	huma.Register(api, op("get-network", http.MethodGet, "/network", "The network of communities, consortia and introductions", tag), h.getNetwork)
	huma.Register(api, op("move-introduction", http.MethodPost, "/introductions/{id}/status", "Move an introduction along its pipeline", tag), h.moveIntroduction)
}

// IntroductionData is model.Introduction as a type without methods, so that
// huma can embed it in response bodies (see InitiativeData).
type IntroductionData model.Introduction

// IntroductionItem is an introduction with its labels and its page.
type IntroductionItem struct {
	IntroductionData
	Title       string              `json:"title" doc:"The two parties, e.g. \"Problemu ↔ Solvedu\"."`
	StatusLabel string              `json:"status_label" doc:"Human name of the status, or of the outcome once reached."`
	Connector   *model.CommunityRef `json:"connector,omitempty" doc:"The community credited with the connection: the solver of a problem_solver introduction, else the introducing community."`
	PageURL     string              `json:"page_url"`
}

// IntroductionDetail is an introduction with what the caller may do next.
type IntroductionDetail struct {
	IntroductionItem
	NextStatuses []string `json:"next_statuses" doc:"Where the caller may move it now (empty: nothing to do for the caller)."`
}

func introductionItem(in *model.Introduction) IntroductionItem {
	return IntroductionItem{IntroductionData: IntroductionData(*in), Title: in.Title(), StatusLabel: in.StatusLabel(),
		Connector: in.Connector(), PageURL: fmt.Sprintf("/introductions/%d", in.ID)}
}

// IntroductionListInput filters the list.
type IntroductionListInput struct {
	Community  string `query:"community" maxLength:"200" doc:"Only introductions this community (id or slug) is a party of."`
	Consortium string `query:"consortium" maxLength:"200" doc:"Only introductions made by current members of this consortium (id or slug)."`
}

// IntroductionList is a list of introductions, most recently changed first.
type IntroductionList struct {
	Body struct {
		Items []IntroductionItem `json:"items"`
	}
}

func (h *Handler) listIntroductions(ctx context.Context, in *IntroductionListInput) (*IntroductionList, error) {
	list, err := h.app.ListIntroductions(ctx, actor(ctx), app.IntroductionQuery{Community: in.Community, Consortium: in.Consortium})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &IntroductionList{}
	out.Body.Items = make([]IntroductionItem, len(list))
	for i, x := range list {
		out.Body.Items[i] = introductionItem(x)
	}
	return out, nil
}

// ContactFields is an external contact.
type ContactFields struct {
	Name         string `json:"name" maxLength:"160"`
	Organization string `json:"organization,omitempty" maxLength:"200"`
	Email        string `json:"email" maxLength:"254"`
}

// IntroductionFields are the writable fields of an introduction. On PATCH
// only those present change.
type IntroductionFields struct {
	Kind          *string        `json:"kind,omitempty" enum:"problem_solver,peer,funder,collaborator" doc:"Required on create."`
	FromCommunity *string        `json:"from_community,omitempty" maxLength:"200" doc:"Id or slug: the community with the problem (problem_solver) or the community introducing."`
	ToCommunity   *string        `json:"to_community,omitempty" maxLength:"200" doc:"Id or slug: the community that solved it (problem_solver) or the peer community."`
	Contact       *ContactFields `json:"contact,omitempty" doc:"A funder, collaborator or peer outside the platform; private to staff and the introducer."`
	Initiative    *string        `json:"initiative,omitempty" maxLength:"200" doc:"Id or slug of the initiative the introduction is about."`
	Note          *string        `json:"note,omitempty" maxLength:"4000" doc:"Why these parties should meet. Required on create."`
}

func (f IntroductionFields) apply(in *model.IntroductionInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Kind, f.Kind)
	set(&in.FromCommunity, f.FromCommunity)
	set(&in.ToCommunity, f.ToCommunity)
	set(&in.Initiative, f.Initiative)
	set(&in.Note, f.Note)
	if f.Contact != nil {
		in.Contact = &model.Contact{Name: f.Contact.Name, Organization: f.Contact.Organization, Email: f.Contact.Email}
	}
}

// introductionWhere maps the app's field names to the request's.
var introductionWhere = map[string]string{
	"kind": "body.kind", "from_community": "body.from_community", "to_community": "body.to_community", "contact": "body.contact",
	"contact.name": "body.contact.name", "contact.organization": "body.contact.organization", "contact.email": "body.contact.email",
	"initiative": "body.initiative", "note": "body.note", "status": "body.status", "outcome": "body.outcome",
	"consortium": "body.consortium", "amount": "body.amount", "currency": "body.currency", "goal": "body.goal",
	"contact_asked": "body.contact_asked",
}

// CreateIntroductionInput suggests an introduction.
type CreateIntroductionInput struct {
	Body IntroductionFields
}

// IntroductionOutput is one introduction.
type IntroductionOutput struct {
	Body IntroductionDetail
}

// CreatedIntroduction is a new introduction and where it lives.
type CreatedIntroduction struct {
	Location string `header:"Location"`
	Body     IntroductionDetail
}

func introductionDetail(v *app.IntroductionView) IntroductionDetail {
	return IntroductionDetail{IntroductionItem: introductionItem(v.Introduction), NextStatuses: v.Next}
}

func (h *Handler) createIntroduction(ctx context.Context, in *CreateIntroductionInput) (*CreatedIntroduction, error) {
	var ii model.IntroductionInput
	in.Body.apply(&ii)
	v, err := h.app.CreateIntroduction(ctx, actor(ctx), ii)
	if err != nil {
		return nil, h.failAt(ctx, err, introductionWhere)
	}
	return &CreatedIntroduction{Location: fmt.Sprintf("%s/introductions/%d", Prefix, v.ID), Body: introductionDetail(v)}, nil
}

// IntroductionPath names an introduction.
type IntroductionPath struct {
	ID int64 `path:"id"`
}

func (h *Handler) getIntroduction(ctx context.Context, in *IntroductionPath) (*IntroductionOutput, error) {
	v, err := h.app.GetIntroduction(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &IntroductionOutput{Body: introductionDetail(v)}, nil
}

// UpdateIntroductionInput is a partial update; version, when given, must match.
type UpdateIntroductionInput struct {
	IntroductionPath
	Body struct {
		IntroductionFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the introduction changed since."`
	}
}

func (h *Handler) updateIntroduction(ctx context.Context, in *UpdateIntroductionInput) (*IntroductionOutput, error) {
	cur, err := h.app.GetIntroduction(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	ii := model.IntroductionInput{Kind: cur.Kind, Contact: cur.Contact, Note: cur.Note}
	if cur.From != nil {
		ii.FromCommunity = cur.From.Slug
	}
	if cur.To != nil {
		ii.ToCommunity = cur.To.Slug
	}
	if cur.Initiative != nil {
		ii.Initiative = cur.Initiative.Slug
	}
	in.Body.apply(&ii)
	v, err := h.app.UpdateIntroduction(ctx, actor(ctx), in.ID, in.Body.Version, ii)
	if err != nil {
		return nil, h.failAt(ctx, err, introductionWhere)
	}
	return &IntroductionOutput{Body: introductionDetail(v)}, nil
}

// MoveIntroductionInput moves an introduction to its next status.
type MoveIntroductionInput struct {
	IntroductionPath
	Body struct {
		Status       string `json:"status" enum:"suggested,asked,introduced,in_conversation,outcome" doc:"The next status. Between two communities, introduced follows from both leads accepting and cannot be set."`
		Note         string `json:"note,omitempty" maxLength:"4000"`
		ContactAsked bool   `json:"contact_asked,omitempty" doc:"Moving an introduction to an external contact to asked: true confirms that you asked the contact."`
		Outcome      string `json:"outcome,omitempty" enum:"joined_member,joined_consortium,funded,collaborated,no_fit" doc:"Required when status is outcome."`
		Consortium   string `json:"consortium,omitempty" maxLength:"200" doc:"joined_consortium: the consortium (id or slug)."`
		Amount       int64  `json:"amount,omitempty" minimum:"0" doc:"funded: the amount in minor units (cents)."`
		Currency     string `json:"currency,omitempty" maxLength:"3" doc:"funded: ISO 4217 code."`
		Goal         string `json:"goal,omitempty" maxLength:"300" doc:"funded: what the money is for."`
	}
}

func (h *Handler) moveIntroduction(ctx context.Context, in *MoveIntroductionInput) (*IntroductionOutput, error) {
	b := in.Body
	v, err := h.app.MoveIntroduction(ctx, actor(ctx), in.ID, model.StatusMove{To: b.Status, Note: b.Note, ContactAsked: b.ContactAsked,
		Outcome: b.Outcome, Consortium: b.Consortium, Amount: b.Amount, Currency: b.Currency, Goal: b.Goal})
	if err != nil {
		return nil, h.failAt(ctx, err, introductionWhere)
	}
	return &IntroductionOutput{Body: introductionDetail(v)}, nil
}

// NetworkInput filters the network.
type NetworkInput struct {
	Consortium string `query:"consortium" maxLength:"200" doc:"Only this consortium (id or slug) and its current members."`
	Theme      string `query:"theme" maxLength:"64" doc:"Only communities with this theme (and their consortia)."`
	Kind       string `query:"kind" enum:"member,problem_solver,peer,funder,collaborator" doc:"Only ties of this kind (and the nodes they join)."`
}

// NetworkOutput is the graph, placed, with the connections per quarter.
type NetworkOutput struct {
	Body struct {
		Nodes    []network.Node    `json:"nodes"`
		Edges    []network.Edge    `json:"edges"`
		Quarters []network.Quarter `json:"quarters" doc:"Introductions made per quarter."`
	}
}

func (h *Handler) getNetwork(ctx context.Context, in *NetworkInput) (*NetworkOutput, error) {
	v, err := h.app.Network(ctx, actor(ctx), app.NetworkQuery{Consortium: in.Consortium, Theme: in.Theme, Kind: in.Kind})
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"kind": "query.kind", "theme": "query.theme"})
	}
	out := &NetworkOutput{}
	out.Body.Nodes, out.Body.Edges, out.Body.Quarters = v.Graph.Nodes, v.Graph.Edges, v.Quarters
	return out, nil
}
