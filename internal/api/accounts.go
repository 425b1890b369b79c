package api

import (
	"context"
	"fmt"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/model"
)

// accountRoutes lists the operations on accounts, invitations and the
// caller's own API tokens.
func (h *Handler) accountRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	const people = "People"
	huma.Register(api, op("list-users", http.MethodGet, "/users", "List accounts (staff)", people), h.listUsers)
	huma.Register(api, status(op("create-user", http.MethodPost, "/users", "Add an account (staff)", people), http.StatusCreated), h.createUser)
	huma.Register(api, op("list-invitations", http.MethodGet, "/invitations", "List invitations (staff; a lead sees their communities')", people), h.listInvitations)
	huma.Register(api, status(op("create-invitation", http.MethodPost, "/invitations", "Invite someone by email (staff, or a lead to their community)", people), http.StatusCreated), h.createInvitation)
	huma.Register(api, op("resend-invitation", http.MethodPost, "/invitations/{id}/resend", "Send an invitation again with a new link", people), h.resendInvitation)
	huma.Register(api, status(op("revoke-invitation", http.MethodDelete, "/invitations/{id}", "Withdraw a pending invitation", people), http.StatusNoContent), h.revokeInvitation)
	huma.Register(api, op("list-my-tokens", http.MethodGet, "/me/tokens", "List your API tokens", people), h.listTokens)
	huma.Register(api, status(op("create-my-token", http.MethodPost, "/me/tokens", "Create an API token (shown once)", people), http.StatusCreated), h.createToken)
	huma.Register(api, status(op("revoke-my-token", http.MethodDelete, "/me/tokens/{id}", "Revoke one of your API tokens", people), http.StatusNoContent), h.revokeToken)
}

// ListUsersInput filters accounts.
type ListUsersInput struct {
	Q string `query:"q" maxLength:"200" doc:"Search in names and addresses."`
	Pagination
}

func (h *Handler) listUsers(ctx context.Context, in *ListUsersInput) (*PeopleList, error) {
	f := model.PeopleFilter{Query: in.Q, Page: in.page()}
	list, total, err := h.app.ListAccounts(ctx, actor(ctx), f)
	return h.peopleList(ctx, "/users", in.Pagination, f.Page, list, total, err)
}

// CreateUserInput is a new account. Without a password the person signs
// in with a provider or sets one through a password reset.
type CreateUserInput struct {
	Body struct {
		Email    string `json:"email" maxLength:"254"`
		Name     string `json:"name" maxLength:"120"`
		Role     string `json:"role,omitempty" enum:"admin,member" doc:"Default member."`
		Password string `json:"password,omitempty" maxLength:"256" doc:"Initial password (at least 10 characters); leave out to let the person choose one."`
	}
}

// CreatedPerson is a created account and where it lives.
type CreatedPerson struct {
	Location string `header:"Location"`
	Body     PersonBody
}

func (h *Handler) createUser(ctx context.Context, in *CreateUserInput) (*CreatedPerson, error) {
	b := in.Body
	u, err := h.app.CreateUser(ctx, actor(ctx), model.UserInput{Email: b.Email, Name: b.Name, Role: b.Role}, b.Password)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	p, err := h.app.GetPerson(ctx, actor(ctx), u.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedPerson{Location: fmt.Sprintf("%s/people/%d", Prefix, u.ID), Body: personBody(*p)}, nil
}

// ListInvitationsInput filters invitations.
type ListInvitationsInput struct {
	Status    string `query:"status" enum:"pending,accepted,expired,revoked" doc:"Only invitations in this state."`
	Community string `query:"community" maxLength:"64" doc:"Only invitations to this community (id or slug)."`
	Pagination
}

// InvitationList is a page of invitations.
type InvitationList struct {
	Body struct {
		Items []*model.Invitation `json:"items"`
		PageInfo
	}
}

func (h *Handler) listInvitations(ctx context.Context, in *ListInvitationsInput) (*InvitationList, error) {
	f := model.InvitationFilter{Status: in.Status, Page: in.page()}
	if in.Community != "" {
		c, err := h.app.GetCommunity(ctx, actor(ctx), in.Community)
		if err != nil {
			return nil, h.fail(ctx, err)
		}
		f.CommunityID = c.ID
	}
	list, total, err := h.app.ListInvitations(ctx, actor(ctx), f)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &InvitationList{}
	out.Body.Items = list
	out.Body.PageInfo = pageInfo(f.Page, total)
	return out, nil
}

// CreateInvitationInput is one invitation.
type CreateInvitationInput struct {
	Body struct {
		Email     string `json:"email" maxLength:"254"`
		Name      string `json:"name,omitempty" maxLength:"120"`
		Community string `json:"community,omitempty" maxLength:"64" doc:"Community to join (id or slug); staff may leave it out to invite to an account only."`
		Role      string `json:"role,omitempty" enum:"lead,contact,member" doc:"Role in the community; default member."`
		Days      int    `json:"valid_days,omitempty" minimum:"0" maximum:"30" doc:"How many days the link works; default 7."`
	}
}

// InvitationOutput is one invitation.
type InvitationOutput struct {
	Location string `header:"Location"`
	Body     *model.Invitation
}

func (h *Handler) createInvitation(ctx context.Context, in *CreateInvitationInput) (*InvitationOutput, error) {
	b := in.Body
	inv, err := h.app.Invite(ctx, actor(ctx), model.InvitationInput{Email: b.Email, Name: b.Name, Community: b.Community, Role: b.Role},
		model.InvitationDays(b.Days))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &InvitationOutput{Location: fmt.Sprintf("%s/invitations?status=pending", Prefix), Body: inv}, nil
}

// IDRef names a numbered resource.
type IDRef struct {
	ID int64 `path:"id" minimum:"1"`
}

func (h *Handler) resendInvitation(ctx context.Context, in *IDRef) (*InvitationOutput, error) {
	inv, err := h.app.ResendInvitation(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &InvitationOutput{Body: inv}, nil
}

func (h *Handler) revokeInvitation(ctx context.Context, in *IDRef) (*struct{}, error) {
	if err := h.app.RevokeInvitation(ctx, actor(ctx), in.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// TokenList is the caller's tokens (never their secrets).
type TokenList struct {
	Body struct {
		Items []model.APIToken `json:"items"`
	}
}

func (h *Handler) listTokens(ctx context.Context, _ *struct{}) (*TokenList, error) {
	list, err := h.app.APITokens(ctx, actor(ctx))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &TokenList{}
	out.Body.Items = list
	return out, nil
}

// CreateTokenInput names a new token.
type CreateTokenInput struct {
	Body struct {
		Name string `json:"name" maxLength:"80" doc:"What the token is for."`
	}
}

// CreatedToken is a new token with its secret, shown this once.
type CreatedToken struct {
	Body struct {
		model.APIToken
		Token string `json:"token" doc:"The secret: send it as Authorization: Bearer <token>. It is not shown again."`
	}
}

func (h *Handler) createToken(ctx context.Context, in *CreateTokenInput) (*CreatedToken, error) {
	u := actor(ctx)
	if u == nil {
		return nil, h.fail(ctx, model.Errorf(model.EUnauthorized, "Please sign in or send an API token."))
	}
	secret, t, err := h.app.CreateToken(ctx, u, u, in.Body.Name)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &CreatedToken{}
	out.Body.APIToken, out.Body.Token = *t, secret
	return out, nil
}

func (h *Handler) revokeToken(ctx context.Context, in *IDRef) (*struct{}, error) {
	if err := h.app.RevokeToken(ctx, actor(ctx), in.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}
