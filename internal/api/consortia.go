package api

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
)

// ConsortiumData is model.Consortium as a type without methods, so that
// huma can embed it in response bodies (see InitiativeData).
type ConsortiumData model.Consortium

// ConsortiumItem is a consortium as lists show it.
type ConsortiumItem struct {
	ConsortiumData
	StageLabel          string `json:"stage_label" doc:"Human name of the stage, e.g. \"Gathering critical mass\"."`
	CriticalMassReached bool   `json:"critical_mass_reached" doc:"Whether enough communities and people agree with the problem."`
}

// NextStage is a stage a consortium may move to and what stands in the way.
type NextStage struct {
	Stage    string               `json:"stage"`
	Label    string               `json:"label"`
	Blockers []model.StageBlocker `json:"blockers" doc:"Unmet conditions, empty when the move is allowed; overridable ones can be waived by staff with a reason. Closing needs a closing_summary besides."`
}

// ConsortiumDetail is one consortium with its members, supporters and timeline.
type ConsortiumDetail struct {
	ConsortiumItem
	Members       []model.Member      `json:"members" doc:"Current members with their roles."`
	Supporters    []model.Supporter   `json:"supporters" doc:"People who agree with the problem (signed-in callers only)."`
	Timeline      []model.Transition  `json:"timeline" doc:"Stage changes, oldest first, with override reasons."`
	MemberHistory []model.MemberEvent `json:"member_history" doc:"Joins, role changes and departures, newest first (signed-in callers only)."`
	NextStages    []NextStage         `json:"next_stages"`
	CanEdit       bool                `json:"can_edit" doc:"Whether the caller may edit it (PATCH)."`
}

func (h *Handler) consortiumItem(c *model.Consortium) ConsortiumItem {
	return ConsortiumItem{ConsortiumData: ConsortiumData(*c), StageLabel: model.StageLabel(c.Stage), CriticalMassReached: c.CriticalMassReached()}
}

func (h *Handler) consortiumDetail(ctx context.Context, v *app.ConsortiumView) (ConsortiumDetail, error) {
	d := ConsortiumDetail{ConsortiumItem: h.consortiumItem(v.Consortium), Members: v.Members, Supporters: v.Supporters,
		Timeline: v.Timeline, MemberHistory: v.MemberEvents, NextStages: []NextStage{}, CanEdit: v.CanEdit}
	if d.Supporters == nil {
		d.Supporters = []model.Supporter{}
	}
	if d.MemberHistory == nil {
		d.MemberHistory = []model.MemberEvent{}
	}
	for _, to := range model.NextStages(v.Stage) {
		b := v.Blockers[to]
		if b == nil {
			b = []model.StageBlocker{}
		}
		d.NextStages = append(d.NextStages, NextStage{Stage: to, Label: model.StageLabel(to), Blockers: b})
	}
	return d, nil
}

// --- list and read -----------------------------------------------------------

// ListConsortiaInput filters the consortium list.
type ListConsortiaInput struct {
	Q     string `query:"q" maxLength:"200" doc:"Search in names and problem statements."`
	Stage string `query:"stage" enum:",proposed,gathering,defining_goals,active,concluded,dissolved"`
	Pagination
}

// ConsortiumList is a page of consortia.
type ConsortiumList struct {
	Link string `header:"Link" doc:"RFC 8288 links to the next and previous pages."`
	Body struct {
		Items []ConsortiumItem `json:"items"`
		PageInfo
	}
}

func (h *Handler) listConsortia(ctx context.Context, in *ListConsortiaInput) (*ConsortiumList, error) {
	f := model.ConsortiumFilter{Query: in.Q, Stage: in.Stage, Page: in.page()}
	list, total, err := h.app.ListConsortia(ctx, actor(ctx), f)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &ConsortiumList{}
	out.Body.Items = make([]ConsortiumItem, len(list))
	for i, c := range list {
		out.Body.Items[i] = h.consortiumItem(c)
	}
	out.Body.PageInfo = pageInfo(f.Page, total)
	out.Link = links("/consortia", in.Page, out.Body.Pages, in.PerPage)
	return out, nil
}

// ConsortiumPath names a consortium by id or slug.
type ConsortiumPath struct {
	ID string `path:"id" maxLength:"64" doc:"Numeric id or slug."`
}

// ConsortiumDetailOutput is one consortium with everything its page shows.
type ConsortiumDetailOutput struct {
	Body ConsortiumDetail
}

