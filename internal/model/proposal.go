package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Proposal statuses: idea → drafting → submitted → awarded, declined or
// withdrawn (withdrawn also from idea and drafting).
const (
	ProposalIdea      = "idea"
	ProposalDrafting  = "drafting"
	ProposalSubmitted = "submitted"
	ProposalAwarded   = "awarded"
	ProposalDeclined  = "declined"
	ProposalWithdrawn = "withdrawn"
)

// ProposalStatuses lists the statuses in their order.
var ProposalStatuses = []string{ProposalIdea, ProposalDrafting, ProposalSubmitted, ProposalAwarded, ProposalDeclined, ProposalWithdrawn}

var proposalMoves = map[string][]string{
	ProposalIdea:      {ProposalDrafting, ProposalWithdrawn},
	ProposalDrafting:  {ProposalSubmitted, ProposalWithdrawn},
	ProposalSubmitted: {ProposalAwarded, ProposalDeclined, ProposalWithdrawn},
}

// NextProposalStatuses returns the statuses a proposal may move to from s.
func NextProposalStatuses(s string) []string { return proposalMoves[s] }

// ProposalOpen reports whether a proposal is still being worked on (its
// deadline and sections matter).
func ProposalOpen(status string) bool {
	return status == ProposalIdea || status == ProposalDrafting
}

// CheckProposalMove explains why a proposal cannot move from one status to
// another, or returns nil.
func CheckProposalMove(from, to string) error {
	if !slices.Contains(ProposalStatuses, to) {
		var p Problems
		p.Add("status", "must be one of %s", strings.Join(ProposalStatuses, ", "))
		return p.Err()
	}
	allowed := proposalMoves[from]
	if !slices.Contains(allowed, to) {
		if len(allowed) == 0 {
			return Errorf(EConflict, "A proposal that is %s cannot change status.", from)
		}
		return Errorf(EConflict, "A proposal cannot move from %s to %s; from %s it can move to %s.", from, to, from, strings.Join(allowed, ", "))
	}
	return nil
}

// Roles of the host in a proposal.
const (
	HostLead         = "lead"
	HostSubawardee   = "subawardee"
	HostCollaborator = "collaborator"
)

// HostRoles lists the host's possible roles.
var HostRoles = []string{HostLead, HostSubawardee, HostCollaborator}

// Roles of a community in a proposal (proposal_communities.role).
const (
	ProposalRoleLead     = "lead"
	ProposalRolePartner  = "partner"
	ProposalRoleEndorser = "endorser"
)

// Field limits of a proposal.
const (
	MaxProposalInitiatives = 50
	MaxProposalSections    = 50
	MaxBudgetLines         = 50
	MaxBudgetLineAmount    = 100_000_000_000 // 1,000,000,000.00 in minor units
	MaxOverheadBasisPoints = 10_000          // 100%
)

// Proposal is a grant proposal to a funder.
type Proposal struct {
	ID              int64          `json:"id"`
	Title           string         `json:"title"`
	Funder          string         `json:"funder"`
	FunderWebsite   string         `json:"funder_website"`
	Programme       string         `json:"programme"`
	CallURL         string         `json:"call_url"`
	Deadline        time.Time      `json:"deadline"`
	TimeZone        string         `json:"time_zone" doc:"IANA time zone the deadline is given in."`
	Amount          Money          `json:"amount" doc:"The requested amount."`
	PeriodStart     *time.Time     `json:"period_start,omitempty"`
	PeriodEnd       *time.Time     `json:"period_end,omitempty"`
	Summary         string         `json:"summary" doc:"Markdown."`
	Status          string         `json:"status" enum:"idea,drafting,submitted,awarded,declined,withdrawn"`
	HostRole        string         `json:"host_role" enum:"lead,subawardee,collaborator"`
	LeadCommunity   *CommunityRef  `json:"lead_community,omitempty" doc:"Absent when the host leads."`
	Consortium      *ConsortiumRef `json:"consortium,omitempty"`
	PublicAward     bool           `json:"public_award" doc:"Once awarded, the proposal is listed publicly."`
	AwardAmount     *Money         `json:"award_amount,omitempty"`
	AwardedOn       *time.Time     `json:"awarded_on,omitempty"`
	CreatedByName   string         `json:"created_by"`
	CreatedAt       time.Time      `json:"created_at"`
	UpdatedAt       time.Time      `json:"updated_at"`
	Version         int64          `json:"version"`
	LeadCommunityID *int64         `json:"-"`
	ConsortiumID    *int64         `json:"-"`
}

// LocalDeadline is the deadline in the proposal's time zone.
func (p *Proposal) LocalDeadline() time.Time {
	if loc, err := time.LoadLocation(p.TimeZone); err == nil {
		return p.Deadline.In(loc)
	}
	return p.Deadline
}

// ProposalInitiative is an initiative a proposal includes.
type ProposalInitiative struct {
	ID        int64  `json:"id"`
	Slug      string `json:"slug"`
	Title     string `json:"title"`
	Public    bool   `json:"public"`
	HoursLow  int64  `json:"hours_low"`
	HoursHigh int64  `json:"hours_high"`
	Rate      Money  `json:"rate" doc:"The hourly rate of its estimate (its own or the blended rate)."`
	Funded    bool   `json:"funded" doc:"Funded by the award."`
}

// ProposalCommunity is a community involved in a proposal.
type ProposalCommunity struct {
	CommunityRef
	Role     string `json:"role" enum:"lead,partner,endorser"`
	Credited bool   `json:"credited" doc:"Credited when the proposal was awarded."`
}

