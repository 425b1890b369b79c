package server_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestAuthenticatedReadsDoNotWrite: once a token or session has been used,
// further reads by it write nothing to the database.
func TestAuthenticatedReadsDoNotWrite(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		e.community("uc-berkeley", "UC Berkeley")
		if r := e.do("GET", "/api/v1/communities", e.adminToken, nil); r.status != 200 {
			t.Fatalf("first API read: %d", r.status)
		}
		before := e.writes.Load()
		for range 20 {
			if r := e.do("GET", "/api/v1/communities", e.adminToken, nil); r.status != 200 {
				t.Fatalf("API read: %d", r.status)
			}
		}
		if n := e.writes.Load() - before; n != 0 {
			t.Errorf("20 API reads with a token wrote %d times, want 0", n)
		}

		b := e.browser()
		if r := b.login("admin@example.org", testPassword); r.status != 303 {
			t.Fatalf("sign in: %d", r.status)
		}
		signedIn(t, b, "admin")
		before = e.writes.Load()
		for range 20 {
			if r := b.get("/communities"); r.status != 200 {
				t.Fatalf("page read: %d", r.status)
			}
		}
		if n := e.writes.Load() - before; n != 0 {
			t.Errorf("20 signed-in page reads wrote %d times, want 0", n)
		}
		signedIn(t, b, "admin")
	})
}

// TestTokenLastUsedWrittenOncePerMinute: "last used" is kept, but written
// at most once a minute per token.
func TestTokenLastUsedWrittenOncePerMinute(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		clock := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
		e.app.Clock = func() time.Time { return clock }
		var writes atomic.Int64
		ctx := storage.WithWriteCounter(context.Background(), &writes)
		use := func(times int) int64 {
			before := writes.Load()
			for range times {
				if _, err := e.app.UserByToken(ctx, e.adminToken); err != nil {
					t.Fatal(err)
				}
			}
			return writes.Load() - before
		}
		if n := use(10); n != 1 {
			t.Errorf("first uses: %d writes, want 1 (the first use)", n)
		}
		clock = clock.Add(30 * time.Second)
		if n := use(10); n != 0 {
			t.Errorf("uses 30 s later: %d writes, want 0", n)
		}
		clock = clock.Add(31 * time.Second)
		if n := use(10); n != 1 {
			t.Errorf("uses over a minute later: %d writes, want 1", n)
		}
		toks, err := s.ListAPITokens(context.Background(), e.admin.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(toks) != 1 || toks[0].LastUsedAt == nil || !toks[0].LastUsedAt.Equal(clock) {
			t.Errorf("last used = %v, want %v", toks[0].LastUsedAt, clock)
		}
	})
}

// TestRevokedTokenStops: revoked through this instance a token stops at
// once; revoked through another, within app.TokenCacheWindow.
func TestRevokedTokenStops(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		u := e.user("lee@example.org", "Lee", model.RoleMember)
		tok, created, err := e.app.CreateToken(context.Background(), nil, u, "laptop")
		if err != nil {
			t.Fatal(err)
		}
		other := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		clock := time.Now()
		other.Clock = func() time.Time { return clock }
		if _, err := other.UserByToken(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		if !tokenWorks(e, tok) {
			t.Fatal("the new token does not work")
		}
		if err := e.app.RevokeToken(context.Background(), u, created.ID); err != nil {
			t.Fatal(err)
		}
		if tokenWorks(e, tok) {
			t.Error("the revoked token still works on the instance that revoked it")
		}
		clock = clock.Add(app.TokenCacheWindow)
		if _, err := other.UserByToken(context.Background(), tok); model.ErrorCode(err) != model.EUnauthorized {
			t.Errorf("another instance after the cache window: %v, want unauthorized", err)
		}
	})
}

// TestDisabledAccountTokenStopsAtOnce: the token's owner is read on every
// request, so a cached token of a disabled account is refused at once.
func TestDisabledAccountTokenStopsAtOnce(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		e := newEnv(t, s)
		u := e.user("lee@example.org", "Lee", model.RoleMember)
		tok := e.token(u)
		other := app.New(s, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if _, err := other.UserByToken(context.Background(), tok); err != nil {
			t.Fatal(err)
		}
		if _, err := e.app.SetUserDisabled(context.Background(), e.admin, u.ID, true); err != nil {
			t.Fatal(err)
		}
		if _, err := other.UserByToken(context.Background(), tok); model.ErrorCode(err) != model.EUnauthorized {
			t.Errorf("another instance right after disabling: %v, want unauthorized", err)
		}
	})
}
