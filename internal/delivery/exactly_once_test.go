package delivery_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"consortia/internal/delivery"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestSlowReceiverGetsEachMessageOnce: two app instances drain one outbox
// while a webhook receiver answers so slowly that a batch outlives the
// lease several times over. Every message must arrive exactly once, counted
// at the receiver — also when one worker's heartbeat stalls, so the other
// takes its unsent messages over while it is still sending.
func TestSlowReceiverGetsEachMessageOnce(t *testing.T) {
	for _, stalled := range []bool{false, true} {
		t.Run(map[bool]string{false: "heartbeat", true: "stalled heartbeat"}[stalled], func(t *testing.T) {
			storagetest.EachPair(t, func(t *testing.T, s1, s2 *storage.Store) {
				const messages = 12
				ctx := context.Background()
				var mu sync.Mutex
				received := map[string]int{}
				receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					time.Sleep(200 * time.Millisecond) // twelve of these: 2.4 s, the lease is 1 s
					mu.Lock()
					received[r.Header.Get("X-Consortia-Delivery")]++
					mu.Unlock()
				}))
				defer receiver.Close()
				for i := range messages {
					m := model.OutboxMessage{Channel: "webhook", Recipient: receiver.URL, Subject: "s", Payload: "{}", MessageID: fmt.Sprintf("m%d@test", i)}
					if err := s1.Enqueue(ctx, &m); err != nil {
						t.Fatal(err)
					}
				}
				var workers []*delivery.Worker
				for _, s := range []*storage.Store{s1, s2} {
					w := delivery.NewWorker(s, map[string]delivery.Sender{"webhook": &delivery.HTTP{}}, quiet)
					w.Lease, w.SendTimeout = time.Second, 600*time.Millisecond
					workers = append(workers, w)
				}
				if stalled {
					workers[0].Heartbeat = time.Hour
				}
				runCtx, stop := context.WithCancel(ctx)
				var wg sync.WaitGroup
				// The first worker claims the whole batch before the second
				// starts: the second then waits for the first's lease.
				for _, w := range workers {
					wg.Add(1)
					go func() {
						defer wg.Done()
						w.Run(runCtx, 20*time.Millisecond)
					}()
					if !waitFor(t, s1, func(st model.OutboxStats) bool { return st.Sending > 0 || st.Sent > 0 }) {
						t.Fatal("no worker claimed anything")
					}
				}
				if !waitFor(t, s1, func(st model.OutboxStats) bool { return st.Sent == messages }) {
					t.Error("not every message was recorded sent")
				}
				stop()
				wg.Wait() // a send still in flight would show up at the receiver now
				mu.Lock()
				defer mu.Unlock()
				for i := range messages {
					if id := fmt.Sprintf("m%d@test", i); received[id] != 1 {
						t.Errorf("message %s arrived %d times", id, received[id])
					}
				}
				if len(received) != messages {
					t.Errorf("the receiver got %d distinct messages: %v", len(received), received)
				}
				st, err := s1.OutboxStatus(ctx)
				if err != nil || st.Sent != messages || st.DuplicatesSuspected != 0 {
					t.Fatalf("status %+v %v", st, err)
				}
				// Without renewals the second worker claimed the messages
				// the first had not begun yet: a second attempt for them.
				if stalled != (st.Retried > 0) {
					t.Fatalf("stalled %v, yet %d messages were claimed again", stalled, st.Retried)
				}
			})
		})
	}
}

// waitFor polls the outbox until done says so, and gives up after a while
// (a guard against hanging, no speed requirement).
func waitFor(t *testing.T, s *storage.Store, done func(model.OutboxStats) bool) bool {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		st, err := s.OutboxStatus(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if done(st) {
			return true
		}
		if time.Now().After(deadline) {
			t.Logf("gave up waiting: %+v", st)
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
