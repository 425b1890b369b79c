package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"sort"
	"strconv"
	"strings"

	"consortia/internal/budget"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// Budget rounds allocate a consortium's pooled money among initiatives its
// members approve, with the Method of Equal Shares (package budget); and
// uploaded pabulib files are allocated the same way (AllocatePB). Matching
// pools are in matching_pools.go.

// minorPerMajor converts minor units to the major units pabulib files and
// package budget use (every supported currency has two decimals).
var minorPerMajor = big.NewInt(100)

func major(minor int64) *big.Rat { return new(big.Rat).SetFrac(big.NewInt(minor), minorPerMajor) }

// toMinor floors an exact major-unit amount to minor units.
func toMinor(r *big.Rat) int64 {
	if r == nil {
		return 0
	}
	n := new(big.Int).Mul(r.Num(), minorPerMajor)
	n.Quo(n, r.Denom())
	if !n.IsInt64() {
		return 0
	}
	return n.Int64()
}

// CreateBudgetRound opens a budget round in a consortium; staff only. Each
// candidate must be in the consortium's scope and costs its cost estimate
// (high end) unless in.Costs names another cost, in the pool's currency.
func (a *App) CreateBudgetRound(ctx context.Context, actor *model.User, consortiumRef string, in model.BudgetRoundInput) (*model.BudgetRound, error) {
	var r *model.BudgetRound
	err := a.staffInOpenConsortium(ctx, actor, consortiumRef, func() error {
		in.Normalize()
		return in.Validate()
	}, func(tx *storage.Tx, c *model.Consortium) error {
		if err := checkInScope(c, in.CandidateIDs); err != nil {
			return err
		}
		rate, err := tx.BlendedRate(ctx)
		if err != nil {
			return err
		}
		costs := map[int64]int64{}
		var p model.Problems
		for _, id := range in.CandidateIDs {
			if cost, ok := in.Costs[id]; ok {
				costs[id] = cost
				continue
			}
			ini, err := tx.InitiativeByRef(ctx, idStr(id))
			if err != nil {
				return err
			}
			withCost(ini, rate)
			switch {
			case ini.CostHigh.Amount <= 0:
				p.Add("candidate_ids", "%s has no cost estimate: give its cost", ini.Title)
			case ini.CostHigh.Currency != in.Currency:
				p.Add("candidate_ids", "the cost estimate of %s is in %s but the pool is in %s: give its cost in %s", ini.Title, ini.CostHigh.Currency, in.Currency, in.Currency)
			default:
				costs[id] = ini.CostHigh.Amount
			}
		}
		if err := p.Err(); err != nil {
			return err
		}
		if r, err = tx.CreateBudgetRound(ctx, c.ID, in, costs, actor); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "budget_round.create", "budget_round", idStr(r.ID), nil, r)
	})
	return r, err
}

// BudgetVoter is a community the actor may cast approvals for.
type BudgetVoter struct {
	CommunitySlug string
	CommunityName string
	Approved      []int64
	Cast          bool
}

// BudgetPick is one selected initiative of an allocation.
type BudgetPick struct {
	InitiativeID int64  `json:"initiative_id,omitempty"`
	ProjectID    string `json:"project_id"`
	Title        string `json:"title"`
	Slug         string `json:"slug,omitempty"`
	Cost         int64  `json:"cost" doc:"Minor units."`
	Votes        int64  `json:"votes"`
	Stage        string `json:"stage" enum:"mes,greedy" doc:"Chosen by equal shares or by the completion/greedy rule."`
	Rho          string `json:"rho,omitempty" doc:"MES price per unit of utility, exact."`
	RhoDecimal   string `json:"rho_decimal,omitempty"`
	MaxPayment   int64  `json:"max_payment,omitempty" doc:"Largest amount one supporter paid, minor units (floored)."`
}

// BudgetOutcome is an allocation of a pool, in minor units.
type BudgetOutcome struct {
	Rule        string       `json:"rule"`
	Utility     string       `json:"utility,omitempty"`
	Completion  string       `json:"completion"`
	Currency    string       `json:"currency"`
	Budget      int64        `json:"budget"`
	TotalCost   int64        `json:"total_cost"`
	Leftover    int64        `json:"leftover"`
	NumVoters   int          `json:"num_voters"`
	VoterBudget string       `json:"voter_budget,omitempty" doc:"Each voter's final share of the pool (major units, exact)."`
	VoterShare  int64        `json:"voter_share,omitempty" doc:"The same in minor units, rounded down."`
	MESRuns     int          `json:"mes_runs,omitempty"`
	Add1Steps   int          `json:"add1_steps,omitempty"`
	Selected    []BudgetPick `json:"selected"`
	Warnings    []string     `json:"warnings,omitempty"`
}

