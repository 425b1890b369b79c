// Package proposalbudget builds a grant proposal's budget table from the
// estimates of its initiatives (hours range × hourly rate, low and high)
// and the lines people add (travel, equipment, personnel, other, and
// overhead as a percentage of direct costs). Amounts are integer minor units
// of one currency; every total is the exact sum of the rows shown. No
// storage, no HTTP.
package proposalbudget

import (
	"errors"
	"fmt"
)

// Parties whose share a row is. The host does the initiatives' work.
const (
	Host = "host"
	Lead = "lead"
)

// Kinds of added lines.
const (
	KindWork     = "work" // an initiative's estimate (rows only)
	KindOverhead = "overhead"
)

// Bounds of the inputs, so that no sum or product can overflow int64:
// direct costs stay below 3·10^14 and overhead multiplies them by at most
// 10^4.
const (
	MaxHours      = 100_000
	MaxRate       = 10_000_000      // minor units per hour
	MaxAmount     = 100_000_000_000 // minor units per line
	MaxBasisPoint = 10_000          // 100%
	MaxItems      = 200             // initiatives and lines, each
	basisPoints   = 10_000          // 100% in basis points
	halfPoint     = basisPoints / 2 // rounds a percentage half up
)

// Work is one initiative's estimate.
type Work struct {
	Label     string
	HoursLow  int64
	HoursHigh int64
	Rate      int64 // minor units per hour
	Currency  string
}

// Line is a line added to the estimates: a fixed Amount, or for overhead a
// percentage of its party's direct costs in basis points (1250 = 12.5%).
type Line struct {
	Kind      string
	Label     string
	Amount    int64
	BasisPts  int64
	Party     string
	Reference int64 // the caller's id of the line, carried to its row
}

// Input is what a budget is built from.
type Input struct {
	Currency string
	Work     []Work
	Lines    []Line
}

// Range is a low and a high amount in minor units.
type Range struct {
	Low  int64 `json:"low"`
	High int64 `json:"high"`
}

func (r Range) plus(o Range) Range { return Range{Low: r.Low + o.Low, High: r.High + o.High} }

// Row is one line of the table.
type Row struct {
	Kind      string `json:"kind"`
	Label     string `json:"label"`
	Party     string `json:"party" enum:"host,lead"`
	Amount    Range  `json:"amount"`
	BasisPts  int64  `json:"basis_points,omitempty" doc:"Overhead: the percentage of the party's direct costs, in basis points (1250 = 12.5%)."`
	Reference int64  `json:"line_id,omitempty" doc:"The added line's id (absent for initiatives' estimates)."`
}

// Table is the budget: rows, totals, and each party's share.
type Table struct {
	Currency string   `json:"currency"`
	Rows     []Row    `json:"rows"`
	Direct   Range    `json:"direct" doc:"Direct costs: estimates and fixed lines."`
	Indirect Range    `json:"indirect" doc:"Overhead."`
	Total    Range    `json:"total"`
	Host     Range    `json:"host_share" doc:"The host's share: the initiatives' work, the host's lines and its overhead."`
	Lead     Range    `json:"lead_share" doc:"The lead community's share: its lines and its overhead (zero when the host leads)."`
	Skipped  []string `json:"skipped" doc:"Initiatives left out because their estimate is in another currency."`
}

// Errors of Build.
var (
	ErrParty  = errors.New("party must be host or lead")
	ErrBounds = errors.New("an amount, hours range, rate or percentage is out of bounds")
)

// Build makes the budget table. Work in another currency than the budget's
// is left out and named in Skipped. Overhead of a party is its basis points
// of that party's direct costs, rounded half up to a minor unit, separately
// for the low and the high end; totals add up the rows exactly.
func Build(in Input) (*Table, error) {
	if len(in.Work) > MaxItems || len(in.Lines) > MaxItems {
		return nil, fmt.Errorf("%w: more than %d items", ErrBounds, MaxItems)
	}
	t := &Table{Currency: in.Currency, Rows: []Row{}, Skipped: []string{}}
	direct := map[string]Range{}
	for _, w := range in.Work {
		if w.HoursLow < 0 || w.HoursHigh < w.HoursLow || w.HoursHigh > MaxHours || w.Rate < 0 || w.Rate > MaxRate {
			return nil, fmt.Errorf("%w: %s", ErrBounds, w.Label)
		}
		if w.Currency != in.Currency {
			t.Skipped = append(t.Skipped, w.Label)
			continue
		}
		r := Row{Kind: KindWork, Label: w.Label, Party: Host, Amount: Range{Low: w.HoursLow * w.Rate, High: w.HoursHigh * w.Rate}}
		t.Rows = append(t.Rows, r)
		direct[Host] = direct[Host].plus(r.Amount)
	}
	var overheads []Line
	for _, l := range in.Lines {
		if l.Party != Host && l.Party != Lead {
			return nil, ErrParty
		}
		if l.Kind == KindOverhead {
			if l.BasisPts <= 0 || l.BasisPts > MaxBasisPoint {
				return nil, fmt.Errorf("%w: %s", ErrBounds, l.Label)
			}
			overheads = append(overheads, l)
			continue
		}
		if l.Amount <= 0 || l.Amount > MaxAmount {
			return nil, fmt.Errorf("%w: %s", ErrBounds, l.Label)
		}
		r := Row{Kind: l.Kind, Label: l.Label, Party: l.Party, Amount: Range{Low: l.Amount, High: l.Amount}, Reference: l.Reference}
		t.Rows = append(t.Rows, r)
		direct[l.Party] = direct[l.Party].plus(r.Amount)
	}
	share := map[string]Range{Host: direct[Host], Lead: direct[Lead]}
	t.Direct = direct[Host].plus(direct[Lead])
	for _, l := range overheads {
		base := direct[l.Party]
		r := Row{Kind: KindOverhead, Label: l.Label, Party: l.Party, BasisPts: l.BasisPts, Reference: l.Reference,
			Amount: Range{Low: percent(base.Low, l.BasisPts), High: percent(base.High, l.BasisPts)}}
		t.Rows = append(t.Rows, r)
		t.Indirect = t.Indirect.plus(r.Amount)
		share[l.Party] = share[l.Party].plus(r.Amount)
	}
	t.Total = t.Direct.plus(t.Indirect)
	t.Host, t.Lead = share[Host], share[Lead]
	return t, nil
}

// percent is bp basis points of amount, rounded half up (amount ≥ 0).
func percent(amount, bp int64) int64 {
	return (amount*bp + halfPoint) / basisPoints
}
