package api

import (
	"context"
	"fmt"
	"strings"
	"time"

	"consortia/internal/model"
)

// Meetings, demos and reactions: the quarterly ceremony of a consortium.

// MeetingData is model.Meeting as a type without methods, so that huma can
// embed it in response bodies (see InitiativeData).
type MeetingData model.Meeting

// MeetingItem is a meeting as lists show it.
type MeetingItem struct {
	MeetingData
	KindLabel   string    `json:"kind_label" doc:"Human name of the kind, e.g. \"Quarterly prioritization\"."`
	EndsAt      time.Time `json:"ends_at"`
	StartsLocal string    `json:"starts_local" doc:"The start in the meeting's time zone, RFC 3339 with its offset."`
	PageURL     string    `json:"page_url" doc:"The meeting's page."`
	CalendarURL string    `json:"calendar_url" doc:"The meeting as an iCalendar (RFC 5545) file."`
}

func meetingItem(m *model.Meeting) MeetingItem {
	it := MeetingItem{MeetingData: MeetingData(*m), KindLabel: model.MeetingKindLabel(m.Kind), EndsAt: m.EndsAt(),
		StartsLocal: m.Local().Format(time.RFC3339), PageURL: fmt.Sprintf("/meetings/%d", m.ID), CalendarURL: fmt.Sprintf("/meetings/%d.ics", m.ID)}
	if it.RSVPs == nil {
		it.RSVPs = []model.RSVP{}
	}
	return it
}

// DemoData is model.Demo without methods.
type DemoData model.Demo

// DemoItem is a demo with its reactions and their summary.
type DemoItem struct {
	DemoData
	Summary map[string]int `json:"summary" doc:"Reactions by kind: resonated, neutral, did_not_resonate."`
}

func demoItem(d *model.Demo) DemoItem {
	it := DemoItem{DemoData: DemoData(*d), Summary: map[string]int{}}
	for _, k := range model.Reactions {
		it.Summary[k] = 0
	}
	for k, n := range d.Tally() {
		it.Summary[k] = n
	}
	it.Reactions = make([]model.Reaction, len(d.Reactions))
	copy(it.Reactions, d.Reactions)
	return it
}

// --- meetings ----------------------------------------------------------------

// MeetingFields are the writable fields of a meeting. On PATCH every field
// is optional and only those present change.
type MeetingFields struct {
	Kind      *string `json:"kind,omitempty" enum:"kickoff,quarterly,demo,other" doc:"quarterly when omitted on create."`
	Title     *string `json:"title,omitempty" maxLength:"160" doc:"Defaults to the kind's name."`
	StartsAt  *string `json:"starts_at,omitempty" maxLength:"40" doc:"An instant with its offset (2027-01-12T16:00:00Z) or a wall-clock time in time_zone (2027-01-12T17:00). Required on create. Changing only time_zone keeps the instant."`
	Duration  *int    `json:"duration_minutes,omitempty" minimum:"5" maximum:"1440" doc:"60 when omitted on create."`
	TimeZone  *string `json:"time_zone,omitempty" maxLength:"64" doc:"IANA time zone the meeting is planned in, e.g. America/Los_Angeles; UTC when omitted on create."`
	Location  *string `json:"location,omitempty" maxLength:"300"`
	VideoURL  *string `json:"video_url,omitempty" maxLength:"2048"`
	Agenda    *string `json:"agenda,omitempty" maxLength:"20000" doc:"Markdown. Quarterly meetings default to: what's done, what's possible, what's next."`
	Notes     *string `json:"notes,omitempty" maxLength:"20000" doc:"Markdown."`
	Decisions *string `json:"decisions,omitempty" maxLength:"20000" doc:"Recorded decisions (Markdown)."`
	Cancelled *bool   `json:"cancelled,omitempty" doc:"Calendars show a cancelled meeting as cancelled."`
}

