package model

import (
	"slices"
	"strings"
	"time"
)

// Community kinds.
var CommunityKinds = []string{"university", "research-collaboration", "agency", "nonprofit", "company", "other"}

// KindLabel returns the human label of a community kind.
func KindLabel(kind string) string {
	switch kind {
	case "research-collaboration":
		return "Research collaboration"
	case "":
		return ""
	}
	return strings.ToUpper(kind[:1]) + kind[1:]
}

// Membership tiers with the host organization; "" means not a member.
var MembershipTiers = []string{"essential", "standard", "premium", "partner"}

// Roles a person can hold within a community.
const (
	AffiliationLead    = "lead"
	AffiliationContact = "contact"
	AffiliationMember  = "member"
)

// AffiliationRoles lists the per-community roles, most powerful first.
var AffiliationRoles = []string{AffiliationLead, AffiliationContact, AffiliationMember}

// Field limits of a community.
const (
	MaxCommunityNameLength        = 120
	MaxCommunityDescriptionLength = 20000
	MaxTags                       = 20
	MaxTagLength                  = 40
)

// Community is a member organization: a university, a research
// collaboration, an agency…
type Community struct {
	ID             int64      `json:"id"`
	Slug           string     `json:"slug"`
	Name           string     `json:"name"`
	Kind           string     `json:"kind"`
	Website        string     `json:"website"`
	Description    string     `json:"description"`
	Tags           []string   `json:"tags"`
	Tier           string     `json:"tier"`
	MemberSince    *time.Time `json:"member_since,omitempty"`
	SupportContact string     `json:"support_contact"`
	HostedServices string     `json:"hosted_services"`
	ArchivedAt     *time.Time `json:"archived_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
	Version        int64      `json:"version"`
}

// CommunityInput holds the editable fields of a community.
type CommunityInput struct {
	Slug           string
	Name           string
	Kind           string
	Website        string
	Description    string
	Tags           []string
	Tier           string
	MemberSince    *time.Time
	SupportContact string
	HostedServices string
}

// Normalize trims the fields, derives a missing slug from the name and
// lowercases and deduplicates the tags.
func (in *CommunityInput) Normalize() {
	in.Name = trimSpace(in.Name)
	in.Slug = strings.ToLower(trimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	in.Kind = trimSpace(in.Kind)
	in.Website = trimSpace(in.Website)
	in.Tier = trimSpace(in.Tier)
	in.SupportContact = trimSpace(in.SupportContact)
	in.HostedServices = trimSpace(in.HostedServices)
	in.Tags = NormalizeTags(in.Tags)
	if in.Tier == "" {
		in.MemberSince = nil
	}
}

// NormalizeTags lowercases, trims and deduplicates tags, keeping their order.
func NormalizeTags(tags []string) []string {
	out := make([]string, 0, len(tags))
	for _, t := range tags {
		t = strings.ToLower(trimSpace(t))
		if t != "" && !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// checkTags checks a list of tags (or themes, named by noun): how many,
// how long, and that each is one line of plain text.
func checkTags(p *Problems, field, noun string, tags []string) {
	if len(tags) > MaxTags {
		p.Add(field, "must be at most %d %ss", MaxTags, noun)
	}
	for _, t := range tags {
		if msg := TextProblem(t, false); msg != "" {
			p.Add(field, "each %s %s", noun, msg)
			break
		}
		if len(t) > MaxTagLength || strings.ContainsAny(t, ",<>\"") {
			p.Add(field, "%s %q must be at most %d characters without commas, quotes or angle brackets", noun, t, MaxTagLength)
			break
		}
	}
}

// SplitTags splits a comma-separated list of tags, as typed in a form.
func SplitTags(s string) []string { return NormalizeTags(strings.Split(s, ",")) }

// Validate checks a community's fields.
func (in CommunityInput) Validate() error {
	var p Problems
	checkLine(&p, "name", in.Name, true, MaxCommunityNameLength)
	// A slug derived from a missing name is not a second problem to report.
	if !ValidSlug(in.Slug) && !(in.Slug == "" && p.Has("name")) {
		p.Add("slug", "must be 2–64 lowercase letters, digits and single hyphens, not only digits (e.g. \"uc-berkeley\")")
	}
	if !slices.Contains(CommunityKinds, in.Kind) {
		p.Add("kind", "must be one of %s", strings.Join(CommunityKinds, ", "))
	}
	if in.Website != "" && !ValidWebURL(in.Website) {
		p.Add("website", "must be an http:// or https:// address")
	}
	checkText(&p, "description", in.Description, false, MaxCommunityDescriptionLength)
	checkTags(&p, "tags", "tag", in.Tags)
	if in.Tier != "" && !slices.Contains(MembershipTiers, in.Tier) {
		p.Add("tier", "must be empty (not a member) or one of %s", strings.Join(MembershipTiers, ", "))
	}
	if in.MemberSince != nil && in.MemberSince.After(time.Now().AddDate(1, 0, 0)) {
		p.Add("member_since", "must not be more than a year in the future")
	}
	checkLine(&p, "support_contact", in.SupportContact, false, 254)
	checkText(&p, "hosted_services", in.HostedServices, false, 2000)
	return p.Err()
}

// Affiliation ties a person to a community with a role there.
type Affiliation struct {
	CommunityID   int64     `json:"community_id"`
	CommunitySlug string    `json:"community_slug"`
	CommunityName string    `json:"community_name"`
	UserID        int64     `json:"user_id"`
	UserName      string    `json:"user_name"`
	UserEmail     string    `json:"user_email,omitempty"`
	Role          string    `json:"role"`
	CreatedAt     time.Time `json:"created_at"`
}

// ValidateAffiliationRole checks a per-community role.
func ValidateAffiliationRole(role string) error {
	if slices.Contains(AffiliationRoles, role) {
		return nil
	}
	var p Problems
	p.Add("role", "must be one of %s", strings.Join(AffiliationRoles, ", "))
	return p.Err()
}

func trimSpace(s string) string { return strings.TrimSpace(s) }
