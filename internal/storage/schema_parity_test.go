package storage_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestMigrationsAgreeAcrossDialects migrates a fresh SQLite and a fresh
// PostgreSQL database, reads each one's catalog and checks both hold the
// same tables, columns (name, kind of type, nullability), primary keys,
// unique constraints, indexes (name, columns, unique, partial) and foreign
// keys (columns, target, ON DELETE), so the two migration folders cannot
// drift apart. docs/ARCHITECTURE.md lists the rules.
func TestMigrationsAgreeAcrossDialects(t *testing.T) {
	if os.Getenv(storagetest.PostgresEnv) == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set but CI is", storagetest.PostgresEnv)
		}
		t.Skipf("skipped: the comparison needs PostgreSQL; set %s=postgres://… to run it", storagetest.PostgresEnv)
	}
	ctx := context.Background()
	liteDB := storagetest.Open(t, storage.SQLite).DB()
	lite := withoutFullText(sqliteSchema(t, ctx, liteDB))
	pg := withoutFullText(postgresSchema(t, ctx, storagetest.Open(t, storage.Postgres).DB()))
	// The catalogs were read: a few facts every schema version has.
	for _, want := range []string{"table users", "column users.email text NOT NULL", "unique users (email)",
		"primary key users (id)", "index api_tokens_user on api_tokens (user_id)",
		"foreign key api_tokens (user_id) references users (id) on delete cascade"} {
		if !slices.Contains(lite, want) || !slices.Contains(pg, want) {
			t.Errorf("fact %q not read from both catalogs", want)
		}
	}
	for _, f := range append(slices.Clone(lite), pg...) {
		if strings.Contains(f, " unknown ") {
			t.Errorf("%s: add the type to typeKind", f)
		}
	}
	for _, d := range schemaDiff(lite, pg) {
		t.Error(d)
	}

	// The comparison notices drift: an index only one side has.
	if _, err := liteDB.ExecContext(ctx, `CREATE INDEX parity_probe ON users (name)`); err != nil {
		t.Fatal(err)
	}
	if d := schemaDiff(withoutFullText(sqliteSchema(t, ctx, liteDB)), pg); len(d) != 1 || !strings.Contains(d[0], "parity_probe") {
		t.Errorf("an index added on SQLite only gave %q", d)
	}
}

// withoutFullText leaves out the one part of the schema that differs by
// design: the full-text machinery over search_docs, an FTS5 virtual table
// (search_fts, with the shadow tables SQLite makes for it) on SQLite and a
// generated tsvector column with its GIN index on PostgreSQL. search_docs
// itself is compared like every other table.
func withoutFullText(facts []string) []string {
	return slices.DeleteFunc(facts, func(f string) bool {
		return strings.Contains(f, " search_fts") || strings.Contains(f, "search_docs.tsv ") || strings.HasPrefix(f, "index search_docs_tsv ")
	})
}

// schemaDiff lists the facts only one of the dialects has.
func schemaDiff(lite, pg []string) []string {
	var out []string
	for _, f := range lite {
		if !slices.Contains(pg, f) {
			out = append(out, "only in SQLite:     "+f)
		}
	}
	for _, f := range pg {
		if !slices.Contains(lite, f) {
			out = append(out, "only in PostgreSQL: "+f)
		}
	}
	return out
}

// typeKind maps a declared column type to the small set of kinds the two
// dialects must agree on.
func typeKind(declared string) string {
	d := strings.ToLower(declared)
	switch {
	case strings.Contains(d, "int"):
		return "integer"
	case strings.Contains(d, "bool"):
		return "boolean"
	case strings.Contains(d, "timestamp"), strings.Contains(d, "date"), strings.Contains(d, "time"):
		return "time"
	case d == "blob", d == "bytea":
		return "bytes"
	case strings.Contains(d, "char"), d == "text", d == "json", d == "jsonb":
		return "text" // SQLite keeps JSON as TEXT
	case strings.Contains(d, "real"), strings.Contains(d, "double"), strings.Contains(d, "numeric"):
		return "real"
	}
	return "unknown " + declared
}

// ignoredTable is goose's own bookkeeping, which it creates per dialect.
const ignoredTable = "goose_db_version"

func nullable(notNull bool) string {
	if notNull {
		return "NOT NULL"
	}
	return "NULL"
}

func columnFact(table, column, declared string, notNull bool) string {
	return fmt.Sprintf("column %s.%s %s %s", table, column, typeKind(declared), nullable(notNull))
}

func indexFact(table, name, columns string, unique, partial bool) string {
	f := fmt.Sprintf("index %s on %s (%s)", name, table, columns)
	if unique {
		f += " unique"
	}
	if partial {
		f += " partial"
	}
	return f
}

func foreignKeyFact(table, columns, refTable, refColumns, onDelete string) string {
	return fmt.Sprintf("foreign key %s (%s) references %s (%s) on delete %s", table, columns, refTable, refColumns, strings.ToLower(onDelete))
}

