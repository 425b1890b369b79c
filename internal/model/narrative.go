package model

import (
	"strings"
	"time"
)

// NarrativeRef names a narrative briefly.
type NarrativeRef struct {
	ID    int64  `json:"id"`
	Slug  string `json:"slug"`
	Title string `json:"title"`
}

// Narrative is a story of ongoing need for a large class of users, resolved
// in months to years, tying several initiatives together.
type Narrative struct {
	ID          int64           `json:"id"`
	Slug        string          `json:"slug"`
	Title       string          `json:"title"`
	Summary     string          `json:"summary"`
	Story       string          `json:"story" doc:"Markdown."`
	Gaps        string          `json:"gaps" doc:"Markdown: the initiatives this narrative still lacks."`
	Themes      []string        `json:"themes"`
	Public      bool            `json:"public"`
	Initiatives []InitiativeRef `json:"initiatives"`
	Endorsers   []CommunityRef  `json:"endorsers"`
	// Endorsements hold what each endorsing community said: its story and
	// whether it consents to be named for the whole area.
	Endorsements []NarrativeEndorsement `json:"endorsements"`
	CreatedAt    time.Time              `json:"created_at"`
	UpdatedAt    time.Time              `json:"updated_at"`
	Version      int64                  `json:"version"`
}

// InitiativeRef names an initiative briefly, with its status.
type InitiativeRef struct {
	ID     int64  `json:"id"`
	Slug   string `json:"slug"`
	Title  string `json:"title"`
	Status string `json:"status"`
	Public bool   `json:"public"`
}

// NarrativeInput holds the editable fields of a narrative.
type NarrativeInput struct {
	Slug    string
	Title   string
	Summary string
	Story   string
	Gaps    string
	Themes  []string
	Public  bool
}

// Normalize trims fields and derives a missing slug.
func (in *NarrativeInput) Normalize() {
	in.Title = trimSpace(in.Title)
	in.Summary = trimSpace(in.Summary)
	in.Slug = strings.ToLower(trimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Title)
	}
	in.Themes = NormalizeTags(in.Themes)
}

// Validate checks a narrative's fields.
func (in NarrativeInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	if !ValidSlug(in.Slug) {
		p.Add("slug", "must be 2–64 lowercase letters, digits and single hyphens, not only digits")
	}
	checkText(&p, "summary", in.Summary, false, 500)
	checkText(&p, "story", in.Story, true, MaxLongTextLength)
	checkText(&p, "gaps", in.Gaps, false, MaxLongTextLength)
	checkTags(&p, "themes", "theme", in.Themes)
	return p.Err()
}
