package app_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

// pbFile writes a pabulib approval election with the given size: every
// voter approves the first three projects.
func pbFile(projects, voters int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "META\nkey;value\nbudget;1000\nvote_type;approval\nnum_projects;%d\nnum_votes;%d\nPROJECTS\nproject_id;cost\n", projects, voters)
	for p := 1; p <= projects; p++ {
		fmt.Fprintf(&b, "%d;%d\n", p, 100+p)
	}
	b.WriteString("VOTES\nvoter_id;vote\n")
	for v := 1; v <= voters; v++ {
		fmt.Fprintf(&b, "%d;1,2,3\n", v)
	}
	return b.String()
}

// doneSpy records whether a computation context was derived from it
// (context.WithTimeout asks its parent for Done).
type doneSpy struct {
	context.Context
	asked atomic.Bool
}

func (d *doneSpy) Done() <-chan struct{} {
	d.asked.Store(true)
	return d.Context.Done()
}

// gate holds the first computation derived from it until released: Done,
// asked once the person's slot is taken, blocks until then.
type gate struct {
	context.Context
	entered, release chan struct{}
	once             sync.Once
}

func (g *gate) Done() <-chan struct{} {
	g.once.Do(func() {
		close(g.entered)
		<-g.release
	})
	return nil
}

func TestAllocatePBSizeLimit(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		spy := &doneSpy{Context: f.ctx}
		// 1,001 projects × 1,000 ballots is just over the limit.
		_, err := f.a.AllocatePB(spy, f.admin, strings.NewReader(pbFile(1001, 1000)), "mes", "cost", "add1")
		code(t, err, model.ETooLarge)
		fieldNamed(t, err, "body")
		if msg := model.ErrorMessage(err); !strings.Contains(msg, "1,001 projects × 1,000 ballots (1,001,000)") || !strings.Contains(msg, "limited to 1,000,000 projects × ballots") {
			t.Fatalf("the problem names the size and the limit: %q", msg)
		}
		if spy.asked.Load() {
			t.Fatal("an over-limit file started a computation")
		}
		// At the limit it runs.
		if _, err := f.a.AllocatePB(f.ctx, f.admin, strings.NewReader(pbFile(1000, 1000)), "mes", "cost", "none"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestAllocatePBCancelled(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		ctx, cancel := context.WithCancel(f.ctx)
		cancel()
		_, err := f.a.AllocatePB(ctx, f.admin, strings.NewReader(pbFile(50, 200)), "mes", "cost", "add1")
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("error %v, want context.Canceled", err)
		}
		_, err = f.a.MatchDocument(ctx, f.admin, strings.NewReader(`{"match_pool":10,"contributions":[{"contributor":"a","recipient":"A","amount":1}]}`))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("match: error %v, want context.Canceled", err)
		}
		_, err = f.a.ResolveDocument(ctx, f.admin, strings.NewReader(`{"currency":"USD","pledges":[{"id":"a","amount":5}]}`))
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("resolve: error %v, want context.Canceled", err)
		}
	})
}

// One allocation at a time per person: a second one while the first runs
// gets 429; another person is not held up; once the first ends, the slot
// is free again.
func TestAllocatePBOnePerPerson(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		other := f.user("other@example.org", "Olga Other", model.RoleMember)
		file := pbFile(20, 30)
		g := &gate{Context: f.ctx, entered: make(chan struct{}), release: make(chan struct{})}
		first := make(chan error, 1)
		go func() {
			_, err := f.a.AllocatePB(g, f.admin, strings.NewReader(file), "mes", "cost", "add1")
			first <- err
		}()
		<-g.entered
		_, err := f.a.AllocatePB(f.ctx, f.admin, strings.NewReader(file), "mes", "cost", "add1")
		code(t, err, model.ERateLimited)
		if !strings.Contains(model.ErrorMessage(err), "Another allocation of yours is still running") {
			t.Fatalf("message %q", model.ErrorMessage(err))
		}
		if _, err := f.a.AllocatePB(f.ctx, other, strings.NewReader(file), "mes", "cost", "add1"); err != nil {
			t.Fatalf("another person waits for nobody: %v", err)
		}
		if _, err := f.a.MatchDocument(f.ctx, f.admin, strings.NewReader(`{"match_pool":10,"contributions":[{"contributor":"a","recipient":"A","amount":1}]}`)); err != nil {
			t.Fatalf("the slot is per kind of computation: %v", err)
		}
		close(g.release)
		if err := <-first; err != nil {
			t.Fatalf("the first allocation: %v", err)
		}
		if _, err := f.a.AllocatePB(f.ctx, f.admin, strings.NewReader(file), "mes", "cost", "add1"); err != nil {
			t.Fatalf("after the first ends: %v", err)
		}
	})
}

func TestComputeDocumentLimits(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		var b strings.Builder
		b.WriteString(`{"match_pool":10,"contributions":[`)
		for i := range app.MaxSyncContributions + 1 {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, `{"contributor":"c%d","recipient":"A","amount":1}`, i)
		}
		b.WriteString("]}")
		_, err := f.a.MatchDocument(f.ctx, f.admin, strings.NewReader(b.String()))
		code(t, err, model.ETooLarge)
		fieldNamed(t, err, "contributions")
		if !strings.Contains(model.ErrorMessage(err), "limited to 20,000 contributions") {
			t.Fatalf("message %q", model.ErrorMessage(err))
		}
	})
}
