package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"consortia/internal/model"
)

// updatesRoutes lists the operations on updates, requests, notification
// preferences and the outbox.
func (h *Handler) updatesRoutes(api huma.API, op func(id, method, path, summary, tag string) huma.Operation) {
	const upd, adm = "Updates", "Admin"
	post := op("post-update", http.MethodPost, "/updates", "Post an update, optionally with a request (staff)", upd)
	post.DefaultStatus = http.StatusCreated
	huma.Register(api, post, h.postUpdate)
	huma.Register(api, op("list-updates", http.MethodGet, "/updates", "Updates for all member communities and from the consortia the caller can see", upd), h.listUpdates)
	huma.Register(api, op("list-consortium-updates", http.MethodGet, "/consortia/{id}/updates", "A consortium's updates, newest first", upd), h.listConsortiumUpdates)
	huma.Register(api, op("get-request", http.MethodGet, "/requests/{id}", "A request with who answered what (signed in)", upd), h.getRequest)
	huma.Register(api, op("answer-request", http.MethodPut, "/requests/{id}/answer", "Answer a request, or change your answer", upd), h.answerRequest)
	huma.Register(api, op("get-preferences", http.MethodGet, "/me/preferences", "Your notification preferences", upd), h.getPreferences)
	huma.Register(api, op("set-preferences", http.MethodPut, "/me/preferences", "Change notification preferences (all or none)", upd), h.setPreferences)
	huma.Register(api, op("list-outbox", http.MethodGet, "/admin/outbox", "The delivery queue: counts and messages (staff)", adm), h.listOutbox)
	huma.Register(api, op("retry-outbox", http.MethodPost, "/admin/outbox/retry", "Put one failed message, or all, back in the queue (staff)", adm), h.retryOutbox)
}

// PostUpdateInput is an update staff post.
type PostUpdateInput struct {
	Body struct {
		Consortium string     `json:"consortium,omitempty" maxLength:"64" doc:"Id or slug of the consortium; omit for an update to all member communities."`
		Title      string     `json:"title" maxLength:"160"`
		Body       string     `json:"body" maxLength:"20000" doc:"Markdown: what's done, what's possible, what we ask of you."`
		Question   string     `json:"question,omitempty" maxLength:"300" doc:"Makes the update a request with one-click answers in the email."`
		Options    []string   `json:"options,omitempty" maxItems:"6" doc:"The answers to choose from (2 to 6), with a question."`
		Deadline   *time.Time `json:"deadline,omitempty" doc:"When answers close (RFC 3339); in the future."`
	}
}

// UpdateView is a posted update and the request it carries.
type UpdateView struct {
	model.Event
	Request *model.Request `json:"request,omitempty"`
}

// UpdateOutput is one update.
type UpdateOutput struct {
	Body UpdateView
}

func (h *Handler) postUpdate(ctx context.Context, in *PostUpdateInput) (*UpdateOutput, error) {
	b := in.Body
	if err := h.app.CheckDeadline(b.Deadline); err != nil {
		return nil, h.fail(ctx, err)
	}
	e, err := h.app.PostUpdate(ctx, actor(ctx), model.UpdateInput{ConsortiumRef: b.Consortium, Title: b.Title, Body: b.Body,
		Question: b.Question, Options: b.Options, Deadline: b.Deadline})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &UpdateOutput{Body: UpdateView{Event: *e}}
	if e.RequestID != nil {
		if out.Body.Request, err = h.app.GetRequest(ctx, actor(ctx), *e.RequestID); err != nil {
			return nil, h.fail(ctx, err)
		}
	}
	return out, nil
}

// ListUpdatesInput bounds a list of updates.
type ListUpdatesInput struct {
	Limit int `query:"limit" minimum:"1" maximum:"100" default:"50" doc:"How many, newest first."`
}

// ConsortiumUpdatesInput names a consortium.
type ConsortiumUpdatesInput struct {
	ID string `path:"id" maxLength:"64" doc:"Numeric id or slug."`
	ListUpdatesInput
}

// UpdateList is a list of updates, newest first.
type UpdateList struct {
	Body struct {
		Items []model.Event `json:"items"`
	}
}

func (h *Handler) updateList(ctx context.Context, events []model.Event) *UpdateList {
	out := &UpdateList{}
	out.Body.Items = events
	if out.Body.Items == nil {
		out.Body.Items = []model.Event{}
	}
	return out
}

func (h *Handler) listUpdates(ctx context.Context, in *ListUpdatesInput) (*UpdateList, error) {
	events, err := h.app.UpdatesFeed(ctx, actor(ctx), in.Limit)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.updateList(ctx, events), nil
}

func (h *Handler) listConsortiumUpdates(ctx context.Context, in *ConsortiumUpdatesInput) (*UpdateList, error) {
	events, err := h.app.Updates(ctx, actor(ctx), in.ID, in.Limit)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.updateList(ctx, events), nil
}

// RequestRef names a request.
type RequestRef struct {
	ID int64 `path:"id" minimum:"1"`
}

// RequestOutput is a request with its answers.
type RequestOutput struct {
	Body *model.Request
}

