package model

import (
	"fmt"
	"strings"
	"time"
)

// Limits of a user story of impact.
const (
	MaxStoryWho     = 300
	MaxStoryText    = 3000
	MaxStoryQuote   = 1000
	MaxStoryNumbers = 500
)

// Story is a user story of impact a community tells: who was affected, the
// problem before, what changed (or would change), in their words, with
// optional numbers.
type Story struct {
	Who     string `json:"who" maxLength:"300" doc:"Who is affected (e.g. graduate instructors in physics)."`
	Before  string `json:"before" maxLength:"3000" doc:"The problem before."`
	After   string `json:"after" maxLength:"3000" doc:"What changed, or would change."`
	Quote   string `json:"quote,omitempty" maxLength:"1000" doc:"A quote, in their words."`
	Numbers string `json:"numbers,omitempty" maxLength:"500" doc:"Optional numbers (students reached, hours saved, …)."`
}

// Empty reports whether no field of the story is filled.
func (s Story) Empty() bool {
	return strings.TrimSpace(s.Who+s.Before+s.After+s.Quote+s.Numbers) == ""
}

// Normalize trims the story's fields and turns CR and CRLF into LF.
func (s *Story) Normalize() {
	for _, f := range []*string{&s.Who, &s.Before, &s.After, &s.Quote, &s.Numbers} {
		*f = strings.TrimSpace(strings.ReplaceAll(strings.ReplaceAll(*f, "\r\n", "\n"), "\r", "\n"))
	}
}

// Validate checks a story whose fields are named under prefix ("story.who");
// who, before and after are required once any field is filled.
func (s Story) Validate(p *Problems, prefix string) {
	if s.Empty() {
		return
	}
	checkLine(p, prefix+"who", s.Who, true, MaxStoryWho)
	checkText(p, prefix+"before", s.Before, true, MaxStoryText)
	checkText(p, prefix+"after", s.After, true, MaxStoryText)
	checkText(p, prefix+"quote", s.Quote, false, MaxStoryQuote)
	checkText(p, prefix+"numbers", s.Numbers, false, MaxStoryNumbers)
}

// NamingConsent is a community's consent to be named: the exact wording consented
// to, the person who gave it and when. Given is false once revoked.
type NamingConsent struct {
	Given   bool       `json:"given"`
	Wording string     `json:"wording,omitempty" doc:"The exact sentence consented to."`
	ByName  string     `json:"by_name,omitempty" doc:"The person who gave (or last revoked) consent."`
	At      *time.Time `json:"at,omitempty"`
}

// NarrativeConsentWording is the sentence a community consents to when it
// agrees to be named for a narrative's whole area.
func NarrativeConsentWording(community, narrative string) string {
	return fmt.Sprintf("%s agrees to be named as a supporter of “%s” in proposals and reports the host organization prepares about this area.", community, narrative)
}

// NarrativeEndorsement is a community's endorsement of a narrative with its
// content. The community is named outside the narrative's own page only
// while Consent.Given holds.
type NarrativeEndorsement struct {
	Community CommunityRef  `json:"community"`
	Consent   NamingConsent `json:"consent"`
	Story     *Story        `json:"story,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
}

// EndorsementAnswer is what a community says when it endorses: whether it
// consents to be named, and an optional story.
type EndorsementAnswer struct {
	ConsentToBeNamed bool
	Story            Story
}

// Normalize trims the answer.
func (a *EndorsementAnswer) Normalize() { a.Story.Normalize() }

// Validate checks the answer's story.
func (a EndorsementAnswer) Validate() error {
	var p Problems
	a.Story.Validate(&p, "story.")
	return p.Err()
}
