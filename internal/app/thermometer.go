package app

// The funding thermometer: what a goal has collected, what is active and what waits.

// Thermometer is what a funding thermometer shows, in minor units of
// Currency. Before the goal closes, Committed is the money of firm pledges
// (fixed, unconditional), Active the money of conditional, crowdmatching
// and matching pledges that take effect now, and Waiting what the pledges
// whose conditions do not hold yet would give (their amount, maximum or
// cap). After close, Committed is what was committed and the rest is 0.
type Thermometer struct {
	Currency     string `json:"currency"`
	Goal         int64  `json:"goal"`
	Committed    int64  `json:"committed"`
	Active       int64  `json:"active" doc:"Conditional money whose conditions hold now."`
	Waiting      int64  `json:"waiting" doc:"Money of pledges whose conditions do not hold yet (amounts, maxima and caps)."`
	Collected    int64  `json:"collected" doc:"committed + active."`
	Gap          int64  `json:"gap" doc:"goal − collected, at least 0."`
	Funded       bool   `json:"funded"`
	AllOrNothing bool   `json:"all_or_nothing"`
	// Voided: an all-or-nothing goal below its amount; closing it now
	// would commit nothing.
	Voided   bool `json:"voided"`
	Closed   bool `json:"closed"`
	Pledgers int  `json:"pledgers" doc:"Communities co-funding the goal: distinct communities with a live pledge (open or committed, not withdrawn, lapsed or a draft), whether or not its condition holds yet."`
}

// Percent returns part of the larger of the goal and everything pledged, for
// drawing: 0–100.
func (t Thermometer) Percent(part int64) int {
	scale := max(t.Goal, t.Collected+t.Waiting)
	if scale <= 0 || part <= 0 {
		return 0
	}
	return int(part * 100 / scale)
}

// Pledge categories on the thermometer.
const (
	CatCommitted = "committed" // firm, or committed at close
	CatActive    = "active"    // conditional and active now
	CatWaiting   = "waiting"   // condition does not hold yet
	CatDraft     = "draft"
	CatWithdrawn = "withdrawn"
	CatLapsed    = "lapsed"
)
