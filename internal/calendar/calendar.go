// Package calendar writes consortium meetings as iCalendar (RFC 5545) feeds
// that Google Calendar, Outlook and Thunderbird can subscribe to.
package calendar

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	ics "github.com/arran4/golang-ical"

	"consortia/internal/markdown"
	"consortia/internal/model"
)

// UID is a meeting's stable identifier: it never changes when the meeting
// does, so calendars update the event instead of adding a second one. It
// names the installation (instance), not the host the server was reached
// at, so moving to a new address does not duplicate every event.
func UID(instance string, meetingID int64) string {
	return fmt.Sprintf("meeting-%d.%s@consortia", meetingID, instance)
}

// Feed returns a calendar with the meetings; consortia names each
// meeting's consortium by id; instance names the installation (see UID).
// Lines end in CRLF as RFC 5545 requires.
func Feed(name, baseURL, instance string, meetings []*model.Meeting, consortia map[int64]*model.Consortium) string {
	cal := newCalendar(name, zonesOf(meetings))
	for _, m := range meetings {
		ev := cal.AddEvent(UID(instance, m.ID))
		ev.SetDtStampTime(m.UpdatedAt)
		ev.SetCreatedTime(m.CreatedAt)
		ev.SetModifiedAt(m.UpdatedAt)
		ev.SetSequence(m.Sequence)
		if loc := meetingZone(m); loc != nil {
			// The meeting's own zone, so it stays at its wall-clock time
			// for everyone if the zone's rules change.
			ev.SetProperty(ics.ComponentPropertyDtStart, m.StartsAt.In(loc).Format(icsLocal), ics.WithTZID(loc.String()))
			ev.SetProperty(ics.ComponentPropertyDtEnd, m.EndsAt().In(loc).Format(icsLocal), ics.WithTZID(loc.String()))
		} else {
			ev.SetStartAt(m.StartsAt)
			ev.SetEndAt(m.EndsAt())
		}
		title := m.Title
		if c := consortia[m.ConsortiumID]; c != nil {
			title = c.Name + ": " + m.Title
		}
		ev.SetSummary(title)
		link := strings.TrimRight(baseURL, "/") + fmt.Sprintf("/meetings/%d", m.ID)
		ev.SetURL(link)
		loc := m.Location
		if m.VideoURL != "" {
			if loc != "" {
				loc += " / "
			}
			loc += m.VideoURL
		}
		if loc != "" {
			ev.SetLocation(loc)
		}
		// Calendar programs show DESCRIPTION as plain text.
		desc := markdown.PlainText(m.Agenda)
		if desc != "" {
			desc += "\n\n"
		}
		ev.SetDescription(desc + "Details, RSVP and notes: " + link)
		if m.Cancelled {
			ev.SetStatus(ics.ObjectStatusCancelled)
		} else {
			ev.SetStatus(ics.ObjectStatusConfirmed)
		}
	}
	return cal.Serialize(ics.WithNewLineWindows)
}

// newCalendar starts a published feed refreshed hourly, with a VTIMEZONE
// for each zone its events use, over the span they need.
func newCalendar(name string, zones map[string]*span) *ics.Calendar {
	cal := ics.NewCalendarFor("consortia")
	cal.SetMethod(ics.MethodPublish)
	cal.SetName(name)
	cal.SetXWRCalName(name)
	cal.SetRefreshInterval("PT1H")
	cal.SetXPublishedTTL("PT1H")
	for _, name := range slices.Sorted(maps.Keys(zones)) {
		z := zones[name]
		addTimezone(cal, z.loc, z.from, z.to)
	}
	return cal
}
