package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"consortia/internal/storage"
)

// backupCmd and restoreCmd copy the embedded SQLite database; PostgreSQL
// has its own tools, which the commands explain.
type backupCmd struct {
	dbFlag `embed:""`
	To     string `name:"to" required:"" placeholder:"FILE" help:"File to write the copy to."`
	Force  bool   `name:"force" help:"Replace FILE if it exists."`
}

type restoreCmd struct {
	File   string `arg:"" name:"file" help:"A file written by consortia backup."`
	dbFlag `embed:""`
}

// backupRestoreCmds is registered in cli as one embedded struct so the two
// commands sit together.
type backupRestoreCmds struct {
	Backup  backupCmd  `cmd:"" help:"Copy the embedded database to a file while it serves, and verify the copy."`
	Restore restoreCmd `cmd:"" help:"Verify a backup file and put it in place of the embedded database (the server must be stopped)."`
}

const postgresBackupHelp = `consortia backup and restore copy the embedded SQLite database only.
For PostgreSQL use its own tools (deploy/postgres-backup.sh does both steps and verifies):

  backup:   pg_dump --format=custom --file=consortia.dump "$CONSORTIA_DATABASE_URL"
  verify:   pg_restore --list consortia.dump > /dev/null
  restore:  pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$CONSORTIA_DATABASE_URL" consortia.dump
`

// sqliteOnly returns the database file path, or prints the PostgreSQL
// instructions and exits with status 2.
func sqliteOnly(e *env, dbURL string) (string, error) {
	path, ok, err := storage.SQLitePath(dbURL)
	if err != nil {
		return "", err
	}
	if !ok {
		fmt.Fprint(e.stderr, postgresBackupHelp)
		return "", exitCode(2)
	}
	return path, nil
}

func (b *backupCmd) Run(e *env) error {
	path, err := sqliteOnly(e, b.DB)
	if err != nil {
		return err
	}
	// Opening a missing file would create an empty database.
	if st, err := os.Stat(path); err != nil {
		return fmt.Errorf("--db: no database at %s: %w", path, err)
	} else if !st.Mode().IsRegular() {
		return fmt.Errorf("--db: %s is not a database file", path)
	}
	// --force must never replace the live database (or its WAL) with its copy.
	for _, live := range []string{path, path + "-wal", path + "-shm", path + ".lock"} {
		if sameFile(live, b.To) {
			return fmt.Errorf("--to: %s is the database itself; choose another file", b.To)
		}
	}
	store, err := storage.Open(e.ctx, b.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	info, err := store.BackupSQLite(e.ctx, b.To, b.Force)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	_, err = fmt.Fprintf(e.stdout, "wrote %s (%d bytes, schema version %d), integrity check ok\n", b.To, info.Size, info.SchemaVersion)
	return err
}

func (r *restoreCmd) Run(e *env) error {
	path, err := sqliteOnly(e, r.DB)
	if err != nil {
		return err
	}
	stamp := time.Now().UTC().Format("20060102T150405Z")
	info, kept, err := storage.RestoreSQLite(e.ctx, r.File, path, stamp)
	if err != nil {
		if errors.Is(err, storage.ErrDatabaseInUse) {
			return fmt.Errorf("restore refused: %w", err)
		}
		return fmt.Errorf("restore: %w", err)
	}
	fmt.Fprintf(e.stdout, "restored %s from %s (%d bytes, schema version %d)\n", path, r.File, info.Size, info.SchemaVersion)
	if kept != "" {
		fmt.Fprintf(e.stdout, "the previous database is kept as %s\n", kept)
	}
	return nil
}

// sameFile reports whether both paths name one existing file.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}
