package pledge

import (
	"errors"
	"math/big"
	"strconv"
)

// Limits for exact decimal/fraction literals. They keep big.Rat sizes (and so
// the cost of the exact solver) bounded; "1e1000000000" would otherwise ask
// math/big for a billion-digit number.
const (
	maxRatLiteral  = 64
	maxRatExponent = 40
)

// ParseRat parses an exact rational (sign allowed) from a decimal
// literal ("0.5", "2", "1.25e-1") or a fraction ("1/3"). It never goes
// through float64, so "0.1" is exactly 1/10.
func ParseRat(s string) (*big.Rat, error) {
	if len(s) == 0 {
		return nil, errors.New("empty number")
	}
	if len(s) > maxRatLiteral {
		return nil, errors.New("number literal too long (at most 64 characters)")
	}
	i := 0
	if s[0] == '-' {
		i++
	}
	digits := func() int {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		return i - start
	}
	if digits() == 0 {
		return nil, errors.New("not a decimal number or fraction")
	}
	if i < len(s) && s[i] == '/' {
		i++
		if digits() == 0 || i != len(s) {
			return nil, errors.New("not a decimal number or fraction")
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			return nil, errors.New("fraction has a zero denominator")
		}
		return r, nil
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return nil, errors.New("not a decimal number or fraction")
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		start := i
		if digits() == 0 {
			return nil, errors.New("not a decimal number or fraction")
		}
		e, err := strconv.Atoi(s[start:i])
		if err != nil || e > maxRatExponent {
			return nil, errors.New("exponent out of range (at most 40)")
		}
	}
	if i != len(s) {
		return nil, errors.New("not a decimal number or fraction")
	}
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		return nil, errors.New("not a decimal number or fraction")
	}
	return r, nil
}

// floorRat returns ⌊r⌋ for 0 <= r, as int64; ok is false when it does not fit.
func floorRat(r *big.Rat) (int64, bool) {
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncation == floor for r >= 0
	if r.Sign() < 0 && !r.IsInt() {
		q.Sub(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return 0, false
	}
	return q.Int64(), true
}
