package pledge

import (
	"errors"
	"math"
	"testing"
)

func TestMoney(t *testing.T) {
	eur := func(a int64) Money { return Money{Amount: a, Currency: "EUR"} }
	if s, err := eur(150).Add(eur(25)); err != nil || s != eur(175) {
		t.Fatalf("Add: %v %v", s, err)
	}
	if _, err := eur(math.MaxInt64).Add(eur(1)); !errors.Is(err, ErrOverflow) {
		t.Fatalf("overflow not detected: %v", err)
	}
	if _, err := eur(math.MinInt64).Sub(eur(1)); !errors.Is(err, ErrOverflow) {
		t.Fatalf("negative overflow not detected: %v", err)
	}
	if _, err := eur(0).Sub(eur(math.MinInt64)); !errors.Is(err, ErrOverflow) {
		t.Fatalf("0 - MinInt64 not detected: %v", err)
	}
	if d, err := eur(-1).Sub(eur(math.MinInt64)); err != nil || d.Amount != math.MaxInt64 {
		t.Fatalf("-1 - MinInt64 = %v %v", d, err)
	}
	if _, err := eur(1).Add(Money{Amount: 1, Currency: "USD"}); !errors.Is(err, ErrCurrencyMismatch) {
		t.Fatalf("mixed currencies: %v", err)
	}
	if _, err := NewMoney(1, "XXX"); !errors.Is(err, ErrUnknownCurrency) {
		t.Fatalf("unknown currency: %v", err)
	}
	for _, c := range []struct {
		m    Money
		want string
	}{
		{eur(123456), "1234.56 EUR"}, {eur(5), "0.05 EUR"}, {eur(-5), "-0.05 EUR"}, {eur(0), "0.00 EUR"},
		{Money{1234, "JPY"}, "1234 JPY"}, {Money{1234, "KWD"}, "1.234 KWD"},
		{eur(math.MinInt64), "-92233720368547758.08 EUR"},
	} {
		if got := c.m.String(); got != c.want {
			t.Errorf("%#v.String() = %q, want %q", c.m, got, c.want)
		}
	}
	if p, err := MulAmount(math.MaxInt64/2, 3); !errors.Is(err, ErrOverflow) {
		t.Fatalf("MulAmount overflow: %v %v", p, err)
	}
	if p, err := MulAmount(-4, 5); err != nil || p != -20 {
		t.Fatalf("MulAmount: %v %v", p, err)
	}
	if _, err := MulAmount(math.MinInt64, -1); !errors.Is(err, ErrOverflow) {
		t.Fatal("MinInt64 * -1 not detected")
	}
	for code, exp := range map[string]int{"USD": 2, "EUR": 2, "GBP": 2, "JPY": 0, "CAD": 2, "AUD": 2, "CHF": 2, "NZD": 2,
		"SEK": 2, "NOK": 2, "DKK": 2, "PLN": 2, "INR": 2, "BRL": 2, "ZAR": 2, "MXN": 2, "KRW": 0} {
		if c, ok := LookupCurrency(code); !ok || c.Exponent != exp {
			t.Errorf("LookupCurrency(%s) = %v %v", code, c, ok)
		}
	}
	if cs := Currencies(); len(cs) < 17 || cs[0].Code > cs[1].Code {
		t.Fatalf("Currencies() = %v", cs)
	}
}
