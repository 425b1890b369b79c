package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/delivery/deliverytest"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestOutboxAndDigestCommands drives the operator commands against a real
// database and a real SMTP server on loopback.
func TestOutboxAndDigestCommands(t *testing.T) {
	db := storagetest.URL(t, storage.SQLite)
	smtp := deliverytest.StartSMTP(t)
	env := map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_SMTP_URL": smtp.URL(), "CONSORTIA_BASE_URL": "https://c.example.org"}
	if _, _, err := runCLI(t, env, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	a := app.New(s, quietLog())
	if err := a.ConfigureNotifications(ctx, "https://c.example.org"); err != nil {
		t.Fatal(err)
	}
	admin, err := a.CreateUser(ctx, nil, model.UserInput{Email: "staff@example.org", Name: "Sam", Role: model.RoleAdmin}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.PostUpdate(ctx, admin, model.UpdateInput{Title: "Welcome", Body: "Hello all."}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.PostUpdate(ctx, admin, model.UpdateInput{Title: "Quick question", Body: "?", Question: "Join the call?", Options: []string{"Yes", "No"}}); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, env, "", "outbox", "status")
	if err != nil || !strings.Contains(out, "pending  1") || !strings.Contains(out, "retried  0") || !strings.Contains(out, "duplicates suspected  0\n") {
		t.Fatalf("status: %q %v", out, err)
	}
	out, _, err = runCLI(t, env, "", "outbox", "deliver")
	if err != nil || !strings.Contains(out, "delivered 1") || len(smtp.Received()) != 1 {
		t.Fatalf("deliver: %q %v (%d received)", out, err, len(smtp.Received()))
	}
	out, _, err = runCLI(t, env, "", "digest", "send", "--period", "weekly", "--now")
	if err != nil || !strings.Contains(out, "queued 1 digest(s); delivered 1") || len(smtp.Received()) != 2 {
		t.Fatalf("digest: %q %v", out, err)
	}
	if got := smtp.Received()[1].Header.Get("Subject"); got != "Weekly digest: 1 update" {
		t.Fatalf("digest subject %q", got)
	}
	out, _, _ = runCLI(t, env, "", "digest", "send", "--now")
	if !strings.Contains(out, "queued 0 digest(s)") {
		t.Fatalf("second digest run: %q", out)
	}
	// A bouncing address fails; retry puts it back.
	smtp.Reject("staff@example.org")
	a.PostUpdate(ctx, admin, model.UpdateInput{Title: "Another", Body: "?", Question: "Ok?", Options: []string{"Yes", "No"}})
	out, _, _ = runCLI(t, env, "", "outbox", "deliver")
	if !strings.Contains(out, "failed 1") {
		t.Fatalf("bounce: %q", out)
	}
	out, _, err = runCLI(t, env, "", "outbox", "retry")
	if err != nil || !strings.Contains(out, "requeued 1 message(s)") {
		t.Fatalf("retry: %q %v", out, err)
	}
	if _, _, err := runCLI(t, env, "", "digest", "send", "--period", "hourly"); err == nil {
		t.Fatal("bad period accepted")
	}
	bad := map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_SMTP_URL": "http://mail.example.org"}
	if _, _, err := runCLI(t, bad, "", "outbox", "deliver"); err == nil || !strings.Contains(err.Error(), "smtp or smtps") {
		t.Fatalf("bad SMTP URL: %v", err)
	}
}

// TestOutboxStatusSaysWhenDuplicatesAreSuspected: `outbox deliver` takes
// over a message whose worker stopped mid-send; `outbox status` then tells
// the operator a receiver may have it twice.
func TestOutboxStatusSaysWhenDuplicatesAreSuspected(t *testing.T) {
	db := storagetest.URL(t, storage.SQLite)
	smtp := deliverytest.StartSMTP(t)
	env := map[string]string{"CONSORTIA_DATABASE_URL": db, "CONSORTIA_SMTP_URL": smtp.URL()}
	if _, _, err := runCLI(t, env, "", "migrate"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := storage.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := model.OutboxMessage{Channel: model.ChannelEmail, Recipient: "p@example.org", Subject: "s", Text: "t", MessageID: "m1@test"}
	if err := s.Enqueue(ctx, &m); err != nil {
		t.Fatal(err)
	}
	// A worker claims the message, begins sending it and stops; its lease is over.
	claimed, err := s.Claim(ctx, "stopped", 1, -time.Second)
	if err != nil || len(claimed) != 1 {
		t.Fatalf("claim: %v", err)
	}
	if ok, err := s.BeginSend(ctx, m.ID, "stopped", claimed[0].Attempts, -time.Second); !ok || err != nil {
		t.Fatalf("begin: %v %v", ok, err)
	}
	if out, _, err := runCLI(t, env, "", "outbox", "deliver"); err != nil || !strings.Contains(out, "delivered 1") {
		t.Fatalf("deliver: %q %v", out, err)
	}
	out, _, err := runCLI(t, env, "", "outbox", "status")
	if err != nil || !strings.Contains(out, "sent     1") || !strings.Contains(out, "retried  1") ||
		!strings.Contains(out, "duplicates suspected  1 (a send was interrupted") {
		t.Fatalf("status: %q %v", out, err)
	}
}
