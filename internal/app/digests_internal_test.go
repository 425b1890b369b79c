package app

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestDigestBatchChangedMeanwhile: a batch is composed outside the
// transaction that queues it. A notification arriving in between is not
// lost (the person's digest is composed again, with it), and notifications
// another instance sent in between are not sent twice.
func TestDigestBatchChangedMeanwhile(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		a := New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		a.Password = auth.Params{Memory: 64, Time: 1, Threads: 1}
		if err := a.ConfigureNotifications(ctx, "https://consortia.example.org"); err != nil {
			t.Fatal(err)
		}
		admin, err := a.CreateUser(ctx, nil, model.UserInput{Email: "staff@example.org", Name: "Sam Staff", Role: model.RoleAdmin}, "")
		if err != nil {
			t.Fatal(err)
		}
		post := func(title string) {
			t.Helper()
			if _, err := a.PostUpdate(ctx, admin, model.UpdateInput{Title: title, Body: "Body of " + title}); err != nil {
				t.Fatal(err)
			}
		}
		due := time.Now().Add(time.Hour)
		queued := func() []*model.OutboxMessage {
			t.Helper()
			msgs, _, err := a.ListOutbox(ctx, admin, "", model.Page{})
			if err != nil {
				t.Fatal(err)
			}
			return msgs
		}

		post("First news")
		b := a.composeBatch(ctx, model.ModeWeekly, due, 0, time.Now())
		if b.err != nil || len(b.users) != 1 || b.msgs[0] == nil {
			t.Fatalf("batch: %+v", b)
		}
		post("Second news") // arrives after composing
		if n, err := a.queueBatch(ctx, model.ModeWeekly, time.Now(), b); err != nil || n != 1 {
			t.Fatalf("queue: %d %v", n, err)
		}
		msgs := queued()
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "First news") || !strings.Contains(msgs[0].Text, "Second news") {
			t.Fatalf("the digest should carry both: %+v", msgs)
		}
		if !strings.Contains(msgs[0].Text, "Body of First news") || !strings.Contains(msgs[0].HTML, "Body of Second news") {
			t.Errorf("a digest carries the text of the updates it lists:\n%s", msgs[0].Text)
		}

		// Sent by someone else between composing and queueing: nothing twice.
		post("Third news")
		b = a.composeBatch(ctx, model.ModeWeekly, due, 0, time.Now())
		if n, err := a.SendDigests(ctx, model.ModeWeekly, true); err != nil || n != 1 {
			t.Fatalf("the other instance: %d %v", n, err)
		}
		if n, err := a.queueBatch(ctx, model.ModeWeekly, time.Now(), b); err != nil || n != 0 {
			t.Fatalf("queue after the other instance: %d %v", n, err)
		}
		if msgs := queued(); len(msgs) != 2 {
			t.Fatalf("%d digests, want 2", len(msgs))
		}
	})
}
