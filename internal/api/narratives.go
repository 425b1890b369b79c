package api

import (
	"context"
	"fmt"

	"consortia/internal/model"
)

// NarrativeFields are the writable fields of a narrative. On PATCH every
// field is optional and only those present change.
type NarrativeFields struct {
	Slug    *string   `json:"slug,omitempty" maxLength:"64" doc:"Lowercase letters, digits and hyphens; derived from the title when omitted on create."`
	Title   *string   `json:"title,omitempty" maxLength:"160" doc:"Required on create."`
	Summary *string   `json:"summary,omitempty" maxLength:"500"`
	Story   *string   `json:"story,omitempty" maxLength:"20000" doc:"Markdown; required on create."`
	Gaps    *string   `json:"gaps,omitempty" maxLength:"20000" doc:"Markdown: the initiatives this narrative still lacks."`
	Themes  *[]string `json:"themes,omitempty" maxItems:"20"`
	Public  *bool     `json:"public,omitempty" doc:"Shown to visitors; false when omitted on create."`
}

func (f NarrativeFields) apply(in *model.NarrativeInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Slug, f.Slug)
	set(&in.Title, f.Title)
	set(&in.Summary, f.Summary)
	set(&in.Story, f.Story)
	set(&in.Gaps, f.Gaps)
	if f.Themes != nil {
		in.Themes = *f.Themes
	}
	if f.Public != nil {
		in.Public = *f.Public
	}
}

func narrativeInputOf(n *model.Narrative) model.NarrativeInput {
	return model.NarrativeInput{Slug: n.Slug, Title: n.Title, Summary: n.Summary, Story: n.Story, Gaps: n.Gaps, Themes: n.Themes, Public: n.Public}
}

// ListNarrativesInput pages through narratives.
type ListNarrativesInput struct {
	Pagination
}

// NarrativeList is a page of narratives.
type NarrativeList struct {
	Link string `header:"Link" doc:"RFC 8288 links to the next and previous pages."`
	Body struct {
		Items []*model.Narrative `json:"items"`
		PageInfo
	}
}

func (h *Handler) listNarratives(ctx context.Context, in *ListNarrativesInput) (*NarrativeList, error) {
	// There are tens of narratives, not thousands: the use case returns
	// them all and the page is cut here.
	all, err := h.app.ListNarratives(ctx, actor(ctx))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	p := in.page().Normalize()
	out := &NarrativeList{}
	from := min(p.Offset(), len(all))
	to := min(from+p.Size, len(all))
	out.Body.Items = append([]*model.Narrative{}, all[from:to]...)
	out.Body.PageInfo = pageInfo(p, len(all))
	out.Link = links("/narratives", in.Page, out.Body.Pages, in.PerPage)
	return out, nil
}

// NarrativePath names a narrative by id or slug.
type NarrativePath struct {
	ID string `path:"id" maxLength:"64" doc:"Numeric id or slug."`
}

// NarrativeOutput is one narrative.
type NarrativeOutput struct {
	Body *model.Narrative
}

func (h *Handler) getNarrative(ctx context.Context, in *NarrativePath) (*NarrativeOutput, error) {
	n, err := h.app.GetNarrative(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &NarrativeOutput{Body: n}, nil
}

// CreateNarrativeInput is the body of a create.
type CreateNarrativeInput struct {
	Body struct {
		NarrativeFields
	}
}

// CreatedNarrative is a created narrative and where it lives.
type CreatedNarrative struct {
	Location string `header:"Location"`
	Body     *model.Narrative
}

func (h *Handler) createNarrative(ctx context.Context, in *CreateNarrativeInput) (*CreatedNarrative, error) {
	var ni model.NarrativeInput
	in.Body.apply(&ni)
	n, err := h.app.CreateNarrative(ctx, actor(ctx), ni)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedNarrative{Location: fmt.Sprintf("%s/narratives/%d", Prefix, n.ID), Body: n}, nil
}

// UpdateNarrativeInput is a partial update; version, when given, must match.
type UpdateNarrativeInput struct {
	NarrativePath
	Body struct {
		NarrativeFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the narrative changed since."`
	}
}

func (h *Handler) updateNarrative(ctx context.Context, in *UpdateNarrativeInput) (*NarrativeOutput, error) {
	cur, err := h.app.GetNarrative(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	ni := narrativeInputOf(cur)
	in.Body.apply(&ni)
	n, err := h.app.UpdateNarrative(ctx, actor(ctx), idStr(cur.ID), in.Body.Version, ni)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &NarrativeOutput{Body: n}, nil
}

// NarrativeInitiativeInput names an initiative of a narrative.
type NarrativeInitiativeInput struct {
	NarrativePath
	Initiative string `path:"initiative" maxLength:"64" doc:"The initiative's id or slug."`
}

func (h *Handler) linkInitiative(ctx context.Context, in *NarrativeInitiativeInput) (*struct{}, error) {
	return nil, h.setNarrativeInitiative(ctx, in, true)
}

func (h *Handler) unlinkInitiative(ctx context.Context, in *NarrativeInitiativeInput) (*struct{}, error) {
	return nil, h.setNarrativeInitiative(ctx, in, false)
}

func (h *Handler) setNarrativeInitiative(ctx context.Context, in *NarrativeInitiativeInput, on bool) error {
	if err := h.app.LinkInitiative(ctx, actor(ctx), in.ID, in.Initiative, on); err != nil {
		return h.failAt(ctx, err, map[string]string{"initiative": "path.initiative"})
	}
	return nil
}

// NarrativeEndorsementInput names a community endorsing a narrative.
type NarrativeEndorsementInput struct {
	NarrativePath
	Community string `path:"community" maxLength:"64" doc:"The community's id or slug; a lead acts for their own, staff for any."`
}

// EndorsementBody is a community's answer: consent to be named and an optional story.
type EndorsementBody struct {
	ConsentToBeNamed bool         `json:"consent_to_be_named" doc:"The community consents to be named (only a lead of the community may give or revoke it); the exact wording consented to is recorded and returned."`
	Story            *model.Story `json:"story,omitempty" doc:"A user story of impact; who, before and after are required once any field is given."`
}

// EndorseNarrativeInput is an endorsement with its optional content.
type EndorseNarrativeInput struct {
	NarrativeEndorsementInput
	Body *EndorsementBody
}

func (b *EndorsementBody) answer() *model.EndorsementAnswer {
	ans := &model.EndorsementAnswer{}
	if b != nil {
		ans.ConsentToBeNamed = b.ConsentToBeNamed
		if b.Story != nil {
			ans.Story = *b.Story
		}
	}
	return ans
}

func (h *Handler) endorseNarrative(ctx context.Context, in *EndorseNarrativeInput) (*struct{}, error) {
	return nil, h.setEndorsement(ctx, &in.NarrativeEndorsementInput, in.Body.answer())
}

func (h *Handler) unendorseNarrative(ctx context.Context, in *NarrativeEndorsementInput) (*struct{}, error) {
	return nil, h.setEndorsement(ctx, in, nil)
}

func (h *Handler) setEndorsement(ctx context.Context, in *NarrativeEndorsementInput, ans *model.EndorsementAnswer) error {
	if err := h.app.EndorseNarrative(ctx, actor(ctx), in.ID, in.Community, ans); err != nil {
		return h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return nil
}
