package model

import (
	"slices"
	"strings"
	"time"
)

// Event kinds: every meaningful change that people may want to hear about.
const (
	EventStageChanged     = "consortium.stage"
	EventMemberJoined     = "consortium.member"
	EventMeetingScheduled = "meeting.scheduled"
	EventMeetingChanged   = "meeting.changed"
	EventDemoPosted       = "demo.posted"
	EventRoundOpened      = "round.opened"
	EventRoundClosing     = "round.closing"
	EventResultsPublished = "round.results"
	EventPledgeMade       = "pledge.made"
	EventGoalReached      = "goal.reached"
	EventGoalClosed       = "goal.closed"
	EventInitiativeStatus = "initiative.status"
	EventUpdatePosted     = "update.posted"
	EventProposalDue      = "proposal.due" // a reminder to the owners of a proposal's sections
	EventTestingCall      = "testing.call"
	EventTestingBuild     = "testing.build"
	EventTestingFeedback  = "testing.feedback"
	EventTestingResponse  = "testing.response"
	EventTestingRequest   = "testing.request"
	// EventEndorsementAsked asks a community's leads to endorse a proposal
	// (its link is signed for each lead, so it goes to one lead at a time).
	EventEndorsementAsked = "proposal.endorsement"
	// EventStatementOfWork asks the co-funders' leads to acknowledge a new
	// version of an initiative's statement of work.
	EventStatementOfWork = "initiative.statement_of_work"
	EventCommentMention  = "comment.mention"
	EventCommentPosted   = "comment.posted"
)

// Importance orders digests: requests with deadlines first, then results,
// then news.
const (
	ImportanceNews    = 0
	ImportanceResult  = 1
	ImportanceRequest = 2
)

// Audience says who hears about an event.
const (
	AudienceConsortium = "consortium"  // the consortium's member communities' people, its supporters and staff
	AudienceAllMembers = "all_members" // people of every member community of the host, and staff
	AudienceStaff      = "staff"
	// AudiencePeople: only the people the event names (Event.To), e.g.
	// those mentioned in a comment. Such events are personal: they are not
	// listed as a consortium's news nor posted to Slack or webhooks.
	AudiencePeople = "people"
)

// Event is something that happened, to be told to the people it concerns.
type Event struct {
	ID           int64     `json:"id"`
	Kind         string    `json:"kind"`
	Audience     string    `json:"audience"`
	ConsortiumID *int64    `json:"consortium_id,omitempty"`
	Consortium   string    `json:"consortium,omitempty"`
	Title        string    `json:"title"`
	Body         string    `json:"body" doc:"Markdown."`
	URL          string    `json:"url" doc:"Path of the page it concerns, e.g. /consortia/cloud-costs."`
	Importance   int       `json:"importance"`
	RequestID    *int64    `json:"request_id,omitempty"`
	ActorName    string    `json:"actor_name"`
	CreatedAt    time.Time `json:"created_at"`
	// To, when not nil, replaces the audience for the event's notifications:
	// the people who can answer its request (e.g. the leads of the
	// communities that vote). Not stored.
	To []int64 `json:"-"`
	// Also adds people to the audience (an initiative's followers); each
	// person is told once. Not stored.
	Also []int64 `json:"-"`
}

// Delivery modes of a channel.
const (
	ModeImmediate = "immediate"
	ModeDaily     = "daily"
	ModeWeekly    = "weekly"
	ModeOff       = "off"
)

// DeliveryModes lists the modes.
var DeliveryModes = []string{ModeImmediate, ModeDaily, ModeWeekly, ModeOff}

// Channels people can hear on.
const (
	ChannelEmail = "email"
	ChannelSlack = "slack"
)

// Preference is a person's choice for a channel, globally (ConsortiumID 0)
// or for one consortium.
type Preference struct {
	ConsortiumID int64  `json:"consortium_id" doc:"0 for the default of every consortium."`
	Channel      string `json:"channel" enum:"email,slack"`
	Mode         string `json:"mode" enum:"immediate,daily,weekly,off"`
}

// DefaultMode is the mode without any preference: a weekly digest, but
// direct requests arrive at once.
func DefaultMode(importance int) string {
	if importance >= ImportanceRequest {
		return ModeImmediate
	}
	return ModeWeekly
}

// EffectiveMode resolves a person's mode for an event: a consortium override
// beats the global choice; without either, the default applies. Requests are
// delivered at once unless the channel is off.
func EffectiveMode(prefs []Preference, channel string, consortiumID int64, importance int) string {
	mode := ""
	for _, p := range prefs {
		if p.Channel == channel && p.ConsortiumID == 0 && mode == "" {
			mode = p.Mode
		}
	}
	for _, p := range prefs {
		if p.Channel == channel && consortiumID != 0 && p.ConsortiumID == consortiumID {
			mode = p.Mode
		}
	}
	if mode == "" {
		return DefaultMode(importance)
	}
	if importance >= ImportanceRequest && mode != ModeOff {
		return ModeImmediate
	}
	return mode
}

