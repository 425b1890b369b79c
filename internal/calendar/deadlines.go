package calendar

import (
	"fmt"
	"strings"
	"time"

	ics "github.com/arran4/golang-ical"

	"consortia/internal/model"
)

// DeadlineLength is how long a deadline's event lasts in a calendar: it
// starts at the deadline.
const DeadlineLength = 30 * time.Minute

// DeadlineUID is a proposal deadline's stable identifier (see UID).
func DeadlineUID(instance string, proposalID int64) string {
	return fmt.Sprintf("proposal-%d.%s@consortia", proposalID, instance)
}

// Deadlines returns a calendar with the proposals' deadlines, each in its
// proposal's own time zone; a withdrawn or declined proposal's deadline is
// cancelled. Every change to a proposal raises its event's sequence.
func Deadlines(name, baseURL, instance string, proposals []*model.Proposal) string {
	zones := map[string]*span{}
	for _, p := range proposals {
		if loc := zoneNamed(p.TimeZone); loc != nil {
			end := p.Deadline.Add(DeadlineLength)
			if z := zones[loc.String()]; z != nil {
				z.from, z.to = minTime(z.from, p.Deadline), maxTime(z.to, end)
			} else {
				zones[loc.String()] = &span{loc: loc, from: p.Deadline, to: end}
			}
		}
	}
	cal := newCalendar(name, zones)
	for _, p := range proposals {
		ev := cal.AddEvent(DeadlineUID(instance, p.ID))
		ev.SetDtStampTime(p.UpdatedAt)
		ev.SetCreatedTime(p.CreatedAt)
		ev.SetModifiedAt(p.UpdatedAt)
		ev.SetSequence(int(p.Version - 1))
		end := p.Deadline.Add(DeadlineLength)
		if loc := zoneNamed(p.TimeZone); loc != nil {
			ev.SetProperty(ics.ComponentPropertyDtStart, p.Deadline.In(loc).Format(icsLocal), ics.WithTZID(loc.String()))
			ev.SetProperty(ics.ComponentPropertyDtEnd, end.In(loc).Format(icsLocal), ics.WithTZID(loc.String()))
		} else {
			ev.SetStartAt(p.Deadline)
			ev.SetEndAt(end)
		}
		ev.SetSummary("Deadline: " + p.Title + " (" + p.Funder + ")")
		link := strings.TrimRight(baseURL, "/") + fmt.Sprintf("/proposals/%d", p.ID)
		ev.SetURL(link)
		ev.SetDescription(fmt.Sprintf("Proposal to %s for %s, now %s.\n\nChecklist and sections: %s", p.Funder, p.Amount.String(), p.Status, link))
		if p.Status == model.ProposalWithdrawn || p.Status == model.ProposalDeclined {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.Serialize(ics.WithNewLineWindows)
}
