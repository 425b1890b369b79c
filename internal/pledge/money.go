package pledge

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Currency is an ISO 4217 currency known to consortia together with the
// number of digits of its minor unit (2 for cents, 0 for yen).
type Currency struct {
	Code     string `json:"code"`
	Exponent int    `json:"exponent"`
}

// currencyExponents is the built-in list of accepted currencies. Amounts are
// always integers in the minor unit; the exponent is only needed to render
// them for humans.
var currencyExponents = map[string]int{
	"AUD": 2, "BRL": 2, "CAD": 2, "CHF": 2, "CLP": 0, "CNY": 2, "CZK": 2,
	"DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2,
	"INR": 2, "ISK": 0, "JPY": 0, "KRW": 0, "KWD": 3, "MXN": 2, "NOK": 2,
	"NZD": 2, "PLN": 2, "RON": 2, "SEK": 2, "SGD": 2, "TRY": 2, "TWD": 2,
	"UAH": 2, "USD": 2, "VND": 0, "ZAR": 2,
}

// LookupCurrency returns the currency with the given upper-case ISO 4217
// code, and false when it is not in the built-in list.
func LookupCurrency(code string) (Currency, bool) {
	exp, ok := currencyExponents[code]
	if !ok {
		return Currency{}, false
	}
	return Currency{Code: code, Exponent: exp}, true
}

// Currencies lists the built-in currencies sorted by code.
func Currencies() []Currency {
	out := make([]Currency, 0, len(currencyExponents))
	for code, exp := range currencyExponents {
		out = append(out, Currency{Code: code, Exponent: exp})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// ErrOverflow is returned when an amount computation does not fit in the
// signed 64-bit range of minor units. Arithmetic never wraps around.
var ErrOverflow = errors.New("amount overflows the 64-bit range of minor units")

// ErrCurrencyMismatch is returned when amounts in different currencies are
// combined.
var ErrCurrencyMismatch = errors.New("amounts are in different currencies")

// ErrUnknownCurrency is returned for a currency code not in the built-in list.
var ErrUnknownCurrency = errors.New("unknown currency")

// Money is an integer amount of minor units (cents for EUR, yen for JPY) in
// an explicit currency. Floating point is never used for money.
type Money struct {
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
}

// NewMoney validates the currency code and returns the amount as Money.
func NewMoney(amount int64, currency string) (Money, error) {
	if _, ok := LookupCurrency(currency); !ok {
		return Money{}, fmt.Errorf("%w %q", ErrUnknownCurrency, currency)
	}
	return Money{Amount: amount, Currency: currency}, nil
}

// Add returns m+o. It fails on different currencies and on overflow.
func (m Money) Add(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	s, err := AddAmounts(m.Amount, o.Amount)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// Sub returns m-o. It fails on different currencies and on overflow.
func (m Money) Sub(o Money) (Money, error) {
	if m.Currency != o.Currency {
		return Money{}, fmt.Errorf("%w: %s and %s", ErrCurrencyMismatch, m.Currency, o.Currency)
	}
	s, err := SubAmounts(m.Amount, o.Amount)
	if err != nil {
		return Money{}, err
	}
	return Money{Amount: s, Currency: m.Currency}, nil
}

// String renders the amount in major units followed by the code, e.g.
// "1234.50 EUR" or "-7 JPY". Unknown currencies are rendered as minor units.
func (m Money) String() string {
	exp, ok := currencyExponents[m.Currency]
	if !ok || exp == 0 {
		return strconv.FormatInt(m.Amount, 10) + " " + m.Currency
	}
	neg := m.Amount < 0
	// Work on the decimal digits of |Amount| so MinInt64 needs no special case.
	digits := strconv.FormatUint(absUint64(m.Amount), 10)
	if len(digits) <= exp {
		digits = strings.Repeat("0", exp-len(digits)+1) + digits
	}
	s := digits[:len(digits)-exp] + "." + digits[len(digits)-exp:]
	if neg {
		s = "-" + s
	}
	return s + " " + m.Currency
}

func absUint64(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// AddAmounts returns a+b or ErrOverflow.
func AddAmounts(a, b int64) (int64, error) {
	s, ok := addInt64(a, b)
	if !ok {
		return 0, ErrOverflow
	}
	return s, nil
}

// SubAmounts returns a-b or ErrOverflow.
func SubAmounts(a, b int64) (int64, error) {
	if b == math.MinInt64 {
		if a >= 0 {
			return 0, ErrOverflow
		}
		return a - b, nil
	}
	return AddAmounts(a, -b)
}

// MulAmount returns a*k or ErrOverflow.
func MulAmount(a, k int64) (int64, error) {
	if a == 0 || k == 0 {
		return 0, nil
	}
	p := a * k
	if p/k != a || (a == -1 && k == math.MinInt64) || (k == -1 && a == math.MinInt64) {
		return 0, ErrOverflow
	}
	return p, nil
}

func addInt64(a, b int64) (int64, bool) {
	s := a + b
	// Overflow iff both operands have the same sign and the sum's sign differs.
	if (a >= 0) == (b >= 0) && (s >= 0) != (a >= 0) {
		return 0, false
	}
	return s, true
}