func queryStrings(t *testing.T, ctx context.Context, db *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(ctx, query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
		}
		out = append(out, row)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sqliteSchema(t *testing.T, ctx context.Context, db *sql.DB) []string {
	var facts []string
	tables := queryStrings(t, ctx, db, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name`, ignoredTable)
	for _, tr := range tables {
		table := tr[0]
		facts = append(facts, "table "+table)
		var pk []string
		// pk > 0 is the column's position in the primary key.
		for _, c := range queryStrings(t, ctx, db, `SELECT name, type, "notnull", pk FROM pragma_table_info(?) ORDER BY pk, cid`, table) {
			inPK := c[3] != "0"
			if inPK {
				pk = append(pk, c[0])
			}
			// PostgreSQL makes primary-key columns NOT NULL; so do the rules.
			facts = append(facts, columnFact(table, c[0], c[1], c[2] == "1" || inPK))
		}
		if len(pk) > 0 {
			facts = append(facts, fmt.Sprintf("primary key %s (%s)", table, strings.Join(pk, ", ")))
		}
		for _, ix := range queryStrings(t, ctx, db, `SELECT name, "unique", origin, partial FROM pragma_index_list(?)`, table) {
			name, origin := ix[0], ix[2]
			var cols []string
			for _, c := range queryStrings(t, ctx, db, `SELECT coalesce(name, '(expression)') FROM pragma_index_info(?) ORDER BY seqno`, name) {
				cols = append(cols, c[0])
			}
			switch origin {
			case "pk": // covered by the primary key fact
			case "u":
				facts = append(facts, fmt.Sprintf("unique %s (%s)", table, strings.Join(cols, ", ")))
			default:
				facts = append(facts, indexFact(table, name, strings.Join(cols, ", "), ix[1] == "1", ix[3] == "1"))
			}
		}
		fks := map[string][]string{} // id → from, to table, to, on delete
		var ids []string
		for _, fk := range queryStrings(t, ctx, db, `SELECT id, "from", "table", coalesce("to", ''), on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq`, table) {
			cur, ok := fks[fk[0]]
			if !ok {
				ids = append(ids, fk[0])
				cur = []string{"", fk[2], "", fk[4]}
			}
			cur[0] = joinComma(cur[0], fk[1])
			cur[2] = joinComma(cur[2], fk[3])
			fks[fk[0]] = cur
		}
		for _, id := range ids {
			fk := fks[id]
			if fk[2] == "" { // REFERENCES parent with no columns: its primary key
				fk[2] = strings.Join(sqlitePrimaryKey(t, ctx, db, fk[1]), ", ")
			}
			facts = append(facts, foreignKeyFact(table, fk[0], fk[1], fk[2], fk[3]))
		}
	}
	slices.Sort(facts)
	return facts
}

func sqlitePrimaryKey(t *testing.T, ctx context.Context, db *sql.DB, table string) []string {
	var pk []string
	for _, c := range queryStrings(t, ctx, db, `SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk`, table) {
		pk = append(pk, c[0])
	}
	return pk
}

func joinComma(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// columnsOf lists an attribute-number array's column names in order.
const pgColumnsOf = `array_to_string(ARRAY(SELECT a.attname FROM unnest(%s) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = %s AND a.attnum = k.n ORDER BY k.o), ', ')`

func postgresSchema(t *testing.T, ctx context.Context, db *sql.DB) []string {
	var facts []string
	for _, r := range queryStrings(t, ctx, db, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> $1`, ignoredTable) {
		facts = append(facts, "table "+r[0])
	}
	for _, c := range queryStrings(t, ctx, db, `SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name <> $1`, ignoredTable) {
		facts = append(facts, columnFact(c[0], c[1], c[2], c[3] == "NO"))
	}
	onDelete := map[string]string{"a": "NO ACTION", "r": "RESTRICT", "c": "CASCADE", "n": "SET NULL", "d": "SET DEFAULT"}
	for _, c := range queryStrings(t, ctx, db, `SELECT c.contype, t.relname, `+fmt.Sprintf(pgColumnsOf, "c.conkey", "c.conrelid")+`,
			coalesce(rt.relname, ''), `+fmt.Sprintf(pgColumnsOf, "c.confkey", "c.confrelid")+`, c.confdeltype
		FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid LEFT JOIN pg_class rt ON rt.oid = c.confrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND c.contype IN ('p', 'u', 'f') AND t.relname <> $1`, ignoredTable) {
		switch c[0] {
		case "p":
			facts = append(facts, fmt.Sprintf("primary key %s (%s)", c[1], c[2]))
		case "u":
			facts = append(facts, fmt.Sprintf("unique %s (%s)", c[1], c[2]))
		case "f":
			facts = append(facts, foreignKeyFact(c[1], c[2], c[3], c[4], onDelete[c[5]]))
		}
	}
	// Indexes that back a constraint are covered by the constraint facts.
	for _, ix := range queryStrings(t, ctx, db, `SELECT t.relname, ic.relname,
			array_to_string(ARRAY(SELECT coalesce(a.attname, '(expression)') FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(n, o)
				LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.n ORDER BY k.o), ', '),
			i.indisunique, i.indpred IS NOT NULL
		FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid
		WHERE t.relnamespace = current_schema()::regnamespace AND t.relname <> $1
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))`, ignoredTable) {
		facts = append(facts, indexFact(ix[0], ix[1], ix[2], ix[3] == "true", ix[4] == "true"))
	}
	slices.Sort(facts)
	return facts
}
