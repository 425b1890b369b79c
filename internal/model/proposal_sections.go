package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Statuses of a proposal's section.
const (
	SectionToDo     = "todo"
	SectionDrafting = "drafting"
	SectionReview   = "review"
	SectionDone     = "done"
)

// SectionStatuses lists a section's statuses in order.
var SectionStatuses = []string{SectionToDo, SectionDrafting, SectionReview, SectionDone}

// SectionStatusLabel is the human name of a section's status.
func SectionStatusLabel(s string) string {
	switch s {
	case SectionToDo:
		return "To do"
	case SectionDrafting:
		return "Drafting"
	case SectionReview:
		return "In review"
	case SectionDone:
		return "Done"
	}
	return s
}

// SuggestedSections are the sections a proposal usually needs.
var SuggestedSections = []string{"Statement of need", "Approach", "Team", "Budget justification", "Evaluation", "Sustainability"}

// Section is a part of a proposal that someone writes.
type Section struct {
	ID         int64      `json:"id"`
	ProposalID int64      `json:"proposal_id"`
	Title      string     `json:"title"`
	OwnerID    *int64     `json:"owner_id,omitempty"`
	OwnerName  string     `json:"owner_name,omitempty"`
	DueAt      *time.Time `json:"due_at,omitempty"`
	Status     string     `json:"status" enum:"todo,drafting,review,done"`
	Body       string     `json:"body" doc:"Markdown."`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	Version    int64      `json:"version"`
}

// SectionInput holds a section's editable fields.
type SectionInput struct {
	Title   string
	OwnerID *int64
	DueAt   *time.Time
	Status  string
	Body    string
}

// Normalize trims fields and fills defaults.
func (in *SectionInput) Normalize() {
	in.Title, in.Status = strings.TrimSpace(in.Title), strings.TrimSpace(in.Status)
	if in.Status == "" {
		in.Status = SectionToDo
	}
	if in.DueAt != nil {
		t := in.DueAt.UTC().Truncate(time.Minute)
		in.DueAt = &t
	}
}

// Validate checks a section's fields.
func (in SectionInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, 200)
	if !slices.Contains(SectionStatuses, in.Status) {
		p.Add("status", "must be one of %s", strings.Join(SectionStatuses, ", "))
	}
	if in.DueAt != nil && (in.DueAt.Year() < 2000 || in.DueAt.Year() > 2200) {
		p.Add("due_at", "must be a date between 2000 and 2200")
	}
	checkText(&p, "body", in.Body, false, MaxLongTextLength)
	return p.Err()
}

// ProposalChecklist says what is missing before a proposal can go to its
// funder: a summary, initiatives, a budget, sections with owners and due
// dates, every section done, and a deadline still ahead.
func ProposalChecklist(p *Proposal, initiatives, budgetLines int, sections []Section, now time.Time) []CheckItem {
	items := []CheckItem{
		{Field: "summary", Label: "Summary", OK: strings.TrimSpace(p.Summary) != "", Message: "Write the summary."},
		{Field: "initiatives", Label: "Initiatives from the roadmap", OK: initiatives > 0, Message: "Add the initiatives the proposal funds."},
		{Field: "budget", Label: "Budget", OK: initiatives > 0 || budgetLines > 0, Message: "Add initiatives or budget lines."},
		{Field: "sections", Label: "Sections", OK: len(sections) > 0, Message: "Add the sections the funder asks for."},
	}
	for _, s := range sections {
		item := CheckItem{Field: fmt.Sprintf("section-%d", s.ID), Label: s.Title, OK: s.Status == SectionDone}
		switch {
		case s.Status == SectionDone:
		case s.OwnerID == nil:
			item.Message = "Nobody owns this section."
		case s.DueAt == nil:
			item.Message = fmt.Sprintf("%s (%s): no due date.", SectionStatusLabel(s.Status), s.OwnerName)
		case s.DueAt.Before(now):
			item.Message = fmt.Sprintf("Overdue since %s (%s, %s).", s.DueAt.Format("2 Jan 2006"), s.OwnerName, SectionStatusLabel(s.Status))
		default:
			item.Message = fmt.Sprintf("%s, due %s (%s).", SectionStatusLabel(s.Status), s.DueAt.Format("2 Jan 2006"), s.OwnerName)
		}
		items = append(items, item)
	}
	if ProposalOpen(p.Status) {
		items = append(items, CheckItem{Field: "deadline", Label: "Deadline ahead", OK: p.Deadline.After(now),
			Message: "The deadline passed on " + p.LocalDeadline().Format("2 Jan 2006 15:04 MST") + "."})
	}
	return items
}
