package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"consortia/internal/model"
)

// CommunityFields are the writable fields of a community. On PATCH every
// field is optional and only those present change.
type CommunityFields struct {
	Slug           *string   `json:"slug,omitempty" maxLength:"64" doc:"Lowercase letters, digits and hyphens; derived from the name when omitted on create."`
	Name           *string   `json:"name,omitempty" maxLength:"120"`
	Kind           *string   `json:"kind,omitempty" enum:"university,research-collaboration,agency,nonprofit,company,other"`
	Website        *string   `json:"website,omitempty" maxLength:"2048"`
	Description    *string   `json:"description,omitempty" maxLength:"20000" doc:"Markdown."`
	Tags           *[]string `json:"tags,omitempty" maxItems:"20"`
	Tier           *string   `json:"tier,omitempty" enum:",essential,standard,premium,partner" doc:"Membership tier with the host organization; empty when not a member."`
	MemberSince    *string   `json:"member_since,omitempty" doc:"Date (YYYY-MM-DD) the community became a member; empty to clear."`
	SupportContact *string   `json:"support_contact,omitempty" maxLength:"254"`
	HostedServices *string   `json:"hosted_services,omitempty" maxLength:"2000"`
}

// apply writes the present fields onto in, checking the date.
func (f CommunityFields) apply(in *model.CommunityInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Slug, f.Slug)
	set(&in.Name, f.Name)
	set(&in.Kind, f.Kind)
	set(&in.Website, f.Website)
	set(&in.Description, f.Description)
	set(&in.Tier, f.Tier)
	set(&in.SupportContact, f.SupportContact)
	set(&in.HostedServices, f.HostedServices)
	if f.Tags != nil {
		in.Tags = *f.Tags
	}
	if f.MemberSince != nil {
		d, err := parseDate(*f.MemberSince)
		if err != nil {
			var p model.Problems
			p.Add("member_since", "must be a date like 2024-09-01")
			return p.Err()
		}
		in.MemberSince = d
	}
	return nil
}

func parseDate(s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return &t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return nil, err
	}
	t = t.UTC()
	return &t, nil
}

func inputOf(c *model.Community) model.CommunityInput {
	return model.CommunityInput{Slug: c.Slug, Name: c.Name, Kind: c.Kind, Website: c.Website, Description: c.Description,
		Tags: c.Tags, Tier: c.Tier, MemberSince: c.MemberSince, SupportContact: c.SupportContact, HostedServices: c.HostedServices}
}

// ListCommunitiesInput filters the community list.
type ListCommunitiesInput struct {
	Q    string `query:"q" maxLength:"200" doc:"Search in name, slug and description."`
	Kind string `query:"kind" enum:",university,research-collaboration,agency,nonprofit,company,other"`
	Tag  string `query:"tag" maxLength:"40"`
	Tier string `query:"tier" doc:"member, non-member, or a tier name."`
	Pagination
	IncludeArchived bool `query:"include_archived" doc:"Staff only."`
}

// CommunityList is a page of communities.
type CommunityList struct {
	Link string `header:"Link" doc:"RFC 8288 links to the next and previous pages."`
	Body struct {
		Items []*model.Community `json:"items"`
		PageInfo
	}
}

func (h *Handler) listCommunities(ctx context.Context, in *ListCommunitiesInput) (*CommunityList, error) {
	f := model.CommunityFilter{Query: in.Q, Kind: in.Kind, Tag: in.Tag, Tier: in.Tier, IncludeArchived: in.IncludeArchived, Page: in.page()}
	list, total, err := h.app.ListCommunities(ctx, actor(ctx), f)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &CommunityList{}
	out.Body.Items = list
	if out.Body.Items == nil {
		out.Body.Items = []*model.Community{}
	}
	out.Body.PageInfo = pageInfo(f.Page, total)
	out.Link = links("/communities", in.Page, out.Body.Pages, in.PerPage)
	return out, nil
}