// BudgetRoundView is a budget round with what its page shows.
type BudgetRoundView struct {
	*model.BudgetRound
	Open         bool              `json:"open"`
	Consortium   *model.Consortium `json:"-"`
	Cast         []string          `json:"voted" doc:"Communities that have approved initiatives (not which)."`
	CanSeeResult bool              `json:"results_visible"`
	Result       *BudgetOutcome    `json:"result,omitempty"`
	Baseline     *BudgetOutcome    `json:"greedy_baseline,omitempty" doc:"What greedy-by-votes would fund, for comparison."`
	Voters       []BudgetVoter     `json:"-"`
	CanManage    bool              `json:"-"`
}

// GetBudgetRound returns a budget round. Results are shown once it closes
// (staff see them while open too).
func (a *App) GetBudgetRound(ctx context.Context, actor *model.User, id int64) (*BudgetRoundView, error) {
	r, err := a.store.BudgetRoundByID(ctx, id)
	if err != nil {
		return nil, err
	}
	c, err := loadVisibleConsortium(ctx, a.store, actor, idStr(r.ConsortiumID))
	if err != nil {
		return nil, model.NotFound(model.EntityBudgetRound, id)
	}
	v := &BudgetRoundView{BudgetRound: r, Open: r.Open(a.now()), Consortium: c, CanManage: actor.IsAdmin()}
	v.CanSeeResult = !v.Open || actor.IsAdmin()
	ballots, err := a.store.BudgetBallots(ctx, id)
	if err != nil {
		return nil, err
	}
	for _, b := range ballots {
		v.Cast = append(v.Cast, b.CommunityName)
	}
	if v.CanSeeResult && len(ballots) > 0 {
		if v.Result, err = allocateRound(ctx, r, ballots, r.Rule); err != nil {
			return nil, err
		}
		if r.Rule != "greedy" {
			if v.Baseline, err = allocateRound(ctx, r, ballots, "greedy"); err != nil {
				return nil, err
			}
		}
	}
	if model.SignedIn(actor) && v.Open {
		if v.Voters, err = a.budgetVoters(ctx, actor, c, ballots); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// budgetVoter reports whether a member may approve in a budget round: the
// co-fund or react & prioritize role.
func budgetVoter(m *model.Member) bool {
	return m.HasRole(model.RoleCoFund) || m.HasRole(model.RoleReactPrioritize)
}

func (a *App) budgetVoters(ctx context.Context, actor *model.User, c *model.Consortium, ballots []model.BudgetBallot) ([]BudgetVoter, error) {
	members, err := a.store.Members(ctx, c.ID, false)
	if err != nil {
		return nil, err
	}
	vw, err := a.viewer(ctx, actor)
	if err != nil {
		return nil, err
	}
	byCommunity := map[int64]model.BudgetBallot{}
	for _, b := range ballots {
		byCommunity[b.CommunityID] = b
	}
	var out []BudgetVoter
	for i := range members {
		m := &members[i]
		if budgetVoter(m) && (actor.IsAdmin() || vw.leads[m.CommunityID]) {
			b, cast := byCommunity[m.CommunityID]
			out = append(out, BudgetVoter{CommunitySlug: m.CommunitySlug, CommunityName: m.CommunityName, Approved: b.Approved, Cast: cast})
		}
	}
	return out, nil
}

// CastBudgetBallot stores a member community's approvals while the round
// is open: its lead casts them (staff for any member); the community needs
// the co-fund or react & prioritize role. They can be changed until close.
func (a *App) CastBudgetBallot(ctx context.Context, actor *model.User, roundID int64, communityRef string, approved []int64) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.BudgetRoundByID(ctx, roundID)
		if err != nil {
			return err
		}
		c, err := loadVisibleConsortium(ctx, tx, actor, idStr(r.ConsortiumID))
		if err != nil {
			return model.NotFound(model.EntityBudgetRound, roundID)
		}
		if !r.Open(a.now()) {
			return model.Errorf(model.EConflict, "The budget round has closed; approvals can no longer be changed.")
		}
		com, err := tx.CommunityByRef(ctx, communityRef)
		if err != nil {
			return fieldErr("community", "no community %q", communityRef)
		}
		if err := leadOf(ctx, tx, actor, com); err != nil {
			return err
		}
		m, err := tx.CurrentMember(ctx, c.ID, com.ID)
		if err != nil || !budgetVoter(m) {
			return forbidden("%s does not have the co-fund or react & prioritize role in %s, so it cannot approve initiatives in this round.", com.Name, c.Name)
		}
		cand := map[int64]bool{}
		for _, c := range r.Candidates {
			cand[c.ID] = true
		}
		var p model.Problems
		seen := map[int64]bool{}
		for _, id := range approved {
			switch {
			case !cand[id]:
				p.Add("approved", "initiative %d is not a candidate in this round", id)
			case seen[id]:
				p.Add("approved", "initiative %d appears twice", id)
			}
			seen[id] = true
		}
		if err := p.Err(); err != nil {
			return err
		}
		list := slices.Clone(approved)
		if list == nil {
			list = []int64{}
		}
		slices.Sort(list)
		if err := tx.CastBudgetBallot(ctx, r.ID, com.ID, list, actor); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "budget_round.ballot", "budget_round", idStr(r.ID), nil, map[string]any{"community_id": com.ID})
	})
}