func (h *Handler) getRequest(ctx context.Context, in *RequestRef) (*RequestOutput, error) {
	r, err := h.app.GetRequest(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &RequestOutput{Body: r}, nil
}

// AnswerInput answers a request.
type AnswerInput struct {
	RequestRef
	Body struct {
		Answer string `json:"answer" maxLength:"60" doc:"One of the request's options."`
	}
}

func (h *Handler) answerRequest(ctx context.Context, in *AnswerInput) (*RequestOutput, error) {
	if err := h.app.Answer(ctx, actor(ctx), in.ID, in.Body.Answer); err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.getRequest(ctx, &in.RequestRef)
}

// PreferencesOutput is what a person chose and can choose for.
type PreferencesOutput struct {
	Body struct {
		Preferences []model.Preference     `json:"preferences" doc:"Your choices; consortium_id 0 is your default for every consortium. Without a choice you get a weekly digest, and requests addressed to you at once (unless the channel is off)."`
		Consortia   []model.ConsortiumName `json:"consortia" doc:"The consortia you take part in, for which you can choose differently."`
	}
}

func (h *Handler) getPreferences(ctx context.Context, _ *struct{}) (*PreferencesOutput, error) {
	s, err := h.app.NotificationSettings(ctx, actor(ctx))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &PreferencesOutput{}
	out.Body.Preferences, out.Body.Consortia = s.Preferences, s.Consortia
	return out, nil
}

// PreferenceChange sets or removes one choice.
type PreferenceChange struct {
	ConsortiumID int64  `json:"consortium_id,omitempty" minimum:"0" doc:"0 or omitted for your default; else a consortium you take part in."`
	Channel      string `json:"channel" enum:"email,slack"`
	Mode         string `json:"mode" enum:"immediate,daily,weekly,off,default" doc:"default removes the choice, so your default (or the site's) applies."`
}

// SetPreferencesInput changes several choices at once.
type SetPreferencesInput struct {
	Body struct {
		Preferences []PreferenceChange `json:"preferences" maxItems:"1000"`
	}
}

func (h *Handler) setPreferences(ctx context.Context, in *SetPreferencesInput) (*PreferencesOutput, error) {
	prefs := make([]model.Preference, len(in.Body.Preferences))
	for i, c := range in.Body.Preferences {
		prefs[i] = model.Preference{ConsortiumID: c.ConsortiumID, Channel: c.Channel, Mode: c.Mode}
		if c.Mode == "default" {
			prefs[i].Mode = ""
		}
	}
	if err := h.app.SetPreferences(ctx, actor(ctx), prefs); err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.getPreferences(ctx, nil)
}

// ListOutboxInput filters the queue.
type ListOutboxInput struct {
	Status string `query:"status" enum:",pending,sending,sent,failed" doc:"Only messages with this status."`
	Pagination
}

// OutboxCounts counts messages by status and channel.
type OutboxCounts struct {
	Pending             int            `json:"pending"`
	Sending             int            `json:"sending"`
	Sent                int            `json:"sent"`
	Failed              int            `json:"failed" doc:"Failed for good, waiting for an admin to retry."`
	Retried             int            `json:"retried" doc:"Messages that took more than one attempt."`
	DuplicatesSuspected int            `json:"duplicates_suspected" doc:"Messages a receiver may have more than once: a send was interrupted before its result was recorded, or two sends succeeded."`
	ByChannel           map[string]int `json:"by_channel"`
	OldestPending       *time.Time     `json:"oldest_pending,omitempty"`
}

// OutboxList is the queue.
type OutboxList struct {
	Body struct {
		Counts OutboxCounts           `json:"counts"`
		Items  []*model.OutboxMessage `json:"items"`
		PageInfo
	}
}

func (h *Handler) listOutbox(ctx context.Context, in *ListOutboxInput) (*OutboxList, error) {
	st, err := h.app.OutboxStatus(ctx, actor(ctx))
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	items, total, err := h.app.ListOutbox(ctx, actor(ctx), in.Status, in.page())
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &OutboxList{}
	out.Body.Counts = OutboxCounts{Pending: st.Pending, Sending: st.Sending, Sent: st.Sent, Failed: st.Failed, Retried: st.Retried,
		DuplicatesSuspected: st.DuplicatesSuspected, ByChannel: st.ByChannel, OldestPending: st.OldestPending}
	out.Body.Items = items
	if out.Body.Items == nil {
		out.Body.Items = []*model.OutboxMessage{}
	}
	out.Body.PageInfo = pageInfo(in.page(), total)
	return out, nil
}

// RetryOutboxBody names the message to retry.
type RetryOutboxBody struct {
	ID int64 `json:"id,omitempty" minimum:"0" doc:"A failed message; omit (or 0) for every failed message."`
}

// RetryOutboxInput names the message to retry, or none (no body) for all
// failed ones.
type RetryOutboxInput struct {
	Body *RetryOutboxBody
}

// RetryOutboxOutput says how many messages went back in the queue.
type RetryOutboxOutput struct {
	Body struct {
		Requeued int64 `json:"requeued"`
	}
}

func (h *Handler) retryOutbox(ctx context.Context, in *RetryOutboxInput) (*RetryOutboxOutput, error) {
	if actor(ctx) == nil { // RetryOutbox lets a nil actor (the command line) through
		return nil, h.fail(ctx, model.Errorf(model.EUnauthorized, "Please sign in."))
	}
	var id int64
	if in.Body != nil {
		id = in.Body.ID
	}
	n, err := h.app.RetryOutbox(ctx, actor(ctx), id)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &RetryOutboxOutput{}
	out.Body.Requeued = n
	return out, nil
}
