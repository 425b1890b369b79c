package model

import (
	"slices"
	"strings"
	"time"
)

// Kinds of budget lines added to a proposal's estimates.
var BudgetLineKinds = []string{"travel", "equipment", "personnel", "other", "overhead"}

// BudgetLineKindLabel is the human name of a budget line's kind.
func BudgetLineKindLabel(k string) string {
	if k == "overhead" {
		return "Overhead (indirect)"
	}
	if k == "" {
		return ""
	}
	return strings.ToUpper(k[:1]) + k[1:]
}

// Budget parties: whose share a line is.
var BudgetParties = []string{"host", "lead"}

// BudgetLine is a line staff or the lead add to a proposal's budget: a fixed
// amount, or overhead as a percentage (basis points) of its party's direct
// costs.
type BudgetLine struct {
	ID          int64     `json:"id"`
	Kind        string    `json:"kind" enum:"travel,equipment,personnel,other,overhead"`
	Label       string    `json:"label"`
	Amount      int64     `json:"amount" doc:"Minor units; 0 for overhead."`
	BasisPoints int64     `json:"basis_points" doc:"Overhead only: percentage in basis points (1250 = 12.5%)."`
	Party       string    `json:"party" enum:"host,lead"`
	CreatedAt   time.Time `json:"created_at"`
}

// BudgetLineInput holds a new budget line.
type BudgetLineInput struct {
	Kind        string
	Label       string
	Amount      int64
	BasisPoints int64
	Party       string
}

// Normalize trims fields and fills defaults.
func (in *BudgetLineInput) Normalize() {
	in.Kind, in.Label, in.Party = strings.TrimSpace(in.Kind), strings.TrimSpace(in.Label), strings.TrimSpace(in.Party)
	if in.Label == "" {
		in.Label = BudgetLineKindLabel(in.Kind)
	}
	if in.Party == "" {
		in.Party = "host"
	}
}

// Validate checks a budget line.
func (in BudgetLineInput) Validate() error {
	var p Problems
	if !slices.Contains(BudgetLineKinds, in.Kind) {
		p.Add("kind", "must be one of %s", strings.Join(BudgetLineKinds, ", "))
	}
	checkLine(&p, "label", in.Label, true, 200)
	if !slices.Contains(BudgetParties, in.Party) {
		p.Add("party", "must be host or lead")
	}
	if in.Kind == "overhead" {
		if in.BasisPoints <= 0 || in.BasisPoints > MaxOverheadBasisPoints {
			p.Add("basis_points", "must be between 1 and %d (0.01%% to 100%%)", MaxOverheadBasisPoints)
		}
		if in.Amount != 0 {
			p.Add("amount", "is not given for overhead, which is a percentage")
		}
	} else {
		switch {
		case in.Amount <= 0 || in.Amount > MaxBudgetLineAmount:
			p.Add("amount", "must be a positive amount of at most %s minor units", groupDigits(MaxBudgetLineAmount))
		case in.BasisPoints != 0:
			p.Add("basis_points", "is only given for overhead")
		}
	}
	return p.Err()
}
