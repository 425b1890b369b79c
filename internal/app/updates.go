package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"consortia/internal/model"
	"consortia/internal/notify"
	"consortia/internal/storage"
)

// ConfigureNotifications prepares links in messages: the public base URL
// and the signing secret, created once and kept in the database so every
// app instance signs and checks links alike.
func (a *App) ConfigureNotifications(ctx context.Context, baseURL string) error {
	secret, err := a.store.Setting(ctx, "link_secret", "")
	if err != nil {
		return err
	}
	if secret == "" {
		var b [32]byte
		if _, err := rand.Read(b[:]); err != nil {
			return err
		}
		candidate := hex.EncodeToString(b[:])
		// Two instances starting at once may both try; the first one wins.
		if err := a.store.SetSettingIfAbsent(ctx, "link_secret", candidate); err != nil {
			return err
		}
		if secret, err = a.store.Setting(ctx, "link_secret", ""); err != nil {
			return err
		}
	}
	key, err := hex.DecodeString(secret)
	if err != nil {
		return fmt.Errorf("link secret: %w", err)
	}
	a.Site = notify.Site{BaseURL: strings.TrimRight(baseURL, "/"), Signer: notify.Signer{Key: key}, AnswerValidity: 21 * 24 * time.Hour}
	return nil
}

func (a *App) messageID() string {
	var b [12]byte
	_, _ = rand.Read(b[:])
	host := "consortia.local"
	if u, err := url.Parse(a.Site.BaseURL); err == nil && u.Hostname() != "" {
		host = u.Hostname()
	}
	return hex.EncodeToString(b[:]) + "@" + host
}

// emit records an event in the caller's transaction and queues what must go
// out at once: email to the people who want it immediately, and the
// consortium's Slack and webhook posts. Everything else waits for digests.
func (a *App) emit(ctx context.Context, tx *storage.Tx, actor *model.User, e model.Event, req *model.Request) error {
	return a.emitEvent(ctx, tx, actor, &e, req)
}

// emitEvent is emit that fills in the caller's event (id, time, actor,
// importance), for use cases that return it.
func (a *App) emitEvent(ctx context.Context, tx *storage.Tx, actor *model.User, e *model.Event, req *model.Request) error {
	if actor != nil {
		e.ActorName = actor.Name
	} else if e.ActorName == "" {
		e.ActorName = "system"
	}
	if e.Audience == "" {
		e.Audience = model.AudienceConsortium
	}
	if e.ConsortiumID != nil && e.Consortium == "" {
		if c, err := tx.ConsortiumByRef(ctx, idStr(*e.ConsortiumID)); err == nil {
			e.Consortium = c.Name
		}
	}
	if req != nil {
		req.ConsortiumID, req.Title, req.URL = e.ConsortiumID, e.Title, e.URL
		if err := tx.CreateRequest(ctx, req, e.ActorName); err != nil {
			return err
		}
		e.RequestID = &req.ID
		e.Importance = model.ImportanceRequest
	}
	immediate, err := tx.InsertEvent(ctx, e)
	if err != nil {
		return err
	}
	if a.Site.BaseURL == "" {
		return nil // notifications not configured (tests of other features)
	}
	now := a.now()
	if requestClosed(req, now) {
		immediate = nil // too late to answer: it only shows on the site
	}
	for _, r := range immediate {
		msg, err := a.Site.Email(notify.Person{ID: r.UserID, Name: r.Name, Email: r.Email}, []notify.Item{{Event: *e, Request: req}}, model.ModeImmediate, now)
		if err != nil {
			return err
		}
		msg.MessageID = a.messageID()
		if err := tx.Enqueue(ctx, &msg); err != nil {
			return err
		}
	}
	if e.Audience == model.AudiencePeople {
		if a.Wake != nil {
			a.Wake() // personal: no Slack or webhook posts
		}
		return nil
	}
	var hooks []model.Hook
	if e.ConsortiumID != nil {
		if hooks, err = tx.Hooks(ctx, *e.ConsortiumID); err != nil {
			return err
		}
	}
	site, err := tx.Hooks(ctx, 0)
	if err != nil {
		return err
	}
	hooks = append(hooks, site...)
	for _, h := range hooks {
		msg := model.OutboxMessage{Channel: h.Kind, Recipient: h.URL, Subject: e.Title, MessageID: a.messageID()}
		if h.Kind == model.ChannelSlack {
			msg.Payload = a.Site.Slack(*e)
		} else {
			// Signed when sent, with the time of sending (see delivery.HTTP).
			msg.Payload, msg.HookID = a.Site.Webhook(*e), &h.ID
			msg.Headers = map[string]string{"X-Consortia-Event": e.Kind}
		}
		if err := tx.Enqueue(ctx, &msg); err != nil {
			return err
		}
	}
	if a.Wake != nil {
		a.Wake()
	}
	return nil
}

