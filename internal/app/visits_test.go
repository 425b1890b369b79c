package app_test

import (
	"sync/atomic"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// TestVisits: the end of the last visit is known without a write on every
// page view (one per 15 minutes at most), a visit starts anew after an
// hour away, and the changes since then are those of the person's
// consortia only.
func TestVisits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f, lead, ids, start := todoFixture(t, s)
		clock := start.Add(-5 * time.Hour)
		f.a.Clock = func() time.Time { return clock }
		var writes atomic.Int64
		ctx := storage.WithWriteCounter(f.ctx, &writes)
		visit := func(after time.Duration) (time.Time, int64) {
			t.Helper()
			clock = clock.Add(after)
			before := writes.Load()
			since, err := f.a.NoteVisit(ctx, lead)
			if err != nil {
				t.Fatal(err)
			}
			return since, writes.Load() - before
		}
		first := clock
		if since, w := visit(0); !since.IsZero() || w != 1 {
			t.Errorf("first visit: since %v, %d writes", since, w)
		}
		for range 10 {
			if since, w := visit(time.Minute); !since.IsZero() || w != 0 {
				t.Errorf("pages a minute apart: since %v, %d writes", since, w)
			}
		}
		if _, w := visit(10 * time.Minute); w != 1 { // 20 minutes after the first write
			t.Errorf("after 20 minutes: %d writes, want 1", w)
		}
		lastSeen := first.Add(20 * time.Minute)
		since, w := visit(2 * time.Hour)
		if !since.Equal(lastSeen) || w != 1 {
			t.Errorf("a new visit: since %v (want %v), %d writes", since, lastSeen, w)
		}
		if again, w := visit(time.Minute); !again.Equal(lastSeen) || w != 0 {
			t.Errorf("same visit: since %v, %d writes", again, w)
		}
		if got, err := f.a.LastVisit(ctx, lead); err != nil || !got.Equal(lastSeen) {
			t.Errorf("LastVisit %v %v", got, err)
		}

		// Changes: the consortium's events after since; not another's.
		mine, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Mine", Problem: "P.", InitiativeIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Join(f.ctx, f.admin, mine.Slug, "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
			t.Fatal(err)
		}
		other, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Other", Problem: "P.", InitiativeIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		prior, _, err := f.a.Changes(ctx, lead, time.Time{}) // the week's: the join
		if err != nil || len(prior) != 1 {
			t.Fatalf("changes of the week: %+v %v", prior, err)
		}
		mark := prior[0].CreatedAt
		for _, c := range []string{mine.Slug, other.Slug} {
			if _, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: c, Title: "News of " + c, Body: "B."}); err != nil {
				t.Fatal(err)
			}
		}
		before := writes.Load()
		list, _, err := f.a.Changes(ctx, lead, mark)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 1 || list[0].Title != "News of "+mine.Slug {
			t.Errorf("changes: %+v", list)
		}
		if later, _, _ := f.a.Changes(ctx, lead, time.Now().UTC().Add(time.Minute)); len(later) != 0 {
			t.Errorf("changes after everything: %+v", later)
		}
		if n := writes.Load() - before; n != 0 {
			t.Errorf("reading the changes wrote %d times", n)
		}
	})
}
