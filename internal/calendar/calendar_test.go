package calendar

import (
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
		"DTSTART:20270114T170000Z", "DTEND:20270114T183000Z", "SUMMARY:Cloud costs: Q1 prioritization",
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
