package api

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// --- helpers shared by the roadmap operations --------------------------------

// failAt is fail with the application's field names moved to where they came
// from in this request: the app says "kind", the request had it in the query.
func (h *Handler) failAt(ctx context.Context, err error, where map[string]string) error {
	var e *model.Error
	if errors.As(err, &e) && len(e.Fields) > 0 && len(where) > 0 {
		moved := *e
		moved.Fields = make([]model.FieldError, len(e.Fields))
		for i, f := range e.Fields {
			if to, ok := where[f.Field]; ok {
				f.Field = to
			}
			moved.Fields[i] = f
		}
		err = &moved
	}
	return h.fail(ctx, err)
}

// invalid is a 422 naming one field.
func invalid(field, format string, args ...any) error {
	var p model.Problems
	p.Add(field, format, args...)
	return p.Err()
}

// staleVersion is the 409 for a version that no longer matches.
func staleVersion(what string, want, have int64) error {
	return &model.Error{Code: model.EConflict,
		Message: fmt.Sprintf("This %s was changed by someone else since you loaded it (you sent version %d, it is now at %d); reload and try again.", what, want, have),
		Fields:  []model.FieldError{{Field: "version", Message: fmt.Sprintf("is %d now", have)}}}
}

func idStr(id int64) string { return strconv.FormatInt(id, 10) }

// --- types -------------------------------------------------------------------

// InitiativeData is model.Initiative as a type without methods. huma copies
// response types with reflect.StructOf, which cannot embed a type that has
// methods (model.Initiative has TasksDone and Progress).
type InitiativeData model.Initiative

// InitiativeItem is an initiative as lists show it.
type InitiativeItem struct {
	InitiativeData
	StatusLabel string `json:"status_label" doc:"Human name of the status, e.g. \"In flight: building\"."`
	TasksDone   int    `json:"tasks_done"`
	Progress    int    `json:"progress" doc:"Share of sub-tasks done, 0–100."`
}

// PeerCommunity is a community a leader may want to meet about an initiative.
type PeerCommunity struct {
	ID      int64    `json:"id"`
	Slug    string   `json:"slug"`
	Name    string   `json:"name"`
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}

// InitiativeDetail is one initiative with its checklist, history and the
// communities worth meeting about it.
type InitiativeDetail struct {
	InitiativeItem
	Checklist    []model.CheckItem    `json:"checklist" doc:"What an idea still needs before it can become a candidate."`
	Ready        bool                 `json:"ready_for_candidate"`
	History      []model.StatusChange `json:"history" doc:"Status changes, oldest first."`
	CanEdit      bool                 `json:"can_edit" doc:"Whether the caller may edit it (PATCH)."`
	NextStatuses []string             `json:"next_statuses" doc:"Statuses the caller may move it to."`
	Similar      []PeerCommunity      `json:"other_communities_with_this_problem"`
	Solved       []PeerCommunity      `json:"communities_that_solved_something_like_this"`
	Testing      model.TestingSummary `json:"testing" doc:"Tested by: communities enrolled in its testing calls (or that reported), reports, reports not yet addressed, reports by outcome."`
}

func initiativeItem(in *model.Initiative) InitiativeItem {
	return InitiativeItem{InitiativeData: InitiativeData(*in), StatusLabel: model.StatusLabel(in.Status),
		TasksDone: in.TasksDone(), Progress: in.Progress()}
}

func initiativeDetail(v *app.InitiativeView) InitiativeDetail {
	d := InitiativeDetail{InitiativeItem: initiativeItem(v.Initiative), Checklist: v.Checklist, Ready: v.Ready,
		History: v.History, CanEdit: v.CanEdit, NextStatuses: v.CanMove, Testing: v.Testing.Summary}
	if d.NextStatuses == nil {
		d.NextStatuses = []string{}
	}
	if d.History == nil {
		d.History = []model.StatusChange{}
	}
	d.Similar, d.Solved = make([]PeerCommunity, 0, len(v.SimilarPeers)), make([]PeerCommunity, 0, len(v.SolvedPeers))
	for _, p := range v.SimilarPeers {
		d.Similar = append(d.Similar, PeerCommunity{ID: p.ID, Slug: p.Slug, Name: p.Name, Score: p.Score, Reasons: p.Reasons})
	}
	for _, p := range v.SolvedPeers {
		d.Solved = append(d.Solved, PeerCommunity{ID: p.ID, Slug: p.Slug, Name: p.Name, Score: p.Score, Reasons: p.Reasons})
	}
	return d
}

