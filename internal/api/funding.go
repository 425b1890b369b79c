package api

import (
	"bytes"
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/app"
	"consortia/internal/model"
)

// Co-funding: funding goals and pledges, what-if, budget rounds and
// quadratic-funding matching pools.

// FundingGoalData is model.FundingGoal as a type without methods (huma
// cannot embed types with methods).
type FundingGoalData model.FundingGoal

// PledgeData is model.Pledge as a type without methods.
type PledgeData model.Pledge

// PledgeItem is a pledge as a goal shows it.
type PledgeItem struct {
	PledgeData
	Terms        string   `json:"terms" doc:"What the pledge promises, in words."`
	Category     string   `json:"category" enum:"committed,active,waiting,draft,withdrawn,lapsed" doc:"committed: firm or committed at close; active: conditional and taking effect now; waiting: its condition does not hold yet."`
	Gives        int64    `json:"gives" doc:"What it gives in the current resolution (minor units)."`
	Exact        string   `json:"exact_amount,omitempty" doc:"Exact amount of a crowdmatching pledge or matching offer before flooring."`
	MoreMoney    *int64   `json:"more_money,omitempty" doc:"Waiting: how much more from others would make its condition hold, nothing else changing."`
	MorePledgers *int64   `json:"more_pledgers,omitempty" doc:"Waiting: how many more pledgers would."`
	WaitingOn    []string `json:"waiting_on,omitempty" doc:"Waiting: pledgers its condition names that are not active."`
	UnlockAmount *int64   `json:"unlock_amount,omitempty" doc:"Waiting: the smallest new firm pledge that would make it take effect, cascades included."`
}

func pledgeItem(e app.PledgeEntry) PledgeItem {
	return PledgeItem{PledgeData: PledgeData(*e.Pledge), Terms: e.Terms, Category: e.Category, Gives: e.Gives, Exact: e.Exact,
		MoreMoney: e.MoreMoney, MorePledgers: e.MorePledgers, WaitingOn: e.WaitingOn, UnlockAmount: e.UnlockAmount}
}

func pledgeItems(list []app.PledgeEntry) []PledgeItem {
	out := make([]PledgeItem, len(list))
	for i, e := range list {
		out[i] = pledgeItem(e)
	}
	return out
}

// GoalDetail is a goal with its thermometer and pledges.
type GoalDetail struct {
	FundingGoalData
	Thermometer  app.Thermometer `json:"thermometer"`
	PastDeadline bool            `json:"past_deadline"`
	DaysLeft     *int            `json:"days_left,omitempty"`
	Pledges      []PledgeItem    `json:"pledges" doc:"Anonymous pledgers show as \"Anonymous\" except to staff and the pledging community; drafts only to them."`
	Closest      []PledgeItem    `json:"closest_to_unlocking" doc:"Waiting pledges closest to taking effect."`
	Resolution   any             `json:"resolution,omitempty" doc:"Staff only: the resolver's output (see internal/pledge/FORMAT.md); ids are community slugs."`
}

func goalDetail(v *app.GoalView) GoalDetail {
	d := GoalDetail{FundingGoalData: FundingGoalData(*v.FundingGoal), Thermometer: v.Thermometer, PastDeadline: v.PastDue,
		Pledges: pledgeItems(v.Pledges), Closest: pledgeItems(v.Closest)}
	if v.Resolution != nil {
		d.Resolution = v.Resolution
	}
	return d
}

// GoalPath names a goal.
type GoalPath struct {
	ID int64 `path:"id" minimum:"1"`
}

// ListGoalsInput filters goals.
type ListGoalsInput struct {
	Initiative string `query:"initiative" maxLength:"64" doc:"Initiative id or slug."`
	Consortium string `query:"consortium" maxLength:"64" doc:"Consortium id or slug (its sustenance fund)."`
	State      string `query:"state" enum:",open,closed"`
}

// GoalList is every goal the caller may see.
type GoalList struct {
	Body struct {
		Items []GoalDetail `json:"items"`
	}
}

func (h *Handler) listGoals(ctx context.Context, in *ListGoalsInput) (*GoalList, error) {
	list, err := h.app.ListGoals(ctx, actor(ctx), app.GoalsFilter{InitiativeRef: in.Initiative, ConsortiumRef: in.Consortium, State: in.State})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &GoalList{}
	out.Body.Items = make([]GoalDetail, len(list))
	for i, s := range list {
		out.Body.Items[i] = goalDetail(s.GoalView)
		out.Body.Items[i].DaysLeft = s.DaysLeft
	}
	return out, nil
}

