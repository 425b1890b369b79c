package model

import (
	"slices"
	"strings"
	"time"
	// Meetings are planned in IANA time zones; the embedded database keeps
	// them valid on hosts without /usr/share/zoneinfo (containers, Windows).
	_ "time/tzdata"
)

// Meeting kinds.
var MeetingKinds = []string{"kickoff", "quarterly", "demo", "other"}

// MeetingKindLabel is the human name of a meeting kind.
func MeetingKindLabel(k string) string {
	switch k {
	case "kickoff":
		return "Kickoff"
	case "quarterly":
		return "Quarterly prioritization"
	case "demo":
		return "Demo / showcase"
	}
	return "Meeting"
}

// DefaultAgenda is the quarterly meeting's agenda from the seed document.
const DefaultAgenda = "1. **What's done** — work delivered since the last meeting\n" +
	"2. **What's possible** — demos and candidate initiatives\n" +
	"3. **What's next** — member input on priorities"

// Meeting is a consortium meeting.
type Meeting struct {
	ID           int64     `json:"id"`
	ConsortiumID int64     `json:"consortium_id"`
	Kind         string    `json:"kind" enum:"kickoff,quarterly,demo,other"`
	Title        string    `json:"title"`
	StartsAt     time.Time `json:"starts_at"`
	Duration     int       `json:"duration_minutes"`
	TimeZone     string    `json:"time_zone" doc:"IANA time zone the meeting is planned in, e.g. America/Los_Angeles."`
	Location     string    `json:"location"`
	VideoURL     string    `json:"video_url"`
	Agenda       string    `json:"agenda"`
	Notes        string    `json:"notes"`
	Decisions    string    `json:"decisions"`
	Sequence     int       `json:"sequence" doc:"iCalendar SEQUENCE: increases with every change."`
	Cancelled    bool      `json:"cancelled"`
	CreatedAt    time.Time `json:"created_at"`
	UpdatedAt    time.Time `json:"updated_at"`
	Version      int64     `json:"version"`
	RSVPs        []RSVP    `json:"rsvps"`
}

// EndsAt is when the meeting ends.
func (m *Meeting) EndsAt() time.Time { return m.StartsAt.Add(time.Duration(m.Duration) * time.Minute) }

// Local is the start time in the meeting's time zone.
func (m *Meeting) Local() time.Time {
	if loc, err := time.LoadLocation(m.TimeZone); err == nil {
		return m.StartsAt.In(loc)
	}
	return m.StartsAt
}

// TimeZoneHint is the message for a time zone that is not an IANA name.
const TimeZoneHint = "must be an IANA time zone such as Europe/Berlin or America/New_York"

// ValidTimeZone reports whether name is an IANA time zone ("Local", the
// server's own zone, is not one).
func ValidTimeZone(name string) bool {
	if name == "" || name == "Local" || len(name) > 64 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}

// RSVP is a person's answer to a meeting invitation.
type RSVP struct {
	UserID   int64     `json:"user_id"`
	UserName string    `json:"user_name"`
	Response string    `json:"response" enum:"yes,no,maybe"`
	At       time.Time `json:"at"`
}

// RSVPResponses lists the accepted answers.
var RSVPResponses = []string{"yes", "maybe", "no"}

// MeetingInput holds a meeting's editable fields. StartsLocal is the wall
// clock time in TimeZone.
type MeetingInput struct {
	Kind      string
	Title     string
	StartsAt  time.Time // UTC; set by Normalize from StartsLocal and TimeZone when given
	Duration  int
	TimeZone  string
	Location  string
	VideoURL  string
	Agenda    string
	Notes     string
	Decisions string
	Cancelled bool
}

