package model

import (
	"slices"
	"strings"
	"time"
)

// Testing calls: staff ask member communities to try work in flight (or a
// release of delivered work); communities enrol, name their testers and
// report feedback.

// States of a testing call.
const (
	CallOpen   = "open"
	CallClosed = "closed"
)

// Outcomes a tester reports.
const (
	OutcomeWorks    = "works"
	OutcomePartly   = "partly"
	OutcomeBroken   = "broken"
	OutcomeNotTried = "not_tried"
)

// Outcomes lists the outcomes in the order pages show them.
var Outcomes = []string{OutcomeWorks, OutcomePartly, OutcomeBroken, OutcomeNotTried}

// OutcomeLabel is the human name of an outcome.
func OutcomeLabel(o string) string {
	switch o {
	case OutcomeWorks:
		return "Works"
	case OutcomePartly:
		return "Partly works"
	case OutcomeBroken:
		return "Broken"
	case OutcomeNotTried:
		return "Not tried"
	}
	return o
}

// Field limits of testing calls and feedback.
const (
	MaxCallTitleLength     = 160
	MaxCallTextLength      = 20000
	MaxBuildLength         = 80
	MaxRisksLength         = 5000
	MaxCallQuestions       = 10
	MaxQuestionLength      = 300
	MaxTestersPerCommunity = 20
	MaxFeedbackTextLength  = 5000
	MaxAnswerLength        = 2000
)

// TestingCall asks communities to try something and say how it went.
type TestingCall struct {
	ID              int64              `json:"id"`
	InitiativeID    int64              `json:"initiative_id"`
	InitiativeSlug  string             `json:"initiative_slug"`
	InitiativeTitle string             `json:"initiative_title"`
	Title           string             `json:"title"`
	Instructions    string             `json:"instructions" doc:"What to try (Markdown)."`
	EnvironmentURL  string             `json:"environment_url" doc:"Where to try it: an environment or hub URL."`
	Build           string             `json:"build" doc:"The version or build to try."`
	BuildPostedAt   *time.Time         `json:"build_posted_at,omitempty" doc:"When the current build was posted."`
	Risks           string             `json:"risks" doc:"What can break (Markdown); enrolling acknowledges it."`
	EndsOn          string             `json:"ends_on,omitempty" doc:"Last day of testing, YYYY-MM-DD."`
	Questions       []string           `json:"questions" doc:"What feedback is wanted; reports answer them in order."`
	State           string             `json:"state" enum:"open,closed"`
	OpenedByName    string             `json:"opened_by_name,omitempty"`
	Enrolled        []TestingEnrolment `json:"enrolled" doc:"The communities that enrolled, with their testers."`
	CreatedAt       time.Time          `json:"created_at"`
	UpdatedAt       time.Time          `json:"updated_at"`
}

// Enrolment returns a community's enrolment in the call, or nil.
func (c *TestingCall) Enrolment(communityID int64) *TestingEnrolment {
	for i := range c.Enrolled {
		if c.Enrolled[i].CommunityID == communityID {
			return &c.Enrolled[i]
		}
	}
	return nil
}

// IsTester reports whether a person was named a tester by an enrolled
// community (any, when communityID is 0).
func (c *TestingCall) IsTester(userID, communityID int64) bool {
	for _, e := range c.Enrolled {
		if communityID != 0 && e.CommunityID != communityID {
			continue
		}
		for _, p := range e.People {
			if p.ID == userID {
				return true
			}
		}
	}
	return false
}

// PersonRef names a person briefly.
type PersonRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// TestingEnrolment is a community taking part in a testing call.
type TestingEnrolment struct {
	CommunityID         int64       `json:"community_id"`
	CommunitySlug       string      `json:"community_slug"`
	CommunityName       string      `json:"community_name"`
	EnrolledByName      string      `json:"enrolled_by_name,omitempty"`
	RisksAcknowledgedAt time.Time   `json:"risks_acknowledged_at"`
	EnrolledAt          time.Time   `json:"enrolled_at"`
	People              []PersonRef `json:"people" doc:"The people who will test."`
}

