package storage

import (
	"database/sql"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"consortia/internal/model"
)

// mapError turns database errors that users can cause into model errors:
// unique and foreign-key violations become conflicts, a missing row becomes
// not found. Anything else passes through as an internal error.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, sql.ErrNoRows) {
		return model.Errorf(model.ENotFound, "Not found.")
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &model.Error{Code: model.EConflict, Message: "This already exists.", Fields: conflictField(pgErr.ConstraintName + " " + pgErr.Detail)}
		case "23503":
			return model.Errorf(model.EConflict, "A referenced record does not exist or is still in use.")
		case "40001", "40P01":
			return model.Errorf(model.EConflict, "A concurrent change interfered; please try again.")
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		return &model.Error{Code: model.EConflict, Message: "This already exists.", Fields: conflictField(msg)}
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return model.Errorf(model.EConflict, "A referenced record does not exist or is still in use.")
	}
	return err
}

// conflictField guesses which input field a unique violation concerns.
func conflictField(detail string) []model.FieldError {
	for _, f := range []string{"slug", "email"} {
		if strings.Contains(detail, f) {
			return []model.FieldError{{Field: f, Message: "is already taken"}}
		}
	}
	return nil
}

// lookupKey reports whether a slug or address typed by someone can name a
// row at all. Keys with control characters or invalid UTF-8 cannot (a NUL
// byte even fails the query on PostgreSQL), so they are not looked up.
func lookupKey(s string) bool { return model.TextProblem(s, false) == "" }
