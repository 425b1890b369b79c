package pledge

import (
	"encoding/json"
	"math/big"
)

// Input is one goal together with all pledges and matching offers made
// towards it. It is what ParseInput produces and what Resolve consumes; it
// can also be built directly (the web application does), in which case
// Resolve validates it exactly like ParseInput would.
type Input struct {
	// Currency is the ISO 4217 code every amount is expressed in.
	Currency string `json:"currency"`
	// Goal, when set, is the amount (minor units) the initiative needs.
	Goal *int64 `json:"goal,omitempty"`
	// AllOrNothing voids every pledge when the resolved collected total is
	// below Goal. It requires Goal.
	AllOrNothing bool `json:"all_or_nothing,omitempty"`
	// MatchCountsAsOthers decides whether money from matching offers (and the
	// matching sponsors themselves) count as "others" in conditions and in
	// crowdmatching rates. See FORMAT.md.
	MatchCountsAsOthers bool            `json:"match_counts_as_others,omitempty"`
	Pledges             []Pledge        `json:"pledges"`
	Matching            []MatchingOffer `json:"matching,omitempty"`
}

// Pledge is a community's commitment. It is either
//
//   - fixed: Rate == nil, it gives Amount (> 0) when active, or
//   - crowdmatching: Rate != nil, it gives Rate for every unit of minor
//     currency the others give, but at most Max (> 0); Amount must be 0.
//
// Either kind may carry a Condition; a pledge without one is firm.
type Pledge struct {
	ID        string     `json:"id"`
	Amount    int64      `json:"amount,omitempty"`
	Rate      *big.Rat   `json:"rate,omitempty"`
	Max       int64      `json:"max,omitempty"`
	Condition *Condition `json:"condition,omitempty"`
	// Currency is optional; when set it must equal Input.Currency (mixing
	// currencies is rejected rather than converted).
	Currency string `json:"currency,omitempty"`
}

// MatchingOffer is a sponsor's promise to add Ratio units for every unit of
// pledged money (the sum of all active pledges, fixed and crowdmatching), up
// to Cap minor units. Matching offers never match each other.
type MatchingOffer struct {
	ID        string     `json:"id"`
	Ratio     *big.Rat   `json:"ratio"`
	Cap       int64      `json:"cap"`
	Condition *Condition `json:"condition,omitempty"`
	Currency  string     `json:"currency,omitempty"`
}

// ConditionType names a condition. All condition types are monotone: if a
// condition holds for some set of active pledgers and amounts, it also holds
// for every larger set with larger amounts. There is deliberately no
// negation (see FORMAT.md, "Why there is no not").
type ConditionType string

// The supported condition types.
const (
	// OthersTotalAtLeast holds when the money of the other active pledgers
	// (floored minor units, see FORMAT.md) is at least Value.
	OthersTotalAtLeast ConditionType = "others_total_at_least"
	// OthersCountAtLeast holds when at least Value other pledgers are active
	// and contribute a positive amount.
	OthersCountAtLeast ConditionType = "others_count_at_least"
	// PledgerActive holds when the pledger ID is active.
	PledgerActive ConditionType = "pledger_active"
	// AllOf holds when every condition in Of holds.
	AllOf ConditionType = "all"
	// AnyOf holds when at least one condition in Of holds.
	AnyOf ConditionType = "any"
)

// Condition is a tree of monotone conditions. Which fields are used depends
// on Type: Value for the two thresholds, ID for PledgerActive, Of for AllOf
// and AnyOf.
type Condition struct {
	Type  ConditionType
	Value int64
	ID    string
	Of    []Condition
}

// MarshalJSON writes exactly the fields that belong to the condition's type,
// in the format ParseInput reads.
func (c Condition) MarshalJSON() ([]byte, error) {
	switch c.Type {
	case OthersTotalAtLeast, OthersCountAtLeast:
		return json.Marshal(struct {
			Type  ConditionType `json:"type"`
			Value int64         `json:"value"`
		}{c.Type, c.Value})
	case PledgerActive:
		return json.Marshal(struct {
			Type ConditionType `json:"type"`
			ID   string        `json:"id"`
		}{c.Type, c.ID})
	default:
		of := c.Of
		if of == nil {
			of = []Condition{}
		}
		return json.Marshal(struct {
			Type ConditionType `json:"type"`
			Of   []Condition   `json:"of"`
		}{c.Type, of})
	}
}

// MarshalJSON writes the pledge in the format ParseInput reads; the rate is
// written as an exact string such as "1/3".
func (p Pledge) MarshalJSON() ([]byte, error) {
	type fixed struct {
		ID        string     `json:"id"`
		Amount    int64      `json:"amount"`
		Condition *Condition `json:"condition,omitempty"`
		Currency  string     `json:"currency,omitempty"`
	}
	type crowd struct {
		ID        string     `json:"id"`
		Rate      string     `json:"rate"`
		Max       int64      `json:"max"`
		Condition *Condition `json:"condition,omitempty"`
		Currency  string     `json:"currency,omitempty"`
	}
	if p.Rate == nil {
		return json.Marshal(fixed{p.ID, p.Amount, p.Condition, p.Currency})
	}
	return json.Marshal(crowd{p.ID, p.Rate.RatString(), p.Max, p.Condition, p.Currency})
}

// MarshalJSON writes the offer in the format ParseInput reads.
func (m MatchingOffer) MarshalJSON() ([]byte, error) {
	ratio := ""
	if m.Ratio != nil {
		ratio = m.Ratio.RatString()
	}
	return json.Marshal(struct {
		ID        string     `json:"id"`
		Ratio     string     `json:"ratio"`
		Cap       int64      `json:"cap"`
		Condition *Condition `json:"condition,omitempty"`
		Currency  string     `json:"currency,omitempty"`
	}{m.ID, ratio, m.Cap, m.Condition, m.Currency})
}

// IsCrowdmatching reports whether the pledge is rate based.
func (p Pledge) IsCrowdmatching() bool { return p.Rate != nil }

// Fixed returns a fixed pledge of amount minor units with an optional
// condition (nil for a firm pledge).
func Fixed(id string, amount int64, cond *Condition) Pledge {
	return Pledge{ID: id, Amount: amount, Condition: cond}
}

// Crowdmatching returns a pledge of rate per unit the others give, at most max.
func Crowdmatching(id string, rate *big.Rat, max int64, cond *Condition) Pledge {
	return Pledge{ID: id, Rate: rate, Max: max, Condition: cond}
}

// TotalAtLeast is the condition "the others give at least v".
func TotalAtLeast(v int64) *Condition { return &Condition{Type: OthersTotalAtLeast, Value: v} }

// CountAtLeast is the condition "at least n others give something".
func CountAtLeast(n int64) *Condition { return &Condition{Type: OthersCountAtLeast, Value: n} }

// Active is the condition "pledger id is active".
func Active(id string) *Condition { return &Condition{Type: PledgerActive, ID: id} }

// All is the conjunction of the given conditions.
func All(of ...*Condition) *Condition { return &Condition{Type: AllOf, Of: deref(of)} }

// Any is the disjunction of the given conditions.
func Any(of ...*Condition) *Condition { return &Condition{Type: AnyOf, Of: deref(of)} }

func deref(cs []*Condition) []Condition {
	out := make([]Condition, len(cs))
	for i, c := range cs {
		out[i] = *c
	}
	return out
}
