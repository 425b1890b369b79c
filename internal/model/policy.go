package model

// Permission rules, kept in one place so the web UI and the API agree.

// CanManageCommunities reports whether u may create communities and manage
// any of them (archive, affiliations of anyone).
func CanManageCommunities(u *User) bool { return u.IsAdmin() }

// CanEditCommunity reports whether u may edit community c: admins edit all,
// a community's lead edits their own.
func CanEditCommunity(u *User, affiliations []Affiliation, communityID int64) bool {
	if u == nil || u.DisabledAt != nil {
		return false
	}
	if u.IsAdmin() {
		return true
	}
	for _, a := range affiliations {
		if a.CommunityID == communityID && a.UserID == u.ID && a.Role == AffiliationLead {
			return true
		}
	}
	return false
}

// CanSeePeople reports whether u may list people and their addresses:
// signed-in users only; anonymous visitors see communities, not people.
func CanSeePeople(u *User) bool { return u != nil && u.DisabledAt == nil }
