package pdfdoc

import (
	"fmt"
	"io"
	"time"

	"consortia/internal/model"
)

// StatementOfWork describes co-funded work: the scope, deliverables and
// milestones (from the initiative's sub-tasks), hours and cost, co-funders
// and their shares, the timeline, and who acknowledged this version.
type StatementOfWork struct {
	Initiative   Initiative
	Version      int
	Goal         model.Money // the funding goal that was met
	CoFunders    []CoFunder
	Awards       []string // grant awards that fund the work, one sentence each
	Timeline     string   // plain text written by staff for this version
	Notes        string
	Acknowledged []Acknowledgement
	GeneratedAt  time.Time
}

// CoFunder is a community funding the work and its committed share.
type CoFunder struct {
	Name  string
	Share model.Money
}

// Acknowledgement records that a co-funder's lead acknowledged the version.
type Acknowledgement struct {
	Community string
	By        string
	At        time.Time
}

// WriteStatementOfWork renders a statement of work as PDF into w.
func WriteStatementOfWork(w io.Writer, s StatementOfWork) error {
	in := s.Initiative
	d := newDoc("Statement of work: "+in.Title, fmt.Sprintf("Statement of work: %s (version %d)", in.Title, s.Version), s.GeneratedAt)
	d.pdf.SetFont("Helvetica", "", smallSize)
	d.pdf.CellFormat(0, 5, "STATEMENT OF WORK", "", 1, "L", false, 0, "")
	d.title(in.Title)
	d.facts([][2]string{
		{"Version", fmt.Sprint(s.Version)},
		{"Funding goal", moneyText(s.Goal)},
		{"Estimate", in.Estimate.String()},
		{"Prepared", date(s.GeneratedAt)},
	})

	d.heading("Scope")
	d.labelled("Problem", in.Problem)
	d.labelled("Proposed solution", in.Solution)
	d.labelled("Implementation", in.Implementation)

	d.heading("Deliverables and milestones")
	var tasks []string
	for i, t := range in.Tasks {
		state := "to do"
		if t.Done {
			state = "done"
		}
		tasks = append(tasks, fmt.Sprintf("M%d. %s (%s)", i+1, t.Title, state))
	}
	d.bullets(tasks, "No sub-tasks are listed yet.")

	d.heading("Hours and cost")
	e := in.Estimate
	d.table([]float64{0.4, 0.3, 0.3}, []string{"", "Low", "High"}, [][]string{
		{"Hours", fmt.Sprint(e.HoursLow), fmt.Sprint(e.HoursHigh)},
		{"Cost", moneyText(e.CostLow), moneyText(e.CostHigh)},
	}, nil)

	d.heading("Co-funders and their shares")
	if len(s.Awards) > 0 {
		d.bullets(s.Awards, "")
	}
	if len(s.CoFunders) == 0 {
		if len(s.Awards) == 0 {
			d.bullets(nil, "No co-funder has committed yet.")
		}
	} else {
		rows := make([][]string, 0, len(s.CoFunders))
		lines := make([]BudgetLine, 0, len(s.CoFunders))
		for _, c := range s.CoFunders {
			rows = append(rows, []string{c.Name, moneyText(c.Share)})
			lines = append(lines, BudgetLine{Low: c.Share, High: c.Share})
		}
		total, _ := Totals(lines)
		d.table([]float64{0.6, 0.4}, []string{"Co-funder", "Share"}, rows, []string{"Total", joinMoney(total)})
	}

	d.heading("Timeline")
	if s.Timeline == "" {
		d.bullets(nil, "To be agreed.")
	}
	d.para(s.Timeline)
	if s.Notes != "" {
		d.heading("Notes")
		d.para(s.Notes)
	}

	d.heading("Acknowledgements")
	var acks []string
	for _, a := range s.Acknowledged {
		acks = append(acks, fmt.Sprintf("%s, by %s on %s", a.Community, a.By, date(a.At)))
	}
	d.bullets(acks, "No co-funder has acknowledged this version yet.")
	return d.write(w)
}
