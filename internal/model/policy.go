package model

// Permission rules, kept in one place so the web UI and the API agree.

// SignedIn reports whether u reads as a signed-in person: a disabled
// account reads as an anonymous visitor.
func SignedIn(u *User) bool { return u != nil && u.DisabledAt == nil }

// CanManageCommunities reports whether u may create communities and manage
// any of them (archive, affiliations of anyone).
func CanManageCommunities(u *User) bool { return u.IsAdmin() }

// CanEditCommunity reports whether u may edit community c: admins edit all,
// a community's lead edits their own.
func CanEditCommunity(u *User, affiliations []Affiliation, communityID int64) bool {
	if u == nil || u.DisabledAt != nil {
		return false
	}
	return u.IsAdmin() || leads(u, affiliations, communityID)
}

// leads reports whether affiliations make u a lead of the community.
func leads(u *User, affiliations []Affiliation, communityID int64) bool {
	for _, a := range affiliations {
		if a.CommunityID == communityID && a.UserID == u.ID && a.Role == AffiliationLead {
			return true
		}
	}
	return false
}

// CanSeePeople reports whether u may list people (names and community
// roles; see CanSeeAccountDetails for the rest): signed-in users only;
// anonymous visitors see communities, not people.
func CanSeePeople(u *User) bool { return SignedIn(u) }

// CanSeeAccountDetails reports whether viewer may see a person's email
// address, account role and account times (created, last sign-in,
// disabled): staff, the person themself, and the leads of a community the
// person belongs to (who need to reach their people). Everyone else signed
// in sees names and community roles only. viewerAffiliations are the
// viewer's own; personAffiliations the person's.
func CanSeeAccountDetails(viewer *User, viewerAffiliations []Affiliation, personID int64, personAffiliations []Affiliation) bool {
	if !CanSeePeople(viewer) {
		return false
	}
	if viewer.IsAdmin() || viewer.ID == personID {
		return true
	}
	for _, a := range personAffiliations {
		if a.UserID == personID && leads(viewer, viewerAffiliations, a.CommunityID) {
			return true
		}
	}
	return false
}

// CanConsentFor reports whether u may give or revoke a community's consent to
// be named: only a lead of that community. Staff record endorsements but do
// not consent on a community's behalf.
func CanConsentFor(u *User, affiliations []Affiliation, communityID int64) bool {
	return u != nil && u.DisabledAt == nil && leads(u, affiliations, communityID)
}
