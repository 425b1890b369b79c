package budget

import (
	"math/big"
)

// Rule selects the allocation rule.
type Rule string

// Supported rules.
const (
	// RuleMES is the Method of Equal Shares.
	RuleMES Rule = "mes"
	// RuleGreedy is the utilitarian greedy rule: projects by number of
	// votes, each added if it still fits in the budget.
	RuleGreedy Rule = "greedy"
)

// Utility selects how much a voter gains from a project on their ballot
// (MES only).
type Utility string

// Supported utilities.
const (
	// UtilityCost: a voter's utility for an approved project is its cost
	// (the default for approval ballots, as on equalshares.net).
	UtilityCost Utility = "cost"
	// UtilityCardinality: utility 1 for every approved project.
	UtilityCardinality Utility = "cardinality"
	// UtilityPoints: utility equals the points given (the default for
	// cumulative and scoring ballots).
	UtilityPoints Utility = "points"
)

// Completion selects what happens to budget MES leaves unspent.
type Completion string

// Supported completions.
const (
	// CompletionNone keeps the plain MES outcome.
	CompletionNone Completion = "none"
	// CompletionAdd1 reruns MES with every voter's budget raised by
	// Add1Step (default one currency unit) until a raise would overspend,
	// and keeps the last outcome that fits (how Wieliczka 2023 was
	// computed). Add1StopWhenExhaustive also stops at the first exhaustive
	// outcome.
	CompletionAdd1 Completion = "add1"
	// CompletionGreedy fills the remaining budget with the greedy rule.
	CompletionGreedy Completion = "greedy"
	// CompletionAdd1Greedy is add1 followed by greedy filling (the
	// equalshares.net reference implementation).
	CompletionAdd1Greedy Completion = "add1-greedy"
)

// TieBreak selects how ties between equally good projects are broken.
type TieBreak string

// Supported tie-breaking orders.
const (
	// TieBreakEqualShares prefers the lower cost, then more votes, then the
	// smaller project id (byte-wise). Recommended by equalshares.net.
	TieBreakEqualShares TieBreak = "equalshares"
	// TieBreakLexicographic prefers the smaller project id (byte-wise), the
	// default of pabutools.
	TieBreakLexicographic TieBreak = "lexicographic"
)

// DefaultMaxRuns bounds the number of MES runs of add1 completion when
// Options.MaxRuns is zero.
const DefaultMaxRuns = 10000

// Options configures Allocate. The zero value means MES with cost
// utilities (points for cumulative/scoring ballots), no completion and
// lexicographic tie-breaking (the pabutools default).
type Options struct {
	Rule       Rule       `json:"rule,omitempty"`
	Utility    Utility    `json:"utility,omitempty"`
	Completion Completion `json:"completion,omitempty"`
	TieBreak   TieBreak   `json:"tie_break,omitempty"`
	// Add1Step is the per-voter budget increment of add1 completion; nil
	// means 1 (one unit of the currency per voter and step).
	Add1Step *big.Rat `json:"add1_step,omitempty"`
	// Add1StopWhenExhaustive makes add1 also stop at the first outcome
	// that leaves no room for any project MES could still pick (the
	// stopping rule described on equalshares.net and used by pabutools'
	// method_of_equal_shares with a voter_budget_increment).
	Add1StopWhenExhaustive bool `json:"add1_stop_when_exhaustive,omitempty"`
	// Add1Stepwise runs add1 one step at a time, exactly as the rule is
	// defined, instead of the default galloping search (about 2·log2(k)
	// runs instead of k). The two differ only where MES is not monotone in
	// the voter budget (FORMAT.md §2, completion); no published election we
	// test tells them apart.
	Add1Stepwise bool `json:"add1_stepwise,omitempty"`
	// MaxRuns bounds the number of MES runs of add1 completion; 0 means
	// DefaultMaxRuns. Allocate fails with ErrTooManyRuns beyond it.
	MaxRuns int `json:"max_runs,omitempty"`
}

func optionError(field, format string, args ...any) *ValidationError {
	return errorf(0, "", field, format, args...)
}

// normalize fills in defaults and rejects unknown or conflicting values.
func (o Options) normalize(vt VoteType) (Options, error) {
	if o.Rule == "" {
		o.Rule = RuleMES
	}
	if o.Completion == "" {
		o.Completion = CompletionNone
	}
	if o.TieBreak == "" {
		o.TieBreak = TieBreakLexicographic
	}
	switch o.TieBreak {
	case TieBreakEqualShares, TieBreakLexicographic:
	default:
		return o, optionError("tie_break", "must be equalshares or lexicographic, not %s", quote(string(o.TieBreak)))
	}
	if vt == VoteOrdinal {
		return o, &ValidationError{Section: sectionMeta, Field: "vote_type",
			Message: "unsupported vote_type \"ordinal\": the rules need approval, cumulative or scoring ballots"}
	}
	switch o.Rule {
	case RuleGreedy:
		switch o.Completion {
		case CompletionNone, CompletionGreedy:
		default:
			return o, optionError("completion", "%s does not apply to the greedy rule (use none)", quote(string(o.Completion)))
		}
		if o.Utility != "" {
			return o, optionError("utility", "does not apply to the greedy rule, which orders projects by votes")
		}
		return o, nil
	case RuleMES:
	default:
		return o, optionError("rule", "must be mes or greedy, not %s", quote(string(o.Rule)))
	}
	if o.Utility == "" {
		o.Utility = UtilityCost
		if vt.hasPoints() {
			o.Utility = UtilityPoints
		}
	}
	switch o.Utility {
	case UtilityCost, UtilityCardinality:
	case UtilityPoints:
		if !vt.hasPoints() {
			return o, optionError("utility", "points needs cumulative or scoring ballots, this instance has %s ballots", vt)
		}
	default:
		return o, optionError("utility", "must be cost, cardinality or points, not %s", quote(string(o.Utility)))
	}
	switch o.Completion {
	case CompletionNone, CompletionGreedy, CompletionAdd1, CompletionAdd1Greedy:
	default:
		return o, optionError("completion", "must be none, add1, add1-greedy or greedy, not %s", quote(string(o.Completion)))
	}
	if o.Add1Step == nil {
		o.Add1Step = big.NewRat(1, 1)
	} else if o.Add1Step.Sign() <= 0 {
		return o, optionError("add1_step", "must be positive, not %s", o.Add1Step.RatString())
	}
	if o.MaxRuns == 0 {
		o.MaxRuns = DefaultMaxRuns
	} else if o.MaxRuns < 0 {
		return o, optionError("max_runs", "must not be negative")
	}
	return o, nil
}

func (u Utility) kind() utilityKind {
	switch u {
	case UtilityCardinality:
		return utilCardinality
	case UtilityPoints:
		return utilPoints
	}
	return utilCost
}