func (h *Handler) getConsortium(ctx context.Context, in *ConsortiumPath) (*ConsortiumDetailOutput, error) {
	v, err := h.app.GetConsortium(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	d, err := h.consortiumDetail(ctx, v)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ConsortiumDetailOutput{Body: d}, nil
}

// ConsortiumOutput is one consortium.
type ConsortiumOutput struct {
	Body ConsortiumItem
}

func (h *Handler) consortiumOutput(ctx context.Context, c *model.Consortium) (*ConsortiumOutput, error) {
	return &ConsortiumOutput{Body: h.consortiumItem(c)}, nil
}

// --- propose and edit --------------------------------------------------------

// ConsortiumFields are the writable fields of a consortium. On PATCH every
// field is optional and only those present change. Goals, the decision and
// the kickoff have their own operations.
type ConsortiumFields struct {
	Slug                *string  `json:"slug,omitempty" maxLength:"64" doc:"Lowercase letters, digits and hyphens; derived from the name when omitted on create."`
	Name                *string  `json:"name,omitempty" maxLength:"160" doc:"Required on create."`
	Problem             *string  `json:"problem,omitempty" maxLength:"20000" doc:"The shared problem statement (Markdown); required on create."`
	Visibility          *string  `json:"visibility,omitempty" enum:"public,members,private" doc:"public (default), members (people signed in) or private (staff and the consortium's own people)."`
	SlackChannel        *string  `json:"slack_channel,omitempty" maxLength:"80"`
	MailingSegment      *string  `json:"mailing_segment,omitempty" maxLength:"120"`
	GuideURL            *string  `json:"guide_url,omitempty" maxLength:"2048"`
	CriticalCommunities *int     `json:"critical_mass_communities,omitempty" minimum:"1" maximum:"1000" doc:"Communities that must agree with the problem before goals are defined; 3 when omitted on create."`
	CriticalPeople      *int     `json:"critical_mass_people,omitempty" minimum:"1" maximum:"10000" doc:"People who must agree and take part in meetings; 5 when omitted on create."`
	NarrativeIDs        *[]int64 `json:"narrative_ids,omitempty" maxItems:"20" doc:"Narratives it works on."`
	InitiativeIDs       *[]int64 `json:"initiative_ids,omitempty" maxItems:"500" doc:"Initiatives it works on."`
}

func (f ConsortiumFields) apply(in *model.ConsortiumInput) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Slug, f.Slug)
	set(&in.Name, f.Name)
	set(&in.Problem, f.Problem)
	set(&in.Visibility, f.Visibility)
	set(&in.SlackChannel, f.SlackChannel)
	set(&in.MailingSegment, f.MailingSegment)
	set(&in.GuideURL, f.GuideURL)
	if f.CriticalCommunities != nil {
		in.CriticalCommunities = *f.CriticalCommunities
	}
	if f.CriticalPeople != nil {
		in.CriticalPeople = *f.CriticalPeople
	}
	if f.NarrativeIDs != nil {
		in.NarrativeIDs = *f.NarrativeIDs
	}
	if f.InitiativeIDs != nil {
		in.InitiativeIDs = *f.InitiativeIDs
	}
}

// consortiumInputOf is the input that leaves a consortium as it is.
func consortiumInputOf(c *model.Consortium) model.ConsortiumInput {
	in := model.ConsortiumInput{Slug: c.Slug, Name: c.Name, Problem: c.Problem, Goals: c.Goals, Visibility: c.Visibility,
		SlackChannel: c.SlackChannel, MailingSegment: c.MailingSegment, GuideURL: c.GuideURL,
		CriticalCommunities: c.CriticalCommunities, CriticalPeople: c.CriticalPeople, KickoffAt: c.KickoffAt,
		NarrativeIDs: []int64{}, InitiativeIDs: []int64{}}
	for _, n := range c.Narratives {
		in.NarrativeIDs = append(in.NarrativeIDs, n.ID)
	}
	for _, i := range c.Initiatives {
		in.InitiativeIDs = append(in.InitiativeIDs, i.ID)
	}
	return in
}

// ProposeConsortiumInput is the body of a proposal.
type ProposeConsortiumInput struct {
	Body struct {
		ConsortiumFields
	}
}

// CreatedConsortium is a proposed consortium and where it lives.
type CreatedConsortium struct {
	Location string `header:"Location"`
	Body     ConsortiumItem
}

func (h *Handler) proposeConsortium(ctx context.Context, in *ProposeConsortiumInput) (*CreatedConsortium, error) {
	var ci model.ConsortiumInput
	in.Body.apply(&ci)
	c, err := h.app.ProposeConsortium(ctx, actor(ctx), ci)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedConsortium{Location: fmt.Sprintf("%s/consortia/%d", Prefix, c.ID), Body: h.consortiumItem(c)}, nil
}

