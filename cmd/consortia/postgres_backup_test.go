package main

import (
	"context"
	"database/sql"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestPostgresBackupScript runs deploy/postgres-backup.sh against the test
// PostgreSQL: back up one schema, restore it into a fresh database, and
// find the data there.
func TestPostgresBackupScript(t *testing.T) {
	base := os.Getenv(storagetest.PostgresEnv)
	if base == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI is", storagetest.PostgresEnv)
		}
		t.Skipf("skipped: set %s=postgres://… to run it", storagetest.PostgresEnv)
	}
	for _, tool := range []string{"pg_dump", "pg_restore"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not installed but CI is set", tool)
			}
			t.Skipf("skipped: %s is not installed", tool)
		}
	}
	ctx := context.Background()
	srcURL := storagetest.URL(t, storage.Postgres)
	u, err := url.Parse(srcURL)
	if err != nil {
		t.Fatal(err)
	}
	schema := u.Query().Get("search_path")
	src, err := storage.Open(ctx, srcURL)
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	if _, err := src.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := src.CreateCommunity(ctx, model.CommunityInput{Slug: "kept-across", Name: "Kept Across", Kind: "nonprofit"}); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	dump := filepath.Join(dir, "consortia.dump")
	script := func(dbURL string, args ...string) (string, error) {
		cmd := exec.Command("../../deploy/postgres-backup.sh", args...)
		cmd.Env = append(os.Environ(), "CONSORTIA_DATABASE_URL="+dbURL)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := script(base, "backup", dump, "--schema="+schema); err != nil || !strings.Contains(out, "pg_restore --list ok") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if out, err := script(base, "backup", dump, "--schema="+schema); err == nil || !strings.Contains(out, "already exists") {
		t.Fatalf("backup over an existing file: %v\n%s", err, out)
	}

	// A fresh database to restore into.
	dbName := "r_" + strings.TrimPrefix(schema, "t_")
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE DATABASE ` + dbName); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = admin.Exec(`DROP DATABASE IF EXISTS ` + dbName + ` WITH (FORCE)`) })
	fresh := *u
	fresh.Path = "/" + dbName
	fresh.RawQuery = ""

	bad := filepath.Join(dir, "not-a-dump")
	if err := os.WriteFile(bad, []byte("not an archive"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := script(fresh.String(), "restore", bad); err == nil || !strings.Contains(out, "is not a readable pg_dump archive") {
		t.Fatalf("restore of a bad file: %v\n%s", err, out)
	}
	if out, err := script(fresh.String(), "restore", dump); err != nil || !strings.Contains(out, "restored ") {
		t.Fatalf("restore: %v\n%s", err, out)
	}
	q := fresh.Query()
	q.Set("search_path", schema)
	fresh.RawQuery = q.Encode()
	restored, err := storage.Open(ctx, fresh.String())
	if err != nil {
		t.Fatal(err)
	}
	defer restored.Close()
	c, err := restored.CommunityByRef(ctx, "kept-across")
	if err != nil || c.Name != "Kept Across" {
		t.Fatalf("restored community: %+v %v", c, err)
	}
	if n, err := restored.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("restored schema version: %d pending migrations, %v", n, err)
	}
}