func cid(c *model.Consortium) *int64 { id := c.ID; return &id }

// PostUpdate lets staff post an update for a consortium (or, without one,
// for every member community): it appears on the consortium page and feed
// and goes out by email and Slack. An optional question makes it a request
// with one-click answers.
func (a *App) PostUpdate(ctx context.Context, actor *model.User, in model.UpdateInput) (*model.Event, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	in.Normalize()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out model.Event
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		e := model.Event{Kind: model.EventUpdatePosted, Title: in.Title, Body: in.Body, Audience: model.AudienceAllMembers, URL: "/updates"}
		if in.ConsortiumRef != "" {
			c, err := tx.ConsortiumByRef(ctx, in.ConsortiumRef)
			if err != nil {
				return err
			}
			if err := a.requireOpen(c); err != nil {
				return err
			}
			e.Audience, e.ConsortiumID, e.Consortium, e.URL = model.AudienceConsortium, cid(c), c.Name, "/consortia/"+c.Slug+"#updates"
		}
		var req *model.Request
		if in.Question != "" {
			req = &model.Request{Question: in.Question, Options: in.Options, Deadline: in.Deadline}
		}
		if err := a.emitEvent(ctx, tx, actor, &e, req); err != nil {
			return err
		}
		out = e
		return tx.Audit(ctx, actor, "update.post", "update", in.ConsortiumRef, nil, in)
	})
	return &out, err
}

// Updates lists the posted updates of a consortium (or the site-wide ones).
func (a *App) Updates(ctx context.Context, actor *model.User, consortiumRef string, limit int) ([]model.Event, error) {
	var id int64
	if consortiumRef != "" {
		c, err := loadVisibleConsortium(ctx, a.store, actor, consortiumRef)
		if err != nil {
			return nil, err
		}
		id = c.ID
	}
	return eventsFor(actor)(a.store.Events(ctx, id, []string{model.EventUpdatePosted}, limit))
}

// eventsFor screens events for the actor: visitors see no names.
func eventsFor(actor *model.User) func([]model.Event, error) ([]model.Event, error) {
	return func(events []model.Event, err error) ([]model.Event, error) {
		if err == nil && !model.SignedIn(actor) {
			for i := range events {
				events[i].ActorName = ""
			}
		}
		return events, err
	}
}

// News lists every event of a consortium the actor may see, newest first.
func (a *App) News(ctx context.Context, actor *model.User, consortiumRef string, limit int) ([]model.Event, error) {
	c, err := loadVisibleConsortium(ctx, a.store, actor, consortiumRef)
	if err != nil {
		return nil, err
	}
	return eventsFor(actor)(a.store.Events(ctx, c.ID, nil, limit))
}

// GetRequest returns a request and who answered, for people who can see it.
func (a *App) GetRequest(ctx context.Context, actor *model.User, id int64) (*model.Request, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	r, err := a.store.RequestByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if r.ConsortiumID != nil {
		if _, err := loadVisibleConsortium(ctx, a.store, actor, idStr(*r.ConsortiumID)); err != nil {
			return nil, model.NotFound(model.EntityRequest, id)
		}
	}
	return r, nil
}

// CheckAnswerLink reads a one-click answer link without recording anything
// (the confirmation page); errors say whether it expired or was changed.
func (a *App) CheckAnswerLink(ctx context.Context, token string) (*model.Request, *model.User, string, error) {
	requestID, userID, answer, err := a.Site.Signer.ParseAnswer(token, a.now())
	if err != nil {
		return nil, nil, "", model.Errorf(model.EInvalid, "%s", linkProblem(err))
	}
	r, err := a.store.RequestByID(ctx, requestID)
	if err != nil {
		return nil, nil, "", model.Errorf(model.EInvalid, "This request no longer exists.")
	}
	u, err := a.store.UserByID(ctx, userID)
	if err != nil || u.DisabledAt != nil {
		return nil, nil, "", model.Errorf(model.EInvalid, "This link belongs to an account that no longer exists.")
	}
	if !slices.Contains(r.Options, answer) {
		return nil, nil, "", model.Errorf(model.EInvalid, "%s", linkProblem(notify.ErrTampered))
	}
	if r.Deadline != nil && a.now().After(*r.Deadline) {
		return nil, nil, "", model.Errorf(model.EConflict, "The deadline for this request has passed (%s).", r.Deadline.Format("2 Jan 2006"))
	}
	return r, u, answer, nil
}

