package budget

import (
	"bytes"
	"os"
	"testing"
)

// wieliczka is the largest instance in testdata: 6,586 voters and 64 projects
// (the Wieliczka 2023 Green Budget), a city-sized MES election.
const wieliczkaFile = "poland_wieliczka_2023_green-budget.pb"

func loadBench(b *testing.B, name string) (*Instance, []byte) {
	b.Helper()
	data, err := os.ReadFile(dataDir + "/" + name)
	if err != nil {
		b.Fatalf("pabulib file %s: %v", name, err)
	}
	inst, err := ParsePB(bytes.NewReader(data))
	if err != nil {
		b.Fatal(err)
	}
	return inst, data
}

func benchAllocate(b *testing.B, opts Options) {
	inst, _ := loadBench(b, wieliczkaFile)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Allocate(inst, opts); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMESWieliczka(b *testing.B) { benchAllocate(b, Options{Rule: RuleMES}) }

func BenchmarkMESAdd1Wieliczka(b *testing.B) {
	benchAllocate(b, Options{Rule: RuleMES, Completion: CompletionAdd1})
}

func BenchmarkMESAdd1ExhaustiveStopWieliczka(b *testing.B) {
	benchAllocate(b, Options{Rule: RuleMES, Completion: CompletionAdd1, Add1StopWhenExhaustive: true})
}

func BenchmarkMESCardinalityWieliczka(b *testing.B) {
	benchAllocate(b, Options{Rule: RuleMES, Utility: UtilityCardinality})
}

func BenchmarkGreedyWieliczka(b *testing.B) { benchAllocate(b, Options{Rule: RuleGreedy}) }

func BenchmarkParsePBWieliczka(b *testing.B) {
	_, data := loadBench(b, wieliczkaFile)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParsePB(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWritePBWieliczka(b *testing.B) {
	inst, data := loadBench(b, wieliczkaFile)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := WritePB(&buf, inst); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkMESAdd1StepwiseWieliczka(b *testing.B) {
	benchAllocate(b, Options{Rule: RuleMES, Completion: CompletionAdd1, Add1Stepwise: true})
}

// The generated city-scale election of large_test.go (1,000 projects, 6,000
// voters); it needs no shared data.
func benchLarge(b *testing.B, opts Options) {
	inst := largeInstance(1000, 6000)
	b.ReportAllocs()
	for b.Loop() {
		res, err := Allocate(inst, opts)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(res.MESRuns), "runs")
	}
}

func BenchmarkMESLarge(b *testing.B) { benchLarge(b, Options{}) }

func BenchmarkMESAdd1Large(b *testing.B) { benchLarge(b, Options{Completion: CompletionAdd1}) }

func BenchmarkMESAdd1StepwiseLarge(b *testing.B) {
	benchLarge(b, Options{Completion: CompletionAdd1, Add1Stepwise: true})
}
