package storage

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"syscall"
)

// SQLitePath returns the file path of an embedded-database URL, and false
// for PostgreSQL.
func SQLitePath(dbURL string) (string, bool, error) {
	dialect, _, target, err := parseURL(dbURL)
	if err != nil {
		return "", false, err
	}
	return target, dialect == SQLite, nil
}

// ErrDatabaseInUse means another process (a running server) holds the
// database's lock file.
var ErrDatabaseInUse = errors.New("the database is in use by a running server")

// LockSQLite takes the advisory lock PATH.lock that a server holds for its
// lifetime, without waiting. The lock goes away with the process, so a
// crashed server never leaves it stuck.
func LockSQLite(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path+".lock", os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s: %w (lock file %s.lock); stop it first", path, ErrDatabaseInUse, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() { f.Close() }, nil
}

// FileInfo describes a verified SQLite database file.
type FileInfo struct {
	Size          int64
	SchemaVersion int64
}

var sqliteMagic = []byte("SQLite format 3\x00")

// VerifySQLiteFile checks that path is a whole, consistent consortia
// database: the SQLite header, PRAGMA integrity_check, and goose's version
// table. It opens the file read-only and immutable, so it writes nothing
// (no -wal or -shm beside it).
func VerifySQLiteFile(ctx context.Context, path string) (FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return FileInfo{}, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return FileInfo{}, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return FileInfo{}, fmt.Errorf("%s is not a regular file", path)
	}
	head := make([]byte, len(sqliteMagic))
	_, err = io.ReadFull(f, head)
	f.Close()
	if err != nil || !bytes.Equal(head, sqliteMagic) {
		return FileInfo{}, fmt.Errorf("%s is not an SQLite database file", path)
	}
	u := url.URL{Scheme: "file", Opaque: path, RawQuery: "mode=ro&immutable=1"}
	db, err := sql.Open("sqlite", u.String())
	if err != nil {
		return FileInfo{}, err
	}
	defer db.Close()
	var result string
	if err := db.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&result); err != nil {
		return FileInfo{}, fmt.Errorf("%s failed the integrity check: %w", path, err)
	}
	if result != "ok" {
		return FileInfo{}, fmt.Errorf("%s failed the integrity check: %s", path, result)
	}
	var version sql.NullInt64
	err = db.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&version)
	if err != nil {
		return FileInfo{}, fmt.Errorf("%s is not a consortia database (no schema version table): %w", path, err)
	}
	return FileInfo{Size: st.Size(), SchemaVersion: version.Int64}, nil
}

// BackupSQLite writes a consistent copy of the open embedded database to
// dest with VACUUM INTO, which reads one snapshot while writers carry on.
// The copy is written beside dest and renamed into place once verified; an
// existing dest is replaced only with overwrite.
func (s *Store) BackupSQLite(ctx context.Context, dest string, overwrite bool) (FileInfo, error) {
	if s.dialect != SQLite {
		return FileInfo{}, errors.New("BackupSQLite needs the embedded database")
	}
	if _, err := os.Lstat(dest); err == nil && !overwrite {
		return FileInfo{}, fmt.Errorf("%s already exists (use --force to replace it)", dest)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".partial-*")
	if err != nil {
		return FileInfo{}, err
	}
	tmpPath := tmp.Name()
	tmp.Close()
	defer os.Remove(tmpPath) // a no-op once renamed
	// VACUUM INTO accepts an existing empty file.
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO ?`, tmpPath); err != nil {
		return FileInfo{}, fmt.Errorf("copy the database: %w", err)
	}
	if err := syncFile(tmpPath); err != nil {
		return FileInfo{}, err
	}
	info, err := VerifySQLiteFile(ctx, tmpPath)
	if err != nil {
		return FileInfo{}, err
	}
	if overwrite {
		err = os.Rename(tmpPath, dest)
	} else if err = os.Link(tmpPath, dest); err == nil { // fails if dest appeared meanwhile
		err = os.Remove(tmpPath)
	}
	if err != nil {
		return FileInfo{}, err
	}
	return info, syncDir(filepath.Dir(dest))
}

// RestoreSQLite puts the verified database file src in place at target
// while holding target's lock. The old database (with its -wal and -shm, so
// nothing it committed is lost) is kept as target.before-restore-STAMP,
// whose path is returned ("" when there was none).
func RestoreSQLite(ctx context.Context, src, target, stamp string) (FileInfo, string, error) {
	info, err := VerifySQLiteFile(ctx, src)
	if err != nil {
		return FileInfo{}, "", err
	}
	unlock, err := LockSQLite(target)
	if err != nil {
		return FileInfo{}, "", err
	}
	defer unlock()
	tmp, err := copyBeside(src, target)
	if err != nil {
		return FileInfo{}, "", err
	}
	defer os.Remove(tmp)
	kept := ""
	if _, err := os.Lstat(target); err == nil {
		kept = target + ".before-restore-" + stamp
		if _, err := os.Lstat(kept); err == nil {
			return FileInfo{}, "", fmt.Errorf("%s already exists; try again in a second", kept)
		}
		if err := os.Rename(target, kept); err != nil {
			return FileInfo{}, "", err
		}
	}
	// The old -wal and -shm belong to the old database; left beside the
	// restored file SQLite would replay them into it.
	for _, suffix := range []string{"-wal", "-shm"} {
		if _, err := os.Lstat(target + suffix); err != nil {
			continue
		}
		if kept != "" {
			err = os.Rename(target+suffix, kept+suffix)
		} else {
			err = os.Remove(target + suffix)
		}
		if err != nil {
			return FileInfo{}, "", err
		}
	}
	if err := os.Rename(tmp, target); err != nil {
		return FileInfo{}, "", err
	}
	return info, kept, syncDir(filepath.Dir(target))
}

// copyBeside copies src to a temporary file in dest's folder, synced.
func copyBeside(src, dest string) (string, error) {
	in, err := os.Open(src)
	if err != nil {
		return "", err
	}
	defer in.Close()
	out, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".restoring-*")
	if err != nil {
		return "", err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(out.Name())
		return "", err
	}
	return out.Name(), nil
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	_ = d.Sync() // not every file system syncs directories
	return nil
}
