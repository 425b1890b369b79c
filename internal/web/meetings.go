package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/calendar"
	"consortia/internal/model"
	"consortia/internal/problem"
)

// Meetings, demos and prioritization rounds (the quarterly ceremony):
// meetings.go, demos.go and rounds.go. Their template helpers are merged
// into funcs before New parses the templates.
var prioritizeFuncs = template.FuncMap{
	"meetingKindLabel": model.MeetingKindLabel,
	"meetingKinds":     func() []string { return model.MeetingKinds },
	"reactionLabel":    model.ReactionLabel,
	"reactionKinds":    func() []string { return model.Reactions },
	"timeZoneChoices":  timeZoneChoices,
	"tzLabel":          tzLabel,
	"kickoffWhen":      func(t time.Time) string { return t.Format("Mon 2 Jan 2006, 15:04 MST") },
	"meetingWhen":      meetingWhen,
	"meetingUTC":       func(m *model.Meeting) string { return m.StartsAt.UTC().Format("Mon 2 Jan 2006, 15:04 UTC") },
	"monthDay": func(m *model.Meeting) [2]string {
		t := m.Local()
		return [2]string{t.Format("Jan"), t.Format("2")}
	},
	"roundStateLabel": roundStateLabel,
	"roundStateShort": func(s string) string {
		return map[string]string{model.RoundDraft: "not open yet", model.RoundOpen: "open", model.RoundClosed: "closed",
			model.RoundPublished: "results published"}[s]
	},
	"methodLabel": methodLabel,
	"ballotLabel": ballotLabel,
	"svgPct":      svgPct,
	"zeroTo": func(n int) []int {
		out := make([]int, n+1)
		for i := range out {
			out[i] = i
		}
		return out
	},
	"demoCardOf": func(d *model.Demo) demoCard { return demoCard{Demo: d, Summary: reactionSummary(d)} },
}

func init() {
	for name, fn := range prioritizeFuncs {
		if _, taken := funcs[name]; taken {
			panic("template func " + name + " is defined twice")
		}
		funcs[name] = fn
	}
}

// commonTimeZones are offered when scheduling a meeting; a meeting planned
// in another zone (through the API) keeps it.
var commonTimeZones = []string{"UTC",
	"America/Los_Angeles", "America/Denver", "America/Chicago", "America/New_York", "America/Halifax",
	"America/Mexico_City", "America/Bogota", "America/Lima", "America/Santiago", "America/Sao_Paulo",
	"Europe/London", "Europe/Lisbon", "Europe/Paris", "Europe/Berlin", "Europe/Athens", "Europe/Helsinki",
	"Africa/Lagos", "Africa/Johannesburg", "Africa/Nairobi", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore",
	"Asia/Shanghai", "Asia/Tokyo", "Australia/Perth", "Australia/Sydney", "Pacific/Auckland", "Pacific/Honolulu"}

// timeZoneChoices lists the common zones, plus current when it is another.
func timeZoneChoices(current string) []string {
	if current == "" || slices.Contains(commonTimeZones, current) {
		return commonTimeZones
	}
	return append([]string{current}, commonTimeZones...)
}

// tzLabel names a zone with its offset today: "Europe/Berlin (UTC+01:00)".
func tzLabel(name string) string {
	loc, err := time.LoadLocation(name)
	if err != nil || name == "UTC" {
		return name
	}
	_, off := time.Now().In(loc).Zone()
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%s (UTC%s%02d:%02d)", strings.ReplaceAll(name, "_", " "), sign, off/3600, off%3600/60)
}

// meetingWhen is a meeting's time in its own zone: "Tue 12 Jan 2027,
// 17:00–18:00 CET".
func meetingWhen(m *model.Meeting) string {
	start := m.Local()
	end := m.EndsAt().In(start.Location())
	endFmt := "15:04 MST"
	if end.YearDay() != start.YearDay() || end.Year() != start.Year() {
		endFmt = "Mon 2 Jan 15:04 MST"
	}
	return start.Format("Mon 2 Jan 2006, 15:04") + "–" + end.Format(endFmt)
}

// svgPct is part of whole as a percentage for SVG widths, "0" when whole is 0.
func svgPct(part, whole any) string {
	p, w := toFloat(part), toFloat(whole)
	if w <= 0 || p <= 0 {
		return "0"
	}
	return strconv.FormatFloat(min(p/w*100, 100), 'f', 2, 64)
}

func toFloat(v any) float64 {
	switch n := v.(type) {
	case int:
		return float64(n)
	case int64:
		return float64(n)
	case float64:
		return n
	}
	return 0
}

// --- the consortium page's section -----------------------------------------

// meetingsSection is the Meetings section of a consortium's page: the next
// and the latest meetings, the demos and the latest prioritization round.
type meetingsSection struct {
	Slug     string
	Upcoming []*model.Meeting
	Past     []*model.Meeting
	Demos    int
	Round    *roundRow
}