func (f MeetingFields) apply(in *model.MeetingInput) error {
	set := func(dst *string, src *string) {
		if src != nil {
			*dst = *src
		}
	}
	set(&in.Kind, f.Kind)
	set(&in.Title, f.Title)
	set(&in.TimeZone, f.TimeZone)
	set(&in.Location, f.Location)
	set(&in.VideoURL, f.VideoURL)
	set(&in.Agenda, f.Agenda)
	set(&in.Notes, f.Notes)
	set(&in.Decisions, f.Decisions)
	if f.Duration != nil {
		in.Duration = *f.Duration
	}
	if f.Cancelled != nil {
		in.Cancelled = *f.Cancelled
	}
	if f.StartsAt != nil {
		s := strings.TrimSpace(*f.StartsAt)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			tz := strings.TrimSpace(in.TimeZone)
			if tz == "" {
				tz = "UTC"
			}
			loc, lerr := time.LoadLocation(tz)
			if lerr != nil {
				return invalid("time_zone", "must be an IANA time zone such as Europe/Berlin or America/New_York")
			}
			if t, err = time.ParseInLocation("2006-01-02T15:04", s, loc); err != nil {
				if t, err = time.ParseInLocation("2006-01-02T15:04:05", s, loc); err != nil {
					return invalid("starts_at", "must be an instant like 2027-01-12T16:00:00Z or a local time like 2027-01-12T17:00")
				}
			}
		}
		in.StartsAt = t
	}
	return nil
}

func meetingInputOf(m *model.Meeting) model.MeetingInput {
	return model.MeetingInput{Kind: m.Kind, Title: m.Title, StartsAt: m.StartsAt, Duration: m.Duration, TimeZone: m.TimeZone,
		Location: m.Location, VideoURL: m.VideoURL, Agenda: m.Agenda, Notes: m.Notes, Decisions: m.Decisions, Cancelled: m.Cancelled}
}

// MeetingList is a consortium's meetings by start time.
type MeetingList struct {
	Body struct {
		Items []MeetingItem `json:"items"`
	}
}

