package storage_test

import (
	"context"
	"errors"
	"testing"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// Storage reports data errors as types; the sentences people read come from
// model, through errors.As, the same on both databases.
func TestTypedErrors(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()

		_, err := s.CommunityByRef(ctx, "nobody")
		var nf *storage.NotFoundError
		if !errors.Is(err, storage.ErrNotFound) || !errors.As(err, &nf) || nf.Entity != model.EntityCommunity || nf.Key != "nobody" {
			t.Fatalf("unknown community: %#v", err)
		}
		if model.ErrorCode(err) != model.ENotFound || model.ErrorMessage(err) != `No community "nobody".` {
			t.Fatalf("unknown community as people see it: %q %q", model.ErrorCode(err), model.ErrorMessage(err))
		}

		in := model.CommunityInput{Slug: "typed", Name: "Typed", Kind: "other"}
		c, err := s.CreateCommunity(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.CreateCommunity(ctx, in)
		var ce *storage.ConstraintError
		if !errors.As(err, &ce) || ce.Kind != storage.Unique {
			t.Fatalf("duplicate slug: %#v", err)
		}
		if model.ErrorCode(err) != model.EConflict || model.ErrorMessage(err) != "This already exists." ||
			len(model.ErrorFields(err)) != 1 || model.ErrorFields(err)[0].Field != "slug" {
			t.Fatalf("duplicate slug as people see it: %v", err)
		}

		_, err = s.UpdateCommunity(ctx, c.ID, c.Version+3, in)
		var se *storage.StaleError
		if !errors.Is(err, storage.ErrStale) || !errors.As(err, &se) || se.Version != c.Version+3 {
			t.Fatalf("stale update: %#v", err)
		}
		if model.ErrorCode(err) != model.EConflict || model.ErrorMessage(err) != model.StaleSentence(model.StaleCommunity, c.Version+3) {
			t.Fatalf("stale update as people see it: %v", err)
		}

		if err := s.DeleteAPIToken(ctx, 1, 12345); !errors.Is(err, storage.ErrNotFound) || model.ErrorMessage(err) != "No such token." {
			t.Fatalf("unknown token: %v", err)
		}
	})
}

// A rule the statement knows it can break is named, and people read its
// own sentence.
func TestNamedConstraint(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		_, err := s.CreateConsortium(ctx, model.ConsortiumInput{Slug: "c", Name: "C", Visibility: model.VisibilityPublic, NarrativeIDs: []int64{999}}, nil)
		var ce *storage.ConstraintError
		if !errors.As(err, &ce) || ce.Kind != storage.ForeignKey || ce.Constraint != model.RuleConsortiumNarrative {
			t.Fatalf("unknown narrative: %#v", err)
		}
		if f := model.ErrorFields(err); model.ErrorCode(err) != model.EInvalid || len(f) != 1 || f[0].Field != "narrative_ids" {
			t.Fatalf("unknown narrative as people see it: %v", err)
		}
	})
}
