package model

import (
	"slices"
	"strings"
	"time"
)

// Introduction kinds: a community with a problem to one that solved it
// (made by the host), or a member introducing the host to a peer
// community, a funder or a collaborator.
const (
	IntroProblemSolver = "problem_solver"
	IntroPeer          = "peer"
	IntroFunder        = "funder"
	IntroCollaborator  = "collaborator"
)

// IntroductionKinds lists the kinds in the order forms offer them.
var IntroductionKinds = []string{IntroProblemSolver, IntroPeer, IntroFunder, IntroCollaborator}

// IntroductionKindLabel is the human name of a kind.
func IntroductionKindLabel(k string) string { return labelOr(introKindLabels, k) }

var introKindLabels = map[string]string{IntroProblemSolver: "Problem ↔ solution", IntroPeer: "Peer community",
	IntroFunder: "Funder", IntroCollaborator: "Collaborator"}

// labelOr is the label of a key, or the key itself.
func labelOr(labels map[string]string, k string) string {
	if l, ok := labels[k]; ok {
		return l
	}
	return k
}

// The introduction pipeline.
const (
	IntroSuggested      = "suggested"
	IntroAsked          = "asked"
	IntroIntroduced     = "introduced"
	IntroInConversation = "in_conversation"
	IntroOutcome        = "outcome"
)

// IntroductionStatuses lists the pipeline in order.
var IntroductionStatuses = []string{IntroSuggested, IntroAsked, IntroIntroduced, IntroInConversation, IntroOutcome}

// IntroductionStatusLabel is the human name of a status.
func IntroductionStatusLabel(s string) string { return labelOr(introStatusLabels, s) }

var introStatusLabels = map[string]string{IntroSuggested: "Suggested", IntroAsked: "Asked", IntroIntroduced: "Introduced",
	IntroInConversation: "In conversation", IntroOutcome: "Outcome"}

// Outcomes of an introduction.
const (
	OutcomeJoinedMember     = "joined_member"
	OutcomeJoinedConsortium = "joined_consortium"
	OutcomeFunded           = "funded"
	OutcomeCollaborated     = "collaborated"
	OutcomeNoFit            = "no_fit"
)

// IntroductionOutcomes lists the outcomes.
var IntroductionOutcomes = []string{OutcomeJoinedMember, OutcomeJoinedConsortium, OutcomeFunded, OutcomeCollaborated, OutcomeNoFit}

// IntroductionOutcomeLabel is the human name of an introduction outcome.
func IntroductionOutcomeLabel(o string) string { return labelOr(introOutcomeLabels, o) }

var introOutcomeLabels = map[string]string{OutcomeJoinedMember: "Joined as member", OutcomeJoinedConsortium: "Joined consortium",
	OutcomeFunded: "Funded", OutcomeCollaborated: "Collaborated", OutcomeNoFit: "No fit"}

// Consent answers of a community's lead to a double opt-in.
const (
	ConsentAccepted = "accepted"
	ConsentDeclined = "declined"
)

// Contact is an external person an introduction is about (a funder or a
// collaborator). It is private to staff and the introducer.
type Contact struct {
	Name         string `json:"name"`
	Organization string `json:"organization"`
	Email        string `json:"email"`
}

// Consent is one community's answer to being introduced.
type Consent struct {
	CommunityID int64     `json:"community_id"`
	Answer      string    `json:"answer" enum:"accepted,declined"`
	ByName      string    `json:"by_name"`
	At          time.Time `json:"at"`
}

// IntroductionMove is one step of the pipeline: who moved it, when, why.
type IntroductionMove struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	ByName string    `json:"by_name"`
	Note   string    `json:"note"`
	At     time.Time `json:"at"`
}

