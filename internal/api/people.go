package api

import (
	"context"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// PersonBody is a person with their affiliations. Email, role and the
// account times are present only for callers who may see them: staff, the
// person themself and the leads of the person's communities.
type PersonBody struct {
	ID           int64               `json:"id"`
	Email        string              `json:"email,omitempty"`
	Name         string              `json:"name"`
	Role         string              `json:"role,omitempty" enum:"admin,member"`
	CreatedAt    time.Time           `json:"created_at,omitzero"`
	DisabledAt   *time.Time          `json:"disabled_at,omitempty"`
	LastLoginAt  *time.Time          `json:"last_login_at,omitempty"`
	Affiliations []model.Affiliation `json:"affiliations"`
}

func personBody(p app.Person) PersonBody {
	return PersonBody{ID: p.ID, Email: p.Email, Name: p.Name, Role: p.Role, CreatedAt: p.CreatedAt,
		DisabledAt: p.DisabledAt, LastLoginAt: p.LastLoginAt, Affiliations: p.Affiliations}
}

// MeOutput is one person.
type MeOutput struct {
	Body PersonBody
}

func (h *Handler) getMe(ctx context.Context, _ *struct{}) (*MeOutput, error) {
	u := actor(ctx)
	if u == nil {
		return nil, h.fail(ctx, model.Errorf(model.EUnauthorized, "Please sign in or send an API token."))
	}
	p, err := h.app.GetPerson(ctx, u, u.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &MeOutput{Body: personBody(*p)}, nil
}

// ListPeopleInput filters people.
type ListPeopleInput struct {
	Q         string `query:"q" maxLength:"200" doc:"Search in names and addresses."`
	Community string `query:"community" maxLength:"64" doc:"Only people of this community (id or slug)."`
	Pagination
}

// PeopleList is a page of people.
type PeopleList struct {
	Link string `header:"Link"`
	Body struct {
		Items []PersonBody `json:"items"`
		PageInfo
	}
}

func (h *Handler) listPeople(ctx context.Context, in *ListPeopleInput) (*PeopleList, error) {
	f := model.PeopleFilter{Query: in.Q, Page: in.page()}
	if in.Community != "" {
		c, err := h.app.GetCommunity(ctx, actor(ctx), in.Community)
		if err != nil {
			return nil, h.fail(ctx, err)
		}
		f.CommunityID = c.ID
	}
	list, total, err := h.app.ListPeople(ctx, actor(ctx), f)
	return h.peopleList(ctx, "/people", in.Pagination, f.Page, list, total, err)
}

// peopleList is the answer of a list of people (or its failure).
func (h *Handler) peopleList(ctx context.Context, path string, in Pagination, page model.Page, list []app.Person, total int, err error) (*PeopleList, error) {
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &PeopleList{}
	out.Body.Items = make([]PersonBody, len(list))
	for i, p := range list {
		out.Body.Items[i] = personBody(p)
	}
	out.Body.PageInfo = pageInfo(page, total)
	out.Link = links(path, in.Page, out.Body.Pages, in.PerPage)
	return out, nil
}

// PersonRef names a person.
type PersonRef struct {
	ID int64 `path:"id"`
}

func (h *Handler) getPerson(ctx context.Context, in *PersonRef) (*MeOutput, error) {
	p, err := h.app.GetPerson(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &MeOutput{Body: personBody(*p)}, nil
}

// ListAuditInput filters the audit log.
type ListAuditInput struct {
	EntityType string `query:"entity_type" maxLength:"40"`
	EntityID   string `query:"entity_id" maxLength:"40"`
	Action     string `query:"action" maxLength:"60"`
	ActorID    int64  `query:"actor_id"`
	Since      string `query:"since" doc:"RFC 3339 time or date."`
	Until      string `query:"until" doc:"RFC 3339 time or date (exclusive)."`
	Pagination
}

// AuditList is a page of audit entries.
type AuditList struct {
	Body struct {
		Items []model.AuditEntry `json:"items"`
		PageInfo
	}
}

func (h *Handler) listAudit(ctx context.Context, in *ListAuditInput) (*AuditList, error) {
	f := model.AuditFilter{EntityType: in.EntityType, EntityID: in.EntityID, Action: in.Action, ActorID: in.ActorID, Page: in.page()}
	var p model.Problems
	var err error
	if f.Since, err = parseDate(in.Since); err != nil {
		p.Add("query.since", "must be a date or an RFC 3339 time")
	}
	if f.Until, err = parseDate(in.Until); err != nil {
		p.Add("query.until", "must be a date or an RFC 3339 time")
	}
	if err := p.Err(); err != nil {
		return nil, h.fail(ctx, err)
	}
	list, total, err := h.app.ListAudit(ctx, actor(ctx), f)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &AuditList{}
	out.Body.Items = list
	out.Body.PageInfo = pageInfo(f.Page, total)
	return out, nil
}