// UpdateConsortiumInput is a partial update; version, when given, must match.
type UpdateConsortiumInput struct {
	ConsortiumPath
	Body struct {
		ConsortiumFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the consortium changed since."`
	}
}

func (h *Handler) updateConsortium(ctx context.Context, in *UpdateConsortiumInput) (*ConsortiumOutput, error) {
	v, err := h.app.GetConsortium(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	// The view hides non-public initiatives from visitors, but visitors
	// cannot edit: the use case answers 401 before anything is written.
	ci := consortiumInputOf(v.Consortium)
	in.Body.apply(&ci)
	c, err := h.app.UpdateConsortium(ctx, actor(ctx), idStr(v.ID), in.Body.Version, ci)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.consortiumOutput(ctx, c)
}

// checkConsortiumVersion is a best-effort optimistic lock for the
// operations whose use case takes no version.
func (h *Handler) checkConsortiumVersion(ctx context.Context, ref string, version int64) error {
	if version == 0 {
		return nil
	}
	v, err := h.app.GetConsortium(ctx, actor(ctx), ref)
	if err != nil {
		return err
	}
	if v.Version != version {
		return staleVersion("consortium", version, v.Version)
	}
	return nil
}

// --- lifecycle ---------------------------------------------------------------

// TransitionInput moves a consortium to another stage (staff).
type TransitionInput struct {
	ConsortiumPath
	Body struct {
		To             string `json:"to,omitempty" enum:"proposed,gathering,defining_goals,active,concluded,dissolved" doc:"Required: the stage to move to."`
		Reason         string `json:"reason,omitempty" maxLength:"2000" doc:"Recorded in the timeline; required with override."`
		Override       bool   `json:"override,omitempty" doc:"Waive the unmet overridable conditions (critical mass, kickoff, goals, decision), recording the reason."`
		ClosingSummary string `json:"closing_summary,omitempty" maxLength:"20000" doc:"Required to conclude or dissolve."`
		Version        int64  `json:"version,omitempty" minimum:"0" doc:"The version you read; fails with 409 if the consortium changed since."`
	}
}

func (h *Handler) transition(ctx context.Context, in *TransitionInput) (*ConsortiumOutput, error) {
	b := in.Body
	if b.To == "" {
		return nil, h.fail(ctx, invalid("to", "is required"))
	}
	if err := h.checkConsortiumVersion(ctx, in.ID, b.Version); err != nil {
		return nil, h.fail(ctx, err)
	}
	c, err := h.app.Transition(ctx, actor(ctx), in.ID, b.To, strings.TrimSpace(b.Reason), b.Override, strings.TrimSpace(b.ClosingSummary))
	if err != nil {
		if model.ErrorCode(err) == model.EConflict {
			return nil, h.blocked(ctx, in.ID, b.To, b.ClosingSummary, err)
		}
		return nil, h.fail(ctx, err)
	}
	return h.consortiumOutput(ctx, c)
}

// blocked is the 409 of a refused stage change, listing each unmet
// condition in errors[] so clients need not parse the message.
func (h *Handler) blocked(ctx context.Context, ref, to, summary string, err error) error {
	v, gerr := h.app.GetConsortium(ctx, actor(ctx), ref)
	if gerr != nil {
		return h.fail(ctx, err)
	}
	blockers := h.app.StageBlockers(v.Consortium, to, summary)
	if len(blockers) == 0 {
		return h.fail(ctx, err)
	}
	details := make([]error, len(blockers))
	for i, b := range blockers {
		msg := b.Message
		if b.Overridable {
			msg += " (staff can override with a reason)"
		}
		details[i] = &huma.ErrorDetail{Message: msg, Location: "body.to", Value: to}
	}
	return huma.NewError(http.StatusConflict, model.ErrorMessage(err), details...)
}

// SetGoalsInput records the goals drafted at kickoff and the decision.
type SetGoalsInput struct {
	ConsortiumPath
	Body struct {
		Goals        string `json:"goals,omitempty" maxLength:"20000" doc:"Markdown."`
		Agreed       *bool  `json:"agreed,omitempty" doc:"Whether the members agreed the goals (also accepted as goals_agreed)."`
		GoalsAgreed  *bool  `json:"goals_agreed,omitempty" doc:"Same as agreed, named as in the consortium."`
		Decision     string `json:"decision,omitempty" enum:",go,no_go" doc:"Whether there is enough interest to go on; empty while undecided."`
		DecisionNote string `json:"decision_note,omitempty" maxLength:"2000"`
		Version      int64  `json:"version,omitempty" minimum:"0" doc:"The version you read; fails with 409 if the consortium changed since."`
	}
}

func (h *Handler) setGoals(ctx context.Context, in *SetGoalsInput) (*ConsortiumOutput, error) {
	b := in.Body
	agreed := false
	switch {
	case b.Agreed != nil && b.GoalsAgreed != nil && *b.Agreed != *b.GoalsAgreed:
		return nil, h.fail(ctx, invalid("goals_agreed", "contradicts agreed; send one of them"))
	case b.Agreed != nil:
		agreed = *b.Agreed
	case b.GoalsAgreed != nil:
		agreed = *b.GoalsAgreed
	}
	if err := h.checkConsortiumVersion(ctx, in.ID, b.Version); err != nil {
		return nil, h.fail(ctx, err)
	}
	c, err := h.app.SetGoals(ctx, actor(ctx), in.ID, b.Goals, agreed, b.Decision, strings.TrimSpace(b.DecisionNote))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.consortiumOutput(ctx, c)
}

// KickoffInput schedules (or clears) the kickoff meeting.
type KickoffInput struct {
	ConsortiumPath
	Body struct {
		At       *time.Time `json:"at,omitempty" nullable:"true" doc:"RFC 3339 time of the kickoff meeting; null (or omitted) clears it."`
		TimeZone string     `json:"time_zone,omitempty" maxLength:"64" doc:"IANA time zone the kickoff is planned in and shown in, e.g. Europe/Berlin; UTC when omitted."`
		Version  int64      `json:"version,omitempty" minimum:"0" doc:"The version you read; fails with 409 if the consortium changed since."`
	}
}

func (h *Handler) scheduleKickoff(ctx context.Context, in *KickoffInput) (*ConsortiumOutput, error) {
	if err := h.checkConsortiumVersion(ctx, in.ID, in.Body.Version); err != nil {
		return nil, h.fail(ctx, err)
	}
	c, err := h.app.ScheduleKickoff(ctx, actor(ctx), in.ID, in.Body.At, in.Body.TimeZone)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.consortiumOutput(ctx, c)
}

// SupportInput records that the caller agrees with the problem statement.
type SupportInput struct {
	ConsortiumPath
	Body struct {
		WillMeet  *bool  `json:"will_meet,omitempty" doc:"Whether you will take part in meetings; true when omitted."`
		Community string `json:"community,omitempty" maxLength:"64" doc:"A community you are affiliated with and speak for (id or slug)."`
		Comment   string `json:"comment,omitempty" maxLength:"2000"`
	}
}

func (h *Handler) support(ctx context.Context, in *SupportInput) (*struct{}, error) {
	willMeet := in.Body.WillMeet == nil || *in.Body.WillMeet
	err := h.app.Support(ctx, actor(ctx), in.ID, true, willMeet, strings.TrimSpace(in.Body.Community), strings.TrimSpace(in.Body.Comment))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

func (h *Handler) withdrawSupport(ctx context.Context, in *ConsortiumPath) (*struct{}, error) {
	if err := h.app.Support(ctx, actor(ctx), in.ID, false, false, "", ""); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// --- members -----------------------------------------------------------------

// ListMembersInput asks for a consortium's members.
type ListMembersInput struct {
	ConsortiumPath
	History bool `query:"history" doc:"Include the membership history (signed-in callers)."`
}

// RoleGroup is one of the six roles and the members that play it.
type RoleGroup struct {
	Role        string               `json:"role"`
	Label       string               `json:"label"`
	Description string               `json:"description"`
	Communities []model.CommunityRef `json:"communities"`
}

// MembersOutput lists a consortium's current members.
type MembersOutput struct {
	Body struct {
		Items   []model.Member      `json:"items" doc:"Current members with their roles and levels of involvement."`
		ByRole  []RoleGroup         `json:"by_role" doc:"The six roles, each with the members that play it."`
		History []model.MemberEvent `json:"history,omitempty" doc:"With history=true (signed-in callers): joins, role changes and departures, newest first."`
	}
}

func (h *Handler) listMembers(ctx context.Context, in *ListMembersInput) (*MembersOutput, error) {
	v, err := h.app.GetConsortium(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &MembersOutput{}
	out.Body.Items = v.Members
	if out.Body.Items == nil {
		out.Body.Items = []model.Member{}
	}
	for _, r := range model.ConsortiumRoles {
		g := RoleGroup{Role: r, Label: model.RoleLabel(r), Description: model.RoleDescription(r), Communities: []model.CommunityRef{}}
		for _, m := range v.Members {
			if m.HasRole(r) {
				g.Communities = append(g.Communities, model.CommunityRef{ID: m.CommunityID, Slug: m.CommunitySlug, Name: m.CommunityName})
			}
		}
		out.Body.ByRole = append(out.Body.ByRole, g)
	}
	if in.History { // app gives member history to signed-in readers only
		out.Body.History = v.MemberEvents
		if out.Body.History == nil {
			out.Body.History = []model.MemberEvent{}
		}
	}
	return out, nil
}

// MemberFields are what a community commits to in a consortium.
type MemberFields struct {
	Roles        *[]string `json:"roles,omitempty" maxItems:"6" doc:"At least one of react_prioritize, endorse, test, connect, co_propose, co_fund."`
	CoCreate     *string   `json:"co_create,omitempty" enum:"none,some,lots" doc:"How much it wants to co-create and influence design; some when omitted on join."`
	ShareCredit  *string   `json:"share_credit,omitempty" enum:"none,some,lots" doc:"How much it wants to share credit in media and outreach; some when omitted on join."`
	EarlyAdopter *string   `json:"early_adopter,omitempty" enum:"none,some,lots" doc:"How much it wants to be an early adopter; some when omitted on join."`
}

func (f MemberFields) apply(in *model.MemberInput) {
	if f.Roles != nil {
		in.Roles = append([]string{}, *f.Roles...)
	}
	for _, x := range []struct {
		dst *string
		src *string
	}{{&in.CoCreate, f.CoCreate}, {&in.ShareCredit, f.ShareCredit}, {&in.EarlyAdopter, f.EarlyAdopter}} {
		if x.src != nil {
			*x.dst = *x.src
		}
	}
}

// JoinInput makes a community a member.
type JoinInput struct {
	ConsortiumPath
	Body struct {
		Community string `json:"community,omitempty" maxLength:"64" doc:"Required: the community (id or slug); a lead joins their own, staff add any."`
		MemberFields
	}
}

// MemberOutput is one membership.
type MemberOutput struct {
	Body *model.Member
}

// CreatedMember is a new membership and where it lives.
type CreatedMember struct {
	Location string `header:"Location"`
	Body     *model.Member
}

func (h *Handler) join(ctx context.Context, in *JoinInput) (*CreatedMember, error) {
	if strings.TrimSpace(in.Body.Community) == "" {
		return nil, h.fail(ctx, invalid("community", "is required"))
	}
	var mi model.MemberInput
	in.Body.apply(&mi)
	m, err := h.app.Join(ctx, actor(ctx), in.ID, strings.TrimSpace(in.Body.Community), mi)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedMember{Location: fmt.Sprintf("%s/consortia/%d/members/%s", Prefix, m.ConsortiumID, m.CommunitySlug), Body: m}, nil
}

// MemberPath names a member community of a consortium.
type MemberPath struct {
	ConsortiumPath
	Community string `path:"community" maxLength:"64" doc:"The member community's id or slug."`
}

// ChangeRolesInput changes a member's roles or levels; fields left out stay.
type ChangeRolesInput struct {
	MemberPath
	Body struct {
		MemberFields
	}
}

func (h *Handler) changeRoles(ctx context.Context, in *ChangeRolesInput) (*MemberOutput, error) {
	v, err := h.app.GetConsortium(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	var cur *model.Member
	ref := strings.ToLower(in.Community)
	for i, m := range v.Members {
		if idStr(m.CommunityID) == ref || m.CommunitySlug == ref {
			cur = &v.Members[i]
		}
	}
	if cur == nil {
		return nil, h.fail(ctx, model.Errorf(model.ENotFound, "%q is not a member of this consortium.", in.Community))
	}
	mi := model.MemberInput{Roles: cur.Roles, CoCreate: cur.CoCreate, ShareCredit: cur.ShareCredit, EarlyAdopter: cur.EarlyAdopter}
	in.Body.apply(&mi)
	m, err := h.app.ChangeRoles(ctx, actor(ctx), in.ID, in.Community, mi)
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return &MemberOutput{Body: m}, nil
}

func (h *Handler) leave(ctx context.Context, in *MemberPath) (*struct{}, error) {
	if err := h.app.Leave(ctx, actor(ctx), in.ID, in.Community); err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return nil, nil
}