// meetingsSection loads the Meetings section of a consortium page
// (templates/partials/prioritize.html).
func (ui *UI) meetingsSection(ctx context.Context, u *model.User, ref string) (*meetingsSection, error) {
	c, ms, err := ui.app.Meetings(ctx, u, ref)
	if err != nil {
		return nil, err
	}
	s := &meetingsSection{Slug: c.Slug}
	now := ui.app.Now()
	for _, m := range ms {
		if m.EndsAt().After(now) {
			if len(s.Upcoming) < 3 {
				s.Upcoming = append(s.Upcoming, m)
			}
		} else {
			s.Past = append([]*model.Meeting{m}, s.Past...)
		}
	}
	s.Past = s.Past[:min(2, len(s.Past))]
	_, demos, err := ui.app.Demos(ctx, u, c.Slug)
	if err != nil {
		return nil, err
	}
	s.Demos = len(demos)
	_, rounds, err := ui.app.Rounds(ctx, u, ref)
	if err != nil {
		return nil, err
	}
	if len(rounds) > 0 {
		s.Round = &roundRow{Round: rounds[0], State: rounds[0].State(now)}
	}
	return s, nil
}

// --- the consortium's meetings page -----------------------------------------

type meetingsData struct {
	Consortium *model.Consortium
	Upcoming   []*model.Meeting
	Past       []*model.Meeting
	Demos      []*model.Demo
	CanManage  bool
	Closed     bool
	Initiative []model.InitiativeRef // for the demo form
	ForMeeting int64                 // preselected meeting of the demo form
	Meetings   []*model.Meeting      // all, for the demo form
	Recent     *model.Meeting
	// FeedKey is the reader's personal calendar key, for feeds of consortia
	// that are not public.
	FeedKey   string
	Subscribe calendarSubscription
}

func (ui *UI) meetingsPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	c, ms, err := ui.app.Meetings(ctx, u, r.PathValue("ref"))
	if err != nil {
		return nil, err
	}
	d := &meetingsData{Consortium: c, CanManage: u.IsAdmin(), Closed: model.Closed(c.Stage), Meetings: ms, Initiative: c.Initiatives}
	if c.Visibility != model.VisibilityPublic {
		d.FeedKey = ui.app.CalendarKey(u)
	}
	d.Subscribe = ui.subscription(c, d.FeedKey)
	now := ui.app.Now()
	for _, m := range ms {
		if m.EndsAt().After(now) {
			d.Upcoming = append(d.Upcoming, m)
		} else {
			d.Past = append(d.Past, m)
		}
	}
	slices.Reverse(d.Past) // most recent first
	for _, m := range d.Past {
		if !m.Cancelled {
			d.Recent = m
			break
		}
	}
	if _, d.Demos, err = ui.app.Demos(ctx, u, c.Slug); err != nil {
		return nil, err
	}
	d.ForMeeting, _ = strconv.ParseInt(r.URL.Query().Get("meeting"), 10, 64)
	p := ui.page(r, "Meetings · "+c.Name, "consortia", d)
	// Defaults of the staff forms.
	start := now.UTC().AddDate(0, 0, 14).Truncate(24 * time.Hour).Add(16 * time.Hour)
	p.Form = url.Values{"meeting.kind": {"quarterly"}, "meeting.starts": {start.Format("2006-01-02T15:04")}, "meeting.time_zone": {"UTC"},
		"meeting.duration": {"60"}, "meeting.agenda": {model.DefaultAgenda}}
	if d.ForMeeting != 0 {
		p.Form.Set("demo.meeting_id", strconv.FormatInt(d.ForMeeting, 10))
	} else if d.Recent != nil {
		p.Form.Set("demo.meeting_id", strconv.FormatInt(d.Recent.ID, 10))
	}
	return p, nil
}

// ConsortiumMeetings lists a consortium's meetings and demos, with the
// staff forms to schedule a meeting and post a demo.
func (ui *UI) ConsortiumMeetings() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.meetingsPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "meetings", p)
		return nil
	})
}

// meetingsFailed shows the meetings page again after one of its forms failed.
func (ui *UI) meetingsFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.pageFailed(w, r, err, form, "meetings", func() (*Page, error) { return ui.meetingsPage(r) })
}

// meetingInput reads the meeting form: the start is a wall-clock time in
// the chosen zone.
func meetingInput(f url.Values) (model.MeetingInput, error) {
	in := model.MeetingInput{Kind: f.Get("kind"), Title: f.Get("title"), TimeZone: strings.TrimSpace(f.Get("time_zone")),
		Location: f.Get("location"), VideoURL: f.Get("video_url"), Agenda: f.Get("agenda"), Notes: f.Get("notes"),
		Decisions: f.Get("decisions"), Cancelled: f.Get("cancelled") == "1"}
	var p model.Problems
	if s := strings.TrimSpace(f.Get("duration")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			p.Add("duration_minutes", "must be a whole number of minutes")
		}
		in.Duration = n
	}
	in.StartsAt = localTime(&p, f.Get("starts"), in.TimeZone, "starts_at", "2027-01-12T16:00")
	return in, p.Err()
}