// TestingFeedback is one tester's report on a call.
type TestingFeedback struct {
	ID              int64      `json:"id"`
	CallID          int64      `json:"call_id"`
	CommunityID     int64      `json:"community_id"`
	CommunitySlug   string     `json:"community_slug"`
	CommunityName   string     `json:"community_name"`
	AuthorID        *int64     `json:"author_id,omitempty"`
	AuthorName      string     `json:"author_name"`
	Outcome         string     `json:"outcome" enum:"works,partly,broken,not_tried"`
	Tried           string     `json:"tried" doc:"What the tester did."`
	Summary         string     `json:"summary" doc:"What happened."`
	Link            string     `json:"link,omitempty" doc:"An issue or screenshot URL."`
	Answers         []string   `json:"answers" doc:"Answers to the call's questions, in order."`
	Response        string     `json:"response,omitempty" doc:"Staff's response."`
	RespondedByName string     `json:"responded_by_name,omitempty"`
	AddressedAt     *time.Time `json:"addressed_at,omitempty" doc:"When staff marked it addressed; open until then."`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}

// TestingCallInput is what staff write when opening or editing a call.
type TestingCallInput struct {
	Title          string
	Instructions   string
	EnvironmentURL string
	Build          string
	Risks          string
	EndsOn         string
	Questions      []string
	State          string
}

// Normalize trims the input, drops empty questions and defaults the state.
func (in *TestingCallInput) Normalize() {
	in.Title, in.EnvironmentURL, in.Build, in.EndsOn = strings.TrimSpace(in.Title), strings.TrimSpace(in.EnvironmentURL),
		strings.TrimSpace(in.Build), strings.TrimSpace(in.EndsOn)
	in.Instructions, in.Risks = strings.TrimSpace(in.Instructions), strings.TrimSpace(in.Risks)
	var qs []string
	for _, q := range in.Questions {
		if q = strings.TrimSpace(q); q != "" {
			qs = append(qs, q)
		}
	}
	in.Questions = qs
	if in.State == "" {
		in.State = CallOpen
	}
}

// Validate checks a testing call.
func (in TestingCallInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxCallTitleLength)
	checkText(&p, "instructions", in.Instructions, false, MaxCallTextLength)
	checkText(&p, "risks", in.Risks, true, MaxRisksLength)
	checkLine(&p, "build", in.Build, false, MaxBuildLength)
	if in.EnvironmentURL != "" && !ValidWebURL(in.EnvironmentURL) {
		p.Add("environment_url", "must be an http or https address")
	}
	if in.EndsOn != "" {
		if _, err := time.Parse(time.DateOnly, in.EndsOn); err != nil {
			p.Add("ends_on", "must be a date like 2027-03-31")
		}
	}
	if len(in.Questions) > MaxCallQuestions {
		p.Add("questions", "at most %d questions", MaxCallQuestions)
	}
	for _, q := range in.Questions {
		if checkLine(&p, "questions", q, false, MaxQuestionLength); p.Has("questions") {
			break
		}
	}
	if in.State != CallOpen && in.State != CallClosed {
		p.Add("state", "must be open or closed")
	}
	return p.Err()
}

// EnrolInput is a lead's enrolment of their community in a call.
type EnrolInput struct {
	AcknowledgeRisks bool
	People           []int64
}

// Validate checks an enrolment: the risks acknowledged and at least one
// tester named.
func (in EnrolInput) Validate() error {
	var p Problems
	if !in.AcknowledgeRisks {
		p.Add("acknowledge_risks", "acknowledge the risks of this call to enrol (things you try may break)")
	}
	if len(in.People) == 0 {
		p.Add("people", "name at least one person who will test")
	}
	if len(in.People) > MaxTestersPerCommunity {
		p.Add("people", "at most %d people per community", MaxTestersPerCommunity)
	}
	return p.Err()
}

// FeedbackInput is a tester's report.
type FeedbackInput struct {
	Community string
	Outcome   string
	Tried     string
	Summary   string
	Link      string
	Answers   []string
}

