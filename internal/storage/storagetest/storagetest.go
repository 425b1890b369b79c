// Package storagetest opens real, migrated, empty databases for tests: an
// embedded SQLite file in a temporary folder, and — when
// CONSORTIA_TEST_POSTGRES names a server — a fresh PostgreSQL schema.
package storagetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"consortia/internal/storage"
)

// PostgresEnv names the variable holding the test PostgreSQL URL.
const PostgresEnv = "CONSORTIA_TEST_POSTGRES"

// Dialects returns the dialects to test: SQLite always, PostgreSQL when
// configured.
func Dialects() []storage.Dialect {
	if os.Getenv(PostgresEnv) != "" {
		return []storage.Dialect{storage.SQLite, storage.Postgres}
	}
	return []storage.Dialect{storage.SQLite}
}

// Each runs fn once per dialect, each with a fresh database. Without
// PostgreSQL it says so; under CI (CI set) a missing PostgreSQL fails.
func Each(t *testing.T, fn func(t *testing.T, s *storage.Store)) {
	t.Helper()
	eachDialect(t, func(t *testing.T, d storage.Dialect) { fn(t, Open(t, d)) })
}

// EachPair is Each with two stores, each with its own connections, on one
// fresh database: two app instances sharing it.
func EachPair(t *testing.T, fn func(t *testing.T, a, b *storage.Store)) {
	t.Helper()
	eachDialect(t, func(t *testing.T, d storage.Dialect) {
		dbURL := URL(t, d)
		fn(t, openURL(t, dbURL), openURL(t, dbURL))
	})
}

// EachURL is Each for tests that open the database themselves, e.g. in
// another process: fn gets the URL of a fresh, empty (unmigrated) database.
func EachURL(t *testing.T, fn func(t *testing.T, d storage.Dialect, dbURL string)) {
	t.Helper()
	eachDialect(t, func(t *testing.T, d storage.Dialect) { fn(t, d, URL(t, d)) })
}

func eachDialect(t *testing.T, fn func(t *testing.T, d storage.Dialect)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, storage.SQLite) })
	t.Run("postgres", func(t *testing.T) {
		if os.Getenv(PostgresEnv) == "" {
			if os.Getenv("CI") != "" {
				t.Fatalf("%s is not set but CI is: the PostgreSQL half of the suite must run in CI", PostgresEnv)
			}
			t.Skipf("PostgreSQL tests skipped: set %s=postgres://… to run them", PostgresEnv)
		}
		fn(t, storage.Postgres)
	})
}

// URL returns a database URL for a fresh, empty database of the dialect;
// the database is removed when the test ends.
func URL(t testing.TB, d storage.Dialect) string {
	t.Helper()
	if d == storage.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "test.db")
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create test schema: %v", err)
	}
	t.Cleanup(func() {
		admin, err := sql.Open("pgx", base)
		if err == nil {
			_, _ = admin.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			admin.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open returns a migrated store on a fresh database of the dialect.
func Open(t testing.TB, d storage.Dialect) *storage.Store {
	t.Helper()
	return openURL(t, URL(t, d))
}

func openURL(t testing.TB, dbURL string) *storage.Store {
	t.Helper()
	ctx := context.Background()
	s, err := storage.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}
