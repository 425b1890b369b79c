package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// migratedSQLite returns the path of a fresh, migrated embedded database.
func migratedSQLite(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "live.db")
	if out, _, err := runCLI(t, nil, "", "migrate", "--db", path); err != nil {
		t.Fatalf("migrate: %v %s", err, out)
	}
	return path
}

func TestBackupWhileWritingThenRestore(t *testing.T) {
	ctx := context.Background()
	live := migratedSQLite(t)
	store, err := storage.Open(ctx, live)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	a := app.New(store, slog.New(slog.NewTextHandler(io.Discard, nil)))

	// Writers add communities until stopped (or a bound is reached); each
	// slug is recorded once its transaction has committed.
	var mu sync.Mutex
	var acked []string
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 5000 {
				select {
				case <-stop:
					return
				default:
				}
				slug := fmt.Sprintf("c-%d-%d", w, i)
				if _, err := a.CreateCommunitySeed(ctx, model.CommunityInput{Slug: slug, Name: "Community " + slug, Kind: "nonprofit"}); err != nil {
					t.Errorf("write %s: %v", slug, err)
					return
				}
				mu.Lock()
				acked = append(acked, slug)
				mu.Unlock()
			}
		}()
	}
	time.Sleep(500 * time.Millisecond) // let the load build up
	mu.Lock()
	before := append([]string(nil), acked...)
	mu.Unlock()
	backup := filepath.Join(t.TempDir(), "copy.db")
	out, _, err := runCLI(t, nil, "", "backup", "--db", live, "--to", backup)
	time.Sleep(300 * time.Millisecond) // writes go on after the copy too
	close(stop)
	wg.Wait()
	if err != nil || !strings.Contains(out, "wrote "+backup) || !strings.Contains(out, "schema version ") || !strings.Contains(out, "integrity check ok") {
		t.Fatalf("backup: %v %q", err, out)
	}
	if len(before) == 0 {
		t.Fatal("no write was acknowledged before the backup")
	}
	t.Logf("%d writes acknowledged before the backup, %d in all", len(before), len(acked))

	// A second backup to the same file is refused without --force.
	if _, _, err := runCLI(t, nil, "", "backup", "--db", live, "--to", backup); err == nil || !strings.Contains(err.Error(), "already exists (use --force") {
		t.Fatalf("overwrite without --force: %v", err)
	}
	if _, _, err := runCLI(t, nil, "", "backup", "--db", live, "--to", live, "--force"); err == nil || !strings.Contains(err.Error(), "is the database itself") {
		t.Fatalf("backup over the live database: %v", err)
	}
	if out, _, err := runCLI(t, nil, "", "backup", "--db", live, "--to", backup, "--force"); err != nil || !strings.Contains(out, "wrote ") {
		t.Fatalf("overwrite with --force: %v %q", err, out)
	}
	if _, err := storage.VerifySQLiteFile(ctx, backup); err != nil {
		t.Fatal(err)
	}
	// The copy holds password hashes and sessions: its owner's only.
	if st, err := os.Stat(backup); err != nil {
		t.Fatal(err)
	} else if st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file mode %v, want 0600", st.Mode())
	}

	fresh := filepath.Join(t.TempDir(), "restored.db")
	out, _, err = runCLI(t, nil, "", "restore", backup, "--db", fresh)
	if err != nil || !strings.Contains(out, "restored "+fresh) || strings.Contains(out, "previous database") {
		t.Fatalf("restore: %v %q", err, out)
	}
	info, err := storage.VerifySQLiteFile(ctx, fresh)
	if err != nil || info.SchemaVersion == 0 {
		t.Fatalf("restored file: %+v %v", info, err)
	}
	restored, err := storage.Open(ctx, fresh)
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	for _, slug := range before {
		if _, err := restored.CommunityByRef(ctx, slug); err != nil {
			t.Errorf("acknowledged write %s is missing from the restored copy: %v", slug, err)
		}
	}
}