// Normalize trims the input.
func (in *FeedbackInput) Normalize() {
	in.Community, in.Outcome, in.Link = strings.TrimSpace(in.Community), strings.TrimSpace(in.Outcome), strings.TrimSpace(in.Link)
	in.Tried, in.Summary = strings.TrimSpace(in.Tried), strings.TrimSpace(in.Summary)
	for i := range in.Answers {
		in.Answers[i] = strings.TrimSpace(in.Answers[i])
	}
	if in.Answers == nil {
		in.Answers = []string{}
	}
}

// Validate checks a report against the call's questions.
func (in FeedbackInput) Validate(questions int) error {
	var p Problems
	if !slices.Contains(Outcomes, in.Outcome) {
		p.Add("outcome", "must be one of %s", strings.Join(Outcomes, ", "))
	}
	checkText(&p, "summary", in.Summary, true, MaxFeedbackTextLength)
	checkText(&p, "tried", in.Tried, false, MaxFeedbackTextLength)
	if in.Link != "" && !ValidWebURL(in.Link) {
		p.Add("link", "must be an http or https address")
	}
	if len(in.Answers) > questions {
		p.Add("answers", "the call has %d questions; got %d answers", questions, len(in.Answers))
	}
	for _, a := range in.Answers {
		if checkText(&p, "answers", a, false, MaxAnswerLength); p.Has("answers") {
			break
		}
	}
	return p.Err()
}

// MayTest reports whether a member community may enrol in testing calls on
// its consortium's initiatives: it plays the test role, or chose to be an
// early adopter (some or lots).
func MayTest(m Member) bool {
	return m.HasRole(RoleTest) || m.EarlyAdopter == "some" || m.EarlyAdopter == "lots"
}

// AskedToTest reports whether a call asks a member community's leads
// directly (a request, delivered at once) rather than telling them in the
// news: communities with the test role and those that want lots of early
// adoption.
func AskedToTest(m Member) bool {
	return m.HasRole(RoleTest) || m.EarlyAdopter == "lots"
}

// Credited reports whether a share-credit choice lets the host name the
// community in announcements and outreach.
func Credited(shareCredit string) bool { return shareCredit == "some" || shareCredit == "lots" }

// TestingSummary counts a call's (or an initiative's calls') reports.
type TestingSummary struct {
	Communities int                 `json:"communities" doc:"Communities enrolled."`
	Reports     int                 `json:"reports"`
	Open        int                 `json:"open" doc:"Reports not yet marked addressed."`
	ByOutcome   map[string]int      `json:"by_outcome"`
	ByCommunity []CommunityOutcomes `json:"by_community"`
}

// CommunityOutcomes counts one community's reports by outcome.
type CommunityOutcomes struct {
	CommunityID   int64          `json:"community_id"`
	CommunityName string         `json:"community_name"`
	ByOutcome     map[string]int `json:"by_outcome"`
}

// SummarizeFeedback counts reports by outcome and by community; enrolled
// counts the communities taking part.
func SummarizeFeedback(enrolled int, list []*TestingFeedback) TestingSummary {
	s := TestingSummary{Communities: enrolled, Reports: len(list), ByOutcome: map[string]int{}, ByCommunity: []CommunityOutcomes{}}
	for _, o := range Outcomes {
		s.ByOutcome[o] = 0
	}
	index := map[int64]int{}
	for _, f := range list {
		s.ByOutcome[f.Outcome]++
		if f.AddressedAt == nil {
			s.Open++
		}
		i, ok := index[f.CommunityID]
		if !ok {
			i = len(s.ByCommunity)
			index[f.CommunityID] = i
			s.ByCommunity = append(s.ByCommunity, CommunityOutcomes{CommunityID: f.CommunityID, CommunityName: f.CommunityName, ByOutcome: map[string]int{}})
		}
		s.ByCommunity[i].ByOutcome[f.Outcome]++
	}
	slices.SortFunc(s.ByCommunity, func(a, b CommunityOutcomes) int { return strings.Compare(a.CommunityName, b.CommunityName) })
	return s
}
