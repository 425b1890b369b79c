package storage

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"

	"consortia/internal/model"
)

// Storage speaks data: its errors say what happened to the data (which
// entity was not found, which rule a write broke, which row changed
// meanwhile), never a sentence for people. The sentences are written once,
// in package model (data_errors.go). So that every caller sees the same
// *model.Error as before, each error type here has an As method:
// errors.As(err, &modelErr) fills modelErr with the model's sentence and
// code. Code that needs the data asks errors.As(err, &notFound) or
// errors.Is(err, ErrNotFound).

// ErrNotFound is what every NotFoundError wraps.
var ErrNotFound = errors.New("not found")

// ErrStale is what every StaleError wraps.
var ErrStale = errors.New("changed meanwhile")

// NotFoundError: no row of Entity (a model.Entity… name; empty when the
// query does not say) has Key.
type NotFoundError struct {
	Entity string
	Key    any
}

func (e *NotFoundError) Error() string {
	if e.Entity == "" {
		return "not found"
	}
	return fmt.Sprintf("%s %v: not found", e.Entity, e.Key)
}

func (e *NotFoundError) Unwrap() error { return ErrNotFound }

// As turns the error into the *model.Error people see.
func (e *NotFoundError) As(target any) bool {
	return asModel(target, model.NotFound(e.Entity, e.Key))
}

// ConstraintKind is the kind of rule a write broke.
type ConstraintKind string

// Constraint kinds.
const (
	Unique     ConstraintKind = "unique"
	ForeignKey ConstraintKind = "foreign_key"
	Check      ConstraintKind = "check"
)

// ConstraintError: a write broke a rule of the schema. Constraint is the
// rule's name: a model.Rule… name where the statement knows which rule it
// can break (SQLite does not report index names), else PostgreSQL's
// constraint name or SQLite's column list.
type ConstraintError struct {
	Constraint string
	Kind       ConstraintKind
	Detail     string // the database's description
	Err        error
}

func (e *ConstraintError) Error() string {
	return fmt.Sprintf("%s constraint %s: %v", e.Kind, e.Constraint, e.Err)
}

func (e *ConstraintError) Unwrap() error { return e.Err }

// As turns the error into the *model.Error people see.
func (e *ConstraintError) As(target any) bool {
	return asModel(target, model.ConstraintProblem(e.Constraint, string(e.Kind), e.Detail))
}

// StaleError: a write found its row changed since the writer read it (or
// in a state it no longer allows). What is a model.Stale… reason; Version
// the version the writer had.
type StaleError struct {
	What    string
	Version int64
}

func (e *StaleError) Error() string {
	return fmt.Sprintf("%s changed meanwhile (version %d)", e.What, e.Version)
}

func (e *StaleError) Unwrap() error { return ErrStale }

// As turns the error into the *model.Error people see.
func (e *StaleError) As(target any) bool {
	return asModel(target, &model.Error{Code: model.EConflict, Message: model.StaleSentence(e.What, e.Version)})
}

// BusyError: the database gave up on a transaction that clashed with
// another (serialization failure or deadlock); trying again may succeed.
type BusyError struct{ Err error }

func (e *BusyError) Error() string { return "busy: " + e.Err.Error() }

func (e *BusyError) Unwrap() error { return e.Err }

// As turns the error into the *model.Error people see.
func (e *BusyError) As(target any) bool {
	return asModel(target, model.Errorf(model.EConflict, model.BusySentence))
}

func asModel(target any, me *model.Error) bool {
	t, ok := target.(**model.Error)
	if ok {
		*t = me
	}
	return ok
}

// named gives a constraint error the rule's name the statement knows it
// can break, and a not-found error its entity and key; other errors pass
// unchanged.
func named(err error, rule string) error {
	var ce *ConstraintError
	if errors.As(mapError(err), &ce) {
		c := *ce
		c.Constraint = rule
		return &c
	}
	return mapError(err)
}

// notFound names the entity and key of a not-found error; other errors
// pass unchanged.
func notFound(err error, entity string, key any) error {
	err = mapError(err)
	if errors.Is(err, ErrNotFound) {
		return &NotFoundError{Entity: entity, Key: key}
	}
	return err
}

// mapError turns database errors that users can cause into the typed
// errors above: unique and foreign-key violations become ConstraintErrors,
// a missing row a NotFoundError, a serialization failure or deadlock a
// BusyError. Anything else passes through as an internal error.
func mapError(err error) error {
	if err == nil {
		return nil
	}
	var ce *ConstraintError
	var be *BusyError
	if errors.Is(err, ErrNotFound) || errors.As(err, &ce) || errors.As(err, &be) {
		return err // mapped already
	}
	if errors.Is(err, sql.ErrNoRows) {
		return &NotFoundError{}
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case "23505":
			return &ConstraintError{Constraint: pgErr.ConstraintName, Kind: Unique, Detail: pgErr.Detail, Err: err}
		case "23503":
			return &ConstraintError{Constraint: pgErr.ConstraintName, Kind: ForeignKey, Detail: pgErr.Detail, Err: err}
		case "40001", "40P01":
			return &BusyError{Err: err}
		}
		return err
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "UNIQUE constraint failed"):
		cols := msg[strings.Index(msg, "UNIQUE constraint failed")+len("UNIQUE constraint failed"):]
		return &ConstraintError{Constraint: strings.Trim(cols, ": )"), Kind: Unique, Detail: msg, Err: err}
	case strings.Contains(msg, "FOREIGN KEY constraint failed"):
		return &ConstraintError{Kind: ForeignKey, Detail: msg, Err: err}
	}
	return err
}

// lookupKey reports whether a slug or address typed by someone can name a
// row at all. Keys with control characters or invalid UTF-8 cannot (a NUL
// byte even fails the query on PostgreSQL), so they are not looked up.
func lookupKey(s string) bool { return model.TextProblem(s, false) == "" }
