package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sync"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// concurrentGuesses is the size of the burst of simultaneous wrong
// passwords in the memory benchmark.
const concurrentGuesses = 40

// BenchmarkConcurrentSignInMemory measures the peak heap in use while
// concurrentGuesses wrong passwords (each from its own address, so no limit
// turns any away) are checked at once with the production argon2id cost
// (19 MiB each): with the hashing gate (one slot per CPU) and, for
// comparison, with one slot per request (no bound). Report peak-heap-MiB.
func BenchmarkConcurrentSignInMemory(b *testing.B) {
	for _, tc := range []struct {
		name  string
		slots int
	}{{"gate=cpus", runtime.NumCPU()}, {"gate=none", concurrentGuesses}} {
		b.Run(tc.name, func(b *testing.B) {
			ctx := context.Background()
			a := app.New(storagetest.Open(b, storage.SQLite), slog.New(slog.NewTextHandler(io.Discard, nil)))
			a.Hashing = auth.NewGate(tc.slots, time.Minute)
			a.LoginLimits.DelayBase = 0
			if _, err := a.CreateUser(ctx, nil, model.UserInput{Email: "member@example.org", Name: "Mo", Role: model.RoleMember}, "a long passphrase"); err != nil {
				b.Fatal(err)
			}
			var peak uint64
			next := 0
			for b.Loop() {
				runtime.GC()
				var ms runtime.MemStats
				runtime.ReadMemStats(&ms)
				base := ms.HeapInuse
				stop := make(chan struct{})
				sampled := make(chan uint64)
				go func() { sampled <- samplePeakHeap(stop) }()
				var wg sync.WaitGroup
				for range concurrentGuesses {
					next++
					address := fmt.Sprintf("10.%d.%d.%d", next>>16&255, next>>8&255, next&255)
					wg.Add(1)
					go func() {
						defer wg.Done()
						if _, err := a.Authenticate(ctx, "member@example.org", "a wrong guess", address); model.ErrorCode(err) != model.EUnauthorized {
							b.Errorf("wrong password from %s: %v", address, err)
						}
					}()
				}
				wg.Wait()
				close(stop)
				if p := <-sampled; p > base {
					peak = max(peak, p-base)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// samplePeakHeap reads the heap in use every millisecond until stop is
// closed and returns the highest reading.
func samplePeakHeap(stop <-chan struct{}) uint64 {
	var peak uint64
	var ms runtime.MemStats
	t := time.NewTicker(time.Millisecond)
	defer t.Stop()
	for {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
		select {
		case <-stop:
			return peak
		case <-t.C:
		}
	}
}
