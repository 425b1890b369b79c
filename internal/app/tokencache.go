package app

import (
	"context"
	"sync"
	"time"

	"consortia/internal/storage"
)

// TokenCacheWindow is how long an instance trusts a bearer token it has
// checked without asking the database again. A token revoked through
// another instance keeps working on this one for at most this long; revoked
// through this instance it stops at once. The token's owner is read afresh
// on every request, so disabling an account or a role change is immediate.
const TokenCacheWindow = 5 * time.Second

// TokenTouchEvery is how often a token's "last used" time is written: at
// most once a minute per token, so API reads do not queue behind writes.
const TokenTouchEvery = time.Minute

// tokenCacheLimit bounds the cache; only valid tokens enter it, so it is
// reached only by an instance serving that many distinct tokens at once.
const tokenCacheLimit = 10_000

// tokenCache remembers recently checked tokens by hash. Its generation
// changes on every revocation through this instance, so a lookup that read
// the database before a revocation cannot put a stale answer back.
type tokenCache struct {
	mu      sync.Mutex
	gen     uint64
	entries map[string]cachedToken
}

type cachedToken struct {
	use       storage.TokenUse
	checkedAt time.Time
}

// lookup returns a token's use from the cache, or from the database (and
// remembers it).
func (c *tokenCache) lookup(ctx context.Context, s *storage.Store, hash string, now time.Time) (storage.TokenUse, error) {
	c.mu.Lock()
	e, ok := c.entries[hash]
	gen := c.gen
	c.mu.Unlock()
	if age := now.Sub(e.checkedAt); ok && age >= 0 && age < TokenCacheWindow {
		return e.use, nil
	}
	use, err := s.APITokenByHash(ctx, hash)
	if err != nil {
		return use, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen == gen {
		if c.entries == nil || len(c.entries) >= tokenCacheLimit {
			c.entries = make(map[string]cachedToken)
		}
		c.entries[hash] = cachedToken{use: use, checkedAt: now}
	}
	return use, nil
}

// claimTouch says whether this request should write the token's "last
// used" time, and if so notes it in the cache so concurrent requests do not.
func (c *tokenCache) claimTouch(hash string, use storage.TokenUse, now time.Time) bool {
	if use.LastUsedAt != nil && now.Sub(*use.LastUsedAt) < TokenTouchEvery {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.entries[hash]; ok {
		if e.use.LastUsedAt != nil && now.Sub(*e.use.LastUsedAt) < TokenTouchEvery {
			return false
		}
		e.use.LastUsedAt = &now
		c.entries[hash] = e
	}
	return true
}

// forget drops every cached token: called after any revocation.
func (c *tokenCache) forget() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.entries = nil
}