// roadmapFilter resolves the narrative and consortium filters (id or slug)
// to ids, as the caller may see them.
func (h *Handler) roadmapFilter(ctx context.Context, narrative, consortium string) (narrativeID, consortiumID int64, err error) {
	if narrative != "" {
		n, err := h.app.GetNarrative(ctx, actor(ctx), narrative)
		if err != nil {
			if model.ErrorCode(err) == model.ENotFound {
				return 0, 0, invalid("query.narrative", "no narrative %q", narrative)
			}
			return 0, 0, err
		}
		narrativeID = n.ID
	}
	if consortium != "" {
		c, err := h.app.GetConsortium(ctx, actor(ctx), consortium)
		if err != nil {
			if model.ErrorCode(err) == model.ENotFound {
				return 0, 0, invalid("query.consortium", "no consortium %q", consortium)
			}
			return 0, 0, err
		}
		consortiumID = c.ID
	}
	return narrativeID, consortiumID, nil
}

// --- list and read -----------------------------------------------------------

// ListInitiativesInput filters the initiative list.
type ListInitiativesInput struct {
	Q          string `query:"q" maxLength:"200" doc:"Search in titles and problem statements."`
	Status     string `query:"status" enum:",idea,candidate,upcoming,scoping,building,review,done,declined,in-flight" doc:"A status, or in-flight for scoping, building and review."`
	Theme      string `query:"theme" maxLength:"40"`
	Narrative  string `query:"narrative" maxLength:"64" doc:"Only initiatives of this narrative (id or slug)."`
	Consortium string `query:"consortium" maxLength:"64" doc:"Only initiatives of this consortium (id or slug)."`
	Pagination
}

// InitiativeList is a page of initiatives.
type InitiativeList struct {
	Link string `header:"Link" doc:"RFC 8288 links to the next and previous pages."`
	Body struct {
		Items []InitiativeItem `json:"items"`
		PageInfo
	}
}

func (h *Handler) listInitiatives(ctx context.Context, in *ListInitiativesInput) (*InitiativeList, error) {
	nid, cid, err := h.roadmapFilter(ctx, in.Narrative, in.Consortium)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	f := model.InitiativeFilter{Query: in.Q, Status: in.Status, Theme: in.Theme, NarrativeID: nid, ConsortiumID: cid, Page: in.page()}
	list, total, err := h.app.ListInitiatives(ctx, actor(ctx), f)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &InitiativeList{}
	out.Body.Items = make([]InitiativeItem, len(list))
	for i, it := range list {
		out.Body.Items[i] = initiativeItem(it)
	}
	out.Body.PageInfo = pageInfo(f.Page, total)
	out.Link = links("/initiatives", in.Page, out.Body.Pages, in.PerPage)
	return out, nil
}

// InitiativePath names an initiative by id or slug.
type InitiativePath struct {
	ID string `path:"id" maxLength:"64" doc:"Numeric id or slug."`
}

// InitiativeDetailOutput is one initiative with everything its page shows.
type InitiativeDetailOutput struct {
	Body InitiativeDetail
}

