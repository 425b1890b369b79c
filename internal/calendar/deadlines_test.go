package calendar

import (
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
)

func TestDeadlines(t *testing.T) {
	at := time.Date(2027, 3, 1, 16, 0, 0, 0, time.UTC) // 17:00 in Berlin
	body := Deadlines("Proposal deadlines", "https://c.example.org/", "inst", []*model.Proposal{
		{ID: 7, Title: "GPUs for teaching", Funder: "OSF", Deadline: at, TimeZone: "Europe/Berlin", Status: model.ProposalDrafting,
			Amount: model.Money{Amount: 2500000, Currency: "USD"}, Version: 3, CreatedAt: at, UpdatedAt: at},
		{ID: 8, Title: "Withdrawn one", Funder: "NSF", Deadline: at, TimeZone: "UTC", Status: model.ProposalWithdrawn, Version: 1,
			CreatedAt: at, UpdatedAt: at},
	})
	for _, want := range []string{
		"UID:proposal-7.inst@consortia", "DTSTART;TZID=Europe/Berlin:20270301T170000", "DTEND;TZID=Europe/Berlin:20270301T173000",
		"SEQUENCE:2", "SUMMARY:Deadline: GPUs for teaching (OSF)", "URL:https://c.example.org/proposals/7", "BEGIN:VTIMEZONE",
		"UID:proposal-8.inst@consortia", "DTSTART:20270301T160000Z", "STATUS:CANCELLED",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("feed lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(strings.ReplaceAll(body, "\r\n", ""), "\n") {
		t.Error("lines must end in CRLF")
	}
}