// Normalize trims fields and fills defaults.
func (in *MeetingInput) Normalize() {
	in.Kind = strings.TrimSpace(in.Kind)
	if in.Kind == "" {
		in.Kind = "quarterly"
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		in.Title = MeetingKindLabel(in.Kind)
	}
	in.TimeZone = strings.TrimSpace(in.TimeZone)
	if in.TimeZone == "" {
		in.TimeZone = "UTC"
	}
	if in.Duration == 0 {
		in.Duration = 60
	}
	if strings.TrimSpace(in.Agenda) == "" && in.Kind == "quarterly" {
		in.Agenda = DefaultAgenda
	}
	in.Location, in.VideoURL = strings.TrimSpace(in.Location), strings.TrimSpace(in.VideoURL)
	in.StartsAt = in.StartsAt.UTC().Truncate(time.Minute)
}

// Validate checks a meeting's fields.
func (in MeetingInput) Validate() error {
	var p Problems
	if !slices.Contains(MeetingKinds, in.Kind) {
		p.Add("kind", "must be one of %s", strings.Join(MeetingKinds, ", "))
	}
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	if in.StartsAt.IsZero() {
		p.Add("starts_at", "is required")
	} else if in.StartsAt.Year() < 2000 || in.StartsAt.Year() > 2200 {
		p.Add("starts_at", "must be a date between 2000 and 2200")
	}
	if in.Duration < 5 || in.Duration > 24*60 {
		p.Add("duration_minutes", "must be between 5 and 1440 minutes")
	}
	if !ValidTimeZone(in.TimeZone) {
		p.Add("time_zone", "%s", TimeZoneHint)
	}
	checkLine(&p, "location", in.Location, false, 300)
	if in.VideoURL != "" && !ValidWebURL(in.VideoURL) {
		p.Add("video_url", "must be an http:// or https:// address")
	}
	for field, v := range map[string]string{"agenda": in.Agenda, "notes": in.Notes, "decisions": in.Decisions} {
		checkText(&p, field, v, false, MaxLongTextLength)
	}
	return p.Err()
}

// Reactions to a demo.
const (
	ReactionResonated    = "resonated"
	ReactionNotResonated = "did_not_resonate"
	ReactionNeutral      = "neutral"
)

// Reactions lists the accepted reactions.
var Reactions = []string{ReactionResonated, ReactionNeutral, ReactionNotResonated}

// ReactionLabel is the human name of a reaction.
func ReactionLabel(r string) string {
	switch r {
	case ReactionResonated:
		return "Resonated"
	case ReactionNotResonated:
		return "Did not resonate"
	case ReactionNeutral:
		return "Neutral"
	}
	return r
}

// Demo shows work to the consortium, for members to react to.
type Demo struct {
	ID              int64      `json:"id"`
	ConsortiumID    int64      `json:"consortium_id"`
	MeetingID       *int64     `json:"meeting_id,omitempty"`
	InitiativeID    *int64     `json:"initiative_id,omitempty"`
	InitiativeTitle string     `json:"initiative_title,omitempty"`
	InitiativeSlug  string     `json:"initiative_slug,omitempty"`
	Title           string     `json:"title"`
	Description     string     `json:"description"`
	VideoURL        string     `json:"video_url"`
	CreatedAt       time.Time  `json:"created_at"`
	Reactions       []Reaction `json:"reactions"`
}

// Tally counts reactions by kind.
func (d *Demo) Tally() map[string]int {
	out := map[string]int{}
	for _, r := range d.Reactions {
		out[r.Reaction]++
	}
	return out
}

// Reaction is a member community's reaction to a demo.
type Reaction struct {
	CommunityID   int64     `json:"community_id"`
	CommunityName string    `json:"community_name"`
	Reaction      string    `json:"reaction" enum:"resonated,neutral,did_not_resonate"`
	Comment       string    `json:"comment"`
	ByName        string    `json:"by_name"`
	At            time.Time `json:"at"`
}

// DemoInput holds a demo's fields.
type DemoInput struct {
	Title        string
	Description  string
	VideoURL     string
	MeetingID    *int64
	InitiativeID *int64
}

// Validate checks a demo.
func (in DemoInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	checkText(&p, "description", in.Description, false, MaxLongTextLength)
	if in.VideoURL != "" && !ValidWebURL(in.VideoURL) {
		p.Add("video_url", "must be an http:// or https:// address")
	}
	return p.Err()
}
