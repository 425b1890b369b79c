package storage_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestSessionIdleExpiryTouchedOncePerMinute: reading a session extends its
// idle expiry with at most one write a minute, never past its deadline.
func TestSessionIdleExpiryTouchedOncePerMinute(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clock := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
		st := s.Sessions(10 * time.Minute)
		st.Clock = func() time.Time { return clock }
		var writes atomic.Int64
		ctx := storage.WithWriteCounter(context.Background(), &writes)
		if err := st.CommitCtx(ctx, "tok", []byte("data"), clock.Add(30*time.Minute)); err != nil {
			t.Fatal(err)
		}
		find := func(when string, wantFound bool, wantWrites int64) {
			t.Helper()
			before := writes.Load()
			for range 5 {
				_, found, err := st.FindCtx(ctx, "tok")
				if err != nil {
					t.Fatal(err)
				}
				if found != wantFound {
					t.Fatalf("%s: found = %v, want %v", when, found, wantFound)
				}
			}
			if n := writes.Load() - before; n != wantWrites {
				t.Errorf("%s: %d writes, want %d", when, n, wantWrites)
			}
		}
		find("right after saving", true, 0)
		clock = clock.Add(30 * time.Second)
		find("30 s later", true, 0)
		clock = clock.Add(time.Minute)
		find("over a minute after saving", true, 1)
		clock = clock.Add(9 * time.Minute) // 10.5 min after saving, 9 after the touch
		find("within the idle timeout of the touch", true, 1)
		clock = clock.Add(11 * time.Minute)
		find("after the idle timeout", false, 0)
	})
}

// TestSessionEndsAtDeadline: reading a session keeps it alive only up to
// its absolute deadline.
func TestSessionEndsAtDeadline(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		clock := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
		st := s.Sessions(10 * time.Minute)
		st.Clock = func() time.Time { return clock }
		ctx := context.Background()
		if err := st.CommitCtx(ctx, "tok", []byte("data"), clock.Add(15*time.Minute)); err != nil {
			t.Fatal(err)
		}
		for range 14 {
			clock = clock.Add(time.Minute)
			if _, found, err := st.FindCtx(ctx, "tok"); err != nil || !found {
				t.Fatalf("%v: found=%v err=%v", clock, found, err)
			}
		}
		clock = clock.Add(time.Minute)
		if _, found, _ := st.FindCtx(ctx, "tok"); found {
			t.Error("the session outlived its deadline")
		}
	})
}
