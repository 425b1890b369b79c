package app_test

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"syscall"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Sizes of the digest benchmark (the performance target).
const (
	benchPeople      = 100_000
	benchEvents      = 1_000
	benchPerPerson   = 10 // pending notifications per person: 1,000,000 in all
	benchConsortia   = 10
	benchRowsPerStmt = 500
)

// bulkInsert inserts rows with multi-row INSERTs, benchRowsPerStmt a statement.
func bulkInsert(ctx context.Context, tx *sql.Tx, head string, cols, n int, row func(i int) []any) error {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for start := 0; start < n; start += benchRowsPerStmt {
		end := min(start+benchRowsPerStmt, n)
		args := make([]any, 0, (end-start)*cols)
		for i := start; i < end; i++ {
			args = append(args, row(i)...)
		}
		q := head + " VALUES " + strings.TrimSuffix(strings.Repeat(one+", ", end-start), ", ")
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// seedDigests fills a SQLite database with benchPeople people, each with
// benchPerPerson pending weekly notifications of benchEvents events spread
// over benchConsortia consortia, directly with SQL.
func seedDigests(b *testing.B, s *storage.Store) {
	b.Helper()
	ctx := context.Background()
	db := s.DB()
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	now := time.Now().UTC().Add(-24 * time.Hour)
	if err := bulkInsert(ctx, tx, `INSERT INTO users (email, name, role, created_at)`, 4, benchPeople, func(i int) []any {
		return []any{fmt.Sprintf("person%06d@example.org", i), fmt.Sprintf("Person %d", i), model.RoleMember, now}
	}); err != nil {
		b.Fatal(err)
	}
	for i := range benchConsortia {
		if _, err := tx.ExecContext(ctx, `INSERT INTO consortia (slug, name, problem, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			fmt.Sprintf("consortium-%d", i), fmt.Sprintf("Consortium %d", i), "A shared problem.", now, now); err != nil {
			b.Fatal(err)
		}
	}
	body := "**What's done:** the dashboards now show costs per user.\n\n**What's possible:** alerts by email.\n\n**What we ask of you:** try them."
	if err := bulkInsert(ctx, tx, `INSERT INTO events (kind, audience, consortium_id, title, body, url, importance, actor_name, created_at)`, 9, benchEvents,
		func(i int) []any {
			imp, kind := model.ImportanceNews, model.EventUpdatePosted
			if i%10 == 0 {
				imp, kind = model.ImportanceResult, model.EventResultsPublished
			}
			return []any{kind, model.AudienceConsortium, i%benchConsortia + 1, fmt.Sprintf("Update number %d", i), body,
				fmt.Sprintf("/consortia/consortium-%d#updates", i%benchConsortia), imp, "Sam Staff", now}
		}); err != nil {
		b.Fatal(err)
	}
	if err := bulkInsert(ctx, tx, `INSERT INTO notifications (event_id, user_id, period, state, created_at)`, 5, benchPeople*benchPerPerson,
		func(i int) []any {
			person, k := i/benchPerPerson, i%benchPerPerson
			return []any{(person*7+k*97)%benchEvents + 1, person + 1, model.ModeWeekly, "pending", now}
		}); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSendDigests composes the weekly digests of 100,000 people with
// 1,000,000 pending notifications (the target: under 30 s).
func BenchmarkSendDigests(b *testing.B) {
	s := storagetest.Open(b, storage.SQLite)
	start := time.Now()
	seedDigests(b, s)
	b.Logf("seeded %d people, %d pending notifications in %s", benchPeople, benchPeople*benchPerPerson, time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	a := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := a.ConfigureNotifications(ctx, "https://consortia.example.org"); err != nil {
		b.Fatal(err)
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if i > 0 {
			b.StopTimer()
			for _, q := range []string{`UPDATE notifications SET state = 'pending', digest_outbox_id = NULL`, `DELETE FROM digest_runs`, `DELETE FROM outbox`} {
				if _, err := s.DB().ExecContext(ctx, q); err != nil {
					b.Fatal(err)
				}
			}
			b.StartTimer()
		}
		n, err := a.SendDigests(ctx, model.ModeWeekly, true)
		if err != nil {
			b.Fatal(err)
		}
		if n != benchPeople {
			b.Fatalf("queued %d digests, want %d", n, benchPeople)
		}
	}
	b.StopTimer()
	perRun := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(benchPeople)/perRun.Seconds(), "digests/s")
	b.ReportMetric(perRun.Seconds(), "s/run")
	b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/run")
	var pending int
	if err := s.DB().QueryRow(`SELECT COUNT(*) FROM notifications WHERE state = 'pending'`).Scan(&pending); err != nil || pending != 0 {
		b.Fatalf("%d notifications still pending (%v)", pending, err)
	}
}

// cpuTime is the CPU time (user and system) the process used so far: on a
// shared machine it varies less than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