// GoalFields are a goal's settable fields.
type GoalFields struct {
	Amount              *int64     `json:"amount,omitempty" doc:"Minor units; by default the initiative's cost estimate (high end)."`
	Currency            *string    `json:"currency,omitempty" maxLength:"3" doc:"ISO 4217; by default the estimate's currency."`
	Deadline            *time.Time `json:"deadline,omitempty" doc:"RFC 3339; no pledges after it."`
	AllOrNothing        *bool      `json:"all_or_nothing,omitempty" doc:"Commit nothing unless the goal is reached."`
	MatchCountsAsOthers *bool      `json:"match_counts_as_others,omitempty" doc:"Whether matched money counts towards \"others invest at least\" conditions."`
	Note                *string    `json:"note,omitempty" maxLength:"2000"`
}

func (f GoalFields) apply(in *model.FundingGoalInput) {
	if f.Amount != nil {
		in.Amount = *f.Amount
	}
	if f.Currency != nil {
		in.Currency = *f.Currency
	}
	if f.Deadline != nil {
		in.Deadline = f.Deadline
	}
	if f.AllOrNothing != nil {
		in.AllOrNothing = *f.AllOrNothing
	}
	if f.MatchCountsAsOthers != nil {
		in.MatchCountsAsOthers = *f.MatchCountsAsOthers
	}
	if f.Note != nil {
		in.Note = *f.Note
	}
}

// CreateGoalInput sets a funding goal.
type CreateGoalInput struct {
	Body struct {
		Initiative string `json:"initiative,omitempty" maxLength:"64" doc:"Initiative id or slug (or give consortium)."`
		Consortium string `json:"consortium,omitempty" maxLength:"64" doc:"Consortium id or slug, for its general sustenance fund."`
		GoalFields
	}
}

// GoalOutput is one goal.
type GoalOutput struct {
	Body GoalDetail
}

func (h *Handler) goalOutput(ctx context.Context, id int64) (*GoalOutput, error) {
	v, err := h.app.GetGoal(ctx, actor(ctx), id)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &GoalOutput{Body: goalDetail(v)}, nil
}

func (h *Handler) createGoal(ctx context.Context, in *CreateGoalInput) (*GoalOutput, error) {
	gi := model.FundingGoalInput{InitiativeRef: in.Body.Initiative, ConsortiumRef: in.Body.Consortium}
	in.Body.GoalFields.apply(&gi)
	if in.Body.Amount != nil && *in.Body.Amount == 0 {
		return nil, h.fail(ctx, invalid("amount", "must be a positive amount"))
	}
	g, err := h.app.CreateGoal(ctx, actor(ctx), gi)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.goalOutput(ctx, g.ID)
}

func (h *Handler) getGoal(ctx context.Context, in *GoalPath) (*GoalOutput, error) {
	return h.goalOutput(ctx, in.ID)
}

// UpdateGoalInput changes an open goal.
type UpdateGoalInput struct {
	GoalPath
	Body struct {
		Version int64 `json:"version" minimum:"1" doc:"The version you read; 409 if it changed since."`
		GoalFields
	}
}