func (h *Handler) getInitiative(ctx context.Context, in *InitiativePath) (*InitiativeDetailOutput, error) {
	v, err := h.app.GetInitiative(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &InitiativeDetailOutput{Body: initiativeDetail(v)}, nil
}

// --- create and edit ---------------------------------------------------------

// RateInput is an hourly rate for an initiative's cost estimate.
type RateInput struct {
	Amount   int64  `json:"amount" minimum:"0" maximum:"10000000" doc:"Minor units (e.g. cents) per hour; 0 uses the site's blended rate."`
	Currency string `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217 code (USD, EUR, GBP, …); USD when omitted."`
}

// LinkInput is an external link, e.g. a tracking issue.
type LinkInput struct {
	Label string `json:"label,omitempty" maxLength:"120" doc:"Defaults to the address."`
	URL   string `json:"url" maxLength:"2048"`
}

// TaskInput is a sub-task. Send a task's id to keep it (and its done state);
// tasks left out are removed.
type TaskInput struct {
	ID    int64  `json:"id,omitempty" doc:"The id of an existing task; omit for a new one."`
	Title string `json:"title" maxLength:"200"`
	Done  *bool  `json:"done,omitempty" doc:"Unchanged when omitted for an existing task; false for a new one."`
}

// InitiativeFields are the writable fields of an initiative. On PATCH every
// field is optional and only those present change.
type InitiativeFields struct {
	Slug           *string      `json:"slug,omitempty" maxLength:"64" doc:"Lowercase letters, digits and hyphens; derived from the title when omitted on create."`
	Title          *string      `json:"title,omitempty" maxLength:"160" doc:"Required on create."`
	Persona        *string      `json:"persona,omitempty" maxLength:"40" doc:"Who has the problem: researcher, instructor, student, hub admin, IT admin, PI, data scientist or community leader."`
	Problem        *string      `json:"problem,omitempty" maxLength:"20000" doc:"The problem statement (at least 50 words to become a candidate)."`
	Solution       *string      `json:"solution,omitempty" maxLength:"20000" doc:"The proposed solution (50–500 words to become a candidate)."`
	Implementation *string      `json:"implementation,omitempty" maxLength:"20000" doc:"The proposed implementation (50–500 words to become a candidate)."`
	EcosystemFit   *string      `json:"ecosystem_fit,omitempty" maxLength:"20000" doc:"How it fits in the ecosystem (at least 20 words to become a candidate)."`
	Themes         *[]string    `json:"themes,omitempty" maxItems:"20"`
	Size           *string      `json:"size,omitempty" enum:",xs,s,m,l,xl"`
	HoursLow       *int64       `json:"hours_low,omitempty" minimum:"0" maximum:"100000"`
	HoursHigh      *int64       `json:"hours_high,omitempty" minimum:"0" maximum:"100000"`
	Rate           *RateInput   `json:"rate,omitempty" doc:"Its own hourly rate; by default the site's blended rate applies."`
	Links          *[]LinkInput `json:"links,omitempty" maxItems:"20"`
	Tasks          *[]TaskInput `json:"tasks,omitempty" maxItems:"100"`
	Public         *bool        `json:"public,omitempty" doc:"Shown on the public roadmap; only staff can change it (ideas of others start non-public)."`
}

// initiativeWhere maps the app's field names to this API's.
var initiativeWhere = map[string]string{"rate": "body.rate.amount", "currency": "body.rate.currency"}

// apply writes the present fields onto in; current holds the tasks as they
// are, so a task sent by id without done keeps its state.
func (f InitiativeFields) apply(in *model.InitiativeInput, current []model.Task) {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Slug, f.Slug)
	set(&in.Title, f.Title)
	set(&in.Persona, f.Persona)
	set(&in.Problem, f.Problem)
	set(&in.Solution, f.Solution)
	set(&in.Implementation, f.Implementation)
	set(&in.EcosystemFit, f.EcosystemFit)
	set(&in.Size, f.Size)
	if f.Themes != nil {
		in.Themes = *f.Themes
	}
	if f.HoursLow != nil {
		in.HoursLow = *f.HoursLow
	}
	if f.HoursHigh != nil {
		in.HoursHigh = *f.HoursHigh
	}
	if f.Rate != nil {
		in.RateMinor = f.Rate.Amount
		if f.Rate.Currency != "" {
			in.Currency = f.Rate.Currency
		}
	}
	if f.Links != nil {
		in.Links = make([]model.Link, len(*f.Links))
		for i, l := range *f.Links {
			in.Links[i] = model.Link{Label: l.Label, URL: l.URL}
		}
	}
	if f.Tasks != nil {
		done := map[int64]bool{}
		for _, t := range current {
			done[t.ID] = t.Done
		}
		in.Tasks = make([]model.Task, len(*f.Tasks))
		for i, t := range *f.Tasks {
			in.Tasks[i] = model.Task{ID: t.ID, Title: t.Title, Done: done[t.ID]}
			if t.Done != nil {
				in.Tasks[i].Done = *t.Done
			}
		}
	}
	if f.Public != nil {
		in.Public = *f.Public
	}
}