func (h *Handler) listMeetings(ctx context.Context, in *ConsortiumPath) (*MeetingList, error) {
	_, ms, err := h.app.Meetings(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &MeetingList{}
	out.Body.Items = make([]MeetingItem, len(ms))
	for i, m := range ms {
		out.Body.Items[i] = meetingItem(m)
	}
	return out, nil
}

// CreateMeetingInput schedules a meeting.
type CreateMeetingInput struct {
	ConsortiumPath
	Body MeetingFields
}

// CreatedMeeting is a scheduled meeting and where it lives.
type CreatedMeeting struct {
	Location string `header:"Location"`
	Body     MeetingItem
}

func (h *Handler) createMeeting(ctx context.Context, in *CreateMeetingInput) (*CreatedMeeting, error) {
	var mi model.MeetingInput
	if err := in.Body.apply(&mi); err != nil {
		return nil, h.fail(ctx, err)
	}
	m, err := h.app.ScheduleMeeting(ctx, actor(ctx), in.ID, mi)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedMeeting{Location: fmt.Sprintf("%s/meetings/%d", Prefix, m.ID), Body: meetingItem(m)}, nil
}

// MeetingPath names a meeting.
type MeetingPath struct {
	ID int64 `path:"id"`
}

// MeetingDetail is a meeting with its demos and the caller's answer.
type MeetingDetail struct {
	MeetingItem
	Consortium string     `json:"consortium_slug"`
	Demos      []DemoItem `json:"demos"`
	MyRSVP     string     `json:"my_rsvp,omitempty" enum:"yes,maybe,no" doc:"The caller's answer, if any."`
}

// MeetingDetailOutput is one meeting.
type MeetingDetailOutput struct {
	Body MeetingDetail
}

func (h *Handler) meetingDetail(ctx context.Context, id int64) (*MeetingDetailOutput, error) {
	v, err := h.app.GetMeeting(ctx, actor(ctx), id)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	d := MeetingDetail{MeetingItem: meetingItem(v.Meeting), Consortium: v.Consortium.Slug, Demos: []DemoItem{}, MyRSVP: v.MyRSVP}
	for _, dm := range v.Demos {
		d.Demos = append(d.Demos, demoItem(dm))
	}
	return &MeetingDetailOutput{Body: d}, nil
}

func (h *Handler) getMeeting(ctx context.Context, in *MeetingPath) (*MeetingDetailOutput, error) {
	return h.meetingDetail(ctx, in.ID)
}

// UpdateMeetingInput is a partial update; version, when given, must match.
type UpdateMeetingInput struct {
	MeetingPath
	Body struct {
		MeetingFields
		Version int64 `json:"version,omitempty" minimum:"0" doc:"The version you read; the update fails with 409 if the meeting changed since."`
	}
}

func (h *Handler) updateMeeting(ctx context.Context, in *UpdateMeetingInput) (*MeetingDetailOutput, error) {
	cur, err := h.app.GetMeeting(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	mi := meetingInputOf(cur.Meeting)
	if err := in.Body.apply(&mi); err != nil {
		return nil, h.fail(ctx, err)
	}
	if _, err := h.app.UpdateMeeting(ctx, actor(ctx), in.ID, in.Body.Version, mi); err != nil {
		return nil, h.fail(ctx, err)
	}
	return h.meetingDetail(ctx, in.ID)
}

// RSVPInput answers a meeting invitation.
type RSVPInput struct {
	MeetingPath
	Body struct {
		Response string `json:"response" enum:"yes,maybe,no"`
	}
}

func (h *Handler) rsvp(ctx context.Context, in *RSVPInput) (*struct{}, error) {
	if err := h.app.RSVP(ctx, actor(ctx), in.ID, in.Body.Response); err != nil {
		return nil, h.fail(ctx, err)
	}
	return nil, nil
}

// --- demos and reactions -----------------------------------------------------

// DemoList is a consortium's demos, newest first.
type DemoList struct {
	Body struct {
		Items []DemoItem `json:"items"`
	}
}

func (h *Handler) listDemos(ctx context.Context, in *ConsortiumPath) (*DemoList, error) {
	_, demos, err := h.app.Demos(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	out := &DemoList{}
	out.Body.Items = make([]DemoItem, len(demos))
	for i, d := range demos {
		out.Body.Items[i] = demoItem(d)
	}
	return out, nil
}

// CreateDemoInput posts a demo (staff).
type CreateDemoInput struct {
	ConsortiumPath
	Body struct {
		Title        string `json:"title" maxLength:"160"`
		Description  string `json:"description,omitempty" maxLength:"20000" doc:"Markdown."`
		VideoURL     string `json:"video_url,omitempty" maxLength:"2048"`
		MeetingID    *int64 `json:"meeting_id,omitempty" doc:"The meeting it was shown at."`
		InitiativeID *int64 `json:"initiative_id,omitempty" doc:"The initiative it shows."`
	}
}

// DemoOutput is one demo.
type DemoOutput struct {
	Body DemoItem
}

// CreatedDemo is a posted demo and where it lives.
type CreatedDemo struct {
	Location string `header:"Location"`
	Body     DemoItem
}

func (h *Handler) createDemo(ctx context.Context, in *CreateDemoInput) (*CreatedDemo, error) {
	b := in.Body
	d, err := h.app.PostDemo(ctx, actor(ctx), in.ID, model.DemoInput{Title: b.Title, Description: b.Description, VideoURL: b.VideoURL,
		MeetingID: b.MeetingID, InitiativeID: b.InitiativeID})
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &CreatedDemo{Location: fmt.Sprintf("%s/demos/%d", Prefix, d.ID), Body: demoItem(d)}, nil
}

// DemoPath names a demo.
type DemoPath struct {
	ID int64 `path:"id"`
}

func (h *Handler) getDemo(ctx context.Context, in *DemoPath) (*DemoOutput, error) {
	d, _, err := h.app.GetDemo(ctx, actor(ctx), in.ID)
	if err != nil {
		return nil, h.fail(ctx, err)
	}
	return &DemoOutput{Body: demoItem(d)}, nil
}

// ReactInput records a member community's reaction to a demo.
type ReactInput struct {
	DemoPath
	Community string `path:"community" maxLength:"64" doc:"The reacting community's id or slug; its lead (or staff) acts for it."`
	Body      struct {
		Reaction string `json:"reaction" enum:"resonated,neutral,did_not_resonate"`
		Comment  string `json:"comment,omitempty" maxLength:"4000"`
	}
}

func (h *Handler) react(ctx context.Context, in *ReactInput) (*struct{}, error) {
	if err := h.app.React(ctx, actor(ctx), in.ID, in.Community, in.Body.Reaction, in.Body.Comment); err != nil {
		return nil, h.failAt(ctx, err, map[string]string{"community": "path.community"})
	}
	return nil, nil
}
