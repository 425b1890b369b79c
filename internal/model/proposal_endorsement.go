package model

import (
	"fmt"
	"strings"
	"time"
)

// Statuses of a proposal endorsement: asked (waiting for the community),
// answered, or declined.
const (
	EndorsementAsked    = "asked"
	EndorsementAnswered = "answered"
	EndorsementDeclined = "declined"
)

// Letter history: how a letter stopped being the current one.
const (
	LetterReplaced  = "replaced"
	LetterWithdrawn = "withdrawn"
)

// Limits of an endorsement request.
const (
	MaxEndorsementMessage = 2000
	MaxConsentWording     = 1000
	MaxRequestCommunities = 100
)

// EndorsementAsks is what a request asks a community for.
type EndorsementAsks struct {
	Letter    bool `json:"letter,omitempty" doc:"A letter of support (PDF upload)."`
	Story     bool `json:"story,omitempty" doc:"A user story of impact."`
	Consent   bool `json:"consent,omitempty" doc:"Consent to be named as a collaborator, with the exact wording."`
	Reference bool `json:"reference,omitempty" doc:"A reference contact."`
}

// Any reports whether anything is asked.
func (a EndorsementAsks) Any() bool { return a.Letter || a.Story || a.Consent || a.Reference }

// Reference is a person a funder may contact about the community's support.
type Reference struct {
	Name  string `json:"name" maxLength:"160"`
	Email string `json:"email" maxLength:"254"`
	Role  string `json:"role,omitempty" maxLength:"160" doc:"Their role, e.g. Director of Research Computing."`
}

// LetterInfo describes a letter of support (its bytes are downloaded apart).
type LetterInfo struct {
	ID             int64      `json:"id"`
	FileName       string     `json:"file_name"`
	Size           int64      `json:"size"`
	SHA256         string     `json:"sha256"`
	UploadedByName string     `json:"uploaded_by"`
	UploadedAt     time.Time  `json:"uploaded_at"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	EndedHow       string     `json:"ended_how,omitempty" enum:"replaced,withdrawn"`
}

// ProposalEndorsement is a community's endorsement of a proposal: what was
// asked, the status, and the answer. Consent is the source of truth: a
// community is named in anything generated only while Consent.Given holds.
type ProposalEndorsement struct {
	ProposalID             int64           `json:"proposal_id"`
	Community              CommunityRef    `json:"community"`
	Status                 string          `json:"status" enum:"asked,answered,declined"`
	Asks                   EndorsementAsks `json:"asks"`
	Message                string          `json:"message,omitempty"`
	ConsentWording         string          `json:"consent_wording" doc:"The exact sentence the community is asked to consent to."`
	Consent                NamingConsent   `json:"consent"`
	RevokedAfterSubmission bool            `json:"revoked_after_submission" doc:"Consent was revoked after the proposal was submitted: recorded and shown."`
	Story                  *Story          `json:"story,omitempty"`
	Reference              *Reference      `json:"reference,omitempty"`
	Letter                 *LetterInfo     `json:"letter,omitempty" doc:"The current letter of support."`
	LetterHistory          []LetterInfo    `json:"letter_history" doc:"Letters replaced or withdrawn, newest first."`
	RequestedByName        string          `json:"requested_by,omitempty"`
	RequestedAt            *time.Time      `json:"requested_at,omitempty"`
	RemindedAt             *time.Time      `json:"reminded_at,omitempty"`
	Reminders              int             `json:"reminders"`
	AnsweredByName         string          `json:"answered_by,omitempty"`
	AnsweredAt             *time.Time      `json:"answered_at,omitempty"`
}

// ProposalConsentWording is the default sentence a community consents to:
// being named as a collaborator on the proposal.
func ProposalConsentWording(community, proposal, funder string) string {
	return fmt.Sprintf("%s agrees to be named as a collaborator on the proposal “%s” to %s, in the proposal and the documents submitted with it.", community, proposal, funder)
}

// EndorsementRequestInput asks communities for endorsements. Communities
// are ids or slugs; empty means the linked consortium's members with the
// endorse or co-propose role. An empty wording takes the default.
type EndorsementRequestInput struct {
	Communities    []string
	Asks           EndorsementAsks
	Message        string
	ConsentWording string
}

// Normalize trims the input.
func (in *EndorsementRequestInput) Normalize() {
	in.Communities = trimRefs(in.Communities)
	in.Message, in.ConsentWording = strings.TrimSpace(in.Message), strings.TrimSpace(in.ConsentWording)
}

// Validate checks the input.
func (in EndorsementRequestInput) Validate() error {
	var p Problems
	if !in.Asks.Any() {
		p.Add("asks", "ask for at least one of a letter, a story, consent to be named or a reference")
	}
	if len(in.Communities) > MaxRequestCommunities {
		p.Add("communities", "may name at most %d communities", MaxRequestCommunities)
	}
	for _, c := range in.Communities {
		if msg := TextProblem(c, false); msg != "" {
			p.Add("communities", "%s", msg)
			break
		}
	}
	checkText(&p, "message", in.Message, false, MaxEndorsementMessage)
	checkLine(&p, "consent_wording", in.ConsentWording, false, MaxConsentWording)
	return p.Err()
}

// ProposalEndorsementInput is a community's answer to a proposal: consent to
// be named, an optional story and reference, or a decline.
type ProposalEndorsementInput struct {
	ConsentToBeNamed bool
	Story            *Story
	Reference        *Reference
	Decline          bool
}

// Normalize trims the answer.
func (in *ProposalEndorsementInput) Normalize() {
	if in.Story != nil {
		in.Story.Normalize()
		if in.Story.Empty() {
			in.Story = nil
		}
	}
	if r := in.Reference; r != nil {
		r.Name, r.Email, r.Role = strings.TrimSpace(r.Name), strings.TrimSpace(r.Email), strings.TrimSpace(r.Role)
		if r.Name == "" && r.Email == "" && r.Role == "" {
			in.Reference = nil
		}
	}
}

// Validate checks the answer.
func (in ProposalEndorsementInput) Validate() error {
	var p Problems
	if in.Story != nil {
		in.Story.Validate(&p, "story.")
	}
	if r := in.Reference; r != nil {
		checkLine(&p, "reference.name", r.Name, true, 160)
		checkLine(&p, "reference.email", r.Email, true, 254)
		if !p.Has("reference.email") && !ValidEmail(r.Email) {
			p.Add("reference.email", "must be an email address like name@example.org")
		}
		checkLine(&p, "reference.role", r.Role, false, 160)
	}
	if in.Decline && (in.ConsentToBeNamed || in.Story != nil || in.Reference != nil) {
		p.Add("decline", "a declined request carries no consent, story or reference")
	}
	return p.Err()
}
