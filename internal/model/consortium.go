package model

import (
	"slices"
	"strconv"
	"strings"
	"time"
)

// Consortium stages, in order.
const (
	StageProposed  = "proposed"
	StageGathering = "gathering"
	StageDefining  = "defining_goals"
	StageActive    = "active"
	StageConcluded = "concluded"
	StageDissolved = "dissolved"
)

// ConsortiumStages lists the stages in order.
var ConsortiumStages = []string{StageProposed, StageGathering, StageDefining, StageActive, StageConcluded, StageDissolved}

// StageLabel is the human name of a stage.
func StageLabel(s string) string {
	switch s {
	case StageProposed:
		return "Proposed"
	case StageGathering:
		return "Gathering critical mass"
	case StageDefining:
		return "Defining goals"
	case StageActive:
		return "Active"
	case StageConcluded:
		return "Concluded"
	case StageDissolved:
		return "Dissolved"
	}
	return s
}

// Closed reports whether a stage is final: a closed consortium is read-only.
func Closed(stage string) bool { return stage == StageConcluded || stage == StageDissolved }

// Visibility of a consortium.
const (
	VisibilityPublic  = "public"
	VisibilityMembers = "members" // people signed in
	VisibilityPrivate = "private" // staff and the consortium's own people
)

// Visibilities lists the visibility levels.
var Visibilities = []string{VisibilityPublic, VisibilityMembers, VisibilityPrivate}

// The six roles a member community plays in a consortium.
const (
	RoleReactPrioritize = "react_prioritize"
	RoleEndorse         = "endorse"
	RoleTest            = "test"
	RoleConnect         = "connect"
	RoleCoPropose       = "co_propose"
	RoleCoFund          = "co_fund"
)

// ConsortiumRoles lists the six roles.
var ConsortiumRoles = []string{RoleReactPrioritize, RoleEndorse, RoleTest, RoleConnect, RoleCoPropose, RoleCoFund}

// RoleLabel is the human name of a consortium role.
func RoleLabel(r string) string {
	switch r {
	case RoleReactPrioritize:
		return "React & prioritize"
	case RoleEndorse:
		return "Endorse"
	case RoleTest:
		return "Test"
	case RoleConnect:
		return "Connect"
	case RoleCoPropose:
		return "Co-propose"
	case RoleCoFund:
		return "Co-fund"
	}
	return r
}

// RoleDescription says what a role commits a community to.
func RoleDescription(r string) string {
	switch r {
	case RoleReactPrioritize:
		return "Tell us what did or did not resonate in the latest demo; weigh in on priorities."
	case RoleEndorse:
		return "Sign a letter of support, tell a story that illustrates the problem, or consent to be named in a proposal."
	case RoleTest:
		return "Be early adopters of new features (which may break) and give feedback."
	case RoleConnect:
		return "Introduce us to a peer, funder or collaborator."
	case RoleCoPropose:
		return "Invite or join the host on grant proposals; include roadmap initiatives in your own."
	case RoleCoFund:
		return "Commit funds, e.g. \"we commit $X if others invest $3X\"."
	}
	return ""
}

// Levels of involvement a member chooses.
var InvolvementLevels = []string{"none", "some", "lots"}

// Consortium is a network of stakeholders organized around a shared problem.
type Consortium struct {
	ID                  int64           `json:"id"`
	Slug                string          `json:"slug"`
	Name                string          `json:"name"`
	Problem             string          `json:"problem" doc:"The shared problem statement (Markdown)."`
	Goals               string          `json:"goals" doc:"Goals set at kickoff (Markdown)."`
	GoalsAgreed         bool            `json:"goals_agreed"`
	Stage               string          `json:"stage" enum:"proposed,gathering,defining_goals,active,concluded,dissolved"`
	Visibility          string          `json:"visibility" enum:"public,members,private"`
	SlackChannel        string          `json:"slack_channel"`
	MailingSegment      string          `json:"mailing_segment"`
	GuideURL            string          `json:"guide_url"`
	CriticalCommunities int             `json:"critical_mass_communities"`
	CriticalPeople      int             `json:"critical_mass_people"`
	KickoffAt           *time.Time      `json:"kickoff_at,omitempty"`
	KickoffTimeZone     string          `json:"kickoff_time_zone" doc:"IANA time zone the kickoff is planned in, e.g. Europe/Berlin."`
	Decision            string          `json:"decision" doc:"go, no_go, or empty while undecided."`
	DecisionNote        string          `json:"decision_note"`
	ClosingSummary      string          `json:"closing_summary"`
	ProposedByID        *int64          `json:"proposed_by_id,omitempty"`
	ProposedByName      string          `json:"proposed_by"`
	Narratives          []NarrativeRef  `json:"narratives"`
	Initiatives         []InitiativeRef `json:"initiatives"`
	SupportCommunities  int             `json:"support_communities" doc:"Communities whose people agree with the problem."`
	SupportPeople       int             `json:"support_people" doc:"People who agree with the problem and will take part in meetings."`
	MemberCount         int             `json:"member_count"`
	CreatedAt           time.Time       `json:"created_at"`
	UpdatedAt           time.Time       `json:"updated_at"`
	Version             int64           `json:"version"`
}

