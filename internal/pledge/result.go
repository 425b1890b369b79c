package pledge

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// Allocation is the amount (minor units) one active entry pays.
type Allocation struct {
	ID     string
	Amount int64
}

// Allocations lists amounts sorted by id. It is encoded as a JSON object
// {"id": amount, ...} (keys in id order), which keeps encoding a million
// entries cheap and the output deterministic.
type Allocations []Allocation

// Get returns the amount for id (binary search).
func (a Allocations) Get(id string) (int64, bool) {
	k, ok := slices.BinarySearchFunc(a, id, func(x Allocation, t string) int { return strings.Compare(x.ID, t) })
	if !ok {
		return 0, false
	}
	return a[k].Amount, true
}

// Map returns the allocations as a map.
func (a Allocations) Map() map[string]int64 {
	m := make(map[string]int64, len(a))
	for _, x := range a {
		m[x.ID] = x.Amount
	}
	return m
}

// MarshalJSON encodes the allocations as a JSON object.
func (a Allocations) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.Grow(len(a) * 24)
	b.WriteByte('{')
	for i, x := range a {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(x.ID)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.WriteString(strconv.FormatInt(x.Amount, 10))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON decodes a JSON object of amounts.
func (a *Allocations) UnmarshalJSON(data []byte) error {
	var m map[string]int64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	out := make(Allocations, 0, len(m))
	for id, v := range m {
		out = append(out, Allocation{ID: id, Amount: v})
	}
	slices.SortFunc(out, func(x, y Allocation) int { return strings.Compare(x.ID, y.ID) })
	*a = out
	return nil
}

// Outcome is one resolved state of a goal.
type Outcome struct {
	// Active lists, sorted, the ids of all pledges and matching offers whose
	// conditions hold in the greatest self-consistent set. A crowdmatching
	// pledge or matching offer can be active and still pay 0.
	Active []string `json:"active"`
	// Amounts is what each active entry pays, in minor units, floored.
	Amounts Allocations `json:"amounts"`
	// Exact holds the exact rational amount ("a/b" or an integer) of every
	// active crowdmatching pledge and matching offer before flooring.
	Exact map[string]string `json:"exact_amounts,omitempty"`
	// TotalPledged is the sum of Amounts over active pledges (fixed and
	// crowdmatching), i.e. the community money.
	TotalPledged int64 `json:"total_pledged"`
	// Matched is the sum of Amounts over active matching offers.
	Matched int64 `json:"matched"`
	// Collected is TotalPledged + Matched.
	Collected int64 `json:"collected"`
}

// Result is the outcome of Resolve.
type Result struct {
	Currency            string `json:"currency"`
	Goal                *int64 `json:"goal,omitempty"`
	AllOrNothing        bool   `json:"all_or_nothing"`
	MatchCountsAsOthers bool   `json:"match_counts_as_others"`
	// The committed outcome: what is actually owed. It equals the resolved
	// outcome except for an all-or-nothing goal that is not funded, where it
	// is empty and the resolved outcome is in WouldBe.
	Outcome
	// Funded is true when there is no goal or Collected of the resolved
	// outcome reaches it.
	Funded bool `json:"funded"`
	// Committed is false only when all-or-nothing voided the pledges.
	Committed bool `json:"committed"`
	// Shortfall is goal − collected of the resolved outcome (0 when funded).
	Shortfall int64 `json:"shortfall"`
	// Inactive lists, sorted, the entries whose conditions do not hold.
	Inactive []string `json:"inactive"`
	// WouldBe is the resolved outcome an unfunded all-or-nothing goal voided,
	// so that a UI can show what is pending.
	WouldBe *Outcome `json:"would_be,omitempty"`
}

// Resolve validates the input and computes which pledges take effect and
// what every one of them pays. See FORMAT.md for the exact semantics.
func Resolve(in Input) (Result, error) {
	return ResolveContext(context.Background(), in)
}

// ResolveContext is Resolve that stops with ctx.Err() once ctx is done
// (checked between resolution rounds), for callers serving a request.
func ResolveContext(ctx context.Context, in Input) (Result, error) {
	c, err := compile(&in, nil)
	if err != nil {
		return Result{}, err
	}
	c.ctx = ctx
	r, err := c.resolve(-1)
	if err != nil {
		return Result{}, err
	}
	o, err := r.outcome()
	if err != nil {
		return Result{}, err
	}
	return finish(&in, o, r.inactive()), nil
}

func finish(in *Input, o Outcome, inactive []string) Result {
	res := Result{
		Currency:            in.Currency,
		Goal:                in.Goal,
		AllOrNothing:        in.AllOrNothing,
		MatchCountsAsOthers: in.MatchCountsAsOthers,
		Funded:              fundedBy(in, o.Collected),
		Committed:           true,
		Inactive:            inactive,
	}
	if in.Goal != nil && !res.Funded {
		res.Shortfall = *in.Goal - o.Collected
	}
	if in.AllOrNothing && !res.Funded {
		res.Committed = false
		res.Outcome = Outcome{Active: []string{}, Amounts: Allocations{}}
		res.WouldBe = &o
	} else {
		res.Outcome = o
	}
	return res
}

func fundedBy(in *Input, collected int64) bool {
	return in.Goal == nil || collected >= *in.Goal
}