// initiativeInputOf is the input that leaves an initiative as it is; raw
// must come from the store, not from a use case that fills in the blended
// rate, or a PATCH would pin the current blended rate on the initiative.
func initiativeInputOf(raw *model.Initiative) model.InitiativeInput {
	return model.InitiativeInput{Slug: raw.Slug, Title: raw.Title, Persona: raw.Persona, Problem: raw.Problem, Solution: raw.Solution,
		Implementation: raw.Implementation, EcosystemFit: raw.EcosystemFit, Themes: raw.Themes, Size: raw.Size,
		HoursLow: raw.HoursLow, HoursHigh: raw.HoursHigh, RateMinor: raw.Rate.Amount, Currency: raw.Rate.Currency,
		Links: raw.Links, Tasks: raw.Tasks, Public: raw.Public}
}

// CreateInitiativeInput is the body of a create.
type CreateInitiativeInput struct {
	Body struct {
		InitiativeFields
	}
}

// InitiativeOutput is one initiative.
type InitiativeOutput struct {
	Body InitiativeItem
}

// CreatedInitiative is a created initiative and where it lives.
type CreatedInitiative struct {
	Location string `header:"Location"`
	Body     InitiativeItem
}

func (h *Handler) createInitiative(ctx context.Context, in *CreateInitiativeInput) (*CreatedInitiative, error) {
	var ii model.InitiativeInput
	in.Body.apply(&ii, nil)
	out, err := h.app.CreateInitiative(ctx, actor(ctx), ii)
	if err != nil {
		return nil, h.failAt(ctx, err, initiativeWhere)
	}
	return &CreatedInitiative{Location: fmt.Sprintf("%s/initiatives/%d", Prefix, out.ID), Body: initiativeItem(out)}, nil
}

// UpdateInitiativeInput is a partial update; version, when given, must match.
type UpdateInitiativeInput struct {
	InitiativePath
	Body struct {
		InitiativeFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the initiative changed since."`
	}
}

