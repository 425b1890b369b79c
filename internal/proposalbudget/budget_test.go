package proposalbudget

import (
	"errors"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

func TestBuildTable(t *testing.T) {
	tab, err := Build(Input{Currency: "USD",
		Work: []Work{
			{Label: "GPU scheduling", HoursLow: 100, HoursHigh: 160, Rate: 15000, Currency: "USD"},
			{Label: "Billing", HoursLow: 10, HoursHigh: 20, Rate: 12345, Currency: "EUR"},
		},
		Lines: []Line{
			{Kind: "travel", Label: "Two workshops", Amount: 400000, Party: Lead, Reference: 7},
			{Kind: "equipment", Label: "Test GPUs", Amount: 1234567, Party: Host},
			{Kind: KindOverhead, Label: "Indirect (lead)", BasisPts: 1250, Party: Lead},
			{Kind: KindOverhead, Label: "Indirect (host)", BasisPts: 3333, Party: Host},
		}})
	if err != nil {
		t.Fatal(err)
	}
	// Host direct: 1,500,000 + 1,234,567 = 2,734,567 (low); 2,400,000 + 1,234,567 = 3,634,567 (high).
	// Host overhead 33.33%: 911,431.1811 → 911,431; 1,211,401.1811 → 1,211,401.
	// Lead direct 400,000; overhead 12.5% = 50,000.
	want := []Row{
		{Kind: KindWork, Label: "GPU scheduling", Party: Host, Amount: Range{1500000, 2400000}},
		{Kind: "travel", Label: "Two workshops", Party: Lead, Amount: Range{400000, 400000}, Reference: 7},
		{Kind: "equipment", Label: "Test GPUs", Party: Host, Amount: Range{1234567, 1234567}},
		{Kind: KindOverhead, Label: "Indirect (lead)", Party: Lead, BasisPts: 1250, Amount: Range{50000, 50000}},
		{Kind: KindOverhead, Label: "Indirect (host)", Party: Host, BasisPts: 3333, Amount: Range{911431, 1211401}},
	}
	if !slices.Equal(tab.Rows, want) {
		t.Fatalf("rows\n got %+v\nwant %+v", tab.Rows, want)
	}
	if tab.Direct != (Range{3134567, 4034567}) || tab.Indirect != (Range{961431, 1261401}) || tab.Total != (Range{4095998, 5295968}) {
		t.Fatalf("totals: direct %v indirect %v total %v", tab.Direct, tab.Indirect, tab.Total)
	}
	if tab.Host != (Range{3645998, 4845968}) || tab.Lead != (Range{450000, 450000}) {
		t.Fatalf("shares: host %v lead %v", tab.Host, tab.Lead)
	}
	if !slices.Equal(tab.Skipped, []string{"Billing"}) {
		t.Fatalf("skipped %v", tab.Skipped)
	}
}

func TestRoundsHalfUp(t *testing.T) {
	// 1 minor unit at 50% is 0.5 → 1; at 49.99% it is 0.4999 → 0.
	for _, c := range []struct{ bp, want int64 }{{5000, 1}, {4999, 0}, {10000, 1}} {
		tab, err := Build(Input{Currency: "USD", Lines: []Line{{Kind: "other", Label: "x", Amount: 1, Party: Host},
			{Kind: KindOverhead, Label: "o", BasisPts: c.bp, Party: Host}}})
		if err != nil {
			t.Fatal(err)
		}
		if tab.Indirect.Low != c.want {
			t.Errorf("%d bp of 1: %d, want %d", c.bp, tab.Indirect.Low, c.want)
		}
	}
}

func TestRefusesBadInput(t *testing.T) {
	for name, in := range map[string]Input{
		"zero amount":       {Lines: []Line{{Kind: "travel", Amount: 0, Party: Host}}},
		"huge amount":       {Lines: []Line{{Kind: "travel", Amount: MaxAmount + 1, Party: Host}}},
		"unknown party":     {Lines: []Line{{Kind: "travel", Amount: 5, Party: "funder"}}},
		"overhead over 100": {Lines: []Line{{Kind: KindOverhead, BasisPts: MaxBasisPoint + 1, Party: Host}}},
		"hours backwards":   {Work: []Work{{HoursLow: 5, HoursHigh: 4}}},
		"rate too high":     {Work: []Work{{HoursLow: 1, HoursHigh: 1, Rate: MaxRate + 1}}},
	} {
		if _, err := Build(in); !errors.Is(err, ErrBounds) && !errors.Is(err, ErrParty) {
			t.Errorf("%s: %v, want a refusal", name, err)
		}
	}
}

// The totals are the exact sums of the rows, and the shares split them.
func TestTotalsAddUp(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		var in Input
		in.Currency = "USD"
		for range rapid.IntRange(0, 20).Draw(t, "work") {
			lo := rapid.Int64Range(0, MaxHours).Draw(t, "lo")
			in.Work = append(in.Work, Work{Label: "w", HoursLow: lo, HoursHigh: rapid.Int64Range(lo, MaxHours).Draw(t, "hi"),
				Rate: rapid.Int64Range(0, MaxRate).Draw(t, "rate"), Currency: rapid.SampledFrom([]string{"USD", "EUR"}).Draw(t, "cur")})
		}
		for range rapid.IntRange(0, 20).Draw(t, "lines") {
			party := rapid.SampledFrom([]string{Host, Lead}).Draw(t, "party")
			if rapid.Bool().Draw(t, "overhead") {
				in.Lines = append(in.Lines, Line{Kind: KindOverhead, BasisPts: rapid.Int64Range(1, MaxBasisPoint).Draw(t, "bp"), Party: party})
			} else {
				in.Lines = append(in.Lines, Line{Kind: "other", Amount: rapid.Int64Range(1, MaxAmount).Draw(t, "amount"), Party: party})
			}
		}
		tab, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		var sum, direct, host, lead Range
		for _, r := range tab.Rows {
			if r.Amount.Low < 0 || r.Amount.High < r.Amount.Low {
				t.Fatalf("row %+v", r)
			}
			sum = sum.plus(r.Amount)
			if r.Kind != KindOverhead {
				direct = direct.plus(r.Amount)
			}
			if r.Party == Host {
				host = host.plus(r.Amount)
			} else {
				lead = lead.plus(r.Amount)
			}
		}
		if sum != tab.Total || direct != tab.Direct || host != tab.Host || lead != tab.Lead || tab.Host.plus(tab.Lead) != tab.Total {
			t.Fatalf("sum %v direct %v host %v lead %v; table %+v", sum, direct, host, lead, tab)
		}
	})
}
