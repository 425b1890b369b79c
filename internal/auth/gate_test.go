package auth

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestGateTurnsAwayPastItsSlots: with every slot taken, a caller waits its
// turn and is then turned away; once a slot frees up, it runs.
func TestGateTurnsAwayPastItsSlots(t *testing.T) {
	g := NewGate(1, 10*time.Millisecond)
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error)
	go func() { done <- g.Do(context.Background(), func() { close(holding); <-release }) }()
	<-holding
	ran := false
	if err := g.Do(context.Background(), func() { ran = true }); !errors.Is(err, ErrBusy) || ran {
		t.Fatalf("second caller with the slot taken: ran %v, err %v", ran, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := NewGate(1, time.Hour).Do(ctx, func() {}); err != nil {
		t.Fatalf("a free slot is taken even by a cancelled caller's fast path: %v", err)
	}
	close(release)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if err := g.Do(context.Background(), func() { ran = true }); err != nil || !ran {
		t.Fatalf("after the slot freed: ran %v, err %v", ran, err)
	}
}
