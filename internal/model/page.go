package model

// Pagination bounds.
const (
	DefaultPageSize = 25
	MaxPageSize     = 100
)

// Page selects a slice of a list: page numbers start at 1.
type Page struct {
	Number int
	Size   int
}

// Normalize clamps the page into its bounds.
func (p Page) Normalize() Page {
	if p.Size <= 0 {
		p.Size = DefaultPageSize
	}
	if p.Size > MaxPageSize {
		p.Size = MaxPageSize
	}
	if p.Number < 1 {
		p.Number = 1
	}
	return p
}

// Offset is the number of rows before the page.
func (p Page) Offset() int { p = p.Normalize(); return (p.Number - 1) * p.Size }

// Pages returns the number of pages needed for total items.
func (p Page) Pages(total int) int {
	p = p.Normalize()
	if total == 0 {
		return 1
	}
	return (total + p.Size - 1) / p.Size
}

// CommunityFilter selects communities.
type CommunityFilter struct {
	Query           string
	Kind            string
	Tag             string
	Tier            string // "member", "non-member", or a tier name
	IncludeArchived bool
	Page            Page
}

// PeopleFilter selects people.
type PeopleFilter struct {
	Query       string
	CommunityID int64
	Page        Page
	// EmailsOf, when set, limits which addresses Query is matched
	// against; nil matches every address (staff).
	EmailsOf *EmailScope
}

// EmailScope names the people whose addresses a search may match: one
// person (the searcher) and the people of the communities they lead.
type EmailScope struct {
	UserID          int64
	LedCommunityIDs []int64
}
