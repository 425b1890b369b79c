package model

import (
	"slices"
	"strings"
	"time"
)

// InvitationValidity is how long an invitation link works unless the
// inviter says otherwise.
const InvitationValidity = 7 * 24 * time.Hour

// ResetValidity is how long a password reset link works.
const ResetValidity = time.Hour

// Invitation states, derived from the row's times.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationExpired  = "expired"
	InvitationRevoked  = "revoked"
)

// InvitationStatuses lists the states an invitation list can be filtered by.
var InvitationStatuses = []string{InvitationPending, InvitationAccepted, InvitationExpired, InvitationRevoked}

// Invitation asks a person, by email address, to create an account (or,
// if they have one, to join a community with a role).
type Invitation struct {
	ID            int64      `json:"id"`
	Email         string     `json:"email"`
	Name          string     `json:"name"`
	CommunityID   *int64     `json:"community_id,omitempty"`
	CommunitySlug string     `json:"community_slug,omitempty"`
	CommunityName string     `json:"community_name,omitempty"`
	Role          string     `json:"role,omitempty"`
	InvitedBy     string     `json:"invited_by"`
	SentCount     int        `json:"sent_count"`
	CreatedAt     time.Time  `json:"created_at"`
	ExpiresAt     time.Time  `json:"expires_at"`
	AcceptedAt    *time.Time `json:"accepted_at,omitempty"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	// Status is one of the Invitation… states at the time it was read.
	Status string `json:"status"`
}

// StatusAt is the invitation's state at now.
func (i *Invitation) StatusAt(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return InvitationAccepted
	case i.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

// InvitationInput is what an inviter types: the address, an optional
// name, and optionally a community (id or slug) and the role there.
type InvitationInput struct {
	Email     string
	Name      string
	Community string
	Role      string
}

// Normalize trims the fields and gives a community invitation the member
// role when none is named.
func (in *InvitationInput) Normalize() {
	in.Email = NormalizeEmail(in.Email)
	in.Name, in.Community, in.Role = trimSpace(in.Name), trimSpace(in.Community), strings.ToLower(trimSpace(in.Role))
	if in.Community != "" && in.Role == "" {
		in.Role = AffiliationMember
	}
}

// Validate checks an invitation's fields.
func (in InvitationInput) Validate() error {
	var p Problems
	checkLine(&p, "email", in.Email, true, 254)
	if !p.Has("email") && !ValidEmail(in.Email) {
		p.Add("email", "must be an email address like name@example.org")
	}
	checkLine(&p, "name", in.Name, false, 120)
	checkLine(&p, "community", in.Community, false, 64)
	switch {
	case in.Community == "" && in.Role != "":
		p.Add("role", "needs a community")
	case in.Community != "" && !slices.Contains(AffiliationRoles, in.Role):
		p.Add("role", "must be one of %s", strings.Join(AffiliationRoles, ", "))
	}
	return p.Err()
}

// InvitationFilter selects invitations: by state and community.
type InvitationFilter struct {
	Status      string
	CommunityID int64
	// CommunityIDs, when not nil, limits the list to these communities
	// (a lead sees the invitations of the communities they lead).
	CommunityIDs []int64
	Page         Page
}

// ValidateInvitationStatus checks a status filter ("" is all).
func ValidateInvitationStatus(field, s string) error {
	if s == "" || slices.Contains(InvitationStatuses, s) {
		return nil
	}
	var p Problems
	p.Add(field, "must be one of %s", strings.Join(InvitationStatuses, ", "))
	return p.Err()
}

// ExternalIdentity is what a sign-in provider says about a person.
type ExternalIdentity struct {
	Provider      string
	Subject       string
	Email         string
	EmailVerified bool
	Name          string
}

// EmailDomain is the part of an address after the last @, lowercased.
func EmailDomain(email string) string {
	i := strings.LastIndexByte(email, '@')
	if i < 0 {
		return ""
	}
	return strings.ToLower(email[i+1:])
}

// InvitationDays turns a number of days into a link's validity; 0 is the
// default.
func InvitationDays(days int) time.Duration { return time.Duration(days) * 24 * time.Hour }