func linkProblem(err error) string {
	if err == notify.ErrExpired {
		return "This link has expired. Open the request on the site to answer."
	}
	return "This link is not valid: it may have been cut or changed. Open the request on the site to answer."
}

// AnswerByLink records the answer a one-click link carries (after the
// person confirmed it on the page).
func (a *App) AnswerByLink(ctx context.Context, token string) (*model.Request, string, error) {
	r, u, answer, err := a.CheckAnswerLink(ctx, token)
	if err != nil {
		return nil, "", err
	}
	return r, answer, a.answer(ctx, u, r, answer)
}

// Answer records a signed-in person's answer to a request.
func (a *App) Answer(ctx context.Context, actor *model.User, requestID int64, answer string) error {
	r, err := a.GetRequest(ctx, actor, requestID)
	if err != nil {
		return err
	}
	if !slices.Contains(r.Options, answer) {
		var p model.Problems
		p.Add("answer", "must be one of %s", strings.Join(r.Options, ", "))
		return p.Err()
	}
	if r.Deadline != nil && a.now().After(*r.Deadline) {
		return model.Errorf(model.EConflict, "The deadline for this request has passed.")
	}
	return a.answer(ctx, actor, r, answer)
}

func (a *App) answer(ctx context.Context, u *model.User, r *model.Request, answer string) error {
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.AnswerRequest(ctx, r.ID, u.ID, answer); err != nil {
			return err
		}
		return tx.Audit(ctx, u, "request.answer", "request", idStr(r.ID), nil, map[string]string{"answer": answer})
	})
	if err != nil {
		return err
	}
	// A demo's request records the reaction of the communities the person leads.
	if id, ok := strings.CutPrefix(r.URL, "/demos/"); ok {
		if demoID, err := strconv.ParseInt(id, 10, 64); err == nil {
			reaction := map[string]string{"Resonated": model.ReactionResonated, "Neutral": model.ReactionNeutral, "Did not resonate": model.ReactionNotResonated}[answer]
			if reaction != "" {
				affs, err := a.store.AffiliationsOfUser(ctx, u.ID)
				if err != nil {
					return err
				}
				for _, af := range affs {
					if af.Role == model.AffiliationLead {
						_ = a.React(ctx, u, demoID, af.CommunitySlug, reaction, "") // not a member: nothing to record
					}
				}
			}
		}
	}
	return nil
}

// Preferences returns the actor's notification preferences.
func (a *App) Preferences(ctx context.Context, actor *model.User) ([]model.Preference, error) {
	if err := requireSignIn(actor); err != nil {
		return nil, err
	}
	return a.store.Preferences(ctx, actor.ID)
}

// SetPreference changes one of the actor's preferences; an empty mode on a
// consortium removes the override.
func (a *App) SetPreference(ctx context.Context, actor *model.User, p model.Preference) error {
	if err := requireSignIn(actor); err != nil {
		return err
	}
	if !(p.Mode == "" && p.ConsortiumID != 0) {
		if err := model.ValidatePreference(p); err != nil {
			return err
		}
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetPreference(ctx, actor.ID, p); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "preferences.set", "user", idStr(actor.ID), nil, p)
	})
}

// Unsubscribe turns off all email for the person a link was made for.
func (a *App) Unsubscribe(ctx context.Context, token string) (*model.User, error) {
	id, err := a.Site.Signer.ParseUnsubscribe(token)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "This unsubscribe link is not valid. Sign in and choose what you receive on your notifications page.")
	}
	u, err := a.store.UserByID(ctx, id)
	if err != nil {
		return nil, model.Errorf(model.EInvalid, "This unsubscribe link belongs to an account that no longer exists.")
	}
	err = a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.SetPreference(ctx, u.ID, model.Preference{Channel: model.ChannelEmail, Mode: model.ModeOff}); err != nil {
			return err
		}
		return tx.Audit(ctx, u, "preferences.unsubscribe", "user", idStr(u.ID), nil, nil)
	})
	return u, err
}

