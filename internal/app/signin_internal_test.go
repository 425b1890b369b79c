package app

import (
	"testing"
	"time"
)

// TestAccountDelayGrowsAndIsCapped: attempts on one account are slowed,
// more with each one, but never refused and never slowed past the cap.
func TestAccountDelayGrowsAndIsCapped(t *testing.T) {
	l := DefaultLoginLimits
	want := map[int]time.Duration{1: 0, 5: 0, 6: time.Second, 7: 2 * time.Second, 8: 4 * time.Second, 9: 8 * time.Second,
		10: 10 * time.Second, 11: 10 * time.Second, 1000: 10 * time.Second}
	for n, d := range want {
		if got := l.accountDelay(n); got != d {
			t.Errorf("attempt %d: delay %v, want %v", n, got, d)
		}
	}
	l.DelayBase = 0
	if got := l.accountDelay(100); got != 0 {
		t.Errorf("without a base delay: %v", got)
	}
}