func (h *Handler) updateGoal(ctx context.Context, in *UpdateGoalInput) (*GoalOutput, error) {
	v, err := h.app.GetGoal(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	gi := model.FundingGoalInput{Amount: v.Goal.Amount, Currency: v.Goal.Currency, Deadline: v.Deadline, AllOrNothing: v.AllOrNothing,
		MatchCountsAsOthers: v.MatchCountsAsOthers, Note: v.Note}
	in.Body.GoalFields.apply(&gi)
	if in.Body.Amount != nil && *in.Body.Amount == 0 {
		return nil, h.fail(ctx, invalid("amount", "must be a positive amount"))
	}
	if _, err := h.app.UpdateGoal(ctx, actor(ctx), in.ID, in.Body.Version, gi); err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.goalOutput(ctx, in.ID)
}

// PledgeList is a goal's pledges.
type PledgeList struct {
	Body struct {
		Items []PledgeItem `json:"items"`
	}
}

func (h *Handler) listPledges(ctx context.Context, in *GoalPath) (*PledgeList, error) {
	v, err := h.app.GetGoal(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &PledgeList{}
	out.Body.Items = pledgeItems(v.Pledges)
	return out, nil
}

// CreatePledgeInput makes a pledge.
type CreatePledgeInput struct {
	GoalPath
	Body struct {
		Community string                 `json:"community" maxLength:"64" doc:"The pledging community (id or slug): one you lead, or any for staff."`
		Kind      string                 `json:"kind,omitempty" enum:"fixed,crowdmatching,matching" default:"fixed"`
		Amount    int64                  `json:"amount" doc:"Minor units: the amount (fixed), the maximum (crowdmatching) or the cap (matching)."`
		Rate      string                 `json:"rate,omitempty" maxLength:"64" doc:"crowdmatching: given per unit the others give; matching: the ratio (\"1\" is 1:1). A decimal or fraction: \"0.5\", \"1/3\"."`
		Currency  string                 `json:"currency,omitempty" maxLength:"3" doc:"Must be the goal's currency (the default)."`
		Condition *model.PledgeCondition `json:"condition,omitempty" doc:"Monotone: others_total_at_least {value}, others_count_at_least {value}, pledger_active {community}, all/any {of}. Omit for a firm pledge."`
		Anonymous bool                   `json:"anonymous,omitempty" doc:"Show as \"Anonymous\" to everyone but staff and your community."`
		Note      string                 `json:"note,omitempty" maxLength:"2000"`
		Draft     bool                   `json:"draft,omitempty" doc:"Keep as a draft that does not count until opened."`
	}
}

// PledgeOutput is one pledge.
type PledgeOutput struct {
	Body PledgeData
}

func (h *Handler) createPledge(ctx context.Context, in *CreatePledgeInput) (*PledgeOutput, error) {
	b := in.Body
	p, err := h.app.CreatePledge(ctx, actor(ctx), in.ID, model.PledgeInput{Community: b.Community, Kind: b.Kind, Amount: b.Amount, Rate: b.Rate,
		Currency: b.Currency, Condition: b.Condition, Anonymous: b.Anonymous, Note: b.Note, Draft: b.Draft})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &PledgeOutput{Body: PledgeData(*p)}, nil
}

// WhatIfInput asks what a new pledge would bring in.
type WhatIfInput struct {
	GoalPath
	Body struct {
		Amount    int64                  `json:"amount" doc:"Minor units of a hypothetical new firm pledge."`
		Condition *model.PledgeCondition `json:"condition,omitempty" doc:"Optional condition of the hypothetical pledge."`
	}
}

// WhatIfOutput answers "if you pledge X, Y more becomes active".
type WhatIfOutput struct {
	Body app.WhatIfView
}

func (h *Handler) whatIf(ctx context.Context, in *WhatIfInput) (*WhatIfOutput, error) {
	v, err := h.app.WhatIf(ctx, actor(ctx), in.ID, in.Body.Amount, in.Body.Condition)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &WhatIfOutput{Body: *v}, nil
}

// CloseGoalOutput says what closing committed.
type CloseGoalOutput struct {
	Body app.CloseResult
}

func (h *Handler) closeGoal(ctx context.Context, in *GoalPath) (*CloseGoalOutput, error) {
	res, err := h.app.CloseGoal(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CloseGoalOutput{Body: *res}, nil
}

// InvoicesOutput lists the pledges invoiced.
type InvoicesOutput struct {
	Body struct {
		Invoiced []int64 `json:"invoiced" doc:"Ids of the pledges invoiced now."`
	}
}

func (h *Handler) issueInvoices(ctx context.Context, in *GoalPath) (*InvoicesOutput, error) {
	ids, err := h.app.IssueInvoices(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &InvoicesOutput{}
	out.Body.Invoiced = ids
	return out, nil
}

// PledgePath names a pledge.
type PledgePath struct {
	ID int64 `path:"id" minimum:"1"`
}

// ReceiptOutput is a pledge's receipt.
type ReceiptOutput struct {
	Body struct {
		Pledge  PledgeData         `json:"pledge"`
		Terms   string             `json:"terms"`
		Goal    FundingGoalData    `json:"goal"`
		History []model.AuditEntry `json:"history" doc:"Every change of the pledge."`
	}
}

func (h *Handler) getPledge(ctx context.Context, in *PledgePath) (*ReceiptOutput, error) {
	r, err := h.app.GetReceipt(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &ReceiptOutput{}
	out.Body.Pledge, out.Body.Terms, out.Body.Goal, out.Body.History = PledgeData(*r.Pledge), r.Terms, FundingGoalData(*r.Goal), r.History
	return out, nil
}

func (h *Handler) pledgeAction(fn func(context.Context, *model.User, int64) error) func(context.Context, *PledgePath) (*struct{}, error) {
	return func(ctx context.Context, in *PledgePath) (*struct{}, error) {
		if err := fn(ctx, actor(ctx), in.ID); err != nil {
			return nil, h.fail(ctx, err)
		}
		return nil, nil
	}
}

// Budget rounds.

// BudgetRoundData is model.BudgetRound as a type without methods.
type BudgetRoundData model.BudgetRound

// BudgetRoundDetail is a budget round with its result.
type BudgetRoundDetail struct {
	BudgetRoundData
	Open         bool               `json:"open"`
	Voted        []string           `json:"voted" doc:"Communities that have approved initiatives (not which)."`
	ResultsShown bool               `json:"results_visible"`
	Result       *app.BudgetOutcome `json:"result,omitempty"`
	Baseline     *app.BudgetOutcome `json:"greedy_baseline,omitempty" doc:"What greedy-by-votes would fund, for comparison."`
}

// BudgetRoundPath names a budget round.
type BudgetRoundPath struct {
	ID int64 `path:"id" minimum:"1"`
}

// BudgetRoundOutput is one budget round.
type BudgetRoundOutput struct {
	Body BudgetRoundDetail
}

func (h *Handler) budgetRoundOutput(ctx context.Context, id int64) (*BudgetRoundOutput, error) {
	v, err := h.app.GetBudgetRound(ctx, actor(ctx), id)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	voted := v.Cast
	if voted == nil {
		voted = []string{}
	}
	return &BudgetRoundOutput{Body: BudgetRoundDetail{BudgetRoundData: BudgetRoundData(*v.BudgetRound), Open: v.Open, Voted: voted,
		ResultsShown: v.CanSeeResult, Result: v.Result, Baseline: v.Baseline}}, nil
}

func (h *Handler) getBudgetRound(ctx context.Context, in *BudgetRoundPath) (*BudgetRoundOutput, error) {
	return h.budgetRoundOutput(ctx, in.ID)
}

// ListBudgetRoundsInput filters budget rounds.
type ListBudgetRoundsInput struct {
	Consortium string `query:"consortium" maxLength:"64"`
}

// BudgetRoundList lists budget rounds.
type BudgetRoundList struct {
	Body struct {
		Items []BudgetRoundData `json:"items"`
	}
}

func (h *Handler) listBudgetRounds(ctx context.Context, in *ListBudgetRoundsInput) (*BudgetRoundList, error) {
	list, err := h.app.BudgetRounds(ctx, actor(ctx), in.Consortium)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &BudgetRoundList{}
	out.Body.Items = make([]BudgetRoundData, len(list))
	for i, r := range list {
		out.Body.Items[i] = BudgetRoundData(*r)
	}
	return out, nil
}

// CreateBudgetRoundInput opens a budget round.
type CreateBudgetRoundInput struct {
	Body struct {
		Consortium   string           `json:"consortium" maxLength:"64" doc:"Consortium id or slug."`
		Title        string           `json:"title" maxLength:"160"`
		Pool         int64            `json:"pool" doc:"Minor units to allocate."`
		Currency     string           `json:"currency,omitempty" maxLength:"3"`
		Rule         string           `json:"rule,omitempty" enum:"mes,greedy" default:"mes"`
		Utility      string           `json:"utility,omitempty" enum:"cost,cardinality" default:"cost"`
		Completion   string           `json:"completion,omitempty" enum:"add1,none,greedy" default:"add1"`
		ClosesAt     time.Time        `json:"closes_at"`
		CandidateIDs []int64          `json:"candidate_ids" maxItems:"200" doc:"Initiatives in the consortium's scope."`
		Costs        map[string]int64 `json:"costs,omitempty" doc:"Initiative id → cost in minor units, overriding its cost estimate."`
	}
}

func (h *Handler) createBudgetRound(ctx context.Context, in *CreateBudgetRoundInput) (*BudgetRoundOutput, error) {
	b := in.Body
	costs := map[int64]int64{}
	for k, v := range b.Costs {
		id, err := strconv.ParseInt(k, 10, 64)
		if err != nil {
			return nil, h.fail(ctx, invalid("costs", "%q is not an initiative id", k))
		}
		costs[id] = v
	}
	r, err := h.app.CreateBudgetRound(ctx, actor(ctx), b.Consortium, model.BudgetRoundInput{Title: b.Title, Pool: b.Pool, Currency: b.Currency,
		Rule: b.Rule, Utility: b.Utility, Completion: b.Completion, ClosesAt: b.ClosesAt, CandidateIDs: b.CandidateIDs, Costs: costs})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.budgetRoundOutput(ctx, r.ID)
}

// BudgetBallotInput casts a community's approvals.
type BudgetBallotInput struct {
	BudgetRoundPath
	Community string `path:"community" maxLength:"64"`
	Body      struct {
		Approved []int64 `json:"approved" maxItems:"200" doc:"The approved initiative ids (may be empty)."`
	}
}

func (h *Handler) castBudgetBallot(ctx context.Context, in *BudgetBallotInput) (*struct{}, error) {
	if err := h.app.CastBudgetBallot(ctx, actor(ctx), in.ID, in.Community, in.Body.Approved); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

func (h *Handler) closeBudgetRound(ctx context.Context, in *BudgetRoundPath) (*struct{}, error) {
	if err := h.app.CloseBudgetRound(ctx, actor(ctx), in.ID); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// PBOutput is a pabulib file.
type PBOutput struct {
	ContentType        string `header:"Content-Type"`
	ContentDisposition string `header:"Content-Disposition"`
	Body               []byte
}

func (h *Handler) exportBudgetRound(ctx context.Context, in *BudgetRoundPath) (*PBOutput, error) {
	name, body, err := h.app.ExportBudgetRound(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &PBOutput{ContentType: "text/plain; charset=utf-8", ContentDisposition: `attachment; filename="` + name + `"`, Body: body}, nil
}

// AllocatePBInput allocates an uploaded pabulib file.
type AllocatePBInput struct {
	Rule       string `query:"rule" enum:"mes,greedy" default:"mes"`
	Utility    string `query:"utility" enum:"cost,cardinality" default:"cost"`
	Completion string `query:"completion" enum:"add1,none,greedy" default:"add1"`
	RawBody    []byte `contentType:"text/plain" doc:"A pabulib .pb file."`
}

// BudgetOutcomeOutput is an allocation.
type BudgetOutcomeOutput struct {
	Body app.BudgetOutcome
}

func (h *Handler) allocatePB(ctx context.Context, in *AllocatePBInput) (*BudgetOutcomeOutput, error) {
	if len(bytes.TrimSpace(in.RawBody)) == 0 {
		return nil, h.fail(ctx, invalid("body", "send a pabulib .pb file as text/plain"))
	}
	out, err := h.app.AllocatePB(ctx, actor(ctx), bytes.NewReader(in.RawBody), in.Rule, in.Utility, in.Completion)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &BudgetOutcomeOutput{Body: *out}, nil
}

// DocumentInput is an uploaded JSON document of the algorithms' formats.
type DocumentInput struct {
	RawBody []byte `contentType:"application/json" doc:"The document; problems are reported with their JSON path, line and column."`
}

// ResolveOutput is the resolver's output (internal/pledge/FORMAT.md).
type ResolveOutput struct {
	Body any
}

func (h *Handler) resolveDocument(ctx context.Context, in *DocumentInput) (*ResolveOutput, error) {
	res, err := h.app.ResolveDocument(ctx, actor(ctx), bytes.NewReader(in.RawBody))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ResolveOutput{Body: res}, nil
}

func (h *Handler) matchDocument(ctx context.Context, in *DocumentInput) (*ResolveOutput, error) {
	res, err := h.app.MatchDocument(ctx, actor(ctx), bytes.NewReader(in.RawBody))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &ResolveOutput{Body: res}, nil
}

// Matching pools.

// MatchingPoolData is model.MatchingPool as a type without methods.
type MatchingPoolData model.MatchingPool

// MatchingPoolOutput is a pool with its matches.
type MatchingPoolOutput struct {
	Body struct {
		MatchingPoolData
		Initiatives  []app.MatchRow `json:"initiatives"`
		TotalMatched int64          `json:"total_matched"`
		Leftover     int64          `json:"leftover"`
		Saturated    bool           `json:"pool_saturated"`
		Cap          *int64         `json:"cap,omitempty"`
	}
}

// MatchingPoolPath names a pool.
type MatchingPoolPath struct {
	ID int64 `path:"id" minimum:"1"`
}

func (h *Handler) matchingPoolOutput(ctx context.Context, id int64) (*MatchingPoolOutput, error) {
	v, err := h.app.GetMatchingPool(ctx, actor(ctx), id)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &MatchingPoolOutput{}
	out.Body.MatchingPoolData, out.Body.Initiatives = MatchingPoolData(*v.MatchingPool), v.Rows
	out.Body.TotalMatched, out.Body.Leftover, out.Body.Saturated, out.Body.Cap = v.TotalMatched, v.Leftover, v.Saturated, v.Cap
	return out, nil
}

func (h *Handler) getMatchingPool(ctx context.Context, in *MatchingPoolPath) (*MatchingPoolOutput, error) {
	return h.matchingPoolOutput(ctx, in.ID)
}

// MatchingPoolList lists pools.
type MatchingPoolList struct {
	Body struct {
		Items []MatchingPoolData `json:"items"`
	}
}

func (h *Handler) listMatchingPools(ctx context.Context, _ *struct{}) (*MatchingPoolList, error) {
	list, err := h.app.MatchingPools(ctx, actor(ctx))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &MatchingPoolList{}
	out.Body.Items = make([]MatchingPoolData, len(list))
	for i, m := range list {
		out.Body.Items[i] = MatchingPoolData(*m)
	}
	return out, nil
}

// CreateMatchingPoolInput records a pool.
type CreateMatchingPoolInput struct {
	Body struct {
		Consortium  string `json:"consortium" maxLength:"64"`
		Title       string `json:"title" maxLength:"160"`
		Funder      string `json:"funder" maxLength:"160"`
		Pool        int64  `json:"pool" doc:"Minor units."`
		Currency    string `json:"currency,omitempty" maxLength:"3"`
		CapFraction string `json:"matching_cap_per_project,omitempty" maxLength:"64" doc:"Largest share of the pool one initiative may receive: \"0.25\" or \"1/4\"."`
		CapAmount   *int64 `json:"matching_cap_amount,omitempty" doc:"Largest match one initiative may receive, in minor units (instead of matching_cap_per_project)."`
		// Gitcoin's option, with Gitcoin's name (internal/matching/FORMAT.md).
		IgnoreSaturation bool `json:"ignore_saturation,omitempty" doc:"Distribute the whole pool even when the ideal matches add up to less, scaling every match up (Gitcoin's ignoreSaturation)."`
		KeepCapOverflow  bool `json:"keep_cap_overflow,omitempty" doc:"Keep money cut off by the cap in the pool instead of giving it to the initiatives below the cap."`
	}
}

func (h *Handler) createMatchingPool(ctx context.Context, in *CreateMatchingPoolInput) (*MatchingPoolOutput, error) {
	b := in.Body
	m, err := h.app.CreateMatchingPool(ctx, actor(ctx), b.Consortium, model.MatchingPoolInput{Title: b.Title, Funder: b.Funder, Pool: b.Pool,
		Currency: b.Currency, CapFraction: b.CapFraction, CapAmount: b.CapAmount, IgnoreSaturation: b.IgnoreSaturation, KeepCapOverflow: b.KeepCapOverflow})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.matchingPoolOutput(ctx, m.ID)
}

// fundingRoutes lists the co-funding operations.
func (h *Handler) fundingRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const tag = "Co-funding"
	status := func(o huma.Operation, code int) huma.Operation {
		o.DefaultStatus = code
		return o
	}
	huma.Register(api, op("list-funding-goals", http.MethodGet, "/funding/goals", "List funding goals with their thermometers", tag), h.listGoals)
	huma.Register(api, status(op("create-funding-goal", http.MethodPost, "/funding/goals", "Set a funding goal for an initiative or a consortium's sustenance fund (staff)", tag), http.StatusCreated), h.createGoal)
	huma.Register(api, op("get-funding-goal", http.MethodGet, "/funding/goals/{id}", "Get a goal: thermometer, pledges, what is closest to unlocking", tag), h.getGoal)
	huma.Register(api, op("update-funding-goal", http.MethodPatch, "/funding/goals/{id}", "Change an open goal (staff)", tag), h.updateGoal)
	huma.Register(api, op("list-pledges", http.MethodGet, "/funding/goals/{id}/pledges", "List a goal's pledges", tag), h.listPledges)
	huma.Register(api, status(op("create-pledge", http.MethodPost, "/funding/goals/{id}/pledges", "Pledge for a community (its lead, or staff)", tag), http.StatusCreated), h.createPledge)
	huma.Register(api, op("funding-what-if", http.MethodPost, "/funding/goals/{id}/whatif", "If you pledge X, how much more becomes active (writes nothing)", tag), h.whatIf)
	huma.Register(api, op("close-funding-goal", http.MethodPost, "/funding/goals/{id}/close", "Close a goal: the resolved pledges become committed (staff)", tag), h.closeGoal)
	huma.Register(api, op("issue-funding-invoices", http.MethodPost, "/funding/goals/{id}/invoices", "Invoice every committed pledge of a closed goal (staff)", tag), h.issueInvoices)
	huma.Register(api, op("get-pledge", http.MethodGet, "/funding/pledges/{id}", "A pledge's receipt (staff and the pledging community)", tag), h.getPledge)
	huma.Register(api, status(op("open-pledge", http.MethodPost, "/funding/pledges/{id}/open", "Open a draft pledge so that it counts", tag), http.StatusNoContent), h.pledgeAction(h.app.OpenPledge))
	huma.Register(api, status(op("withdraw-pledge", http.MethodPost, "/funding/pledges/{id}/withdraw", "Withdraw a pledge (until the goal closes)", tag), http.StatusNoContent), h.pledgeAction(h.app.WithdrawPledge))
	huma.Register(api, status(op("mark-pledge-paid", http.MethodPost, "/funding/pledges/{id}/paid", "Record that an invoiced pledge was paid (staff)", tag), http.StatusNoContent), h.pledgeAction(h.app.MarkPaid))

	huma.Register(api, op("list-budget-rounds", http.MethodGet, "/funding/budget-rounds", "List budget rounds", tag), h.listBudgetRounds)
	huma.Register(api, status(op("create-budget-round", http.MethodPost, "/funding/budget-rounds", "Open a budget round allocating a pool (staff)", tag), http.StatusCreated), h.createBudgetRound)
	huma.Register(api, op("get-budget-round", http.MethodGet, "/funding/budget-rounds/{id}", "Get a budget round and, once closed, its allocation", tag), h.getBudgetRound)
	huma.Register(api, status(op("cast-budget-ballot", http.MethodPut, "/funding/budget-rounds/{id}/ballots/{community}", "Approve initiatives for a member community (its lead)", tag), http.StatusNoContent), h.castBudgetBallot)
	huma.Register(api, status(op("close-budget-round", http.MethodPost, "/funding/budget-rounds/{id}/close", "Close a budget round now (staff)", tag), http.StatusNoContent), h.closeBudgetRound)
	huma.Register(api, op("export-budget-round", http.MethodGet, "/funding/budget-rounds/{id}/export.pb", "Export a closed round's anonymized approvals as a pabulib .pb file", tag), h.exportBudgetRound)
	huma.Register(api, op("allocate-pb", http.MethodPost, "/funding/budget/allocate", "Allocate an uploaded pabulib .pb file (writes nothing)", tag), h.allocatePB)

	// The documents are parsed by the algorithms' own readers, which report
	// every problem with its JSON path, line and column.
	raw := func(o huma.Operation) huma.Operation {
		o.SkipValidateBody = true
		return o
	}
	huma.Register(api, raw(op("resolve-pledges", http.MethodPost, "/funding/resolve", "Resolve an uploaded pledge document, as `consortia pledges resolve` (writes nothing)", tag)), h.resolveDocument)
	huma.Register(api, raw(op("match-contributions", http.MethodPost, "/funding/match", "Quadratic-funding matches of an uploaded round, as `consortia match` (writes nothing)", tag)), h.matchDocument)

	huma.Register(api, op("list-matching-pools", http.MethodGet, "/funding/matching-pools", "List quadratic-funding matching pools", tag), h.listMatchingPools)
	huma.Register(api, status(op("create-matching-pool", http.MethodPost, "/funding/matching-pools", "Record a funder's matching pool for a consortium (staff)", tag), http.StatusCreated), h.createMatchingPool)
	huma.Register(api, op("get-matching-pool", http.MethodGet, "/funding/matching-pools/{id}", "A matching pool's quadratic-funding matches", tag), h.getMatchingPool)
}
