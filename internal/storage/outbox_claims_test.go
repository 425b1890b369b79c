package storage_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// An expired lease: the claim is already over when it is made.
const expired = -time.Second

func enqueueOne(t *testing.T, s *storage.Store, id string) int64 {
	t.Helper()
	m := model.OutboxMessage{Channel: model.ChannelEmail, Recipient: "p@example.org", Subject: "s", Text: "t", MessageID: id}
	if err := s.Enqueue(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

func claimOne(t *testing.T, s *storage.Store, worker string, lease time.Duration) *model.OutboxMessage {
	t.Helper()
	msgs, err := s.Claim(context.Background(), worker, 10, lease)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("%s claims: %d messages, %v", worker, len(msgs), err)
	}
	return msgs[0]
}

// TestInterruptedSendIsSuspectedDuplicate: a worker that began a send and
// stopped before recording it loses the message when its lease runs out;
// the taker-over records the interrupted send, and the status says a
// receiver may have the message twice.
func TestInterruptedSendIsSuspectedDuplicate(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		id := enqueueOne(t, s, "a@test")
		m := claimOne(t, s, "a", time.Minute)
		if ok, err := s.BeginSend(ctx, id, "a", m.Attempts, expired); !ok || err != nil {
			t.Fatalf("a begins: %v %v", ok, err)
		}
		// "a" stops here. "b" takes the message over once the lease is out.
		m = claimOne(t, s, "b", time.Minute)
		if m.Attempts != 2 || m.InterruptedSends != 1 || !strings.Contains(m.LastError, "may have this message twice") {
			t.Fatalf("taken over: %+v", m)
		}
		attempts, _ := s.DeliveryAttempts(ctx, id)
		if len(attempts) != 1 || attempts[0].Worker != "a" || attempts[0].OK || !strings.Contains(attempts[0].Error, "stopped after it began sending") {
			t.Fatalf("attempts: %+v", attempts)
		}
		if ok, _ := s.BeginSend(ctx, id, "a", 1, time.Minute); ok {
			t.Fatal("the stale claim began a send")
		}
		st, err := s.OutboxStatus(ctx)
		if err != nil || st.Retried != 1 || st.DuplicatesSuspected != 1 || st.Sending != 1 {
			t.Fatalf("status: %+v %v", st, err)
		}
	})
}

// TestSendRecordedWhateverTheLease: a success is recorded even when the
// lease moved to another worker meanwhile, and that worker then never sends
// the message; a stale failure does not undo the success.
func TestSendRecordedWhateverTheLease(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		id := enqueueOne(t, s, "b@test")
		first := claimOne(t, s, "a", expired)
		second := claimOne(t, s, "b", time.Minute) // a's lease ran out before it began
		if second.InterruptedSends != 0 {
			t.Fatalf("a never began, yet: %+v", second)
		}
		if ok, _ := s.BeginSend(ctx, id, "a", first.Attempts, time.Minute); ok {
			t.Fatal("a began a send of a message b holds")
		}
		// Say a paused past its lease while sending: its success still counts.
		if err := s.MarkSent(ctx, id, "a", time.Millisecond); err != nil {
			t.Fatal(err)
		}
		if ok, _ := s.BeginSend(ctx, id, "b", second.Attempts, time.Minute); ok {
			t.Fatal("b began a send of a message recorded sent")
		}
		next := time.Now().Add(time.Hour)
		if err := s.MarkFailed(ctx, id, "b", second.Attempts, "boom", &next, 0); err != nil {
			t.Fatal(err)
		}
		got, err := s.OutboxMessage(ctx, id)
		if err != nil || got.Status != model.OutboxSent || got.SentAt == nil || got.LastError != "" {
			t.Fatalf("after a stale failure: %+v %v", got, err)
		}
		// Two successes of one message are suspected duplicates.
		if err := s.MarkSent(ctx, id, "b", time.Millisecond); err != nil {
			t.Fatal(err)
		}
		st, err := s.OutboxStatus(ctx)
		if err != nil || st.Sent != 1 || st.DuplicatesSuspected != 1 {
			t.Fatalf("status: %+v %v", st, err)
		}
	})
}

// TestReleaseReturnsUnbegunMessages: a stopped worker gives back what it
// never began at once, and keeps what is in flight until its lease ends.
func TestReleaseReturnsUnbegunMessages(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		enqueueOne(t, s, "c1@test")
		enqueueOne(t, s, "c2@test")
		msgs, err := s.Claim(ctx, "a", 10, time.Minute)
		if err != nil || len(msgs) != 2 {
			t.Fatalf("claim: %d %v", len(msgs), err)
		}
		if ok, _ := s.BeginSend(ctx, msgs[0].ID, "a", msgs[0].Attempts, time.Minute); !ok {
			t.Fatal("begin")
		}
		if err := s.ExtendLeases(ctx, "a", time.Minute); err != nil {
			t.Fatal(err)
		}
		if err := s.Release(ctx, "a"); err != nil {
			t.Fatal(err)
		}
		again, err := s.Claim(ctx, "b", 10, time.Minute)
		if err != nil || len(again) != 1 || again[0].ID != msgs[1].ID || again[0].Attempts != 1 {
			t.Fatalf("b claims %+v %v", again, err)
		}
	})
}
