package calendar

import (
	"sort"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"consortia/internal/model"
)

func TestFeed(t *testing.T) {
	start := time.Date(2027, 1, 14, 17, 0, 0, 0, time.UTC)
	m := &model.Meeting{ID: 7, ConsortiumID: 1, Title: "Q1 prioritization", StartsAt: start, Duration: 90, TimeZone: "America/Los_Angeles",
		VideoURL: "https://meet.example.org/abc", Agenda: model.DefaultAgenda, Sequence: 2, CreatedAt: start.Add(-time.Hour), UpdatedAt: start.Add(-time.Minute)}
	cs := map[int64]*model.Consortium{1: {ID: 1, Name: "Cloud costs"}}
	out := Feed("Cloud costs meetings", "https://consortia.example.org", "inst1", []*model.Meeting{m}, cs)
	// Every line ends in CRLF and none is longer than 75 octets.
	lines := strings.Split(out, "\r\n")
	for i, l := range lines {
		if strings.Contains(l, "\n") {
			t.Fatalf("line %d has a bare LF: %q", i, l)
		}
		if len(l) > 75 {
			t.Fatalf("line %d is %d octets", i, len(l))
		}
	}
	for _, want := range []string{"BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:", "UID:meeting-7.inst1@consortia", "SEQUENCE:2",
		"DTSTART;TZID=America/Los_Angeles:20270114T090000", "DTEND;TZID=America/Los_Angeles:20270114T103000",
		"BEGIN:VTIMEZONE", "TZID:America/Los_Angeles", "TZOFFSETFROM:-0800", "TZOFFSETTO:-0700", "TZNAME:PDT", "SUMMARY:Cloud costs: Q1 prioritization",
		"URL:https://consortia.example.org/meetings/7", "STATUS:CONFIRMED", "END:VCALENDAR"} {
		if !strings.Contains(out, want) {
			t.Errorf("feed lacks %q:\n%s", want, out)
		}
	}
	// It parses back, and the UID stays when the meeting changes.
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil || len(cal.Events()) != 1 {
		t.Fatalf("parse: %v", err)
	}
	m.StartsAt, m.Sequence, m.Cancelled = start.Add(24*time.Hour), 3, true
	again := Feed("x", "https://consortia.example.org", "inst1", []*model.Meeting{m}, cs)
	if !strings.Contains(again, "UID:meeting-7.inst1@consortia") || !strings.Contains(again, "STATUS:CANCELLED") || !strings.Contains(again, "SEQUENCE:3") {
		t.Fatalf("changed meeting:\n%s", again)
	}
}

// The description is plain text (calendar programs show no Markdown), and
// the UID does not depend on the address the server is reached at.
func TestFeedDescriptionAndUIDAcrossAddresses(t *testing.T) {
	start := time.Date(2027, 1, 14, 17, 0, 0, 0, time.UTC)
	m := &model.Meeting{ID: 7, ConsortiumID: 1, Title: "Q1", StartsAt: start, Duration: 60, TimeZone: "UTC",
		Agenda: model.DefaultAgenda, CreatedAt: start, UpdatedAt: start}
	uid := func(base string) (string, string) {
		cal, err := ics.ParseCalendar(strings.NewReader(Feed("x", base, "inst1", []*model.Meeting{m}, nil)))
		if err != nil || len(cal.Events()) != 1 {
			t.Fatalf("parse: %v", err)
		}
		ev := cal.Events()[0]
		return ev.Id(), ev.GetProperty(ics.ComponentPropertyDescription).Value
	}
	a, desc := uid("https://consortia.example.org")
	b, _ := uid("http://127.0.0.1:8080")
	if a != b {
		t.Errorf("UID changed with the base URL: %q vs %q", a, b)
	}
	if strings.Contains(desc, "**") || !strings.Contains(desc, "What's done — work delivered") {
		t.Errorf("description is not plain text: %q", desc)
	}
}

