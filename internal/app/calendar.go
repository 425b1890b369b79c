package app

import (
	"context"
	"strconv"
	"time"

	"consortia/internal/model"
)

// CalendarKey returns a person's secret key for calendar subscriptions.
// Calendar programs fetch feeds without a cookie; the key, signed with the
// site secret, lets them read the feeds of the consortia that person may
// see (members-only and private ones too). It carries the person's key
// version, so making a new key (NewCalendarKey) retires the old ones. It is
// empty when links cannot be
// signed (notifications not configured).
func (a *App) CalendarKey(u *model.User) string {
	if u == nil || len(a.Site.Signer.Key) == 0 {
		return ""
	}
	return a.Site.Signer.Sign(time.Time{}, "calendar", strconv.FormatInt(u.ID, 10), strconv.FormatInt(u.CalendarKeyVersion, 10))
}

// UserByCalendarKey returns the enabled person a calendar key was made for.
func (a *App) UserByCalendarKey(ctx context.Context, key string) (*model.User, error) {
	notFound := model.Errorf(model.ENotFound, "No such calendar.")
	if len(a.Site.Signer.Key) == 0 {
		return nil, notFound
	}
	f, err := a.Site.Signer.Verify(key, a.now())
	if err != nil || len(f) < 2 || len(f) > 3 || f[0] != "calendar" {
		return nil, notFound
	}
	id, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return nil, notFound
	}
	// Keys made before keys had versions carry none: they are version 0.
	var version int64
	if len(f) == 3 {
		if version, err = strconv.ParseInt(f[2], 10, 64); err != nil {
			return nil, notFound
		}
	}
	u, err := a.store.UserByID(ctx, id)
	if err != nil || u.DisabledAt != nil || u.CalendarKeyVersion != version {
		return nil, notFound
	}
	return u, nil
}
