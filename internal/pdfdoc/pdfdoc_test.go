package pdfdoc_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/pdfdoc"
	"consortia/internal/pdfdoc/pdftext"
)

func usd(a int64) model.Money { return model.Money{Amount: a, Currency: "USD"} }

func samplePacket(initiatives, stories, letters int) pdfdoc.Packet {
	ny, _ := time.LoadLocation("America/New_York")
	p := pdfdoc.Packet{
		Title:       "Shared GPU hubs for teaching",
		Funder:      "Open Science Fund — Infrastructure programme",
		Lead:        "Northfield University (the host is subawardee)",
		Deadline:    time.Date(2027, 3, 15, 17, 0, 0, 0, ny),
		Amount:      usd(25_000_050),
		Summary:     "Teaching hubs need GPUs for a few weeks a term.\nThis proposal shares them.",
		GeneratedAt: time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC),
		Budget: []pdfdoc.BudgetLine{
			{Label: "GPU scheduling", Low: usd(1_800_000), High: usd(3_000_050)},
			{Label: "Travel", Low: usd(250_025), High: usd(250_025)},
		},
		BudgetNotes:   []string{"The host's share as subawardee: USD 20,500.75."},
		Collaborators: []pdfdoc.Collaborator{{Name: "Universität Zürich", Wording: "We agree to be named as a collaborator on this proposal."}},
	}
	for i := range initiatives {
		p.Initiatives = append(p.Initiatives, pdfdoc.Initiative{
			Title:    fmt.Sprintf("Initiative number %d", i+1),
			Problem:  strings.Repeat("Instructors wait days for a GPU node. ", 12),
			Solution: strings.Repeat("A shared queue with term reservations. ", 10),
			Estimate: pdfdoc.Estimate{HoursLow: 120, HoursHigh: 200, CostLow: usd(1_800_000), CostHigh: usd(3_000_000)},
		})
	}
	for i := range stories {
		p.Stories = append(p.Stories, pdfdoc.Story{
			Community: fmt.Sprintf("Community %d", i+1),
			Who:       "Graduate instructors in physics",
			Before:    "Labs were cancelled when the queue was full.",
			After:     "Every lab ran on time.",
			Quote:     "We stopped apologising to students.",
			Numbers:   "400 students a term",
		})
	}
	for i := range letters {
		p.Letters = append(p.Letters, pdfdoc.Letter{Community: fmt.Sprintf("Community %d", i+1), FileName: "letter.pdf", Size: 1 << 20, Uploaded: p.GeneratedAt})
	}
	return p
}

func TestPacketReadsBack(t *testing.T) {
	p := samplePacket(2, 1, 1)
	var buf bytes.Buffer
	if err := pdfdoc.WritePacket(&buf, p); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:16])
	}
	text := pdftext.Extract(t, buf.Bytes())
	for _, want := range []string{
		"Shared GPU hubs for teaching",
		"Open Science Fund — Infrastructure programme",
		"15 March 2027, 17:00 (America/New_York)",
		"USD 250,000.50",
		"Teaching hubs need GPUs",
		"Initiative number 2",
		"120–200 hours, USD 18,000–USD 30,000",
		"Total USD 20,500.25 USD 32,500.75", // exact sums of the lines
		"Universität Zürich: We agree to be named as a collaborator on this proposal.",
		"Story 1: Community 1",
		"“We stopped apologising to students.”",
		"Community 1 — letter.pdf (1.0 MB, 5 December 2026)",
	} {
		hasText(t, text, want)
	}
}

// hasText fails the test when the PDF's text lacks the phrase.
func hasText(t *testing.T, text, want string) {
	t.Helper()
	if !strings.Contains(text, want) {
		t.Errorf("the PDF's text lacks %q:\n%s", want, text)
	}
}