func TestRestoreRefusedWhileServingAndKeepsOldDatabase(t *testing.T) {
	live := migratedSQLite(t)
	backup := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := runCLI(t, nil, "", "backup", "--db", live, "--to", backup); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CONSORTIA_ARGON2_MEMORY_KIB": "64", "CONSORTIA_LOG_FORMAT": "json"}
	stop := serve(t, env, "--addr", freeAddr(t), "--db", live)
	before := snapshotDir(t, filepath.Dir(live))
	_, _, err := runCLI(t, nil, "", "restore", backup, "--db", live)
	if err == nil || !strings.Contains(err.Error(), "restore refused") || !strings.Contains(err.Error(), "in use by a running server") {
		t.Fatalf("restore while serving: %v", err)
	}
	if after := snapshotDir(t, filepath.Dir(live)); !equalSnapshots(before, after) {
		t.Fatalf("a refused restore changed files:\nbefore %v\nafter  %v", before, after)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	// A leftover WAL from the old database must not be replayed into the
	// restored one.
	if err := os.WriteFile(live+"-wal", []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, nil, "", "restore", backup, "--db", live)
	if err != nil || !strings.Contains(out, "the previous database is kept as "+live+".before-restore-") {
		t.Fatalf("restore after stop: %v %q", err, out)
	}
	kept, _ := filepath.Glob(live + ".before-restore-*")
	if len(kept) != 2 { // the database and its -wal
		t.Fatalf("kept files: %v", kept)
	}
	if _, err := os.Stat(live + "-wal"); !os.IsNotExist(err) {
		t.Fatalf("stale -wal left beside the restored database: %v", err)
	}
	if _, err := storage.VerifySQLiteFile(context.Background(), live); err != nil {
		t.Fatal(err)
	}
}

func TestRestoreRejectsBadFilesAndTouchesNothing(t *testing.T) {
	live := migratedSQLite(t)
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if _, _, err := runCLI(t, nil, "", "backup", "--db", live, "--to", good); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	// A sound SQLite file that is not a consortia database.
	other := filepath.Join(dir, "other.db")
	plain, err := sql.Open("sqlite", other)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.Exec(`CREATE TABLE notes (body TEXT)`); err != nil {
		t.Fatal(err)
	}
	plain.Close()
	cases := []struct{ name, file, want string }{
		{"missing", filepath.Join(dir, "nope.db"), "no such file"},
		{"not sqlite", write("notes.txt", []byte("hello, this is not a database at all")), "is not an SQLite database file"},
		{"empty", write("empty.db", nil), "is not an SQLite database file"},
		{"truncated", write("truncated.db", whole[:len(whole)/2]), "failed the integrity check"},
		{"folder", dir, "is not a regular file"},
		{"not consortia", other, "is not a consortia database"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			target := migratedSQLite(t)
			before := snapshotDir(t, filepath.Dir(target))
			_, _, err := runCLI(t, nil, "", "restore", c.file, "--db", target)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("restore %s: %v, want %q", c.name, err, c.want)
			}
			if after := snapshotDir(t, filepath.Dir(target)); !equalSnapshots(before, after) {
				t.Fatalf("a rejected restore changed files:\nbefore %v\nafter  %v", before, after)
			}
		})
	}
	if _, _, err := runCLI(t, nil, "", "backup", "--db", filepath.Join(dir, "absent.db"), "--to", filepath.Join(dir, "x.db")); err == nil || !strings.Contains(err.Error(), "--db: no database at") {
		t.Fatalf("backup of a missing database: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "absent.db")); !os.IsNotExist(err) {
		t.Fatal("backup created the missing database")
	}
}

func TestBackupRestorePostgresExplainsTools(t *testing.T) {
	for _, args := range [][]string{
		{"backup", "--db", "postgres://u:secret@db.example/consortia", "--to", "x.db"},
		{"restore", "x.db", "--db", "postgres://u:secret@db.example/consortia"},
	} {
		_, stderr, err := runCLI(t, nil, "", args...)
		var code exitCode
		if !errors.As(err, &code) || code != 2 {
			t.Fatalf("%v: %v, want exit status 2", args, err)
		}
		for _, want := range []string{"pg_dump --format=custom", "pg_restore --list", "pg_restore --clean", "deploy/postgres-backup.sh"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%v: message lacks %q:\n%s", args, want, stderr)
			}
		}
		if strings.Contains(stderr, "secret") {
			t.Errorf("%v: message shows the password", args)
		}
	}
}

// snapshotDir maps each file name in dir to its contents.
func snapshotDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]byte{}
	for _, e := range entries {
		if e.Type().IsRegular() {
			b, err := os.ReadFile(filepath.Join(dir, e.Name()))
			if err != nil {
				t.Fatal(err)
			}
			m[e.Name()] = b
		}
	}
	return m
}

func equalSnapshots(a, b map[string][]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || !bytes.Equal(v, w) {
			return false
		}
	}
	return true
}
