package budget

import (
	"context"
	"math/big"
)

// Result is the outcome of a budget round. It is meant to be printed as
// JSON by the CLI and returned by the web app.
type Result struct {
	Rule       Rule       `json:"rule"`
	Utility    Utility    `json:"utility,omitempty"`
	Completion Completion `json:"completion"`
	TieBreak   TieBreak   `json:"tie_break"`
	// Selected lists the chosen project ids in the order they were chosen.
	Selected  []string `json:"selected"`
	Budget    Amount   `json:"budget"`
	TotalCost Amount   `json:"total_cost"`
	Leftover  Amount   `json:"leftover"`
	NumVoters int      `json:"num_voters"`
	// VoterBudget is the virtual budget each voter started the final MES
	// run with (budget/voters, raised by add1 completion), as an exact
	// fraction such as "500000/3293".
	VoterBudget *big.Rat `json:"voter_budget,omitempty"`
	// MESRuns counts the MES runs (more than one with add1 completion);
	// Add1Steps counts the budget raises of the returned run.
	MESRuns   int `json:"mes_runs,omitempty"`
	Add1Steps int `json:"add1_steps,omitempty"`
	// Projects details every selected project, in selection order.
	Projects []Selection `json:"projects"`
}

// Stage names the step of the computation that selected a project.
type Stage string

// Stages of a computation.
const (
	StageMES    Stage = "mes"    // chosen by the Method of Equal Shares
	StageGreedy Stage = "greedy" // chosen by the greedy rule or greedy completion
)

// Selection describes one selected project.
type Selection struct {
	ID    string `json:"id"`
	Cost  Amount `json:"cost"`
	Votes int64  `json:"votes"`
	Stage Stage  `json:"stage"`
	// Rho is the MES price per unit of utility, as an exact fraction: with
	// cost utilities the largest payment of a supporter divided by the
	// cost; with cardinality utilities the largest payment; with points
	// the payment per point. Zero for a free project.
	Rho *big.Rat `json:"rho,omitempty"`
	// MaxPayment is the largest amount one supporter paid (approval
	// ballots only), as an exact fraction.
	MaxPayment *big.Rat `json:"max_payment,omitempty"`
}

// Allocate computes the outcome of a budget round with the given rule. It
// validates the instance and the options first; problems are reported as
// *ValidationError (options errors name the option in Field). The result is
// deterministic: it depends neither on the order of the ballots nor on map
// iteration order.
func Allocate(inst *Instance, opts Options) (*Result, error) {
	return AllocateContext(context.Background(), inst, opts)
}

// AllocateContext is Allocate that stops when ctx is done: it checks ctx
// before every MES pick and returns ctx.Err() (context.Canceled or
// context.DeadlineExceeded), so a cancelled request frees its CPU at once.
func AllocateContext(ctx context.Context, inst *Instance, opts Options) (*Result, error) {
	if err := inst.Validate(); err != nil {
		return nil, err
	}
	vt := inst.VoteType
	if vt == "" {
		vt = VoteApproval
	}
	opts, err := opts.normalize(vt)
	if err != nil {
		return nil, err
	}
	pr, err := newProfile(inst, opts.Utility.kind(), opts.TieBreak)
	if err != nil {
		return nil, err
	}
	res := &Result{
		Rule:       opts.Rule,
		Utility:    opts.Utility,
		Completion: opts.Completion,
		TieBreak:   opts.TieBreak,
		Selected:   []string{},
		Budget:     amount(pr.budget),
		NumVoters:  len(inst.Votes),
		Projects:   []Selection{},
	}
	selected := make([]bool, len(pr.ids))
	spent := new(big.Rat)
	add := func(p int, stage Stage) *Selection {
		selected[p] = true
		spent.Add(spent, pr.costs[p])
		res.Selected = append(res.Selected, pr.ids[p])
		res.Projects = append(res.Projects, Selection{ID: pr.ids[p], Cost: amount(pr.costs[p]), Votes: pr.votes[p], Stage: stage})
		return &res.Projects[len(res.Projects)-1]
	}

	if opts.Rule == RuleMES && pr.voters > 0 {
		eng := newMESEngine(ctx, pr)
		b0 := new(big.Rat).SetFrac(pr.budget.Num(), new(big.Int).Mul(pr.budget.Denom(), big.NewInt(pr.voters)))
		var out mesOutcome
		switch opts.Completion {
		case CompletionAdd1, CompletionAdd1Greedy:
			out, err = eng.add1(b0, opts.Add1Step, opts.Add1StopWhenExhaustive, opts.Add1Stepwise, opts.MaxRuns)
			if err != nil {
				return nil, err
			}
		default:
			picks, err := eng.run(b0)
			if err != nil {
				return nil, err
			}
			out = mesOutcome{picks: picks, voterBudget: b0, runs: 1}
		}
		res.VoterBudget, res.MESRuns, res.Add1Steps = out.voterBudget, out.runs, out.steps
		for _, pk := range out.picks {
			s := add(pk.project, StageMES)
			s.Rho = pr.rho(pk, opts.Utility)
			if vt.isApproval() {
				s.MaxPayment = pk.price
			}
		}
	}
	if opts.Rule == RuleGreedy || opts.Completion == CompletionGreedy || opts.Completion == CompletionAdd1Greedy {
		for _, p := range pr.greedyFill(selected, spent) {
			add(p, StageGreedy)
		}
	}
	res.TotalCost = amount(spent)
	res.Leftover = amount(new(big.Rat).Sub(pr.budget, spent))
	return res, nil
}

// rho converts a pick's price per scaled utility unit into the price per
// unit of the chosen utility.
func (pr *profile) rho(pk mesPick, u Utility) *big.Rat {
	switch u {
	case UtilityCost:
		if pr.costs[pk.project].Sign() == 0 {
			return new(big.Rat)
		}
		return new(big.Rat).Quo(pk.price, pr.costs[pk.project])
	case UtilityPoints:
		return new(big.Rat).Mul(pk.price, new(big.Rat).SetInt(pr.pointScale))
	}
	return new(big.Rat).Set(pk.price)
}
