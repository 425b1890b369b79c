package model

// What the site shows about its communities as a whole: counts, tags in
// use, and communities suggested to one another.

// Stats holds the dashboard's counts.
type Stats struct {
	Communities       int `json:"communities"`
	MemberCommunities int `json:"member_communities"`
	People            int `json:"people"`
	Archived          int `json:"archived"`
}

// TagCount is a tag with the number of active communities that carry it.
type TagCount struct {
	Tag   string `json:"tag"`
	Count int    `json:"count"`
}

// Peer is a community suggested to a leader, with the reasons why.
type Peer struct {
	CommunityRef
	Score   int      `json:"score"`
	Reasons []string `json:"reasons"`
}
