package app

import (
	"context"
	"fmt"
	"slices"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// Co-writing a proposal: sections with an owner, a due date and a status,
// and reminders to the owners before due dates and the deadline.

func init() { RegisterTodoProvider(model.TodoSection, sectionTodos) }

// sectionTodos lists the unfinished sections the person owns in proposals
// still being written, in one query.
func sectionTodos(ctx context.Context, q TodoQuery) ([]model.Todo, error) {
	owned, err := q.store.SectionsOwnedBy(ctx, q.User.ID)
	if err != nil {
		return nil, err
	}
	out := make([]model.Todo, len(owned))
	for i, s := range owned {
		out[i] = model.Todo{Kind: model.TodoSection, Action: fmt.Sprintf("Write %q", s.Title), Title: s.ProposalTitle,
			URL: fmt.Sprintf("/proposals/%d#section-%d", s.ProposalID, s.SectionID), Due: s.DueAt,
			Key: fmt.Sprintf("%s:%d:%d", model.TodoSection, s.ProposalID, s.SectionID)}
	}
	return out, nil
}

// Reminder lead times: a section's owner hears SectionReminderLead before
// its due date, and the owners of a proposal's unfinished sections hear
// DeadlineReminderLead before the deadline.
const (
	SectionReminderLead  = 3 * 24 * time.Hour
	DeadlineReminderLead = 7 * 24 * time.Hour
)

// checkOwner refuses an owner who is neither staff nor one of the lead
// community's people.
func checkOwner(ctx context.Context, tx *storage.Tx, p *model.Proposal, owner *int64) error {
	if owner == nil {
		return nil
	}
	owners, err := tx.SectionOwners(ctx, p.LeadCommunityID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(owners, func(o model.PersonRef) bool { return o.ID == *owner }) {
		return fieldErr("owner_id", "must be a person of the host or of the lead community")
	}
	return nil
}

// AddSection adds a section to a proposal; staff or the lead community's
// leads.
func (a *App) AddSection(ctx context.Context, actor *model.User, proposalID int64, in model.SectionInput) (*model.Section, error) {
	in.Normalize()
	var out model.Section
	err := a.editProposal(ctx, actor, proposalID, in.Validate, func(tx *storage.Tx, p *model.Proposal) error {
		if err := checkOwner(ctx, tx, p, in.OwnerID); err != nil {
			return err
		}
		id, err := tx.CreateSection(ctx, proposalID, in)
		if err != nil {
			return err
		}
		if out, err = tx.SectionOf(ctx, proposalID, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.section.create", "proposal", idStr(proposalID), nil, out)
	})
	return &out, err
}

// UpdateSection changes a section. Staff and the lead community's leads
// change anything; the section's owner changes its status and text. A
// non-zero version must match.
func (a *App) UpdateSection(ctx context.Context, actor *model.User, proposalID, sectionID, version int64, in model.SectionInput) (*model.Section, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	var out model.Section
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		p, err := loadVisibleProposal(ctx, tx, actor, proposalID)
		if err != nil {
			return err
		}
		before, err := tx.SectionOf(ctx, proposalID, sectionID)
		if err != nil {
			return err
		}
		editor, err := canEditProposal(ctx, tx, actor, p)
		if err != nil {
			return err
		}
		owner := before.OwnerID != nil && *before.OwnerID == actor.ID
		switch {
		case editor:
		case owner && in.Title == before.Title && samePtr(in.OwnerID, before.OwnerID) && sameTime(in.DueAt, before.DueAt):
		case owner:
			return forbidden("The owner of a section changes its status and text; staff and the lead community's leads change the rest.")
		default:
			return forbidden("Only staff, the lead community's leads and the section's owner can change this section.")
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if err := checkOwner(ctx, tx, p, in.OwnerID); err != nil {
			return err
		}
		if err := tx.UpdateSection(ctx, before, version, in); err != nil {
			return err
		}
		if out, err = tx.SectionOf(ctx, proposalID, sectionID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.section.update", "proposal", idStr(proposalID), before, out)
	})
	return &out, err
}

func samePtr(a, b *int64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func sameTime(a, b *time.Time) bool { return (a == nil) == (b == nil) && (a == nil || a.Equal(*b)) }

// RemoveSection deletes a section; staff or the lead community's leads.
func (a *App) RemoveSection(ctx context.Context, actor *model.User, proposalID, sectionID int64) error {
	return a.editProposal(ctx, actor, proposalID, nil, func(tx *storage.Tx, _ *model.Proposal) error {
		before, err := tx.SectionOf(ctx, proposalID, sectionID)
		if err != nil {
			return err
		}
		if err := tx.DeleteSection(ctx, proposalID, sectionID); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "proposal.section.delete", "proposal", idStr(proposalID), before, nil)
	})
}

// SendProposalReminders reminds owners, through the outbox, of sections
// falling due within SectionReminderLead and of deadlines within
// DeadlineReminderLead (each once; a new owner or due date, or a moved
// deadline, is reminded again). Only the owners hear: a section's owner of
// its due date, the owners of a proposal's unfinished sections of its
// deadline. It returns how many reminders it queued.
func (a *App) SendProposalReminders(ctx context.Context) (int, error) {
	now := a.now()
	sent := 0
	sections, err := a.store.DueSections(ctx, now.Add(SectionReminderLead))
	if err != nil {
		return 0, err
	}
	for _, s := range sections {
		err := a.inTx(ctx, func(tx *storage.Tx) error {
			first, err := tx.MarkSectionReminded(ctx, s.ID)
			if err != nil || !first {
				return err
			}
			p, err := tx.ProposalByID(ctx, s.ProposalID)
			if err != nil {
				return err
			}
			when := "is due on " + s.DueAt.In(p.LocalDeadline().Location()).Format("Mon 2 Jan 2006, 15:04 MST")
			if s.DueAt.Before(now) {
				when = "was due on " + s.DueAt.In(p.LocalDeadline().Location()).Format("Mon 2 Jan 2006, 15:04 MST")
			}
			sent++
			return a.remind(ctx, tx, p, []int64{*s.OwnerID}, fmt.Sprintf("Your section %q of %s %s", s.Title, p.Title, when),
				fmt.Sprintf("You own the section **%s** (%s) of the proposal to %s. The proposal's deadline is %s.", s.Title,
					model.SectionStatusLabel(s.Status), p.Funder, p.LocalDeadline().Format("Mon 2 Jan 2006, 15:04 MST")))
		})
		if err != nil {
			return sent, err
		}
	}
	proposals, err := a.store.DueDeadlines(ctx, now, now.Add(DeadlineReminderLead))
	if err != nil {
		return sent, err
	}
	for _, p := range proposals {
		err := a.inTx(ctx, func(tx *storage.Tx) error {
			first, err := tx.MarkDeadlineReminded(ctx, p.ID)
			if err != nil || !first {
				return err
			}
			secs, err := tx.Sections(ctx, p.ID)
			if err != nil {
				return err
			}
			var owners []int64
			for _, s := range secs {
				if s.OwnerID != nil && s.Status != model.SectionDone && !slices.Contains(owners, *s.OwnerID) {
					owners = append(owners, *s.OwnerID)
				}
			}
			if len(owners) == 0 {
				return nil
			}
			sent++
			return a.remind(ctx, tx, p, owners, fmt.Sprintf("%s is due to %s on %s", p.Title, p.Funder, p.LocalDeadline().Format("Mon 2 Jan 2006, 15:04 MST")),
				"You own a section of this proposal that is not done yet. See what is missing on the proposal's checklist.")
		})
		if err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// remind queues a reminder to the given people only (at once, by email,
// unless they turned email off).
func (a *App) remind(ctx context.Context, tx *storage.Tx, p *model.Proposal, to []int64, title, body string) error {
	return a.emit(ctx, tx, nil, model.Event{Kind: model.EventProposalDue, Audience: model.AudienceStaff, Title: title, Body: body,
		URL: fmt.Sprintf("/proposals/%d", p.ID), Importance: model.ImportanceRequest, To: to, ActorName: "consortia"}, nil)
}