// CloseBudgetRound ends approvals now; staff only.
func (a *App) CloseBudgetRound(ctx context.Context, actor *model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		r, err := tx.BudgetRoundByID(ctx, id)
		if err != nil {
			return err
		}
		if !r.Open(a.now()) {
			return model.Errorf(model.EConflict, "The budget round is already closed.")
		}
		if err := tx.CloseBudgetRound(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "budget_round.close", "budget_round", idStr(id), nil, nil)
	})
}

// BudgetRounds lists budget rounds (of one consortium, or all the actor
// may see).
func (a *App) BudgetRounds(ctx context.Context, actor *model.User, consortiumRef string) ([]*model.BudgetRound, error) {
	var cid int64
	if consortiumRef != "" {
		c, err := loadVisibleConsortium(ctx, a.store, actor, consortiumRef)
		if err != nil {
			return nil, err
		}
		cid = c.ID
	}
	all, err := a.store.BudgetRounds(ctx, cid)
	if err != nil {
		return nil, err
	}
	out := []*model.BudgetRound{}
	seen := map[int64]bool{}
	for _, r := range all {
		ok, known := seen[r.ConsortiumID]
		if !known {
			if ok, err = a.store.CanSeeConsortium(ctx, r.ConsortiumID, visibility(actor)); err != nil {
				return nil, err
			}
			seen[r.ConsortiumID] = ok
		}
		if ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// BudgetInstance turns a round and its ballots into a pabulib election:
// projects are initiative ids with their cost in major units, voters are
// numbered after sorting the ballots by content (so the order says nothing
// about who cast them), the budget is the pool.
func BudgetInstance(r *model.BudgetRound, ballots []model.BudgetBallot) *budget.Instance {
	inst := &budget.Instance{Budget: major(r.Pool.Amount), VoteType: budget.VoteApproval,
		Meta: []budget.MetaEntry{
			{Key: "description", Value: oneLine(r.ConsortiumName + ": " + r.Title)},
			{Key: "country", Value: "consortia"},
			{Key: "unit", Value: oneLine(r.ConsortiumName)},
			{Key: "instance", Value: strconv.FormatInt(r.ID, 10)},
			{Key: "currency", Value: r.Pool.Currency},
			{Key: "rule", Value: map[string]string{"mes": "equalshares", "greedy": "greedy"}[r.Rule]},
		},
		ProjectColumns: []string{"project_id", "cost", "votes", "name", "selected"},
		VoteColumns:    []string{"voter_id", "vote"},
	}
	votes := map[int64]int{}
	lists := make([]string, 0, len(ballots))
	for _, b := range ballots {
		ids := make([]string, len(b.Approved))
		for i, id := range b.Approved {
			votes[id]++
			ids[i] = strconv.FormatInt(id, 10)
		}
		lists = append(lists, strings.Join(ids, ","))
	}
	for _, c := range r.Candidates {
		inst.Projects = append(inst.Projects, budget.Project{ID: strconv.FormatInt(c.ID, 10), Cost: major(c.Cost),
			Extra: map[string]string{"name": oneLine(c.Title), "votes": strconv.Itoa(votes[c.ID])}})
	}
	sort.Strings(lists)
	for i, l := range lists {
		v := budget.Vote{VoterID: strconv.Itoa(i + 1), Projects: []string{}}
		if l != "" {
			v.Projects = strings.Split(l, ",")
		}
		inst.Votes = append(inst.Votes, v)
	}
	return inst
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// budgetOptions are the allocation options of a rule. Add1 completion
// raises every member's share by 0.5% of its starting share per step (a
// consortium has a handful of voters and large amounts, where the one
// currency unit per voter of city budgets would take too many runs), and
// stops at the first exhaustive outcome.
func budgetOptions(rule, utility, completion string, inst *budget.Instance) budget.Options {
	opts := budget.Options{Rule: budget.Rule(rule), TieBreak: budget.TieBreakEqualShares}
	if rule == "mes" {
		opts.Utility = budget.Utility(utility)
		switch completion {
		case "add1":
			opts.Completion = budget.CompletionAdd1
			opts.Add1StopWhenExhaustive = true
			if n := len(inst.Votes); n > 0 && inst.Budget.Sign() > 0 {
				step := new(big.Rat).Quo(inst.Budget, big.NewRat(int64(n)*200, 1))
				if step.Cmp(big.NewRat(1, 1)) > 0 {
					opts.Add1Step = step
				}
			}
			opts.MaxRuns = 20000
		case "greedy":
			opts.Completion = budget.CompletionGreedy
		default:
			opts.Completion = budget.CompletionNone
		}
	}
	return opts
}

func allocateRound(ctx context.Context, r *model.BudgetRound, ballots []model.BudgetBallot, rule string) (*BudgetOutcome, error) {
	inst := BudgetInstance(r, ballots)
	res, err := budget.AllocateContext(ctx, inst, budgetOptions(rule, r.Utility, r.Completion, inst))
	if err != nil {
		return nil, budgetErr(err)
	}
	out := outcomeOf(res, inst, r.Pool.Currency)
	titles := map[string]model.BudgetCandidate{}
	for _, c := range r.Candidates {
		titles[strconv.FormatInt(c.ID, 10)] = c
	}
	for i := range out.Selected {
		c := titles[out.Selected[i].ProjectID]
		out.Selected[i].InitiativeID, out.Selected[i].Slug = c.ID, c.Slug
	}
	return out, nil
}

func outcomeOf(res *budget.Result, inst *budget.Instance, currency string) *BudgetOutcome {
	out := &BudgetOutcome{Rule: string(res.Rule), Utility: string(res.Utility), Completion: string(res.Completion), Currency: currency,
		Budget: toMinor(res.Budget.Rat), TotalCost: toMinor(res.TotalCost.Rat), NumVoters: res.NumVoters, MESRuns: res.MESRuns,
		Add1Steps: res.Add1Steps, Selected: []BudgetPick{}}
	out.Leftover = out.Budget - out.TotalCost
	if res.VoterBudget != nil {
		out.VoterBudget, out.VoterShare = res.VoterBudget.FloatString(2), toMinor(res.VoterBudget)
	}
	names := map[string]string{}
	for _, p := range inst.Projects {
		names[p.ID] = p.Extra["name"]
	}
	for _, s := range res.Projects {
		pick := BudgetPick{ProjectID: s.ID, Title: names[s.ID], Cost: toMinor(s.Cost.Rat), Votes: s.Votes, Stage: string(s.Stage)}
		if pick.Title == "" {
			pick.Title = "Project " + s.ID
		}
		if s.Rho != nil {
			pick.Rho, pick.RhoDecimal = s.Rho.RatString(), s.Rho.FloatString(4)
		}
		if s.MaxPayment != nil {
			pick.MaxPayment = toMinor(s.MaxPayment)
		}
		out.Selected = append(out.Selected, pick)
	}
	for _, w := range inst.Warnings {
		out.Warnings = append(out.Warnings, w.Error())
	}
	return out
}

// budgetErr turns package budget errors into invalid-input errors that name
// the line.
func budgetErr(err error) error {
	var ve *budget.ValidationError
	if errors.As(err, &ve) {
		field := ve.Location()
		if ve.Line == 0 && ve.Section == "" {
			field = ve.Field
		}
		return &model.Error{Code: model.EInvalid, Message: ve.Error(), Fields: []model.FieldError{{Field: field, Message: ve.Error()}}}
	}
	if errors.Is(err, budget.ErrTooManyRuns) {
		return model.Errorf(model.EInvalid, "Add1 completion needs too many runs for this round; use completion none or greedy.")
	}
	return err
}

// ExportBudgetRound writes a round's anonymized approvals, with the
// outcome in the selected column, as a pabulib .pb file. Anyone who can see
// the results can recompute them with `consortia budget`.
func (a *App) ExportBudgetRound(ctx context.Context, actor *model.User, id int64) (name string, body []byte, err error) {
	v, err := a.GetBudgetRound(ctx, actor, id)
	if err != nil {
		return "", nil, err
	}
	if !v.CanSeeResult {
		return "", nil, forbidden("The approvals can be exported once the round has closed.")
	}
	ballots, err := a.store.BudgetBallots(ctx, id)
	if err != nil {
		return "", nil, err
	}
	inst := BudgetInstance(v.BudgetRound, ballots)
	if v.Result != nil {
		sel := make([]string, len(v.Result.Selected))
		for i, s := range v.Result.Selected {
			sel[i] = s.ProjectID
		}
		inst.SetSelected(sel)
	}
	var buf bytes.Buffer
	if err := budget.WritePB(&buf, inst); err != nil {
		return "", nil, err
	}
	return fmt.Sprintf("budget-round-%d.pb", id), buf.Bytes(), nil
}

// AllocatePB reads an uploaded pabulib .pb file and allocates its budget:
// a preview of a round run on someone else's ballots. Nothing is stored.
// Malformed files give an invalid-input error naming the line.
func (a *App) AllocatePB(ctx context.Context, actor *model.User, r io.Reader, rule, utility, completion string) (*BudgetOutcome, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	var p model.Problems
	if rule == "" {
		rule = "mes"
	}
	if utility == "" {
		utility = "cost"
	}
	if completion == "" {
		completion = "add1"
	}
	if !slices.Contains(model.BudgetRules, rule) {
		p.Add("rule", "must be mes or greedy")
	}
	if !slices.Contains(model.BudgetUtilities, utility) {
		p.Add("utility", "must be cost or cardinality")
	}
	if !slices.Contains(model.BudgetCompletions, completion) {
		p.Add("completion", "must be add1, none or greedy")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	inst, err := budget.ParsePB(r)
	if err != nil {
		var ve *budget.ValidationError
		if errors.As(err, &ve) {
			return nil, budgetErr(err)
		}
		return nil, model.Errorf(model.EMalformed, "The file could not be read: %v", err)
	}
	if cells := int64(len(inst.Projects)) * int64(len(inst.Votes)); cells > MaxSyncBudgetCells {
		return nil, tooLargeToCompute("body", groupThousands(int64(len(inst.Projects)))+" projects × "+groupThousands(int64(len(inst.Votes)))+" ballots",
			"projects × ballots", cells, MaxSyncBudgetCells, "consortia budget")
	}
	ctx, done, err := a.startComputation(ctx, actor, "allocate", "allocation")
	if err != nil {
		return nil, err
	}
	defer done()
	if inst.VoteType != budget.VoteApproval && inst.VoteType != budget.VoteChoose1 && utility == "cost" {
		utility = "points"
	}
	opts := budgetOptions(rule, utility, completion, inst)
	if completion == "add1" {
		// A real participatory budget: one currency unit per voter and step,
		// as published results are computed.
		opts.Add1Step, opts.Add1StopWhenExhaustive, opts.MaxRuns = nil, false, 0
	}
	res, err := budget.AllocateContext(ctx, inst, opts)
	var note string
	if errors.Is(err, budget.ErrTooManyRuns) {
		// Few voters and large amounts (a consortium's export): raise the
		// shares by 0.5% of the starting share per step, like budget rounds.
		opts = budgetOptions(rule, utility, completion, inst)
		res, err = budget.AllocateContext(ctx, inst, opts)
		note = "add1 raised each voter's share by 0.5% of its starting share per step: one currency unit per voter needs too many runs for this file"
	}
	if err != nil {
		return nil, budgetErr(computationStopped(err, "consortia budget"))
	}
	currency, _ := inst.MetaValue("currency")
	out := outcomeOf(res, inst, currency)
	if note != "" {
		out.Warnings = append(out.Warnings, note)
	}
	return out, nil
}
