package storage

import (
	"context"
	"database/sql"
)

// scanner is what a scan function reads a row from: *sql.Row and *sql.Rows.
type scanner = interface{ Scan(...any) error }

// collect runs a query and returns every row as scan reads it. The rows are
// closed before collect returns, so the caller may run the next query on
// the same transaction; errors are mapped like every other query's.
func collect[T any](ctx context.Context, q queries, scan func(scanner) (T, error), query string, args ...any) ([]T, error) {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	return out, nil
}

// eachRow runs a query and calls fn for every row, closing the rows and
// mapping errors: for loops that fill maps or several slices (batch
// loaders of related rows) rather than return one slice.
func (q queries) eachRow(ctx context.Context, query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := q.query(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return mapError(err)
		}
	}
	return mapError(rows.Err())
}
