package pledge

import (
	"slices"
	"strings"
)

// WhatIfResult answers "if you pledge X, how much more becomes active".
// All figures are for the resolved outcome (before any all-or-nothing
// voiding, which is reported through FundedBefore/FundedAfter).
type WhatIfResult struct {
	// ID of the hypothetical pledge.
	ID string `json:"id"`
	// Active tells whether the hypothetical pledge's own condition would hold.
	Active bool `json:"active"`
	// Amount is what the hypothetical pledge would pay (0 if inactive).
	Amount int64 `json:"amount"`
	// CollectedBefore and CollectedAfter are the resolved collected totals
	// without and with the pledge.
	CollectedBefore int64 `json:"collected_before"`
	CollectedAfter  int64 `json:"collected_after"`
	// DeltaCollected = CollectedAfter − CollectedBefore (never negative:
	// resolution is monotone).
	DeltaCollected int64 `json:"delta_collected"`
	// Unlocked = DeltaCollected − Amount: the others' money (pledges,
	// crowdmatching and matching) the pledge brings in on top of its own.
	Unlocked int64 `json:"unlocked"`
	// NewlyActive lists, sorted, existing entries that become active.
	NewlyActive  []string `json:"newly_active"`
	FundedBefore bool     `json:"funded_before"`
	FundedAfter  bool     `json:"funded_after"`
}

// WhatIf resolves the input without and with the hypothetical pledge p and
// reports the difference. Both resolutions share one validation and
// compilation pass. p is validated like an input pledge (its errors use the
// path "pledge"); nothing in the input may refer to p's id.
func WhatIf(in Input, p Pledge) (WhatIfResult, error) {
	c, err := compile(&in, &p)
	if err != nil {
		return WhatIfResult{}, err
	}
	before, err := c.resolve(c.extraIdx)
	if err != nil {
		return WhatIfResult{}, err
	}
	after, err := c.resolve(-1)
	if err != nil {
		return WhatIfResult{}, err
	}
	cb, err := before.collected()
	if err != nil {
		return WhatIfResult{}, err
	}
	ca, err := after.collected()
	if err != nil {
		return WhatIfResult{}, err
	}
	res := WhatIfResult{
		ID:              p.ID,
		Active:          after.active[c.extraIdx],
		CollectedBefore: cb,
		CollectedAfter:  ca,
		DeltaCollected:  ca - cb,
		NewlyActive:     []string{},
		FundedBefore:    fundedBy(&in, cb),
		FundedAfter:     fundedBy(&in, ca),
	}
	vi := -1
	if p.Rate != nil {
		vi = slices.Index(c.varying, c.extraIdx)
	}
	res.Amount = after.amountOf(c.extraIdx, vi)
	res.Unlocked = res.DeltaCollected - res.Amount
	for e := int32(0); int(e) < c.n; e++ {
		if e != c.extraIdx && after.active[e] && !before.active[e] {
			res.NewlyActive = append(res.NewlyActive, c.ids[e])
		}
	}
	slices.SortFunc(res.NewlyActive, strings.Compare)
	return res, nil
}

// collected sums the floored amounts of all active entries.
func (r *run) collected() (int64, error) {
	c := r.c
	var sum int64
	for e := int32(0); int(e) < c.n; e++ {
		if !r.active[e] || c.kind[e] != kindFixed {
			continue
		}
		var err error
		if sum, err = AddAmounts(sum, c.amt[e]); err != nil {
			return 0, err
		}
	}
	for vi, e := range c.varying {
		if !r.active[e] {
			continue
		}
		var err error
		if sum, err = AddAmounts(sum, r.ruleFloor[vi]); err != nil {
			return 0, err
		}
	}
	return sum, nil
}
