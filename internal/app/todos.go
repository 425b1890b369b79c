package app

import (
	"context"
	"slices"
	"sync"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// The "what needs you" list is built by providers: one per kind of to-do
// (ballots, requests, demos, meetings, and whatever later features ask of
// people). A feature registers its provider once, in an init function of
// its own file:
//
//	func init() { RegisterTodoProvider(model.TodoMyKind, myKindTodos) }
//
// A provider gets the person and their scope — their current consortium
// memberships (with the communities they act for, whether they lead them
// and the communities' roles) and the consortia they take part in — read
// once for all providers, and returns what waits for that person. It must
// read in a constant number of queries (one, over the whole scope, is the
// rule), never write, and return only what the person may act on: it
// decides that itself, as the use case would.

// TodoQuery is what a provider reads with: the store, the person, their
// scope and the time.
type TodoQuery struct {
	store *storage.Store
	User  *model.User
	Scope *storage.TodoScope
	Now   time.Time
}

// TodoProvider lists one kind of to-do for a person.
type TodoProvider func(ctx context.Context, q TodoQuery) ([]model.Todo, error)

type todoRegistry struct {
	mu        sync.RWMutex
	kinds     []string
	providers map[string]TodoProvider
}

var todos = todoRegistry{providers: map[string]TodoProvider{}}

// RegisterTodoProvider adds the provider of one kind of to-do; registering
// a kind twice is a programming error.
func RegisterTodoProvider(kind string, p TodoProvider) {
	todos.mu.Lock()
	defer todos.mu.Unlock()
	if _, dup := todos.providers[kind]; dup {
		panic("app: to-do kind registered twice: " + kind)
	}
	todos.kinds = append(todos.kinds, kind)
	todos.providers[kind] = p
}

// TodoKinds lists the registered kinds of to-do.
func TodoKinds() []string {
	todos.mu.RLock()
	defer todos.mu.RUnlock()
	return slices.Clone(todos.kinds)
}

// Todos lists what waits for the signed-in person, soonest due first. It
// reads only: 2 queries for the scope, then one per provider.
func (a *App) Todos(ctx context.Context, actor *model.User) ([]model.Todo, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	scope, err := a.store.LoadTodoScope(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	q := TodoQuery{store: a.store, User: actor, Scope: scope, Now: a.now()}
	todos.mu.RLock()
	kinds := slices.Clone(todos.kinds)
	providers := make([]TodoProvider, len(kinds))
	for i, k := range kinds {
		providers[i] = todos.providers[k]
	}
	todos.mu.RUnlock()
	out := []model.Todo{}
	for _, p := range providers {
		list, err := p(ctx, q)
		if err != nil {
			return nil, err
		}
		out = append(out, list...)
	}
	model.SortTodos(out)
	return out, nil
}

// leadMemberships lists the memberships of communities the person leads
// that hold role ("" for any).
func leadMemberships(s *storage.TodoScope, role string) (map[int64]storage.TodoMembership, []int64) {
	byID := map[int64]storage.TodoMembership{}
	var ids []int64
	for _, m := range s.Memberships {
		if m.Lead && (role == "" || slices.Contains(m.Roles, role)) {
			byID[m.MemberID] = m
			ids = append(ids, m.MemberID)
		}
	}
	return byID, ids
}