// ProposalInput holds a proposal's editable fields. LeadCommunity is a
// community's id or slug, empty when the host leads; Initiatives and
// Partners are ids or slugs; Consortium an id or slug or empty.
type ProposalInput struct {
	Title         string
	Funder        string
	FunderWebsite string
	Programme     string
	CallURL       string
	Deadline      time.Time
	TimeZone      string
	Amount        int64
	Currency      string
	PeriodStart   *time.Time
	PeriodEnd     *time.Time
	Summary       string
	HostRole      string
	LeadCommunity string
	Consortium    string
	Initiatives   []string
	Partners      []string
	PublicAward   bool
}

// Normalize trims fields and fills defaults.
func (in *ProposalInput) Normalize() {
	for _, s := range []*string{&in.Title, &in.Funder, &in.FunderWebsite, &in.Programme, &in.CallURL, &in.TimeZone,
		&in.HostRole, &in.LeadCommunity, &in.Consortium} {
		*s = strings.TrimSpace(*s)
	}
	in.Currency = strings.ToUpper(strings.TrimSpace(in.Currency))
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if in.HostRole == "" {
		in.HostRole = HostLead
		if in.LeadCommunity != "" {
			in.HostRole = HostSubawardee
		}
	}
	in.Deadline = in.Deadline.UTC().Truncate(time.Minute)
	in.Initiatives = trimRefs(in.Initiatives)
	in.Partners = trimRefs(in.Partners)
}

func trimRefs(refs []string) []string {
	out := []string{}
	for _, r := range refs {
		if r = strings.TrimSpace(r); r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	return out
}

// Validate checks a proposal's fields. now is the time of the check: a new
// proposal's deadline must lie ahead (isNew).
func (in ProposalInput) Validate(now time.Time, isNew bool) error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	checkLine(&p, "funder", in.Funder, true, 200)
	checkLine(&p, "programme", in.Programme, false, 200)
	for field, u := range map[string]string{"funder_website": in.FunderWebsite, "call_url": in.CallURL} {
		if u != "" && !ValidWebURL(u) {
			p.Add(field, "must be an http:// or https:// address")
		}
	}
	switch {
	case in.Deadline.IsZero():
		p.Add("deadline", "is required")
	case in.Deadline.Year() < 2000 || in.Deadline.Year() > 2200:
		p.Add("deadline", "must be a date between 2000 and 2200")
	case isNew && !in.Deadline.After(now):
		p.Add("deadline", "must be in the future")
	}
	if !ValidTimeZone(in.TimeZone) {
		p.Add("time_zone", "%s", TimeZoneHint)
	}
	switch {
	case in.Amount <= 0:
		p.Add("amount", "must be a positive amount in minor units")
	case in.Amount > MaxBudgetLineAmount:
		p.Add("amount", "must be at most %s minor units", groupDigits(MaxBudgetLineAmount))
	}
	if !slices.Contains(Currencies, in.Currency) {
		p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
	}
	if in.PeriodStart != nil && in.PeriodEnd != nil && in.PeriodEnd.Before(*in.PeriodStart) {
		p.Add("period_end", "must not be before the period's start")
	}
	checkText(&p, "summary", in.Summary, false, MaxLongTextLength)
	switch {
	case !slices.Contains(HostRoles, in.HostRole):
		p.Add("host_role", "must be one of %s", strings.Join(HostRoles, ", "))
	case in.HostRole == HostLead && in.LeadCommunity != "":
		p.Add("host_role", "must be subawardee or collaborator when a community leads")
	case in.HostRole != HostLead && in.LeadCommunity == "":
		p.Add("lead_community", "is required when the host is %s", in.HostRole)
	}
	checkLine(&p, "lead_community", in.LeadCommunity, false, 64)
	checkLine(&p, "consortium", in.Consortium, false, 64)
	if len(in.Initiatives) > MaxProposalInitiatives {
		p.Add("initiatives", "must be at most %d initiatives", MaxProposalInitiatives)
	}
	for i, r := range in.Initiatives {
		checkLine(&p, fmt.Sprintf("initiatives[%d]", i), r, true, 64)
	}
	for i, r := range in.Partners {
		checkLine(&p, fmt.Sprintf("partners[%d]", i), r, true, 64)
	}
	return p.Err()
}

// Award records what a funder awarded.
type Award struct {
	Amount int64
	On     time.Time
}

// ProposalMove is a status change with its note and, for awarded, the
// award.
type ProposalMove struct {
	To    string
	Note  string
	Award *Award
}

// Validate checks a move's fields (not whether the move is allowed, see
// CheckProposalMove).
func (m ProposalMove) Validate() error {
	var p Problems
	CheckNote(&p, "note", m.Note, 2000)
	if m.To == ProposalAwarded {
		switch {
		case m.Award == nil || m.Award.Amount == 0:
			p.Add("award_amount", "is required when the proposal is awarded")
		case m.Award.Amount < 0 || m.Award.Amount > MaxBudgetLineAmount:
			p.Add("award_amount", "must be a positive amount of at most %s minor units", groupDigits(MaxBudgetLineAmount))
		}
		if m.Award != nil && m.Award.On.IsZero() {
			p.Add("awarded_on", "is required when the proposal is awarded")
		}
	} else if m.Award != nil {
		p.Add("award_amount", "is only given when the proposal is awarded")
	}
	return p.Err()
}
