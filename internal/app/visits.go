package app

import (
	"context"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
)

// "What changed since your last visit" needs to know where the last visit
// ended without writing on every page view: a person's record is written
// at most once every VisitTouchEvery, and a visit starts anew after
// VisitGap without being seen. The previous visit ended when the person was
// last seen before the gap.
const (
	VisitTouchEvery = 15 * time.Minute
	VisitGap        = time.Hour
	// ChangesWindow is how far back the changes go for someone never seen
	// before.
	ChangesWindow = 7 * 24 * time.Hour
	// ChangesLimit is how many changes the dashboard lists.
	ChangesLimit = 20
)

// NoteVisit records that the signed-in person is here (at most one write
// per VisitTouchEvery) and returns when their previous visit ended (zero
// when there was none).
func (a *App) NoteVisit(ctx context.Context, actor *model.User) (time.Time, error) {
	if actor == nil || actor.DisabledAt != nil {
		return time.Time{}, nil
	}
	now := a.now().UTC().Truncate(time.Microsecond)
	v, err := a.store.VisitOf(ctx, actor.ID)
	if err != nil {
		return time.Time{}, err
	}
	var prev time.Time
	switch {
	case v == nil:
		return time.Time{}, a.store.SaveVisit(ctx, actor.ID, storageVisit(now, nil))
	case v.PreviousAt != nil:
		prev = *v.PreviousAt
	}
	gone := now.Sub(v.SeenAt)
	switch {
	case gone < VisitTouchEvery:
		return prev, nil // seen lately: nothing to write
	case gone >= VisitGap: // a new visit: the last one ended when last seen
		return v.SeenAt, a.store.SaveVisit(ctx, actor.ID, storageVisit(now, &v.SeenAt))
	}
	return prev, a.store.SaveVisit(ctx, actor.ID, storageVisit(now, v.PreviousAt))
}

// Changes lists what happened in the person's consortia since their last
// visit ended (since), newest first; without one, in the last week. It
// reads only.
func (a *App) Changes(ctx context.Context, actor *model.User, since time.Time) ([]model.Event, time.Time, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, since, err
	}
	if since.IsZero() {
		since = a.now().Add(-ChangesWindow)
	}
	scope, err := a.store.LoadTodoScope(ctx, actor.ID)
	if err != nil {
		return nil, since, err
	}
	list, err := a.store.EventsSince(ctx, scope.ConsortiumIDs(), since, ChangesLimit)
	return list, since, err
}

// LastVisit returns when the person's previous visit ended, as recorded by
// their page views (zero when unknown), without recording anything: for
// the API, whose reads never write.
func (a *App) LastVisit(ctx context.Context, actor *model.User) (time.Time, error) {
	if err := requireSignIn(actor); err != nil {
		return time.Time{}, err
	}
	v, err := a.store.VisitOf(ctx, actor.ID)
	if err != nil || v == nil || v.PreviousAt == nil {
		return time.Time{}, err
	}
	return *v.PreviousAt, nil
}

func storageVisit(seen time.Time, prev *time.Time) storage.Visit {
	return storage.Visit{SeenAt: seen, PreviousAt: prev}
}
