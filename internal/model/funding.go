package model

import (
	"fmt"
	"math"
	"math/big"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Co-funding: funding goals, the pledges communities make towards them,
// budget rounds that allocate pooled money, and quadratic-funding matching
// pools. Money is always integer minor units plus an ISO 4217 code.

// Funding goal states.
const (
	GoalOpen   = "open"   // pledges may be made and withdrawn
	GoalClosed = "closed" // resolved: the active pledges are committed
)

// Funding goal kinds: an initiative's goal or a consortium's general
// sustenance fund.
const (
	GoalInitiative = "initiative"
	GoalSustenance = "sustenance"
)

// MaxFundingAmount bounds every single amount (goal, pledge, pool): a
// trillion major units. Totals are checked for overflow separately.
const MaxFundingAmount int64 = 100_000_000_000_000

// FundingGoal is what an initiative (or a consortium's sustenance fund)
// needs, and how its pledges are resolved.
type FundingGoal struct {
	ID                  int64      `json:"id"`
	Kind                string     `json:"kind" enum:"initiative,sustenance"`
	Title               string     `json:"title" doc:"The initiative's title, or the consortium's sustenance fund."`
	InitiativeID        *int64     `json:"initiative_id,omitempty"`
	InitiativeSlug      string     `json:"initiative_slug,omitempty"`
	InitiativePublic    bool       `json:"-"`
	ConsortiumID        *int64     `json:"consortium_id,omitempty"`
	ConsortiumSlug      string     `json:"consortium_slug,omitempty"`
	Goal                Money      `json:"goal" doc:"The amount needed, in minor units."`
	Deadline            *time.Time `json:"deadline,omitempty" doc:"No pledges after this time."`
	AllOrNothing        bool       `json:"all_or_nothing" doc:"Nothing is committed unless the goal is reached."`
	MatchCountsAsOthers bool       `json:"match_counts_as_others" doc:"Whether matched money counts towards conditions on what others invest."`
	Note                string     `json:"note"`
	State               string     `json:"state" enum:"open,closed"`
	CommittedTotal      int64      `json:"committed_total" doc:"Minor units committed at close."`
	ClosedAt            *time.Time `json:"closed_at,omitempty"`
	ClosedByName        string     `json:"closed_by,omitempty"`
	CreatedByName       string     `json:"created_by"`
	CreatedAt           time.Time  `json:"created_at"`
	UpdatedAt           time.Time  `json:"updated_at"`
	Version             int64      `json:"version"`
}

// PastDeadline reports whether the goal's deadline has passed at now.
func (g *FundingGoal) PastDeadline(now time.Time) bool {
	return g.Deadline != nil && !now.Before(*g.Deadline)
}

// FundingGoalInput holds a goal's editable fields. Amount 0 means "the
// initiative's cost estimate (high end)"; an empty currency means the
// estimate's currency.
type FundingGoalInput struct {
	InitiativeRef       string
	ConsortiumRef       string
	Amount              int64
	Currency            string
	Deadline            *time.Time
	AllOrNothing        bool
	MatchCountsAsOthers bool
	Note                string
}

// Normalize trims the input.
func (in *FundingGoalInput) Normalize() {
	in.InitiativeRef = strings.TrimSpace(in.InitiativeRef)
	in.ConsortiumRef = strings.TrimSpace(in.ConsortiumRef)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	in.Note = strings.TrimSpace(in.Note)
	if in.Deadline != nil {
		t := in.Deadline.UTC().Truncate(time.Second)
		in.Deadline = &t
	}
}

// Validate checks a goal's fields once the defaults are filled in.
func (in FundingGoalInput) Validate() error {
	var p Problems
	if (in.InitiativeRef == "") == (in.ConsortiumRef == "") {
		p.Add("initiative", "name either an initiative or a consortium (for its general sustenance fund)")
	}
	checkAmount(&p, "amount", in.Amount)
	if !slices.Contains(Currencies, in.Currency) {
		p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
	}
	checkText(&p, "note", in.Note, false, 2000)
	return p.Err()
}

func checkAmount(p *Problems, field string, amount int64) {
	switch {
	case amount <= 0:
		p.Add(field, "must be a positive amount")
	case amount > MaxFundingAmount:
		p.Add(field, "must be at most %s minor units", groupDigits(MaxFundingAmount))
	}
}

func groupDigits(n int64) string {
	s := fmt.Sprint(n)
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// Pledge kinds.
const (
	PledgeFixed         = "fixed"         // gives Amount when its condition holds
	PledgeCrowdmatching = "crowdmatching" // gives Rate per unit the others give, up to Amount
	PledgeMatching      = "matching"      // matches pledged money at Rate, up to Amount
)

// PledgeKinds lists the pledge kinds.
var PledgeKinds = []string{PledgeFixed, PledgeCrowdmatching, PledgeMatching}

// Pledge states, in lifecycle order.
const (
	PledgeDraft     = "draft"     // not shown, not counted
	PledgeOpen      = "open"      // counted in resolution; may be withdrawn until close
	PledgeCommitted = "committed" // in the resolved set when the goal closed
	PledgeInvoiced  = "invoiced"
	PledgePaid      = "paid"
	PledgeWithdrawn = "withdrawn" // withdrawn before close
	PledgeLapsed    = "lapsed"    // not in the resolved set at close
)

// LivePledgeStates are the states of a pledge that makes its community a
// co-funder: open or committed (invoiced and paid included); not a draft,
// withdrawn or lapsed. Every count of co-funding communities uses them.
var LivePledgeStates = []string{PledgeOpen, PledgeCommitted, PledgeInvoiced, PledgePaid}

// PledgeStateLabel is the human name of a pledge state.
func PledgeStateLabel(s string) string {
	switch s {
	case PledgeDraft:
		return "Draft"
	case PledgeOpen:
		return "Open"
	case PledgeCommitted:
		return "Committed"
	case PledgeInvoiced:
		return "Invoiced"
	case PledgePaid:
		return "Paid"
	case PledgeWithdrawn:
		return "Withdrawn"
	case PledgeLapsed:
		return "Lapsed"
	}
	return s
}

// PledgeLive reports whether a pledge still counts (not withdrawn).
func PledgeLive(state string) bool { return state != PledgeWithdrawn }

// Condition types of a pledge (all monotone; see internal/pledge/FORMAT.md).
const (
	CondOthersTotal = "others_total_at_least"
	CondOthersCount = "others_count_at_least"
	CondPledger     = "pledger_active"
	CondAll         = "all"
	CondAny         = "any"
)

// PledgeCondition is a pledge's condition tree. Pledgers are communities:
// Community names one by slug in requests and responses; CommunityID is what
// is stored, so that renaming a community never breaks a condition.
type PledgeCondition struct {
	Type          string            `json:"type" doc:"others_total_at_least, others_count_at_least, pledger_active, all or any."`
	Value         int64             `json:"value,omitempty" doc:"Minor units (others_total_at_least) or a number of other pledgers (others_count_at_least)."`
	Community     string            `json:"community,omitempty" doc:"pledger_active: the community (slug) that must also pledge."`
	CommunityID   int64             `json:"community_id,omitempty"`
	CommunityName string            `json:"community_name,omitempty"`
	Of            []PledgeCondition `json:"of,omitempty" doc:"all / any: the conditions combined."`
}

// Walk calls fn on the condition and every nested one.
func (c *PledgeCondition) Walk(fn func(*PledgeCondition)) {
	fn(c)
	for i := range c.Of {
		c.Of[i].Walk(fn)
	}
}

// Describe says the condition in words, e.g. "others give at least USD
// 9,000.00 and Northfield pledges".
func (c *PledgeCondition) Describe(currency string) string {
	if c == nil {
		return "none (firm)"
	}
	switch c.Type {
	case CondOthersTotal:
		return "others give at least " + Money{Amount: c.Value, Currency: currency}.String()
	case CondOthersCount:
		if c.Value == 1 {
			return "at least 1 other community pledges"
		}
		return fmt.Sprintf("at least %d other communities pledge", c.Value)
	case CondPledger:
		name := c.CommunityName
		if name == "" {
			name = c.Community
		}
		return name + " also pledges"
	case CondAll, CondAny:
		parts := make([]string, len(c.Of))
		for i := range c.Of {
			parts[i] = c.Of[i].Describe(currency)
			if len(c.Of[i].Of) > 1 {
				parts[i] = "(" + parts[i] + ")"
			}
		}
		sep := " and "
		if c.Type == CondAny {
			sep = " or "
		}
		return strings.Join(parts, sep)
	}
	return c.Type
}

// Pledge is a community's commitment towards a funding goal.
type Pledge struct {
	ID              int64            `json:"id"`
	GoalID          int64            `json:"goal_id"`
	CommunityID     int64            `json:"community_id,omitempty"`
	CommunitySlug   string           `json:"community,omitempty" doc:"Empty for anonymous pledges, except for staff and the pledging community."`
	CommunityName   string           `json:"community_name" doc:"\"Anonymous\" for anonymous pledges, except for staff and the pledging community."`
	Kind            string           `json:"kind" enum:"fixed,crowdmatching,matching"`
	Amount          Money            `json:"amount" doc:"fixed: the amount; crowdmatching: the maximum; matching: the cap."`
	Rate            string           `json:"rate,omitempty" doc:"crowdmatching: given per unit the others give; matching: the ratio. An exact decimal or fraction such as \"0.5\" or \"1/3\"."`
	Condition       *PledgeCondition `json:"condition,omitempty"`
	Anonymous       bool             `json:"anonymous"`
	Note            string           `json:"note,omitempty"`
	State           string           `json:"state" enum:"draft,open,committed,invoiced,paid,withdrawn,lapsed"`
	CommittedAmount int64            `json:"committed_amount" doc:"Minor units owed, set when the goal closes."`
	InvoiceNumber   string           `json:"invoice_number,omitempty"`
	CreatedByName   string           `json:"created_by,omitempty"`
	CreatedAt       time.Time        `json:"created_at"`
	UpdatedAt       time.Time        `json:"updated_at"`
	OpenedAt        *time.Time       `json:"opened_at,omitempty"`
	CommittedAt     *time.Time       `json:"committed_at,omitempty"`
	InvoicedAt      *time.Time       `json:"invoiced_at,omitempty"`
	PaidAt          *time.Time       `json:"paid_at,omitempty"`
	WithdrawnAt     *time.Time       `json:"withdrawn_at,omitempty"`
	Version         int64            `json:"version"`
}

// Firm reports whether the pledge is a fixed amount without condition.
func (p *Pledge) Firm() bool { return p.Kind == PledgeFixed && p.Condition == nil }

// Terms says what the pledge promises, e.g. "USD 5,000.00 if others give at
// least USD 15,000.00".
func (p *Pledge) Terms() string {
	var s string
	switch p.Kind {
	case PledgeFixed:
		s = p.Amount.String()
	case PledgeCrowdmatching:
		s = fmt.Sprintf("%s per unit the others give, up to %s", p.Rate, p.Amount)
	case PledgeMatching:
		s = fmt.Sprintf("matches pledged money %s:1, up to %s", p.Rate, p.Amount)
	}
	if p.Condition != nil {
		s += " if " + p.Condition.Describe(p.Amount.Currency)
	}
	return s
}

// PledgeInput is a new pledge.
type PledgeInput struct {
	Community string           `json:"community"`
	Kind      string           `json:"kind"`
	Amount    int64            `json:"amount"`
	Rate      string           `json:"rate,omitempty"`
	Currency  string           `json:"currency"`
	Condition *PledgeCondition `json:"condition,omitempty"`
	Anonymous bool             `json:"anonymous"`
	Note      string           `json:"note,omitempty"`
	Draft     bool             `json:"draft"`
}

// Normalize trims the input and fills the kind.
func (in *PledgeInput) Normalize() {
	in.Community = strings.TrimSpace(in.Community)
	in.Kind = strings.TrimSpace(in.Kind)
	if in.Kind == "" {
		in.Kind = PledgeFixed
	}
	in.Rate = strings.TrimSpace(in.Rate)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	in.Note = strings.TrimSpace(in.Note)
	if in.Condition != nil {
		in.Condition.Walk(func(c *PledgeCondition) {
			c.Type = strings.TrimSpace(c.Type)
			c.Community = strings.TrimSpace(c.Community)
		})
	}
}

// Validate checks the pledge's own fields. Which communities a condition
// may name, the exact rate syntax and the monotonicity of conditions are
// checked against the goal by the application (with the resolver's rules).
func (in PledgeInput) Validate() error {
	var p Problems
	if in.Community == "" {
		p.Add("community", "is required")
	}
	if !slices.Contains(PledgeKinds, in.Kind) {
		p.Add("kind", "must be one of %s", strings.Join(PledgeKinds, ", "))
	}
	checkAmount(&p, "amount", in.Amount)
	if in.Kind == PledgeFixed && in.Rate != "" {
		p.Add("rate", "a fixed pledge has no rate")
	}
	if in.Kind != PledgeFixed && in.Kind != "" && in.Rate == "" {
		p.Add("rate", "is required for a %s pledge", in.Kind)
	}
	if in.Rate != "" {
		r, ok := parseRatio(in.Rate)
		if !ok {
			p.Add("rate", "must be a decimal or a fraction such as 0.5 or 1/3")
		} else if r.Sign() <= 0 {
			p.Add("rate", "must be positive")
		}
	}
	if in.Currency != "" && !slices.Contains(Currencies, in.Currency) {
		p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
	}
	checkText(&p, "note", in.Note, false, 2000)
	return p.Err()
}

// Budget round rules, utilities and completions (see internal/budget).
var (
	BudgetRules       = []string{"mes", "greedy"}
	BudgetUtilities   = []string{"cost", "cardinality"}
	BudgetCompletions = []string{"add1", "none", "greedy"}
)

// BudgetCandidate is an initiative in a budget round with its cost.
type BudgetCandidate struct {
	InitiativeRef
	Cost int64 `json:"cost" doc:"Minor units of the round's currency."`
}

// BudgetRound is a consortium's round allocating a pool of money among
// initiatives its members approve.
type BudgetRound struct {
	ID             int64             `json:"id"`
	ConsortiumID   int64             `json:"consortium_id"`
	ConsortiumSlug string            `json:"consortium_slug"`
	ConsortiumName string            `json:"consortium_name"`
	Title          string            `json:"title"`
	Pool           Money             `json:"pool"`
	Rule           string            `json:"rule" enum:"mes,greedy"`
	Utility        string            `json:"utility" enum:"cost,cardinality"`
	Completion     string            `json:"completion" enum:"add1,none,greedy"`
	ClosesAt       time.Time         `json:"closes_at"`
	ClosedAt       *time.Time        `json:"closed_at,omitempty"`
	Candidates     []BudgetCandidate `json:"candidates"`
	BallotCount    int               `json:"ballot_count"`
	CreatedByName  string            `json:"created_by"`
	CreatedAt      time.Time         `json:"created_at"`
}

// Open reports whether approvals may still be cast at now.
func (r *BudgetRound) Open(now time.Time) bool { return r.ClosedAt == nil && now.Before(r.ClosesAt) }

// BudgetRoundInput holds a new budget round.
type BudgetRoundInput struct {
	Title      string
	Pool       int64
	Currency   string
	Rule       string
	Utility    string
	Completion string
	ClosesAt   time.Time
	// CandidateIDs are initiatives in the consortium's scope; their cost is
	// their cost estimate (high end) unless Costs names another.
	CandidateIDs []int64
	Costs        map[int64]int64
}

// Normalize fills the defaults: MES with cost utilities and add1 completion.
func (in *BudgetRoundInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = DefaultCurrency
	}
	if in.Rule == "" {
		in.Rule = "mes"
	}
	if in.Utility == "" {
		in.Utility = "cost"
	}
	if in.Completion == "" {
		in.Completion = "add1"
	}
	in.ClosesAt = in.ClosesAt.UTC().Truncate(time.Minute)
	slices.Sort(in.CandidateIDs)
	in.CandidateIDs = slices.Compact(in.CandidateIDs)
}

// Validate checks a budget round's fields.
func (in BudgetRoundInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	checkAmount(&p, "pool", in.Pool)
	if !slices.Contains(Currencies, in.Currency) {
		p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
	}
	if !slices.Contains(BudgetRules, in.Rule) {
		p.Add("rule", "must be mes or greedy")
	}
	if !slices.Contains(BudgetUtilities, in.Utility) {
		p.Add("utility", "must be cost or cardinality")
	}
	if !slices.Contains(BudgetCompletions, in.Completion) {
		p.Add("completion", "must be add1, none or greedy")
	}
	if in.ClosesAt.IsZero() {
		p.Add("closes_at", "is required")
	}
	if len(in.CandidateIDs) < 1 {
		p.Add("candidate_ids", "a budget round needs at least one candidate initiative")
	}
	if len(in.CandidateIDs) > 200 {
		p.Add("candidate_ids", "must be at most 200 candidates")
	}
	for id, c := range in.Costs {
		if c <= 0 || c > MaxFundingAmount {
			p.Add("costs", "cost of initiative %d must be a positive amount", id)
			break
		}
	}
	return p.Err()
}

// BudgetBallot is a member community's approval ballot.
type BudgetBallot struct {
	CommunityID   int64     `json:"community_id"`
	CommunitySlug string    `json:"community"`
	CommunityName string    `json:"community_name"`
	Approved      []int64   `json:"approved"`
	CastByName    string    `json:"cast_by"`
	CastAt        time.Time `json:"cast_at"`
}

// MatchingPool is a funder's quadratic-funding matching pool across a
// consortium's initiatives.
type MatchingPool struct {
	ID             int64  `json:"id"`
	ConsortiumID   int64  `json:"consortium_id"`
	ConsortiumSlug string `json:"consortium_slug"`
	ConsortiumName string `json:"consortium_name"`
	Title          string `json:"title"`
	Funder         string `json:"funder"`
	Pool           Money  `json:"pool"`
	CapFraction    string `json:"matching_cap_per_project,omitempty" doc:"Largest share of the pool one initiative may receive, e.g. 0.25 or 1/4."`
	CapAmount      *int64 `json:"matching_cap_amount,omitempty" doc:"Largest match one initiative may receive, in minor units."`
	// IgnoreSaturation and KeepCapOverflow are the options of
	// internal/matching (Gitcoin's meaning for the first).
	IgnoreSaturation bool      `json:"ignore_saturation" doc:"Distribute the whole pool even when the ideal matches add up to less (Gitcoin's ignoreSaturation)."`
	KeepCapOverflow  bool      `json:"keep_cap_overflow" doc:"Keep money cut off by the cap in the pool instead of giving it to initiatives below the cap."`
	CreatedByName    string    `json:"created_by"`
	CreatedAt        time.Time `json:"created_at"`
}

// MatchingPoolInput holds a new matching pool.
type MatchingPoolInput struct {
	Title            string
	Funder           string
	Pool             int64
	Currency         string
	CapFraction      string
	CapAmount        *int64
	IgnoreSaturation bool
	KeepCapOverflow  bool
}

// Normalize trims the input.
func (in *MatchingPoolInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Funder = strings.TrimSpace(in.Funder)
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = DefaultCurrency
	}
	in.CapFraction = strings.TrimSpace(in.CapFraction)
}