// Introduction connects two parties with a purpose.
type Introduction struct {
	ID     int64         `json:"id"`
	Kind   string        `json:"kind" enum:"problem_solver,peer,funder,collaborator"`
	Status string        `json:"status" enum:"suggested,asked,introduced,in_conversation,outcome"`
	From   *CommunityRef `json:"from_community,omitempty" doc:"The community with the problem (problem_solver), or the member making the introduction."`
	To     *CommunityRef `json:"to_community,omitempty" doc:"The community that solved it (problem_solver), or the peer community."`
	// Contact is nil for readers who may not see it; HasContact still says
	// that the introduction is to an external person.
	Contact      *Contact       `json:"contact,omitempty" doc:"The external contact: shown only to staff and the introducer."`
	HasContact   bool           `json:"has_contact"`
	Initiative   *InitiativeRef `json:"initiative,omitempty"`
	Note         string         `json:"note"`
	IntroducerID int64          `json:"introducer_id"`
	Introducer   string         `json:"introducer"`
	// Outcome fields, set when Status is outcome.
	Outcome           string             `json:"outcome,omitempty" enum:"joined_member,joined_consortium,funded,collaborated,no_fit"`
	OutcomeConsortium *ConsortiumRef     `json:"outcome_consortium,omitempty"`
	OutcomeAmount     int64              `json:"outcome_amount,omitempty" doc:"Funded: the amount in minor units (cents)."`
	OutcomeCurrency   string             `json:"outcome_currency,omitempty"`
	OutcomeGoal       string             `json:"outcome_goal,omitempty" doc:"Funded: what the money is for."`
	Consents          []Consent          `json:"consents"`
	Moves             []IntroductionMove `json:"moves"`
	CreatedAt         time.Time          `json:"created_at"`
	UpdatedAt         time.Time          `json:"updated_at"`
	Version           int64              `json:"version"`
}

// Connector is the community credited with the connection: the solver
// for a problem ↔ solution introduction, else the introducing member.
func (in *Introduction) Connector() *CommunityRef {
	if in.Kind == IntroProblemSolver {
		return in.To
	}
	return in.From
}

// BetweenCommunities reports whether both sides are communities, so both
// leads must opt in before the introduction is made.
func (in *Introduction) BetweenCommunities() bool { return in.From != nil && in.To != nil }

// ConsentOf returns a community's answer, if any.
func (in *Introduction) ConsentOf(communityID int64) string {
	for _, c := range in.Consents {
		if c.CommunityID == communityID {
			return c.Answer
		}
	}
	return ""
}

// StatusLabel is the human name of the status, with the outcome.
func (in *Introduction) StatusLabel() string {
	if in.Status == IntroOutcome && in.Outcome != "" {
		return IntroductionOutcomeLabel(in.Outcome)
	}
	return IntroductionStatusLabel(in.Status)
}

// Title names the introduction for lists and emails.
func (in *Introduction) Title() string {
	left, right := "the host", "an external contact"
	if in.From != nil {
		left = in.From.Name
	}
	switch {
	case in.To != nil:
		right = in.To.Name
	case in.Contact != nil && in.Contact.Organization != "":
		right = in.Contact.Name + " (" + in.Contact.Organization + ")"
	case in.Contact != nil:
		right = in.Contact.Name
	}
	return left + " ↔ " + right
}

// IntroductionInput holds what a person writes when making or editing an
// introduction; communities and the initiative are references (id or slug)
// the app resolves.
type IntroductionInput struct {
	Kind          string
	FromCommunity string
	ToCommunity   string
	Contact       *Contact
	Initiative    string
	Note          string
}

// Normalize trims the fields.
func (in *IntroductionInput) Normalize() {
	in.Kind, in.FromCommunity, in.ToCommunity = strings.TrimSpace(in.Kind), strings.TrimSpace(in.FromCommunity), strings.TrimSpace(in.ToCommunity)
	in.Initiative, in.Note = strings.TrimSpace(in.Initiative), strings.TrimSpace(in.Note)
	if in.Contact != nil {
		in.Contact.Name, in.Contact.Organization = strings.TrimSpace(in.Contact.Name), strings.TrimSpace(in.Contact.Organization)
		in.Contact.Email = NormalizeEmail(in.Contact.Email)
		if *in.Contact == (Contact{}) {
			in.Contact = nil
		}
	}
}