// A community that is not in the struct (no consent) appears nowhere, and an
// empty packet says what is missing instead of leaving blank sections.
func TestPacketNamesOnlyWhoIsListed(t *testing.T) {
	p := samplePacket(0, 0, 0)
	p.Collaborators = nil
	var buf bytes.Buffer
	if err := pdfdoc.WritePacket(&buf, p); err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, buf.Bytes())
	if strings.Contains(text, "Zürich") {
		t.Errorf("a community without consent is named:\n%s", text)
	}
	for _, want := range []string{"No community has consented to be named yet.", "No user stories yet.", "No letters of support yet.", "No initiatives are linked"} {
		hasText(t, text, want)
	}
}

// Characters outside the core fonts' code page become "?" instead of
// vanishing; control characters do not break the document.
func TestPacketOddCharacters(t *testing.T) {
	p := samplePacket(1, 0, 0)
	p.Title = "Łódź hubs \x00\x1b ok"
	var buf bytes.Buffer
	if err := pdfdoc.WritePacket(&buf, p); err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, buf.Bytes())
	if !strings.Contains(text, "?ód? hubs ok") {
		t.Errorf("want the title with ? for the missing letters:\n%s", text)
	}
}

func TestStatementOfWorkReadsBack(t *testing.T) {
	s := pdfdoc.StatementOfWork{
		Initiative: pdfdoc.Initiative{
			Title: "Term reservations for GPUs", Problem: "Queues are full at term start.",
			Solution: "Reserve nodes per course.", Implementation: "A scheduler plugin.",
			Estimate: pdfdoc.Estimate{HoursLow: 80, HoursHigh: 120, CostLow: usd(1_200_000), CostHigh: usd(1_800_000)},
			Tasks:    []pdfdoc.Task{{Title: "Design the reservation API", Done: true}, {Title: "Ship the plugin"}},
		},
		Version:      3,
		Goal:         usd(1_500_000),
		CoFunders:    []pdfdoc.CoFunder{{Name: "Northfield University", Share: usd(1_000_001)}, {Name: "Eastbay College", Share: usd(499_999)}},
		Timeline:     "January to March 2027.",
		Acknowledged: []pdfdoc.Acknowledgement{{Community: "Eastbay College", By: "Ana Ruiz", At: time.Date(2027, 1, 4, 9, 0, 0, 0, time.UTC)}},
		GeneratedAt:  time.Date(2027, 1, 2, 9, 0, 0, 0, time.UTC),
	}
	var buf bytes.Buffer
	if err := pdfdoc.WriteStatementOfWork(&buf, s); err != nil {
		t.Fatal(err)
	}
	text := pdftext.Extract(t, buf.Bytes())
	for _, want := range []string{
		"STATEMENT OF WORK", "Term reservations for GPUs", "Version 3", "USD 15,000",
		"Implementation A scheduler plugin.",
		"M1. Design the reservation API (done)", "M2. Ship the plugin (to do)",
		"Hours 80 120", "Cost USD 12,000 USD 18,000",
		"Northfield University USD 10,000.01", "Eastbay College USD 4,999.99", "Total USD 15,000",
		"January to March 2027.",
		"Eastbay College, by Ana Ruiz on 4 January 2027",
		"(version 3)",
	} {
		hasText(t, text, want)
	}
}

func TestTotalsPerCurrency(t *testing.T) {
	eur := func(a int64) model.Money { return model.Money{Amount: a, Currency: "EUR"} }
	low, high := pdfdoc.Totals([]pdfdoc.BudgetLine{
		{Low: usd(1), High: usd(2)}, {Low: eur(10), High: eur(20)}, {Low: usd(100), High: usd(200)},
	})
	if fmt.Sprint(low, high) != "[USD 1.01 EUR 0.10] [USD 2.02 EUR 0.20]" {
		t.Fatalf("totals: %v %v", low, high)
	}
}

// The figure: a packet with 20 initiatives and 30 endorsements is
// generated in well under a second.
func BenchmarkPacket20Initiatives30Endorsements(b *testing.B) {
	p := samplePacket(20, 30, 30)
	for range 30 {
		p.Collaborators = append(p.Collaborators, pdfdoc.Collaborator{Name: "A community", Wording: "We agree to be named."})
	}
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := pdfdoc.WritePacket(&buf, p); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "pdf-bytes")
}
