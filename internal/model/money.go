package model

import (
	"errors"
	"strconv"
	"strings"
)

// MaxMajorUnits bounds amounts typed in forms: 1,000,000,000 in major units.
const MaxMajorUnits = 1_000_000_000

// ErrAmountSyntax says an amount is not written like "5000", "5,000" or
// "5000.50".
var ErrAmountSyntax = errors.New("must be an amount like 5000, 5,000 or 5000.50")

// ErrAmountRange says an amount is beyond MaxMajorUnits.
var ErrAmountRange = errors.New("must be at most 1,000,000,000")

// ParseMajorUnits reads an amount typed by a person in major units of a
// currency with cents ("5,000", "5000.50", "0.5") and returns it in minor
// units, exactly: digits are read as integers, never as floats. Commas
// group thousands and must be placed as such ("50,00" is refused rather
// than read as 5,000). Signs, exponents and more than two decimals are
// refused. An empty string is 0.
func ParseMajorUnits(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && (frac == "" || len(frac) > 2) {
		return 0, ErrAmountSyntax
	}
	if whole == "" {
		whole = "0"
	}
	if strings.Contains(whole, ",") {
		groups := strings.Split(whole, ",")
		if len(groups[0]) == 0 || len(groups[0]) > 3 {
			return 0, ErrAmountSyntax
		}
		for _, g := range groups[1:] {
			if len(g) != 3 {
				return 0, ErrAmountSyntax
			}
		}
		whole = strings.Join(groups, "")
	}
	if !allDigits(whole) || !allDigits(frac) {
		return 0, ErrAmountSyntax
	}
	if len(whole) > 10 {
		return 0, ErrAmountRange
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, ErrAmountSyntax
	}
	if w > MaxMajorUnits {
		return 0, ErrAmountRange
	}
	frac += strings.Repeat("0", 2-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	return w*100 + f, nil
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