// SendDigests queues the digests that are due for a period (daily or
// weekly), or all of them when force is set: one email per person, grouped
// by consortium, never empty; each notification goes into exactly one.
// It returns how many digests it queued.
//
// People are taken 500 at a time. Composing a batch's messages (CPU work,
// spread over the cores) overlaps with writing the previous batch (one
// transaction, which locks the notifications and checks they are still
// the ones composed; a person whose pending notifications changed in
// between is composed again inside the transaction).
func (a *App) SendDigests(ctx context.Context, period string, force bool) (int, error) {
	if period != model.ModeDaily && period != model.ModeWeekly {
		return 0, model.Errorf(model.EInvalid, "The period must be daily or weekly.")
	}
	now := a.now()
	due := now.Add(-23 * time.Hour)
	if period == model.ModeWeekly {
		due = now.Add(-7*24*time.Hour + time.Hour)
	}
	if force {
		due = now.Add(time.Hour)
	}
	ctx, cancel := context.WithCancel(ctx)
	batches := make(chan digestBatch, 1)
	defer func() {
		cancel()
		for range batches { // let the composer finish
		}
	}()
	go func() {
		defer close(batches)
		var after int64
		for {
			b := a.composeBatch(ctx, period, due, after, now)
			if b.err == nil && len(b.users) == 0 {
				return
			}
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
			if b.err != nil {
				return
			}
			after = b.users[len(b.users)-1].UserID
		}
	}()
	sent := 0
	for b := range batches {
		if b.err != nil {
			return sent, b.err
		}
		n, err := a.queueBatch(ctx, period, now, b)
		if err != nil {
			return sent, err
		}
		sent += n
		if a.Wake != nil && n > 0 {
			a.Wake()
		}
	}
	return sent, ctx.Err()
}

// digestBatch is up to 500 people with their pending notifications and the
// digests composed for them (nil for people with nothing pending).
type digestBatch struct {
	users []storage.Recipient
	items map[int64][]storage.DigestItem
	msgs  []*model.OutboxMessage
	err   error
}

// composeBatch reads the next people due after the given id and composes
// their digests, outside any transaction.
func (a *App) composeBatch(ctx context.Context, period string, due time.Time, after int64, now time.Time) digestBatch {
	var b digestBatch
	if b.users, b.err = a.store.DigestUsers(ctx, period, due, after, 500); b.err != nil || len(b.users) == 0 {
		return b
	}
	if b.items, b.err = a.store.DigestItems(ctx, period, recipientIDs(b.users)); b.err != nil {
		return b
	}
	b.msgs, b.err = a.composeDigests(ctx, a.store, b.users, b.items, period, now)
	return b
}

// queueBatch writes a batch's digests in one transaction and returns how
// many it queued.
func (a *App) queueBatch(ctx context.Context, period string, now time.Time, b digestBatch) (int, error) {
	n := 0
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		locked, err := tx.PendingDigestIDs(ctx, period, recipientIDs(b.users))
		if err != nil {
			return err
		}
		var digests []storage.Digest
		var again []storage.Recipient
		for i, u := range b.users {
			ids := locked[u.UserID]
			switch {
			case len(ids) == 0: // nothing pending any more (another instance sent it)
			case b.msgs[i] != nil && slices.Equal(ids, notificationIDs(b.items[u.UserID])):
				digests = append(digests, storage.Digest{UserID: u.UserID, Message: b.msgs[i], NotificationIDs: ids})
			default:
				again = append(again, u)
			}
		}
		if len(again) > 0 {
			items, err := tx.DigestItems(ctx, period, recipientIDs(again))
			if err != nil {
				return err
			}
			msgs, err := a.composeDigests(ctx, tx, again, items, period, now)
			if err != nil {
				return err
			}
			for i, u := range again {
				if msgs[i] != nil {
					digests = append(digests, storage.Digest{UserID: u.UserID, Message: msgs[i], NotificationIDs: notificationIDs(items[u.UserID])})
				}
			}
		}
		n = len(digests)
		return tx.QueueDigests(ctx, period, digests)
	})
	return n, err
}

// composeDigests composes the digest of each person with pending items (nil
// for the others). Composing is pure CPU work, spread over the cores.
func (a *App) composeDigests(ctx context.Context, q interface {
	RequestByID(context.Context, int64) (*model.Request, error)
}, users []storage.Recipient, items map[int64][]storage.DigestItem, period string, now time.Time) ([]*model.OutboxMessage, error) {
	requests := map[int64]*model.Request{}
	for _, list := range items {
		for _, it := range list {
			if it.RequestID == nil {
				continue
			}
			if _, ok := requests[*it.RequestID]; !ok {
				r, err := q.RequestByID(ctx, *it.RequestID)
				if err != nil {
					return nil, err
				}
				requests[*it.RequestID] = r
			}
		}
	}
	msgs := make([]*model.OutboxMessage, len(users))
	err := parallel(len(users), func(i int) error {
		u := users[i]
		list := items[u.UserID]
		if len(list) == 0 {
			return nil
		}
		its := make([]notify.Item, 0, len(list))
		for _, it := range list {
			item := notify.Item{Event: it.Event}
			// A digest lists titles and links; only updates, written to be
			// read, carry their text. Skipping the other bodies' Markdown
			// saves most of the work.
			if it.Kind != model.EventUpdatePosted {
				item.Event.Body = ""
			}
			if it.RequestID != nil {
				item.Request = requests[*it.RequestID]
			}
			its = append(its, item)
		}
		msg, err := a.Site.Email(notify.Person{ID: u.UserID, Name: u.Name, Email: u.Email}, its, period, now)
		if err != nil {
			return err
		}
		msg.MessageID = a.messageID()
		msgs[i] = &msg
		return nil
	})
	return msgs, err
}