// Each meeting is written in its own zone with a VTIMEZONE that says how
// that zone's wall-clock times map to UTC; reading the feed the way a
// calendar program does (local time minus the offset in effect) gives back
// every meeting's instant, across daylight-saving changes and odd offsets.
func TestFeedTimeZones(t *testing.T) {
	at := func(y int, mo time.Month, d, h, mi int) time.Time { return time.Date(y, mo, d, h, mi, 0, 0, time.UTC) }
	meetings := []*model.Meeting{
		{ID: 1, StartsAt: at(2027, 1, 14, 16, 0), TimeZone: "Europe/Berlin"},      // CET
		{ID: 2, StartsAt: at(2027, 7, 14, 15, 0), TimeZone: "Europe/Berlin"},      // CEST
		{ID: 3, StartsAt: at(2027, 3, 28, 0, 30), TimeZone: "Europe/Berlin"},      // 01:30, half an hour before the change
		{ID: 4, StartsAt: at(2027, 3, 28, 1, 30), TimeZone: "Europe/Berlin"},      // 03:30, after it
		{ID: 5, StartsAt: at(2028, 2, 1, 4, 0), TimeZone: "Asia/Kolkata"},         // +0530
		{ID: 6, StartsAt: at(2027, 11, 3, 12, 0), TimeZone: "America/St_Johns"},   // -0230 until 7 Nov
		{ID: 7, StartsAt: at(2027, 11, 9, 12, 0), TimeZone: "America/St_Johns"},   // -0330
		{ID: 8, StartsAt: at(2027, 10, 3, 1, 0), TimeZone: "Australia/Lord_Howe"}, // half-hour daylight saving
		{ID: 9, StartsAt: at(2027, 5, 5, 9, 0), TimeZone: "UTC"},
	}
	for _, m := range meetings {
		m.Title, m.Duration, m.CreatedAt, m.UpdatedAt = "M", 60, m.StartsAt, m.StartsAt
	}
	out := Feed("x", "https://consortia.example.org", "inst1", meetings, nil)
	if !strings.Contains(out, "DTSTART:20270505T090000Z") {
		t.Errorf("a UTC meeting is not written in UTC:\n%s", out)
	}
	if !strings.Contains(out, "DTSTART;TZID=Europe/Berlin:20270328T033000") || !strings.Contains(out, "DTSTART;TZID=Asia/Kolkata:20280201T093000") {
		t.Errorf("wall-clock times:\n%s", out)
	}
	if n := strings.Count(out, "BEGIN:VTIMEZONE"); n != 4 {
		t.Errorf("%d VTIMEZONE components, want one per zone other than UTC (4)", n)
	}
	cal, err := ics.ParseCalendar(strings.NewReader(out))
	if err != nil {
		t.Fatal(err)
	}
	zones := map[string][]zoneOnset{}
	for _, tz := range cal.Timezones() {
		id := tz.GetProperty(ics.ComponentPropertyTzid).Value
		for _, c := range tz.Components {
			var base *ics.ComponentBase
			switch x := c.(type) {
			case *ics.Standard:
				base = &x.ComponentBase
			case *ics.Daylight:
				base = &x.ComponentBase
			default:
				t.Fatalf("%s holds a %T", id, c)
			}
			from := parseOffset(t, base.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetfrom)).Value)
			to := parseOffset(t, base.GetProperty(ics.ComponentProperty(ics.PropertyTzoffsetto)).Value)
			local, err := time.Parse("20060102T150405", base.GetProperty(ics.ComponentPropertyDtStart).Value)
			if err != nil {
				t.Fatal(err)
			}
			zones[id] = append(zones[id], zoneOnset{at: local.Add(-from), to: to})
		}
		sort.Slice(zones[id], func(i, j int) bool { return zones[id][i].at.Before(zones[id][j].at) })
	}
	for i, ev := range cal.Events() {
		m := meetings[i]
		p := ev.GetProperty(ics.ComponentPropertyDtStart)
		if m.TimeZone == "UTC" {
			continue
		}
		if got := p.ICalParameters["TZID"]; len(got) != 1 || got[0] != m.TimeZone {
			t.Fatalf("meeting %d: TZID %v", m.ID, got)
		}
		local, err := time.Parse("20060102T150405", p.Value)
		if err != nil {
			t.Fatal(err)
		}
		if got := resolve(zones[m.TimeZone], local); !got.Equal(m.StartsAt) {
			t.Errorf("meeting %d in %s: %s reads as %v, want %v", m.ID, m.TimeZone, p.Value, got, m.StartsAt)
		}
	}
}

type zoneOnset struct {
	at time.Time // UTC instant of the change
	to time.Duration
}

// resolve turns a wall-clock time into UTC with the offset in effect.
func resolve(onsets []zoneOnset, local time.Time) time.Time {
	off := time.Duration(0)
	for _, o := range onsets {
		if !local.Add(-o.to).Before(o.at) {
			off = o.to
		}
	}
	return local.Add(-off)
}

func parseOffset(t *testing.T, s string) time.Duration {
	t.Helper()
	if len(s) != 5 && len(s) != 7 {
		t.Fatalf("offset %q", s)
	}
	d, err := time.ParseDuration(s[1:3] + "h" + s[3:5] + "m")
	if err != nil {
		t.Fatal(err)
	}
	if s[0] == '-' {
		d = -d
	}
	return d
}
