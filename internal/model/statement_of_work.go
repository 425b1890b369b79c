package model

import (
	"time"
)

// Limits of a statement of work's own text.
const (
	MaxStatementTimeline = 5000
	MaxStatementNotes    = 5000
)

// StatementOfWork is one version of the statement of work for a co-funded
// initiative. Its content is a snapshot taken when the version was made, so
// what a co-funder acknowledged never changes afterwards.
type StatementOfWork struct {
	ID               int64             `json:"id"`
	InitiativeID     int64             `json:"initiative_id"`
	Version          int               `json:"version"`
	Content          StatementContent  `json:"content"`
	CreatedByName    string            `json:"created_by"`
	CreatedAt        time.Time         `json:"created_at"`
	Acknowledgements []Acknowledgement `json:"acknowledgements"`
	Waiting          []CommunityRef    `json:"waiting" doc:"Co-funders whose lead has not acknowledged this version yet."`
}

// StatementContent is what a statement of work says: the scope, the
// deliverables (sub-tasks), hours and cost, the goal that was met, the
// co-funders and their shares, the timeline and notes.
type StatementContent struct {
	Title          string          `json:"title"`
	Problem        string          `json:"problem"`
	Solution       string          `json:"solution"`
	Implementation string          `json:"implementation"`
	HoursLow       int64           `json:"hours_low"`
	HoursHigh      int64           `json:"hours_high"`
	CostLow        Money           `json:"cost_low"`
	CostHigh       Money           `json:"cost_high"`
	Tasks          []Task          `json:"tasks"`
	Goal           Money           `json:"goal"`
	CoFunders      []CoFunderShare `json:"co_funders"`
	Awards         []FundingAward  `json:"awards" doc:"Awarded grant proposals that fund the work."`
	Timeline       string          `json:"timeline"`
	Notes          string          `json:"notes"`
}

// CoFunderShare is a co-funding community and what it committed. Anonymous
// shares are shown without the community's name outside staff and the
// community itself.
type CoFunderShare struct {
	Community CommunityRef `json:"community"`
	Share     Money        `json:"share"`
	Anonymous bool         `json:"anonymous"`
}

// FundingAward is an awarded grant proposal that funds an initiative (with
// the others it includes, when it funds several).
type FundingAward struct {
	ProposalID int64  `json:"proposal_id"`
	Proposal   string `json:"proposal"`
	Funder     string `json:"funder"`
	Amount     Money  `json:"amount" doc:"The award's whole amount."`
}

// Acknowledgement records that a co-funder's lead acknowledged a version.
type Acknowledgement struct {
	Community CommunityRef `json:"community"`
	ByName    string       `json:"by_name"`
	At        time.Time    `json:"at"`
}

// StatementInput is what staff write for a new version.
type StatementInput struct {
	Timeline string
	Notes    string
}

// Normalize trims the input.
func (in *StatementInput) Normalize() {
	in.Timeline, in.Notes = trimSpace(in.Timeline), trimSpace(in.Notes)
}

// Validate checks the input.
func (in StatementInput) Validate() error {
	var p Problems
	checkText(&p, "timeline", in.Timeline, false, MaxStatementTimeline)
	checkText(&p, "notes", in.Notes, false, MaxStatementNotes)
	return p.Err()
}

// GoalMet reports whether a funding goal closed with at least its amount
// committed: the condition for a statement of work.
func GoalMet(g *FundingGoal) bool {
	return g != nil && g.State == GoalClosed && g.CommittedTotal >= g.Goal.Amount
}
