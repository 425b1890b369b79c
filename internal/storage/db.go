// Package storage keeps consortia's state in a relational database: the
// embedded SQLite (the default, no setup) or PostgreSQL (to scale out to
// several app instances). One SQL codebase serves both: queries are written
// with ? placeholders and rebound to $n for PostgreSQL.
package storage

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"
	"unicode"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
	"github.com/pressly/goose/v3"

	"consortia/internal/redact"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Dialect names the kind of database behind a Store.
type Dialect string

// The supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

//go:embed migrations
var migrations embed.FS

// Store is the one storage API every other package uses.
type Store struct {
	queries
	db      *sql.DB
	dialect Dialect
	target  string // the database location without credentials, for logs
}

// Open connects to the database named by url: "postgres://…",
// "postgresql://…" or a key/value string ("host=… dbname=…") for PostgreSQL; "sqlite:PATH" or a bare file path for the
// embedded SQLite database. It does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*Store, error) {
	dialect, dsn, target, err := parseURL(url)
	if err != nil {
		return nil, err
	}
	var db *sql.DB
	switch dialect {
	case Postgres:
		db, err = sql.Open("pgx", dsn)
		if err != nil {
			return nil, err
		}
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
	case SQLite:
		db, err = sql.Open("sqlite", dsn)
		if err != nil {
			return nil, err
		}
		// WAL lets readers run beside the single writer; writers queue on
		// the busy timeout instead of failing.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s: %w", target, err)
	}
	s := &Store{db: db, dialect: dialect, target: target}
	s.queries = queries{ex: db, dialect: dialect}
	return s, nil
}

// postgresKeyValue recognizes a libpq key/value connection string
// ("host=db dbname=consortia user=… password=…").
var postgresKeyValue = regexp.MustCompile(`^\s*(host|hostaddr|port|dbname|user|password|sslmode|service)\s*=`)

func parseURL(raw string) (dialect Dialect, dsn, target string, err error) {
	switch {
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			return "", "", "", fmt.Errorf("database URL: %w", redact.ParseError(err))
		}
		return Postgres, raw, redact.Connection(raw), nil
	case postgresKeyValue.MatchString(raw):
		return Postgres, raw, redact.Connection(raw), nil
	case strings.Contains(raw, "://"):
		return "", "", "", fmt.Errorf("database URL %q: use postgres://… for PostgreSQL, or a file path or sqlite:PATH for the embedded database", redact.Connection(raw))
	}
	path := strings.TrimPrefix(raw, "sqlite:")
	if path == "" {
		return "", "", "", errors.New("database URL: empty SQLite path")
	}
	// _txlock=immediate takes the write lock at BEGIN, so two transactions
	// never both read and then fail to upgrade (SQLITE_BUSY); the busy
	// timeout makes concurrent writers wait their turn.
	q := "_pragma=busy_timeout(15000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
	return SQLite, "file:" + path + "?" + q, path, nil
}

// Dialect returns the kind of database.
func (s *Store) Dialect() Dialect { return s.dialect }

// Target describes where the data lives, without credentials.
func (s *Store) Target() string { return s.target }

// DB exposes the connection pool, for metrics.
func (s *Store) DB() *sql.DB { return s.db }

// Close closes the connection pool.
func (s *Store) Close() error { return s.db.Close() }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Migrate applies the schema migrations that have not been applied yet and
// returns how many it applied.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	dir, err := fs.Sub(migrations, "migrations/"+string(s.dialect))
	if err != nil {
		return 0, err
	}
	gd := goose.DialectSQLite3
	if s.dialect == Postgres {
		gd = goose.DialectPostgres
	}
	p, err := goose.NewProvider(gd, s.db, dir)
	if err != nil {
		return 0, err
	}
	if s.dialect == Postgres {
		// Several app instances may start at once: serialize their
		// migrations on an advisory lock. A transaction-level lock, held by
		// a transaction kept open while goose works on other connections,
		// also works behind a transaction-mode pooler (PgBouncer), where a
		// session-level lock would stay behind on whichever server
		// connection happened to take it.
		lockTx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			return 0, err
		}
		defer lockTx.Rollback()
		if _, err := lockTx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(7216530)"); err != nil {
			return 0, err
		}
	}
	res, err := p.Up(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	return len(res), nil
}

// Tx is a database transaction with the same query methods as Store.
type Tx struct {
	queries
	tx *sql.Tx
}

// InTx runs fn in a transaction, committing when it returns nil and rolling
// back otherwise, so a failed request leaves nothing half-written.
func (s *Store) InTx(ctx context.Context, fn func(tx *Tx) error) error {
	sqlTx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	tx := &Tx{queries: queries{ex: sqlTx, dialect: s.dialect}, tx: sqlTx}
	if err := fn(tx); err != nil {
		_ = sqlTx.Rollback()
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return mapError(fmt.Errorf("commit: %w", err))
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// queries holds the query methods shared by Store and Tx.
type queries struct {
	ex      execer
	dialect Dialect
}

// queryCounterKey marks a context whose queries are counted (tests check
// that pages issue a constant number of queries, never one per row).
type queryCounterKey struct{}

// WithQueryCounter returns a context that counts the queries run with it.
func WithQueryCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, queryCounterKey{}, n)
}

// writeCounterKey marks a context whose writing statements are counted
// (tests check that read requests write nothing).
type writeCounterKey struct{}

// WithWriteCounter returns a context that counts the INSERT, UPDATE and
// DELETE statements run with it.
func WithWriteCounter(ctx context.Context, n *atomic.Int64) context.Context {
	return context.WithValue(ctx, writeCounterKey{}, n)
}

func countQuery(ctx context.Context, query string) {
	if n, ok := ctx.Value(queryCounterKey{}).(*atomic.Int64); ok {
		n.Add(1)
	}
	if n, ok := ctx.Value(writeCounterKey{}).(*atomic.Int64); ok && isWrite(query) {
		n.Add(1)
	}
}

// isWrite says whether a statement changes rows.
func isWrite(query string) bool {
	verb := strings.TrimSpace(query)
	if i := strings.IndexFunc(verb, unicode.IsSpace); i > 0 {
		verb = verb[:i]
	}
	switch strings.ToUpper(verb) {
	case "INSERT", "UPDATE", "DELETE":
		return true
	}
	return false
}

func (q queries) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	countQuery(ctx, query)
	res, err := q.ex.ExecContext(ctx, q.rebind(query), args...)
	return res, mapError(err)
}

func (q queries) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	countQuery(ctx, query)
	rows, err := q.ex.QueryContext(ctx, q.rebind(query), args...)
	return rows, mapError(err)
}

func (q queries) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	countQuery(ctx, query)
	return q.ex.QueryRowContext(ctx, q.rebind(query), args...)
}

// rebind turns ? placeholders into $1, $2… for PostgreSQL, leaving string
// literals alone.
func (q queries) rebind(query string) string {
	if q.dialect != Postgres || !strings.Contains(query, "?") {
		return query
	}
	return rebindDollar(query)
}

func rebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, inString := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			inString = !inString
		case c == '?' && !inString:
			n++
			fmt.Fprintf(&b, "$%d", n)
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// now is the database timestamp of a write: UTC, at the microsecond
// precision both databases keep.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