// Validate checks a matching pool's fields.
func (in MatchingPoolInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	checkLine(&p, "funder", in.Funder, true, MaxTitleLength)
	checkAmount(&p, "pool", in.Pool)
	if !slices.Contains(Currencies, in.Currency) {
		p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
	}
	if in.CapFraction != "" {
		r, ok := parseRatio(in.CapFraction)
		if !ok || r.Sign() <= 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
			p.Add("matching_cap_per_project", "must be a fraction of the pool in (0, 1], such as 0.25 or 1/4")
		}
	}
	if in.CapAmount != nil {
		switch {
		case in.CapFraction != "":
			p.Add("matching_cap_amount", "give the cap either as a share of the pool or as an amount, not both")
		case *in.CapAmount <= 0:
			p.Add("matching_cap_amount", "must be a positive amount")
		}
	}
	return p.Err()
}

var ratioPattern = regexp.MustCompile(`^(?:[0-9]{1,30}(?:\.[0-9]{1,30})?|[0-9]{1,30}/[0-9]{1,30})$`)

// parseRatio reads an exact rate or ratio written as a decimal ("0.5") or a
// fraction ("1/3"); no exponents, so no input can make the number huge.
func parseRatio(s string) (*big.Rat, bool) {
	if !ratioPattern.MatchString(s) {
		return nil, false
	}
	r, ok := new(big.Rat).SetString(s)
	return r, ok
}

// ParseRatio is parseRatio for the other layers.
func ParseRatio(s string) (*big.Rat, bool) { return parseRatio(s) }

// AddMoney adds minor units, failing instead of overflowing.
func AddMoney(a, b int64) (int64, bool) {
	if (b > 0 && a > math.MaxInt64-b) || (b < 0 && a < math.MinInt64-b) {
		return 0, false
	}
	return a + b, true
}
