package pdfdoc

import (
	"fmt"
	"io"
	"strings"
	"time"

	"consortia/internal/model"
)

// Packet is everything a proposal's packet shows. Whoever fills it has already
// left out what the reader may not see and every community without current
// consent to be named.
type Packet struct {
	Title       string
	Funder      string // "Sloan Foundation — Better Software for Science"
	Lead        string // who leads the proposal, and the host's role
	Deadline    time.Time
	Amount      model.Money
	Summary     string // plain text
	Initiatives []Initiative
	Budget      []BudgetLine
	BudgetNotes []string // e.g. the host's share as subawardee
	// Collaborators are the communities that consented to be named, with the
	// wording they consented to.
	Collaborators []Collaborator
	Stories       []Story
	Letters       []Letter
	GeneratedAt   time.Time
}

// BudgetLine is one row of the budget table, as a low–high range.
type BudgetLine struct {
	Label     string
	Low, High model.Money
}

// Collaborator is a community named with its consent.
type Collaborator struct {
	Name    string
	Wording string // the exact sentence consented to
}

// Story is a user story of impact a community told.
type Story struct {
	Community string // empty when the community did not consent to be named
	Who       string
	Before    string
	After     string
	Quote     string
	Numbers   string
}

// Letter is a letter of support listed in the packet (the ZIP holds the file).
type Letter struct {
	Community string
	FileName  string
	Size      int64
	Uploaded  time.Time
}

// WritePacket renders the proposal packet as PDF into w.
func WritePacket(w io.Writer, p Packet) error {
	d := newDoc(p.Title, "Proposal packet: "+p.Title, p.GeneratedAt)
	d.pdf.SetFont("Helvetica", "", smallSize)
	d.pdf.CellFormat(0, 5, "PROPOSAL PACKET", "", 1, "L", false, 0, "")
	d.title(p.Title)
	d.facts([][2]string{
		{"Funder", p.Funder},
		{"Lead", p.Lead},
		{"Deadline", dateTime(p.Deadline)},
		{"Amount requested", moneyText(p.Amount)},
		{"Prepared", date(p.GeneratedAt)},
	})

	d.heading("Summary")
	d.para(p.Summary)

	d.heading("Initiatives")
	if len(p.Initiatives) == 0 {
		d.bullets(nil, "No initiatives are linked to this proposal.")
	}
	for _, in := range p.Initiatives {
		d.initiative(in, false)
	}

	d.heading("Budget")
	d.budget(p.Budget)
	for _, n := range p.BudgetNotes {
		d.para(n)
	}

	d.heading("Collaborators")
	var names []string
	for _, c := range p.Collaborators {
		line := c.Name
		if c.Wording != "" {
			line += ": " + c.Wording
		}
		names = append(names, line)
	}
	d.bullets(names, "No community has consented to be named yet.")

	d.heading("User stories")
	if len(p.Stories) == 0 {
		d.bullets(nil, "No user stories yet.")
	}
	for i, s := range p.Stories {
		title := fmt.Sprintf("Story %d", i+1)
		if s.Community != "" {
			title += ": " + s.Community
		}
		d.subheading(title)
		d.labelled("Who", s.Who)
		d.labelled("Before", s.Before)
		d.labelled("What changed, or would change", s.After)
		if q := strings.TrimSpace(s.Quote); q != "" {
			d.labelled("In their words", "“"+q+"”")
		}
		d.labelled("Numbers", s.Numbers)
	}

	d.heading("Letters of support")
	var letters []string
	for _, l := range p.Letters {
		letters = append(letters, fmt.Sprintf("%s — %s (%s, %s)", l.Community, l.FileName, sizeText(l.Size), date(l.Uploaded)))
	}
	d.bullets(letters, "No letters of support yet.")
	return d.write(w)
}

// budget writes the budget table with its totals (per currency when lines differ).
func (d *doc) budget(lines []BudgetLine) {
	if len(lines) == 0 {
		d.bullets(nil, "No budget lines yet.")
		return
	}
	rows := make([][]string, 0, len(lines))
	for _, l := range lines {
		rows = append(rows, []string{l.Label, moneyText(l.Low), moneyText(l.High)})
	}
	low, high := Totals(lines)
	var foot []string
	if len(low) == 1 {
		foot = []string{"Total", moneyText(low[0]), moneyText(high[0])}
	} else {
		foot = []string{"Total (per currency)", joinMoney(low), joinMoney(high)}
	}
	d.table([]float64{0.56, 0.22, 0.22}, []string{"Item", "Low", "High"}, rows, foot)
}

// Totals adds the lines' low and high amounts exactly, one sum per currency in
// the order the currencies first appear.
func Totals(lines []BudgetLine) (low, high []model.Money) {
	index := map[string]int{}
	for _, l := range lines {
		i, ok := index[l.Low.Currency]
		if !ok {
			i = len(low)
			index[l.Low.Currency] = i
			low = append(low, model.Money{Currency: l.Low.Currency})
			high = append(high, model.Money{Currency: l.Low.Currency})
		}
		low[i].Amount += l.Low.Amount
		high[i].Amount += l.High.Amount
	}
	return low, high
}

func joinMoney(ms []model.Money) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = moneyText(m)
	}
	return strings.Join(parts, " + ")
}

func moneyText(m model.Money) string {
	if m.Currency == "" {
		return ""
	}
	return m.String()
}

// sizeText says "1.2 MB" or "820 KB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	default:
		return fmt.Sprintf("%d bytes", n)
	}
}
