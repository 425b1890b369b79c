package app

import (
	"context"
	"errors"
	"fmt"
	"io"

	"consortia/internal/jsonin"
	"consortia/internal/matching"
	"consortia/internal/model"
	"consortia/internal/pledge"
)

// Resolving and matching JSON documents of pledges (no database involved).

// documentProblems turns the error of a JSON input document's reader
// (jsonin.ReadDocument, shared by the pledge and matching documents) into
// the error people see: invalid input naming the JSON path, line and column
// of every problem, or malformed input when the document could not be read.
func documentProblems(what string, err error) error {
	var es jsonin.Errors
	if !errors.As(err, &es) {
		return model.Errorf(model.EMalformed, "The document could not be read: %v", err)
	}
	var fields []model.FieldError
	for _, fe := range es {
		fields = append(fields, located(fe.Field, fe.Message, fe.Line, fe.Column))
	}
	return &model.Error{Code: model.EInvalid, Message: "The " + what + " document is not valid.", Fields: fields}
}

func located(field, msg string, line, col int) model.FieldError {
	if field == "" {
		field = "document"
	}
	if line > 0 {
		msg = fmt.Sprintf("%s (line %d, column %d)", msg, line, col)
	}
	return model.FieldError{Field: field, Message: msg}
}

// ResolveDocument resolves an uploaded pledge document in the format of
// `consortia pledges resolve` (internal/pledge/FORMAT.md); nothing is
// stored. Problems name the JSON path, line and column.
func (a *App) ResolveDocument(ctx context.Context, actor *model.User, r io.Reader) (*pledge.Result, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in, err := pledge.ParseInput(r)
	if err == nil {
		if n := int64(len(in.Pledges) + len(in.Matching)); n > MaxSyncPledges {
			return nil, tooLargeToCompute("pledges", "", "pledges and matching offers", n, MaxSyncPledges, "consortia pledges resolve")
		}
		var done func()
		if ctx, done, err = a.startComputation(ctx, actor, "resolve", "pledge resolution"); err != nil {
			return nil, err
		}
		defer done()
		var res pledge.Result
		if res, err = pledge.ResolveContext(ctx, in); err == nil {
			return &res, nil
		}
		if stoppedByContext(err) {
			return nil, computationStopped(err, "consortia pledges resolve")
		}
	}
	return nil, documentProblems("pledge", err)
}

// MatchDocument computes quadratic-funding matches for an uploaded round in
// the format of `consortia match` (internal/matching/FORMAT.md).
func (a *App) MatchDocument(ctx context.Context, actor *model.User, r io.Reader) (*matching.Result, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	in, err := matching.ParseInput(r)
	if err == nil {
		if n := int64(len(in.Contributions)); n > MaxSyncContributions {
			return nil, tooLargeToCompute("contributions", "", "contributions", n, MaxSyncContributions, "consortia match")
		}
		var done func()
		if ctx, done, err = a.startComputation(ctx, actor, "match", "matching computation"); err != nil {
			return nil, err
		}
		defer done()
		var res matching.Result
		if res, err = matching.QuadraticFundingContext(ctx, in); err == nil {
			return &res, nil
		}
		if stoppedByContext(err) {
			return nil, computationStopped(err, "consortia match")
		}
	}
	return nil, documentProblems("matching", err)
}