func links(path string, page, pages, perPage int) string {
	var l []string
	if page < pages {
		l = append(l, fmt.Sprintf(`<%s%s?page=%d&per_page=%d>; rel="next"`, Prefix, path, page+1, perPage))
	}
	if page > 1 {
		l = append(l, fmt.Sprintf(`<%s%s?page=%d&per_page=%d>; rel="prev"`, Prefix, path, page-1, perPage))
	}
	return strings.Join(l, ", ")
}

// CommunityRef names a community by id or slug.
type CommunityRef struct {
	ID string `path:"id" maxLength:"64" doc:"Numeric id or slug."`
}

// CommunityBody is a community and, for signed-in callers, its people.
type CommunityBody struct {
	model.Community
	People []model.Affiliation `json:"people,omitempty"`
}

// CommunityOutput is one community.
type CommunityOutput struct {
	Body CommunityBody
}

func communityOutput(c *model.Community, people []model.Affiliation) *CommunityOutput {
	return &CommunityOutput{Body: CommunityBody{Community: *c, People: people}}
}

func (h *Handler) getCommunity(ctx context.Context, in *CommunityRef) (*CommunityOutput, error) {
	v, err := h.app.GetCommunity(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return communityOutput(v.Community, v.People), nil
}

// CreateCommunityInput is the body of a create.
type CreateCommunityInput struct {
	Body struct {
		CommunityFields
	}
}

// CreatedCommunity is a created community and where it lives.
type CreatedCommunity struct {
	Location string `header:"Location"`
	Body     *model.Community
}

func (h *Handler) createCommunity(ctx context.Context, in *CreateCommunityInput) (*CreatedCommunity, error) {
	var ci model.CommunityInput
	if err := in.Body.apply(&ci); err != nil {
		return nil, h.fail(ctx, err)
	}
	c, err := h.app.CreateCommunity(ctx, actor(ctx), ci)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedCommunity{Location: fmt.Sprintf("%s/communities/%d", Prefix, c.ID), Body: c}, nil
}

// UpdateCommunityInput is a partial update; version, when given, must match.
type UpdateCommunityInput struct {
	CommunityRef
	Body struct {
		CommunityFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the community changed since."`
	}
}

func (h *Handler) updateCommunity(ctx context.Context, in *UpdateCommunityInput) (*CommunityOutput, error) {
	cur, err := h.app.GetCommunity(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	ci := inputOf(cur.Community)
	if err := in.Body.apply(&ci); err != nil {
		return nil, h.fail(ctx, err)
	}
	c, err := h.app.UpdateCommunity(ctx, actor(ctx), in.ID, in.Body.Version, ci)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return communityOutput(c, nil), nil
}

func (h *Handler) archiveCommunity(ctx context.Context, in *CommunityRef) (*CommunityOutput, error) {
	c, err := h.app.ArchiveCommunity(ctx, actor(ctx), in.ID, true)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return communityOutput(c, nil), nil
}

func (h *Handler) restoreCommunity(ctx context.Context, in *CommunityRef) (*CommunityOutput, error) {
	c, err := h.app.ArchiveCommunity(ctx, actor(ctx), in.ID, false)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return communityOutput(c, nil), nil
}

// SetAffiliationInput adds a person to a community.
type SetAffiliationInput struct {
	CommunityRef
	Body struct {
		Email string `json:"email" maxLength:"254" doc:"The person's address; they must have an account."`
		Role  string `json:"role" enum:"lead,contact,member"`
	}
}

// AffiliationOutput is one affiliation.
type AffiliationOutput struct {
	Body *model.Affiliation
}

func (h *Handler) setAffiliation(ctx context.Context, in *SetAffiliationInput) (*AffiliationOutput, error) {
	a, err := h.app.SetAffiliation(ctx, actor(ctx), in.ID, in.Body.Email, in.Body.Role)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &AffiliationOutput{Body: a}, nil
}

// RemoveAffiliationInput names the affiliation to remove.
type RemoveAffiliationInput struct {
	CommunityRef
	UserID int64 `path:"user_id"`
}

func (h *Handler) removeAffiliation(ctx context.Context, in *RemoveAffiliationInput) (*struct{}, error) {
	if err := h.app.RemoveAffiliation(ctx, actor(ctx), in.ID, in.UserID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}