// localTime reads a datetime-local value s in the time zone tz (UTC when
// empty), recording a problem with field (or time_zone) when it cannot;
// the zero time when s is empty.
func localTime(p *model.Problems, s, tz, field, example string) time.Time {
	loc := time.UTC
	if tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			p.Add("time_zone", "%s", model.TimeZoneHint)
			return time.Time{}
		}
		loc = l
	}
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}
	}
	t, err := parseLocal(s, loc)
	if err != nil {
		p.Add(field, "must be a date and time like %s", example)
	}
	return t
}

// parseLocal reads a datetime-local value in loc.
func parseLocal(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02T15:04", s, loc)
	if err != nil {
		t, err = time.ParseInLocation("2006-01-02T15:04:05", s, loc)
	}
	return t, err
}

// ScheduleMeeting handles the schedule form (staff).
func (ui *UI) ScheduleMeeting() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		in, err := meetingInput(r.PostForm)
		if err != nil {
			return ui.meetingsFailed(w, r, err, "meeting")
		}
		m, err := ui.app.ScheduleMeeting(r.Context(), user(r), r.PathValue("ref"), in)
		if err != nil {
			return ui.meetingsFailed(w, r, err, "meeting")
		}
		ui.flash(r, m.Title+" is scheduled for "+m.Local().Format("Monday 2 January 2006, 15:04 MST")+".")
		redirect(w, r, fmt.Sprintf("/meetings/%d", m.ID))
		return nil
	})
}

// --- one meeting ------------------------------------------------------------

type meetingData struct {
	*app.MeetingView
	Yes, Maybe, No []model.RSVP
	CanManage      bool
	Closed         bool
	SignedIn       bool
	Past           bool
}

// Meeting shows a meeting; /meetings/{id}.ics is its calendar file.
func (ui *UI) Meeting() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		ref := r.PathValue("id")
		if strings.HasSuffix(ref, ".ics") {
			ui.meetingICS(w, r, strings.TrimSuffix(ref, ".ics"))
			return nil
		}
		v, err := ui.meetingView(r, ref)
		if err != nil {
			return err
		}
		u := user(r)
		d := meetingData{MeetingView: v, CanManage: u.IsAdmin(), Closed: model.Closed(v.Consortium.Stage), SignedIn: u != nil,
			Past: v.EndsAt().Before(ui.app.Now())}
		for _, rs := range v.RSVPs {
			switch rs.Response {
			case "yes":
				d.Yes = append(d.Yes, rs)
			case "maybe":
				d.Maybe = append(d.Maybe, rs)
			default:
				d.No = append(d.No, rs)
			}
		}
		p := ui.page(r, v.Title+" · "+v.Consortium.Name, "consortia", d)
		if err := ui.withThread(r, p, model.ThreadMeeting, v.ID); err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "meeting", p)
		return nil
	})
}

func (ui *UI) meetingView(r *http.Request, ref string) (*app.MeetingView, error) {
	id, err := strconv.ParseInt(ref, 10, 64)
	if err != nil {
		return nil, model.Errorf(model.ENotFound, "There is no meeting %q.", ref)
	}
	return ui.app.GetMeeting(r.Context(), user(r), id)
}

// writeCalendar answers an iCalendar document. Errors are plain text:
// calendar programs show no HTML.
func writeCalendar(w http.ResponseWriter, body, filename string) {
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if filename != "" {
		w.Header().Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	}
	_, _ = w.Write([]byte(body))
}

func (ui *UI) calendarError(w http.ResponseWriter, r *http.Request, err error) {
	status := problem.Status(err)
	if status == http.StatusInternalServerError {
		ui.log.Error("calendar", "path", r.URL.Path, "err", err)
	}
	http.Error(w, model.ErrorMessage(err), status)
}

// meetingICS is one meeting as an iCalendar file ("Add to calendar").
func (ui *UI) meetingICS(w http.ResponseWriter, r *http.Request, ref string) {
	v, err := ui.meetingView(r, ref)
	if err != nil {
		ui.calendarError(w, r, err)
		return
	}
	body := calendar.Feed(v.Consortium.Name+": "+v.Title, ui.cfg.BaseURL, ui.app.InstanceID(), []*model.Meeting{v.Meeting},
		map[int64]*model.Consortium{v.Consortium.ID: v.Consortium})
	writeCalendar(w, body, fmt.Sprintf("meeting-%d.ics", v.ID))
}