// ValidatePreference checks a preference.
func ValidatePreference(p Preference) error {
	var pr Problems
	if p.Channel != ChannelEmail && p.Channel != ChannelSlack {
		pr.Add("channel", "must be email or slack")
	}
	if !slices.Contains(DeliveryModes, p.Mode) {
		pr.Add("mode", "must be one of %s", strings.Join(DeliveryModes, ", "))
	}
	if p.ConsortiumID < 0 {
		pr.Add("consortium_id", "must be a consortium id or 0")
	}
	return pr.Err()
}

// UpdateInput is an update staff post for a consortium (or for every member
// community): what's done, what's possible, what we ask of you.
type UpdateInput struct {
	ConsortiumRef string // empty: for all member communities
	Title         string
	Body          string
	// An optional request with one-click answers.
	Question string
	Options  []string
	Deadline *time.Time
}

// Normalize trims the update and drops empty answers.
func (in *UpdateInput) Normalize() {
	in.Title, in.Body, in.Question = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Question)
	var opts []string
	for _, o := range in.Options {
		if o = strings.TrimSpace(o); o != "" {
			opts = append(opts, o)
		}
	}
	in.Options = opts
}

// Validate checks an update.
func (in UpdateInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	checkText(&p, "body", in.Body, true, MaxLongTextLength)
	checkLine(&p, "question", in.Question, false, 300)
	if in.Question != "" && len(in.Options) < 2 {
		p.Add("options", "a request needs at least two answers to choose from")
	}
	if len(in.Options) > 6 {
		p.Add("options", "at most 6 answers")
	}
	for _, o := range in.Options {
		if msg := TextProblem(o, false); msg != "" {
			p.Add("options", "each answer %s", msg)
			break
		}
		if strings.TrimSpace(o) == "" || len(o) > 60 {
			p.Add("options", "each answer must be 1–60 characters")
			break
		}
	}
	if in.Question == "" && len(in.Options) > 0 {
		p.Add("question", "is required when answers are given")
	}
	return p.Err()
}

// Request asks people for an answer they can give in one click.
type Request struct {
	ID           int64      `json:"id"`
	EventID      int64      `json:"event_id"`
	ConsortiumID *int64     `json:"consortium_id,omitempty"`
	Title        string     `json:"title"`
	Question     string     `json:"question"`
	Options      []string   `json:"options"`
	URL          string     `json:"url"`
	Deadline     *time.Time `json:"deadline,omitempty"`
	CreatedAt    time.Time  `json:"created_at"`
	Answers      []Answer   `json:"answers"`
}

// Answer is one person's answer to a request.
type Answer struct {
	UserID   int64     `json:"user_id"`
	UserName string    `json:"user_name"`
	Answer   string    `json:"answer"`
	At       time.Time `json:"at"`
}

// OutboxMessage is one message to deliver.
type OutboxMessage struct {
	ID            int64             `json:"id"`
	Channel       string            `json:"channel"`
	Recipient     string            `json:"recipient"`
	UserID        *int64            `json:"user_id,omitempty"`
	Subject       string            `json:"subject"`
	Text          string            `json:"text"`
	HTML          string            `json:"html"`
	Payload       string            `json:"payload"`
	Headers       map[string]string `json:"headers,omitempty"`
	MessageID     string            `json:"message_id"`
	Status        string            `json:"status"`
	Attempts      int               `json:"attempts"`
	NextAttemptAt time.Time         `json:"next_attempt_at"`
	LastError     string            `json:"last_error"`
	CreatedAt     time.Time         `json:"created_at"`
	SentAt        *time.Time        `json:"sent_at,omitempty"`
	// InterruptedSends counts the times a worker stopped after it began
	// sending this message and before it recorded the result: the receiver
	// may have it more than once.
	InterruptedSends int `json:"interrupted_sends"`
	// HookID is the webhook a post goes to; SigningSecret is that hook's
	// secret, loaded when the message is claimed, to sign it when it is sent.
	HookID        *int64 `json:"hook_id,omitempty"`
	SigningSecret string `json:"-"`
}

// Outbox statuses.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxDead    = "failed" // permanently failed, waiting for an admin
)

// OutboxStats counts messages by status and channel.
type OutboxStats struct {
	Pending, Sending, Sent, Failed int
	// Retried counts messages that took more than one attempt.
	Retried int
	// DuplicatesSuspected counts messages a receiver may have more than
	// once: a send was interrupted before its result was recorded, or two
	// sends succeeded.
	DuplicatesSuspected int
	ByChannel           map[string]int
	OldestPending       *time.Time
}

// DeliveryAttempt is one try at delivering an outbox message.
type DeliveryAttempt struct {
	At         time.Time `json:"at"`
	Worker     string    `json:"worker"`
	OK         bool      `json:"ok"`
	Error      string    `json:"error,omitempty"`
	DurationMS int64     `json:"duration_ms"`
}

// Hook is a Slack incoming webhook or a generic signed webhook.
type Hook struct {
	ID           int64  `json:"id"`
	ConsortiumID *int64 `json:"consortium_id,omitempty"`
	Kind         string `json:"kind"`
	URL          string `json:"url"`
	Secret       string `json:"-"`
}
