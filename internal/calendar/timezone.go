package calendar

import (
	"fmt"
	"time"

	ics "github.com/arran4/golang-ical"

	"consortia/internal/model"
)

// icsLocal is a DATE-TIME in local ("floating") form; with a TZID it is a
// wall-clock time in that zone (RFC 5545 §3.3.5, form #3).
const icsLocal = "20060102T150405"

// onset is one change of a zone's UTC offset.
type onset struct {
	at       time.Time // the instant of the change
	from, to int       // UTC offsets in seconds before and after
	name     string    // abbreviation after, e.g. CEST
	dst      bool
}

// onsets lists the offset changes of loc between from and to, after a
// first onset at from that states the offset then in effect.
func onsets(loc *time.Location, from, to time.Time) []onset {
	name, off := from.In(loc).Zone()
	out := []onset{{at: from, from: off, to: off, name: name, dst: from.In(loc).IsDST()}}
	for t := from; t.Before(to); {
		next := t.Add(24 * time.Hour)
		if _, o := next.In(loc).Zone(); o != off {
			// Search the day for the second the offset changed.
			lo, hi := t, next
			for hi.Sub(lo) > time.Second {
				mid := lo.Add(hi.Sub(lo) / 2)
				if _, o := mid.In(loc).Zone(); o == off {
					lo = mid
				} else {
					hi = mid
				}
			}
			n, o := hi.In(loc).Zone()
			out = append(out, onset{at: hi, from: off, to: o, name: n, dst: hi.In(loc).IsDST()})
			off = o
		}
		t = next
	}
	return out
}

// addTimezone adds a VTIMEZONE for loc to cal with every offset change
// from the start of from's year to the end of to's year, taken from the
// IANA database, so a calendar program shows the right wall-clock times
// without knowing the zone itself.
func addTimezone(cal *ics.Calendar, loc *time.Location, from, to time.Time) {
	start := time.Date(from.UTC().Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(to.UTC().Year()+1, 1, 1, 0, 0, 0, 0, time.UTC)
	tz := cal.AddTimezone(loc.String())
	for _, o := range onsets(loc, start, end) {
		var c *ics.ComponentBase
		if o.dst {
			d := &ics.Daylight{}
			tz.Components = append(tz.Components, d)
			c = &d.ComponentBase
		} else {
			s := tz.AddStandard()
			c = &s.ComponentBase
		}
		// DTSTART of an onset is the local time before the change.
		c.AddProperty(ics.ComponentPropertyDtStart, o.at.In(time.FixedZone("", o.from)).Format(icsLocal))
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom), utcOffset(o.from))
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzoffsetto), utcOffset(o.to))
		c.AddProperty(ics.ComponentProperty(ics.PropertyTzname), o.name)
	}
}

// utcOffset writes seconds east of UTC as RFC 5545 wants: +0100, -0330.
func utcOffset(sec int) string {
	sign := "+"
	if sec < 0 {
		sign, sec = "-", -sec
	}
	s := fmt.Sprintf("%s%02d%02d", sign, sec/3600, sec%3600/60)
	if sec%60 != 0 {
		s += fmt.Sprintf("%02d", sec%60)
	}
	return s
}

// span is the first start and last end of the meetings in one zone.
type span struct {
	loc      *time.Location
	from, to time.Time
}

// zonesOf returns the zones (other than UTC) the meetings are planned in,
// by name, with the time each spans.
func zonesOf(meetings []*model.Meeting) map[string]*span {
	zones := map[string]*span{}
	for _, m := range meetings {
		loc := meetingZone(m)
		if loc == nil {
			continue
		}
		z := zones[loc.String()]
		if z == nil {
			z = &span{loc: loc, from: m.StartsAt, to: m.EndsAt()}
			zones[loc.String()] = z
		}
		z.from, z.to = minTime(z.from, m.StartsAt), maxTime(z.to, m.EndsAt())
	}
	return zones
}

// meetingZone is the zone a meeting is planned in; nil for UTC (written
// with a Z) and for names the IANA database does not know.
func meetingZone(m *model.Meeting) *time.Location { return zoneNamed(m.TimeZone) }

// zoneNamed is the IANA zone of that name; nil for UTC and unknown names.
func zoneNamed(name string) *time.Location {
	if name == "" || name == "UTC" {
		return nil
	}
	loc, err := time.LoadLocation(name)
	if err != nil || loc == time.UTC {
		return nil
	}
	return loc
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