// Validate checks the input's shape; the app checks that the communities
// exist and that the actor may introduce them.
func (in IntroductionInput) Validate() error {
	var p Problems
	if !slices.Contains(IntroductionKinds, in.Kind) {
		p.Add("kind", "must be one of %s", strings.Join(IntroductionKinds, ", "))
	}
	checkLine(&p, "from_community", in.FromCommunity, false, 200)
	checkLine(&p, "to_community", in.ToCommunity, false, 200)
	checkLine(&p, "initiative", in.Initiative, false, 200)
	checkText(&p, "note", in.Note, true, 4000)
	switch in.Kind {
	case IntroProblemSolver:
		if in.FromCommunity == "" {
			p.Add("from_community", "is required: the community with the problem")
		}
		if in.ToCommunity == "" {
			p.Add("to_community", "is required: the community that solved it")
		}
		if in.Contact != nil {
			p.Add("contact", "must be empty: a problem ↔ solution introduction is between two communities")
		}
	case IntroPeer:
		if (in.ToCommunity == "") == (in.Contact == nil) {
			p.Add("to_community", "is required, or a contact instead (one of the two)")
		}
	case IntroFunder, IntroCollaborator:
		if in.Contact == nil {
			p.Add("contact", "is required: the %s's name, organization and email", in.Kind)
		}
		if in.ToCommunity != "" {
			p.Add("to_community", "must be empty: a %s is an external contact", in.Kind)
		}
	}
	if in.FromCommunity != "" && strings.EqualFold(in.FromCommunity, in.ToCommunity) {
		p.Add("to_community", "must be another community than from_community: a community cannot be introduced to itself")
	}
	if c := in.Contact; c != nil {
		checkLine(&p, "contact.name", c.Name, true, 160)
		checkLine(&p, "contact.organization", c.Organization, false, 200)
		checkLine(&p, "contact.email", c.Email, true, 254)
		if c.Email != "" && !p.Has("contact.email") && !ValidEmail(c.Email) {
			p.Add("contact.email", "must be an email address like name@example.org")
		}
	}
	return p.Err()
}

// StatusMove is a request to move an introduction along the pipeline.
type StatusMove struct {
	To   string
	Note string
	// ContactAsked: for an external contact, the introducer confirms they
	// asked the contact before the move to asked.
	ContactAsked bool
	Outcome      string
	Consortium   string // joined_consortium: which one (id or slug)
	Amount       int64  // funded: minor units
	Currency     string
	Goal         string // funded: what for
}

var introMoves = map[string][]string{
	IntroSuggested:      {IntroAsked},
	IntroAsked:          {IntroIntroduced},
	IntroIntroduced:     {IntroInConversation, IntroOutcome},
	IntroInConversation: {IntroOutcome},
}

// NextIntroductionStatuses lists where an introduction may move next.
func NextIntroductionStatuses(s string) []string { return introMoves[s] }

// ValidateStatusMove checks a move's shape and order (not who may make it).
func ValidateStatusMove(from string, m StatusMove) error {
	var p Problems
	if !slices.Contains(IntroductionStatuses, m.To) {
		p.Add("status", "must be one of %s", strings.Join(IntroductionStatuses, ", "))
		return p.Err()
	}
	if !slices.Contains(introMoves[from], m.To) {
		next := introMoves[from]
		if len(next) == 0 {
			return Errorf(EConflict, "This introduction is %s: it has reached its outcome and moves no further.", IntroductionStatusLabel(from))
		}
		return Errorf(EConflict, "An introduction that is %s can move only to %s, not to %s.", IntroductionStatusLabel(from),
			strings.Join(next, " or "), m.To)
	}
	CheckNote(&p, "note", m.Note, 4000)
	checkLine(&p, "consortium", m.Consortium, false, 200)
	checkLine(&p, "goal", m.Goal, false, 300)
	if m.To == IntroOutcome {
		if !slices.Contains(IntroductionOutcomes, m.Outcome) {
			p.Add("outcome", "must be one of %s", strings.Join(IntroductionOutcomes, ", "))
		}
		if m.Outcome == OutcomeJoinedConsortium && m.Consortium == "" {
			p.Add("consortium", "is required: which consortium was joined")
		}
		if m.Outcome == OutcomeFunded {
			if m.Amount <= 0 || m.Amount > 100_000_000_000 {
				p.Add("amount", "must be between 1 and 100,000,000,000 minor units")
			}
			if !slices.Contains(Currencies, m.Currency) {
				p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
			}
		}
	} else if m.Outcome != "" {
		p.Add("outcome", "is set only when the status moves to outcome")
	}
	return p.Err()
}

// IntroductionInvolves reports whether the person's affiliations tie them
// to one of the introduction's communities.
func IntroductionInvolves(in *Introduction, affiliations []Affiliation) bool {
	for _, a := range affiliations {
		if (in.From != nil && a.CommunityID == in.From.ID) || (in.To != nil && a.CommunityID == in.To.ID) {
			return true
		}
	}
	return false
}

// CanSeeIntroductionContact: staff and the introducer only.
func CanSeeIntroductionContact(u *User, in *Introduction) bool {
	return u.IsAdmin() || (u != nil && u.DisabledAt == nil && u.ID == in.IntroducerID)
}

// TodoIntroduction is the to-do kind of an introduction waiting for the
// answer of a community the person leads.
const TodoIntroduction = "introduction"

// PendingAnswer is something a person has to answer, for a to-do list.
type PendingAnswer struct {
	Title string `json:"title"`
	URL   string `json:"url"`
}
