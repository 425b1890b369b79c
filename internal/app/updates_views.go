package app

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// UpdatesFeed lists the posted updates the actor may see, newest first:
// those for all member communities and those of every consortium the actor
// can see (public ones for visitors).
func (a *App) UpdatesFeed(ctx context.Context, actor *model.User, limit int) ([]model.Event, error) {
	return eventsFor(actor)(a.store.VisibleUpdates(ctx, visibility(actor), limit))
}

// CheckDeadline rejects a request deadline that has already passed: nobody
// could answer it.
func (a *App) CheckDeadline(deadline *time.Time) error {
	if deadline != nil && !deadline.After(a.now()) {
		var p model.Problems
		p.Add("deadline", "must be in the future")
		return p.Err()
	}
	return nil
}

// Link problems of one-click answers, for pages that tell them apart.
const (
	LinkOK       = ""
	LinkExpired  = "expired"  // the link's validity or the request's deadline ran out
	LinkTampered = "tampered" // cut, changed, or for something that no longer exists
)

// AnswerLinkProblem says why a one-click answer link cannot be used, after
// CheckAnswerLink or AnswerByLink failed with err.
func (a *App) AnswerLinkProblem(token string, err error) string {
	if err == nil {
		return LinkOK
	}
	if _, _, _, perr := a.Site.Signer.ParseAnswer(token, a.now()); errors.Is(perr, notify.ErrExpired) || model.ErrorCode(err) == model.EConflict {
		return LinkExpired
	}
	return LinkTampered
}

// NotificationSettings is what a person chose and what they can choose for.
type NotificationSettings struct {
	Preferences []model.Preference
	// Consortia the person takes part in (staff: every consortium), for
	// per-consortium overrides.
	Consortia []model.ConsortiumName
}

// Mode returns the chosen mode of a channel for a consortium (0: the
// default), or "" when nothing is chosen.
func (s *NotificationSettings) Mode(consortiumID int64, channel string) string {
	for _, p := range s.Preferences {
		if p.ConsortiumID == consortiumID && p.Channel == channel {
			return p.Mode
		}
	}
	return ""
}

// NotificationSettings returns the actor's preferences and the consortia
// they can set overrides for.
func (a *App) NotificationSettings(ctx context.Context, actor *model.User) (*NotificationSettings, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	prefs, err := a.store.Preferences(ctx, actor.ID)
	if err != nil {
		return nil, err
	}
	cs, err := a.store.ConsortiaOfUser(ctx, actor.ID, actor.IsAdmin())
	if err != nil {
		return nil, err
	}
	return &NotificationSettings{Preferences: prefs, Consortia: cs}, nil
}

// SetPreferences applies several of the actor's choices at once, all or
// none: an empty mode removes the choice (the default, or the person's own
// default for a consortium, applies again). Problems name the entry, e.g.
// preferences[2].mode.
func (a *App) SetPreferences(ctx context.Context, actor *model.User, prefs []model.Preference) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	settings, err := a.NotificationSettings(ctx, actor)
	if err != nil {
		return err
	}
	var p model.Problems
	for i, pref := range prefs {
		field := func(name string) string { return "preferences[" + idStr(int64(i)) + "]." + name }
		if pref.Channel != model.ChannelEmail && pref.Channel != model.ChannelSlack {
			p.Add(field("channel"), "must be email or slack")
		}
		if pref.Mode != "" && !slices.Contains(model.DeliveryModes, pref.Mode) {
			p.Add(field("mode"), "must be one of %s (or empty for the default)", strings.Join(model.DeliveryModes, ", "))
		}
		if pref.ConsortiumID != 0 && !slices.ContainsFunc(settings.Consortia, func(c model.ConsortiumName) bool { return c.ID == pref.ConsortiumID }) {
			p.Add(field("consortium_id"), "must be 0 or a consortium you take part in")
		}
	}
	if err := p.Err(); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		for _, pref := range prefs {
			if err := tx.SetPreference(ctx, actor.ID, pref); err != nil {
				return err
			}
		}
		return tx.Audit(ctx, actor, "preferences.set", "user", idStr(actor.ID), settings.Preferences, prefs)
	})
}

// OutboxMessage returns one message with its delivery attempts (staff).
func (a *App) OutboxMessage(ctx context.Context, actor *model.User, id int64) (*model.OutboxMessage, []model.DeliveryAttempt, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, nil, err
	}
	m, err := a.store.OutboxMessage(ctx, id)
	if err != nil {
		if model.ErrorCode(err) == model.ENotFound {
			return nil, nil, model.Errorf(model.ENotFound, "No message %d in the outbox.", id)
		}
		return nil, nil, err
	}
	attempts, err := a.store.DeliveryAttempts(ctx, id)
	return m, attempts, err
}

// CheckUnsubscribe reads an unsubscribe link without changing anything,
// for the page that asks to confirm; errors read like Unsubscribe's.
func (a *App) CheckUnsubscribe(ctx context.Context, token string) (*model.User, error) {
	id, err := a.Site.Signer.ParseUnsubscribe(token)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "This unsubscribe link is not valid. Sign in and choose what you receive on your notifications page.")
	}
	u, err := a.store.UserByID(ctx, id)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "This unsubscribe link belongs to an account that no longer exists.")
	}
	return u, nil
}

// RecentNotifications lists the latest things the actor was notified of
// (mentions, news of what they follow, updates), newest first.
func (a *App) RecentNotifications(ctx context.Context, actor *model.User, limit int) ([]model.Event, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	return a.store.PersonNotifications(ctx, actor.ID, limit)
}
