package model

import "strings"

// Credit in media and outreach follows each member community's
// share-credit choice: lots — named with a link; some — named; none — not
// named (only counted).

// CreditEntry is a member community and its share-credit choice.
type CreditEntry struct {
	CommunitySlug string `json:"community_slug"`
	CommunityName string `json:"community_name"`
	Website       string `json:"website,omitempty"`
	ShareCredit   string `json:"share_credit" enum:"none,some,lots"`
}

// Credits is a consortium's credits list for media and outreach.
type Credits struct {
	Featured   []CreditEntry `json:"featured" doc:"Members that want lots of credit: named with a link."`
	Named      []CreditEntry `json:"named" doc:"Members that want some credit: named."`
	Unnamed    int           `json:"unnamed" doc:"Members that prefer not to be named."`
	Consortium ConsortiumRef `json:"consortium"`
}

// SortCredits sorts members into the credits list by their choice.
func SortCredits(entries []CreditEntry) Credits {
	c := Credits{Featured: []CreditEntry{}, Named: []CreditEntry{}}
	for _, e := range entries {
		switch e.ShareCredit {
		case "lots":
			c.Featured = append(c.Featured, e)
		case "some":
			e.Website = ""
			c.Named = append(c.Named, e)
		default:
			c.Unnamed++
		}
	}
	return c
}

// CreditedNames keeps the names of the communities that did not decline
// credit: optedOut holds those whose share-credit choice is none in a
// consortium that has the work in scope.
func CreditedNames(list []CommunityRef, optedOut map[int64]bool) []string {
	var out []string
	for _, c := range list {
		if !optedOut[c.ID] {
			out = append(out, c.Name)
		}
	}
	return out
}

// CreditLine is the sentence an announcement of delivered work ends with:
// "Co-funded by A and B. Tested by C." ("" when nobody is credited).
func CreditLine(cofunders, testers []string) string {
	var parts []string
	if len(cofunders) > 0 {
		parts = append(parts, "Co-funded by "+JoinNames(cofunders)+".")
	}
	if len(testers) > 0 {
		parts = append(parts, "Tested by "+JoinNames(testers)+".")
	}
	return strings.Join(parts, " ")
}
