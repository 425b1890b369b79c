package app_test

import (
	"testing"
	"time"

	"consortia/internal/auth"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestBusyHashingIsA429AndCostsNoAttempt: when every hashing slot stays
// taken, sign-in answers "rate limited" with a Retry-After and gives the
// attempt back, so the client's limits are not used up by the server's
// load.
func TestBusyHashingIsA429AndCostsNoAttempt(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		u, err := f.a.CreateUser(f.ctx, nil, model.UserInput{Email: "member@example.org", Name: "Mo", Role: model.RoleMember}, "a long passphrase")
		if err != nil {
			t.Fatal(err)
		}
		f.a.Hashing = auth.NewGate(1, time.Millisecond)
		holding, release := make(chan struct{}), make(chan struct{})
		done := make(chan error)
		go func() { done <- f.a.Hashing.Do(f.ctx, func() { close(holding); <-release }) }()
		<-holding
		for range f.a.LoginLimits.PerPair + 1 {
			_, err := f.a.Authenticate(f.ctx, u.Email, "a wrong guess", "192.0.2.1")
			code(t, err, model.ERateLimited)
			if model.RetryAfter(err) <= 0 {
				t.Fatalf("busy answer without Retry-After: %v", err)
			}
		}
		close(release)
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		for i := range f.a.LoginLimits.PerPair {
			_, err := f.a.Authenticate(f.ctx, u.Email, "a wrong guess", "192.0.2.1")
			if model.ErrorCode(err) != model.EUnauthorized {
				t.Fatalf("attempt %d after the server was busy: %v", i, err)
			}
		}
	})
}