// ConsortiumCalendar is the subscription feed of a consortium's meetings.
// Calendar programs subscribe without a cookie, so a public consortium's
// feed is public; the feed of a members-only or private consortium is
// served to a signed-in reader or to a calendar program that presents the
// reader's secret key (?key=…, shown on the meetings page), and answers 404
// otherwise (as its pages do).
func (ui *UI) ConsortiumCalendar() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		reader, ok := ui.calendarReader(w, r)
		if !ok {
			return nil
		}
		c, ms, err := ui.app.Meetings(r.Context(), reader, r.PathValue("ref"))
		if err != nil {
			ui.calendarError(w, r, err)
			return nil
		}
		writeCalendar(w, calendar.Feed(c.Name+" meetings", ui.cfg.BaseURL, ui.app.InstanceID(), ms, map[int64]*model.Consortium{c.ID: c}), "")
		return nil
	})
}

// calendarReader is who reads a feed: the signed-in person, or the person
// whose calendar key the request presents (calendar programs send no
// cookie), or a visitor. A key that is not valid answers 404 (ok false).
func (ui *UI) calendarReader(w http.ResponseWriter, r *http.Request) (*model.User, bool) {
	reader := user(r)
	if key := r.URL.Query().Get("key"); reader == nil && key != "" {
		u, err := ui.app.UserByCalendarKey(r.Context(), key)
		if err != nil {
			ui.calendarError(w, r, err)
			return nil, false
		}
		reader = u
	}
	return reader, true
}

// RSVPMeeting records whether the reader will attend.
func (ui *UI) RSVPMeeting() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		resp := r.PostForm.Get("response")
		if err := ui.app.RSVP(r.Context(), user(r), id, resp); err != nil {
			if model.ErrorCode(err) == model.EInvalid {
				ui.flash(r, "Could not record your answer: "+fieldText(err))
				redirect(w, r, fmt.Sprintf("/meetings/%d#rsvp", id))
				return nil
			}
			return err
		}
		msg := map[string]string{"yes": "See you there: you are attending.", "maybe": "Noted: you might attend.", "no": "Noted: you will not attend."}[resp]
		ui.flash(r, msg)
		redirect(w, r, fmt.Sprintf("/meetings/%d#rsvp", id))
		return nil
	})
}

// --- editing ----------------------------------------------------------------

type meetingFormData struct {
	ID         int64
	Title      string
	Consortium *model.Consortium
}

// EditMeetingForm shows the edit form (staff): time, place, agenda, notes,
// decisions, cancellation.
func (ui *UI) EditMeetingForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		v, err := ui.meetingView(r, r.PathValue("id"))
		if err != nil {
			return err
		}
		if !user(r).IsAdmin() {
			return denied(r, "Only the host organization's staff can change meetings.")
		}
		p := ui.page(r, "Edit "+v.Title, "consortia", meetingFormData{ID: v.ID, Title: v.Title, Consortium: v.Consortium})
		p.Form = meetingValues(v.Meeting)
		ui.render(w, r, http.StatusOK, "meeting_form", p)
		return nil
	})
}

func meetingValues(m *model.Meeting) url.Values {
	f := url.Values{"kind": {m.Kind}, "title": {m.Title}, "starts": {m.Local().Format("2006-01-02T15:04")}, "time_zone": {m.TimeZone},
		"duration": {strconv.Itoa(m.Duration)}, "location": {m.Location}, "video_url": {m.VideoURL}, "agenda": {m.Agenda},
		"notes": {m.Notes}, "decisions": {m.Decisions}, "version": {strconv.FormatInt(m.Version, 10)}}
	if m.Cancelled {
		f.Set("cancelled", "1")
	}
	return f
}

// UpdateMeeting handles the edit form.
func (ui *UI) UpdateMeeting() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		v, err := ui.meetingView(r, r.PathValue("id"))
		if err != nil {
			return err
		}
		p := ui.page(r, "Edit "+v.Title, "consortia", meetingFormData{ID: v.ID, Title: v.Title, Consortium: v.Consortium})
		in, err := meetingInput(r.PostForm)
		if err != nil {
			ui.formFailed(w, r, err, "meeting_form", p)
			return nil
		}
		version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
		m, err := ui.app.UpdateMeeting(r.Context(), user(r), v.ID, version, in)
		if err != nil {
			ui.formFailed(w, r, err, "meeting_form", p)
			return nil
		}
		if m.Cancelled && !v.Cancelled {
			ui.flash(r, m.Title+" is cancelled; subscribed calendars will show it as cancelled.")
		} else {
			ui.flash(r, "Saved the meeting; subscribed calendars pick up the change.")
		}
		redirect(w, r, fmt.Sprintf("/meetings/%d", m.ID))
		return nil
	})
}
