package storage_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func TestCommunityRoundTrip(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		since := time.Date(2023, 4, 1, 0, 0, 0, 0, time.UTC)
		in := model.CommunityInput{Slug: "uc-berkeley", Name: "UC Berkeley", Kind: "university",
			Website: "https://berkeley.edu", Description: "Data 8 & friends — 100%", Tags: []string{"education", "data-science"},
			Tier: "standard", MemberSince: &since}
		c, err := s.CreateCommunity(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.CommunityByRef(ctx, "uc-berkeley")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != c.ID || got.Name != "UC Berkeley" || got.MemberSince == nil || !got.MemberSince.Equal(since) {
			t.Fatalf("round trip: %+v", got)
		}
		if len(got.Tags) != 2 || got.Tags[0] != "data-science" {
			t.Fatalf("tags = %v", got.Tags)
		}
		if time.Since(got.CreatedAt) > time.Minute || got.CreatedAt.Location() != time.UTC {
			t.Fatalf("created_at = %v", got.CreatedAt)
		}
		byID, err := s.CommunityByRef(ctx, "1")
		if err != nil || byID.Slug != "uc-berkeley" {
			t.Fatalf("by id: %v %v", byID, err)
		}
		// A LIKE wildcard in a search is a literal character.
		list, total, err := s.ListCommunities(ctx, model.CommunityFilter{Query: "100%"})
		if err != nil || total != 1 || len(list) != 1 {
			t.Fatalf("search 100%%: %d %v", total, err)
		}
		_, total, _ = s.ListCommunities(ctx, model.CommunityFilter{Query: "1_0"})
		if total != 0 {
			t.Fatalf("underscore matched as a wildcard")
		}
		// Duplicate slug is a conflict naming the field.
		_, err = s.CreateCommunity(ctx, in)
		if model.ErrorCode(err) != model.EConflict || len(model.ErrorFields(err)) != 1 || model.ErrorFields(err)[0].Field != "slug" {
			t.Fatalf("duplicate slug: %v", err)
		}
		// A stale version is a conflict.
		in.Name = "Berkeley"
		if _, err := s.UpdateCommunity(ctx, c.ID, c.Version+5, in); model.ErrorCode(err) != model.EConflict {
			t.Fatalf("stale update: %v", err)
		}
		up, err := s.UpdateCommunity(ctx, c.ID, c.Version, in)
		if err != nil || up.Version != c.Version+1 || up.Name != "Berkeley" {
			t.Fatalf("update: %+v %v", up, err)
		}
	})
}

func TestTransactionRollsBack(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		err := s.InTx(ctx, func(tx *storage.Tx) error {
			if _, err := tx.CreateCommunity(ctx, model.CommunityInput{Slug: "a-b", Name: "A", Kind: "other"}); err != nil {
				return err
			}
			return model.Errorf(model.EInvalid, "stop")
		})
		if model.ErrorCode(err) != model.EInvalid {
			t.Fatalf("err = %v", err)
		}
		if _, err := s.CommunityByRef(ctx, "a-b"); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("community survived a rolled-back transaction: %v", err)
		}
	})
}

func TestConcurrentWriters(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 50)
		for i := range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- s.InTx(ctx, func(tx *storage.Tx) error {
					_, err := tx.CreateCommunity(ctx, model.CommunityInput{
						Slug: "c-" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Name: "C", Kind: "other"})
					if err != nil {
						return err
					}
					return tx.Audit(ctx, nil, "community.create", "community", "x", nil, map[string]int{"i": i})
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent write failed: %v", err)
			}
		}
		_, total, err := s.ListCommunities(ctx, model.CommunityFilter{})
		if err != nil || total != 50 {
			t.Fatalf("total = %d, %v", total, err)
		}
	})
}

func TestSessionsAreHashed(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		ctx := context.Background()
		st := s.Sessions(0)
		if err := st.CommitCtx(ctx, "secret-token", []byte("data"), time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := s.DB().QueryRow(`SELECT COUNT(*) FROM sessions WHERE token_hash = 'secret-token'`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("raw token stored: n=%d err=%v", n, err)
		}
		data, ok, err := st.FindCtx(ctx, "secret-token")
		if err != nil || !ok || string(data) != "data" {
			t.Fatalf("find: %q %v %v", data, ok, err)
		}
		if err := st.CommitCtx(ctx, "old", []byte("x"), time.Now().Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := st.FindCtx(ctx, "old"); ok {
			t.Fatal("expired session found")
		}
	})
}