func (h *Handler) updateInitiative(ctx context.Context, in *UpdateInitiativeInput) (*InitiativeOutput, error) {
	// The use case checks that the caller may see it (404 otherwise, as for
	// a missing one) and edit it, and gives the fields as stored.
	raw, err := h.app.InitiativeForEdit(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	ii := initiativeInputOf(raw)
	in.Body.apply(&ii, raw.Tasks)
	out, err := h.app.UpdateInitiative(ctx, actor(ctx), idStr(raw.ID), in.Body.Version, ii)
	if err != nil {
		return nil, h.failAt(ctx, err, initiativeWhere)
	}
	return h.initiativeOutput(ctx, out)
}

func (h *Handler) initiativeOutput(ctx context.Context, in *model.Initiative) (*InitiativeOutput, error) {
	return &InitiativeOutput{Body: initiativeItem(in)}, nil
}

// MoveInitiativeInput moves an initiative along the roadmap.
type MoveInitiativeInput struct {
	InitiativePath
	Body struct {
		Status  string `json:"status,omitempty" enum:"idea,candidate,upcoming,scoping,building,review,done,declined" doc:"Required: the new status. Staff make any allowed move; the author of an idea may ask for it to become a candidate."`
		Note    string `json:"note,omitempty" maxLength:"2000" doc:"Recorded in the status history."`
		Version int64  `json:"version,omitempty" minimum:"0" doc:"The version you read; fails with 409 if the initiative changed since."`
	}
}

func (h *Handler) moveInitiative(ctx context.Context, in *MoveInitiativeInput) (*InitiativeOutput, error) {
	if in.Body.Status == "" {
		return nil, h.fail(ctx, invalid("status", "is required"))
	}
	if in.Body.Version != 0 {
		v, err := h.app.GetInitiative(ctx, actor(ctx), in.ID)
		if err != nil {
			return nil, h.fail(ctx, err)
		}
		if v.Version != in.Body.Version {
			return nil, h.fail(ctx, staleVersion("initiative", in.Body.Version, v.Version))
		}
	}
	out, err := h.app.MoveInitiative(ctx, actor(ctx), in.ID, in.Body.Status, strings.TrimSpace(in.Body.Note))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.initiativeOutput(ctx, out)
}

// SetTaskInput ticks or unticks a sub-task.
type SetTaskInput struct {
	InitiativePath
	TaskID int64 `path:"task_id"`
	Body   struct {
		Done *bool `json:"done,omitempty" doc:"Required."`
	}
}

func (h *Handler) setTask(ctx context.Context, in *SetTaskInput) (*struct{}, error) {
	if in.Body.Done == nil {
		return nil, h.fail(ctx, invalid("done", "is required"))
	}
	if err := h.app.SetTaskDone(ctx, actor(ctx), in.ID, in.TaskID, *in.Body.Done); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// SetInterestInput records a community's interest in (or co-funding of) an
// initiative.
type SetInterestInput struct {
	InitiativePath
	Body struct {
		Community string `json:"community,omitempty" maxLength:"64" doc:"Required: the community (id or slug); a lead acts for their own, staff for any."`
		Kind      string `json:"kind,omitempty" enum:"interested,co_funded" default:"interested" doc:"co_funded is recorded by staff."`
		Note      string `json:"note,omitempty" maxLength:"2000"`
	}
}

func (h *Handler) setInterest(ctx context.Context, in *SetInterestInput) (*struct{}, error) {
	if strings.TrimSpace(in.Body.Community) == "" {
		return nil, h.fail(ctx, invalid("community", "is required"))
	}
	kind := in.Body.Kind
	if kind == "" {
		kind = model.InterestInterested
	}
	if err := h.app.SetInterest(ctx, actor(ctx), in.ID, strings.TrimSpace(in.Body.Community), kind, true, strings.TrimSpace(in.Body.Note)); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// RemoveInterestInput withdraws a community's interest or co-funding.
type RemoveInterestInput struct {
	InitiativePath
	Community string `query:"community" maxLength:"64" doc:"Required: the community (id or slug)."`
	Kind      string `query:"kind" enum:"interested,co_funded" default:"interested"`
}

func (h *Handler) removeInterest(ctx context.Context, in *RemoveInterestInput) (*struct{}, error) {
	if strings.TrimSpace(in.Community) == "" {
		return nil, h.fail(ctx, invalid("query.community", "is required"))
	}
	kind := in.Kind
	if kind == "" {
		kind = model.InterestInterested
	}
	err := h.app.SetInterest(ctx, actor(ctx), in.ID, strings.TrimSpace(in.Community), kind, false, "")
	if err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "query.community", "kind": "query.kind"})
	}
	return nil, nil
}

// --- the public roadmap ------------------------------------------------------

// RoadmapInput filters the roadmap.
type RoadmapInput struct {
	Theme      string `query:"theme" maxLength:"40"`
	Narrative  string `query:"narrative" maxLength:"64" doc:"Only initiatives of this narrative (id or slug)."`
	Consortium string `query:"consortium" maxLength:"64" doc:"Only initiatives of this consortium (id or slug)."`
}

// RoadmapItem is an initiative as the roadmap shows it.
type RoadmapItem struct {
	ID              int64                 `json:"id"`
	Slug            string                `json:"slug"`
	Title           string                `json:"title"`
	Persona         string                `json:"persona"`
	Status          string                `json:"status"`
	StatusLabel     string                `json:"status_label"`
	StatusAt        time.Time             `json:"status_changed_at"`
	Themes          []string              `json:"themes"`
	Size            string                `json:"size"`
	HoursLow        int64                 `json:"hours_low"`
	HoursHigh       int64                 `json:"hours_high"`
	Rate            model.Money           `json:"rate" doc:"Hourly rate of the estimate: its own, or the site's blended rate."`
	CostLow         model.Money           `json:"cost_low" doc:"hours_low × rate, in minor units."`
	CostHigh        model.Money           `json:"cost_high" doc:"hours_high × rate, in minor units."`
	Public          bool                  `json:"public"`
	InterestedCount int                   `json:"interested_count"`
	Interested      []model.CommunityRef  `json:"interested" doc:"Communities interested in it."`
	CoFundedCount   int                   `json:"co_funded_count"`
	CoFunded        []model.CommunityRef  `json:"co_funded" doc:"Communities co-funding it."`
	Narratives      []model.NarrativeRef  `json:"narratives"`
	Consortia       []model.ConsortiumRef `json:"consortia"`
	TasksDone       int                   `json:"tasks_done"`
	TasksTotal      int                   `json:"tasks_total"`
	Progress        int                   `json:"progress" doc:"Share of sub-tasks done, 0–100."`
}