// KickoffLocal is the kickoff time in its own time zone (nil when none is
// scheduled).
func (c *Consortium) KickoffLocal() *time.Time {
	if c.KickoffAt == nil {
		return nil
	}
	t := *c.KickoffAt
	if loc, err := time.LoadLocation(c.KickoffTimeZone); err == nil {
		t = t.In(loc)
	}
	return &t
}

// CriticalMassReached reports whether enough communities and people agree.
func (c *Consortium) CriticalMassReached() bool {
	return c.SupportCommunities >= c.CriticalCommunities && c.SupportPeople >= c.CriticalPeople
}

// ConsortiumInput holds the editable fields of a consortium.
type ConsortiumInput struct {
	Slug                string
	Name                string
	Problem             string
	Goals               string
	Visibility          string
	SlackChannel        string
	MailingSegment      string
	GuideURL            string
	CriticalCommunities int
	CriticalPeople      int
	KickoffAt           *time.Time
	NarrativeIDs        []int64
	InitiativeIDs       []int64
}

// Normalize trims fields and fills defaults.
func (in *ConsortiumInput) Normalize() {
	in.Name = trimSpace(in.Name)
	in.Slug = strings.ToLower(trimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	in.Visibility = trimSpace(in.Visibility)
	if in.Visibility == "" {
		in.Visibility = VisibilityPublic
	}
	in.SlackChannel = strings.TrimPrefix(trimSpace(in.SlackChannel), "#")
	in.MailingSegment = trimSpace(in.MailingSegment)
	in.GuideURL = trimSpace(in.GuideURL)
	if in.CriticalCommunities == 0 {
		in.CriticalCommunities = 3
	}
	if in.CriticalPeople == 0 {
		in.CriticalPeople = 5
	}
	slices.Sort(in.NarrativeIDs)
	in.NarrativeIDs = slices.Compact(in.NarrativeIDs)
	slices.Sort(in.InitiativeIDs)
	in.InitiativeIDs = slices.Compact(in.InitiativeIDs)
}

// Validate checks a consortium's fields.
func (in ConsortiumInput) Validate() error {
	var p Problems
	checkLine(&p, "name", in.Name, true, MaxTitleLength)
	if !ValidSlug(in.Slug) {
		p.Add("slug", "must be 2–64 lowercase letters, digits and single hyphens, not only digits")
	}
	checkText(&p, "problem", in.Problem, true, MaxLongTextLength)
	checkText(&p, "goals", in.Goals, false, MaxLongTextLength)
	if !slices.Contains(Visibilities, in.Visibility) {
		p.Add("visibility", "must be one of %s", strings.Join(Visibilities, ", "))
	}
	checkLine(&p, "slack_channel", in.SlackChannel, false, 80)
	if strings.ContainsAny(in.SlackChannel, " ,<>") {
		p.Add("slack_channel", "must be a channel name without spaces, e.g. cloud-costs")
	}
	checkLine(&p, "mailing_segment", in.MailingSegment, false, 120)
	if in.GuideURL != "" && !ValidWebURL(in.GuideURL) {
		p.Add("guide_url", "must be an http:// or https:// address")
	}
	if in.CriticalCommunities < 1 || in.CriticalCommunities > 1000 {
		p.Add("critical_mass_communities", "must be between 1 and 1000")
	}
	if in.CriticalPeople < 1 || in.CriticalPeople > 10000 {
		p.Add("critical_mass_people", "must be between 1 and 10000")
	}
	if len(in.NarrativeIDs) > 20 {
		p.Add("narrative_ids", "must be at most 20 narratives")
	}
	if len(in.InitiativeIDs) > 500 {
		p.Add("initiative_ids", "must be at most 500 initiatives")
	}
	return p.Err()
}

// stageMoves lists the allowed stage changes.
var stageMoves = map[string][]string{
	StageProposed:  {StageGathering, StageDissolved},
	StageGathering: {StageDefining, StageDissolved},
	StageDefining:  {StageActive, StageGathering, StageDissolved},
	StageActive:    {StageConcluded, StageDissolved},
	StageConcluded: {},
	StageDissolved: {},
}

// NextStages returns the stages a consortium may move to.
func NextStages(stage string) []string { return stageMoves[stage] }

// StageBlocker is one unmet condition of a stage change.
type StageBlocker struct {
	Message string `json:"message"`
	// Overridable blockers may be waived by staff with a recorded reason.
	Overridable bool `json:"overridable"`
}

// StageBlockers explains what stands between a consortium and a stage at
// time now; an empty list means the move is allowed.
func StageBlockers(c *Consortium, to, summary string, now time.Time) []StageBlocker {
	var out []StageBlocker
	block := func(overridable bool, msg string) {
		out = append(out, StageBlocker{Message: msg, Overridable: overridable})
	}
	if !slices.Contains(ConsortiumStages, to) {
		block(false, "Unknown stage "+to+".")
		return out
	}
	if !slices.Contains(stageMoves[c.Stage], to) {
		if Closed(c.Stage) {
			block(false, "The consortium is "+c.Stage+"; it cannot change stage.")
		} else {
			block(false, "A consortium cannot move from "+StageLabel(c.Stage)+" to "+StageLabel(to)+".")
		}
		return out
	}
	switch to {
	case StageDefining:
		if !c.CriticalMassReached() {
			block(true, criticalMassMessage(c))
		}
	case StageActive:
		if !c.CriticalMassReached() {
			block(true, criticalMassMessage(c))
		}
		if c.KickoffAt == nil {
			block(true, "No kickoff meeting has been scheduled.")
		} else if c.KickoffAt.After(now) {
			block(true, "The kickoff meeting has not happened yet (it is on "+c.KickoffLocal().Format("Mon 2 Jan 2006, 15:04 MST")+").")
		}
		if strings.TrimSpace(c.Goals) == "" || !c.GoalsAgreed {
			block(true, "The goals have not been drafted and agreed.")
		}
		if c.Decision != "go" {
			block(true, "No decision to go ahead has been recorded.")
		}
	case StageConcluded, StageDissolved:
		if strings.TrimSpace(summary) == "" {
			block(false, "A closing summary is required.")
		}
	}
	return out
}

func criticalMassMessage(c *Consortium) string {
	return "Critical mass is not reached: " + strconv.Itoa(c.SupportCommunities) + " of " + strconv.Itoa(c.CriticalCommunities) +
		" communities and " + strconv.Itoa(c.SupportPeople) + " of " + strconv.Itoa(c.CriticalPeople) + " people agree with the problem."
}

// Transition records a stage change of a consortium.
type Transition struct {
	ID       int64     `json:"id"`
	From     string    `json:"from"`
	To       string    `json:"to"`
	ByID     *int64    `json:"by_id,omitempty"`
	ByName   string    `json:"by_name"`
	At       time.Time `json:"at"`
	Reason   string    `json:"reason,omitempty"`
	Override bool      `json:"override"`
}

// Supporter is a person who agrees with a consortium's problem statement.
type Supporter struct {
	UserID        int64     `json:"user_id"`
	UserName      string    `json:"user_name"`
	CommunityID   *int64    `json:"community_id,omitempty"`
	CommunityName string    `json:"community_name,omitempty"`
	WillMeet      bool      `json:"will_meet" doc:"Willing to take part in meetings."`
	Comment       string    `json:"comment,omitempty"`
	At            time.Time `json:"at"`
}

// Member is a community's membership in a consortium.
type Member struct {
	ID            int64      `json:"id"`
	ConsortiumID  int64      `json:"consortium_id"`
	CommunityID   int64      `json:"community_id"`
	CommunitySlug string     `json:"community_slug"`
	CommunityName string     `json:"community_name"`
	Roles         []string   `json:"roles"`
	CoCreate      string     `json:"co_create" enum:"none,some,lots" doc:"How much it wants to co-create and influence design."`
	ShareCredit   string     `json:"share_credit" enum:"none,some,lots" doc:"How much it wants to share credit in media and outreach."`
	EarlyAdopter  string     `json:"early_adopter" enum:"none,some,lots" doc:"How much it wants to be an early adopter."`
	JoinedAt      time.Time  `json:"joined_at"`
	LeftAt        *time.Time `json:"left_at,omitempty"`
}

// HasRole reports whether the member plays a role.
func (m *Member) HasRole(r string) bool { return slices.Contains(m.Roles, r) }

// MemberInput is what a community commits to when joining.
type MemberInput struct {
	Roles        []string
	CoCreate     string
	ShareCredit  string
	EarlyAdopter string
}

// Normalize orders and deduplicates roles and fills default levels.
func (in *MemberInput) Normalize() {
	var roles []string
	for _, r := range ConsortiumRoles { // canonical order
		for _, x := range in.Roles {
			if strings.TrimSpace(x) == r {
				roles = append(roles, r)
				break
			}
		}
	}
	// Keep unknown roles so Validate can name them.
	for _, x := range in.Roles {
		if x = strings.TrimSpace(x); x != "" && !slices.Contains(ConsortiumRoles, x) && !slices.Contains(roles, x) {
			roles = append(roles, x)
		}
	}
	in.Roles = roles
	for _, lv := range []*string{&in.CoCreate, &in.ShareCredit, &in.EarlyAdopter} {
		if *lv == "" {
			*lv = "some"
		}
	}
}

// roleLabels lists the roles as people read them: "React & prioritize, …";
// withIDs adds each role's identifier for an API client that sent another.
func roleLabels(withIDs bool) string {
	labels := make([]string, len(ConsortiumRoles))
	for i, r := range ConsortiumRoles {
		labels[i] = RoleLabel(r)
		if withIDs {
			labels[i] += " (" + r + ")"
		}
	}
	return strings.Join(labels, ", ")
}

// Validate checks a membership: at least one of the six roles, no other.
func (in MemberInput) Validate() error {
	var p Problems
	if len(in.Roles) == 0 {
		p.Add("roles", "choose at least one role: %s", roleLabels(false))
	}
	for _, r := range in.Roles {
		if !slices.Contains(ConsortiumRoles, r) {
			p.Add("roles", "%q is not a role; the roles are %s", r, roleLabels(true))
			break
		}
	}
	for field, v := range map[string]string{"co_create": in.CoCreate, "share_credit": in.ShareCredit, "early_adopter": in.EarlyAdopter} {
		if !slices.Contains(InvolvementLevels, v) {
			p.Add(field, "must be one of %s", strings.Join(InvolvementLevels, ", "))
		}
	}
	return p.Err()
}

// MemberEvent records a change of membership: joined, roles changed, left.
type MemberEvent struct {
	CommunityID   int64     `json:"community_id"`
	CommunityName string    `json:"community_name"`
	Action        string    `json:"action"`
	Roles         []string  `json:"roles"`
	ByName        string    `json:"by_name"`
	At            time.Time `json:"at"`
}

// ConsortiumRef names a consortium briefly.
type ConsortiumRef struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Stage string `json:"stage"`
}

// ConsortiumFilter selects consortia.
type ConsortiumFilter struct {
	Query string
	Stage string
	IDs   []int64 // only these, when not empty
	Page  Page
}

// ConsortiumName names a consortium in lists of choices.
type ConsortiumName struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Name  string `json:"name"`
	Stage string `json:"stage"`
}

// Visibility says which consortia a reader may see (app derives it from
// the reader; storage turns it into a condition).
type Visibility struct {
	All      bool  // staff
	SignedIn bool  // members-only consortia too
	UserID   int64 // private ones this person takes part in
}