// requestClosed reports whether a request's deadline has passed: it is
// no longer sent to anyone.
func requestClosed(r *model.Request, now time.Time) bool {
	return r != nil && r.Deadline != nil && !now.Before(*r.Deadline)
}

func recipientIDs(users []storage.Recipient) []int64 {
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.UserID
	}
	return ids
}

func notificationIDs(items []storage.DigestItem) []int64 {
	ids := make([]int64, len(items))
	for i, it := range items {
		ids[i] = it.NotificationID
	}
	return ids
}

// AddHook connects a consortium (or, with an empty ref, the whole site) to a
// Slack incoming webhook or a generic signed webhook; staff only.
func (a *App) AddHook(ctx context.Context, actor *model.User, consortiumRef, kind, hookURL, secret string) (*model.Hook, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var p model.Problems
	if kind != model.ChannelSlack && kind != "webhook" {
		p.Add("kind", "must be slack or webhook")
	}
	if !model.ValidWebURL(hookURL) {
		p.Add("url", "must be an http:// or https:// address")
	}
	if msg := model.TextProblem(secret, false); msg != "" {
		p.Add("secret", "%s", msg)
	} else if kind == "webhook" && len(secret) < 16 {
		p.Add("secret", "must be at least 16 characters: receivers check the HMAC signature with it")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	h := &model.Hook{Kind: kind, URL: hookURL, Secret: secret}
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		if consortiumRef != "" {
			c, err := tx.ConsortiumByRef(ctx, consortiumRef)
			if err != nil {
				return err
			}
			h.ConsortiumID = cid(c)
		}
		if err := tx.AddHook(ctx, h); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "hook.add", "hook", idStr(h.ID), nil, map[string]any{"kind": kind, "consortium": consortiumRef})
	})
	return h, err
}

// Hooks lists a consortium's hooks (staff).
func (a *App) Hooks(ctx context.Context, actor *model.User, consortiumID int64) ([]model.Hook, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return a.store.Hooks(ctx, consortiumID)
}

// RemoveHook deletes a hook (staff).
func (a *App) RemoveHook(ctx context.Context, actor *model.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return a.inTx(ctx, func(tx *storage.Tx) error {
		if err := tx.DeleteHook(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "hook.remove", "hook", idStr(id), nil, nil)
	})
}

// OutboxStatus summarizes the delivery queue (staff).
func (a *App) OutboxStatus(ctx context.Context, actor *model.User) (model.OutboxStats, error) {
	if err := requireAdmin(actor); err != nil {
		return model.OutboxStats{}, err
	}
	return a.store.OutboxStatus(ctx)
}

// ListOutbox lists queued, sent or failed messages (staff).
func (a *App) ListOutbox(ctx context.Context, actor *model.User, status string, p model.Page) ([]*model.OutboxMessage, int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	return a.store.ListOutbox(ctx, status, p)
}

// RetryOutbox puts failed messages (one, or all with id 0) back in the queue (staff; nil actor is the CLI).
func (a *App) RetryOutbox(ctx context.Context, actor *model.User, id int64) (int64, error) {
	if actor != nil {
		if err := requireAdmin(actor); err != nil {
			return 0, err
		}
	}
	var n int64
	err := a.inTx(ctx, func(tx *storage.Tx) error {
		var err error
		if n, err = tx.Retry(ctx, id); err != nil {
			return err
		}
		return tx.Audit(ctx, actor, "outbox.retry", "outbox", idStr(id), nil, map[string]int64{"requeued": n})
	})
	if a.Wake != nil && n > 0 {
		a.Wake()
	}
	return n, err
}

// parallel runs fn for 0..n-1 on every core and returns the first error.
func parallel(n int, fn func(i int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	var next atomic.Int64
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n || errs[w] != nil {
					return
				}
				errs[w] = fn(i)
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}