func roadmapItem(in *model.Initiative) RoadmapItem {
	return RoadmapItem{ID: in.ID, Slug: in.Slug, Title: in.Title, Persona: in.Persona, Status: in.Status,
		StatusLabel: model.StatusLabel(in.Status), StatusAt: in.StatusAt,
		Themes: in.Themes, Size: in.Size, HoursLow: in.HoursLow, HoursHigh: in.HoursHigh,
		Rate: in.Rate, CostLow: in.CostLow, CostHigh: in.CostHigh, Public: in.Public,
		InterestedCount: len(in.Interested), Interested: in.Interested, CoFundedCount: len(in.CoFunded), CoFunded: in.CoFunded,
		Narratives: in.Narratives, Consortia: in.Consortia, TasksDone: in.TasksDone(), TasksTotal: len(in.Tasks), Progress: in.Progress()}
}

// RoadmapOutput is the roadmap: initiatives grouped by where they stand.
type RoadmapOutput struct {
	Body struct {
		Candidate []RoadmapItem `json:"candidate" doc:"Candidates for the roadmap, in priority order."`
		Upcoming  []RoadmapItem `json:"upcoming"`
		InFlight  []RoadmapItem `json:"in_flight" doc:"Being scoped, built or reviewed."`
		Done      []RoadmapItem `json:"done"`
	}
}

func (h *Handler) getRoadmap(ctx context.Context, in *RoadmapInput) (*RoadmapOutput, error) {
	nid, cid, err := h.roadmapFilter(ctx, in.Narrative, in.Consortium)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &RoadmapOutput{}
	cols := []struct {
		status string
		dst    *[]RoadmapItem
		list   []*model.Initiative
	}{
		{status: model.StatusCandidate, dst: &out.Body.Candidate},
		{status: model.StatusUpcoming, dst: &out.Body.Upcoming},
		{status: "in-flight", dst: &out.Body.InFlight},
		{status: model.StatusDone, dst: &out.Body.Done},
	}
	for i, col := range cols {
		// Page size -1: the whole column, in priority order.
		f := model.InitiativeFilter{Status: col.status, Theme: in.Theme, NarrativeID: nid, ConsortiumID: cid, Page: model.Page{Size: -1}}
		list, _, err := h.app.ListInitiatives(ctx, actor(ctx), f)
		if err != nil {
			return nil, h.fail(ctx, err)
		}
		cols[i].list = list
	}
	for _, col := range cols {
		*col.dst = make([]RoadmapItem, len(col.list))
		for i, it := range col.list {
			(*col.dst)[i] = roadmapItem(it)
		}
	}
	return out, nil
}

// --- settings ----------------------------------------------------------------

// SetBlendedRateInput is the site's hourly rate for cost estimates.
type SetBlendedRateInput struct {
	Body struct {
		Amount   int64  `json:"amount,omitempty" minimum:"1" maximum:"10000000" doc:"Required: minor units (e.g. cents) per hour."`
		Currency string `json:"currency,omitempty" maxLength:"3" doc:"Required: ISO 4217 code (USD, EUR, GBP, …)."`
	}
}

// MoneyOutput is an amount of money.
type MoneyOutput struct {
	Body model.Money
}

func (h *Handler) setBlendedRate(ctx context.Context, in *SetBlendedRateInput) (*MoneyOutput, error) {
	rate := model.Money{Amount: in.Body.Amount, Currency: strings.ToUpper(strings.TrimSpace(in.Body.Currency))}
	if err := h.app.SetBlendedRate(ctx, actor(ctx), rate); err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"rate": "body.amount"})
	}
	return &MoneyOutput{Body: rate}, nil
}
