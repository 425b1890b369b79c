package budget

import (
	"errors"
	"math/big"
	"strings"
)

// maxNumberLen bounds the length of a decimal literal so that hostile input
// cannot make the parser build enormous integers.
const maxNumberLen = 64

// parseDecimal parses a plain decimal literal such as "1500", "0.9", "+3.25"
// or "-1" into an exact rational. A single decimal comma ("1500,5") is
// accepted like pabutools does. Exponents, fractions and thousands
// separators are rejected.
func parseDecimal(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("is empty")
	}
	if len(s) > maxNumberLen {
		return nil, errors.New("is too long")
	}
	neg := false
	switch s[0] {
	case '+':
		s = s[1:]
	case '-':
		neg = true
		s = s[1:]
	}
	intPart, fracPart, hasPoint := strings.Cut(s, ".")
	if !hasPoint {
		intPart, fracPart, _ = strings.Cut(s, ",")
	}
	if intPart == "" && fracPart == "" {
		return nil, errors.New("is not a decimal number")
	}
	for _, part := range []string{intPart, fracPart} {
		for i := 0; i < len(part); i++ {
			if part[i] < '0' || part[i] > '9' {
				return nil, errors.New("is not a decimal number")
			}
		}
	}
	num, ok := new(big.Int).SetString(intPart+fracPart, 10)
	if !ok {
		return nil, errors.New("is not a decimal number")
	}
	if neg {
		num.Neg(num)
	}
	den := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(len(fracPart))), nil)
	return new(big.Rat).SetFrac(num, den), nil
}

// formatDecimal renders r exactly in decimal notation ("1500", "0.9",
// "-2.125"). It reports false when r has no finite decimal expansion.
func formatDecimal(r *big.Rat) (string, bool) {
	if r.IsInt() {
		return r.Num().String(), true
	}
	den := new(big.Int).Set(r.Denom())
	twos, fives := 0, 0
	two, five := big.NewInt(2), big.NewInt(5)
	q, m := new(big.Int), new(big.Int)
	for {
		q.QuoRem(den, two, m)
		if m.Sign() != 0 {
			break
		}
		den.Set(q)
		twos++
	}
	for {
		q.QuoRem(den, five, m)
		if m.Sign() != 0 {
			break
		}
		den.Set(q)
		fives++
	}
	if den.Cmp(big.NewInt(1)) != 0 {
		return "", false
	}
	return r.FloatString(max(twos, fives)), true
}

// Amount is an exact amount of money. It encodes to JSON as a number written
// with its exact decimal expansion (for example 995079 or 3.9); an amount
// without a finite decimal expansion is encoded as a "p/q" string.
type Amount struct{ *big.Rat }

func amount(r *big.Rat) Amount { return Amount{new(big.Rat).Set(r)} }

// String returns the exact decimal form, or "p/q" when there is none.
func (a Amount) String() string {
	if a.Rat == nil {
		return "0"
	}
	if s, ok := formatDecimal(a.Rat); ok {
		return s
	}
	return a.Rat.RatString()
}

// MarshalJSON implements json.Marshaler.
func (a Amount) MarshalJSON() ([]byte, error) {
	if a.Rat == nil {
		return []byte("0"), nil
	}
	if s, ok := formatDecimal(a.Rat); ok {
		return []byte(s), nil
	}
	return []byte(`"` + a.Rat.RatString() + `"`), nil
}

// UnmarshalJSON implements json.Unmarshaler; it accepts a JSON number or a
// string holding a decimal or a "p/q" fraction.
func (a *Amount) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	numText, denText, isFrac := strings.Cut(s, "/")
	num, err := parseDecimal(numText)
	if err == nil && isFrac {
		var den *big.Rat
		den, err = parseDecimal(denText)
		if err == nil && den.Sign() == 0 {
			err = errors.New("has a zero denominator")
		}
		if err == nil {
			num.Quo(num, den)
		}
	}
	if err != nil {
		return errors.New("budget: invalid amount " + string(b) + ": " + err.Error())
	}
	a.Rat = num
	return nil
}
