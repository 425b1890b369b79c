package web

import (
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"consortia/internal/model"
)

// modeChoice is an option of a channel's select.
type modeChoice struct{ Value, Label string }

var modeChoices = []modeChoice{
	{model.ModeImmediate, "Immediately"},
	{model.ModeDaily, "Daily digest"},
	{model.ModeWeekly, "Weekly digest"},
	{model.ModeOff, "Off"},
}

// prefRow is a line of the preferences form: the person's defaults (ID 0)
// or one consortium's overrides.
type prefRow struct {
	ID                     int64
	Name, Slug, Stage      string
	Email, Slack           string // the choice; "" uses the default
	EmailField, SlackField string
}

type notificationsData struct {
	Default prefRow
	Rows    []prefRow
	Modes   []modeChoice
	// Recent are the latest things the person was notified of.
	Recent []model.Event
}

func prefField(channel string, consortiumID int64) string {
	if consortiumID == 0 {
		return channel
	}
	return channel + "_" + strconv.FormatInt(consortiumID, 10)
}

// notificationsPage builds the form; with form set (a failed post) it shows
// what was submitted.
func (ui *UI) notificationsPage(r *http.Request, form map[string][]string) (*Page, error) {
	u := user(r)
	if u == nil {
		return nil, model.Errorf(model.EUnauthorized, "Please sign in.")
	}
	s, err := ui.app.NotificationSettings(r.Context(), u)
	if err != nil {
		return nil, err
	}
	value := func(id int64, channel string) string {
		if v, ok := form[prefField(channel, id)]; ok && len(v) > 0 {
			return v[0]
		}
		return s.Mode(id, channel)
	}
	row := func(id int64) prefRow {
		return prefRow{ID: id, Email: value(id, model.ChannelEmail), Slack: value(id, model.ChannelSlack),
			EmailField: prefField(model.ChannelEmail, id), SlackField: prefField(model.ChannelSlack, id)}
	}
	d := notificationsData{Default: row(0), Modes: modeChoices}
	if d.Recent, err = ui.app.RecentNotifications(r.Context(), u, 20); err != nil {
		return nil, err
	}
	// Without a choice the default is a weekly digest (and requests at once).
	if d.Default.Email == "" {
		d.Default.Email = model.ModeWeekly
	}
	if d.Default.Slack == "" {
		d.Default.Slack = model.ModeWeekly
	}
	for _, c := range s.Consortia {
		pr := row(c.ID)
		pr.Name, pr.Slug, pr.Stage = c.Name, c.Slug, c.Stage
		d.Rows = append(d.Rows, pr)
	}
	return ui.page(r, "Notifications", "account", d), nil
}

// Notifications shows the person's notification preferences.
func (ui *UI) Notifications() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.notificationsPage(r, nil)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "notifications", p)
		return nil
	})
}

var prefFieldPattern = regexp.MustCompile(`^(email|slack)(?:_([0-9]{1,18}))?$`)
var problemIndex = regexp.MustCompile(`^preferences\[([0-9]+)\]\.`)

// SaveNotifications saves the whole preferences form at once.
func (ui *UI) SaveNotifications() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		var prefs []model.Preference
		var fields []string
		keys := slices.Sorted(maps.Keys(r.PostForm))
		for _, key := range keys {
			values := r.PostForm[key]
			m := prefFieldPattern.FindStringSubmatch(key)
			if m == nil || len(values) == 0 {
				continue
			}
			id, _ := strconv.ParseInt(m[2], 10, 64)
			prefs = append(prefs, model.Preference{ConsortiumID: id, Channel: m[1], Mode: strings.TrimSpace(values[0])})
			fields = append(fields, key)
		}
		if err := ui.app.SetPreferences(r.Context(), user(r), prefs); err != nil {
			if !inputProblem(err) {
				return err
			}
			p, perr := ui.notificationsPage(r, r.PostForm)
			if perr != nil {
				return perr
			}
			p.Message = "Please correct the choices marked below."
			for _, f := range model.ErrorFields(err) {
				field := f.Field
				if m := problemIndex.FindStringSubmatch(f.Field); m != nil {
					if i, _ := strconv.Atoi(m[1]); i < len(fields) {
						field = fields[i]
					}
				}
				p.Errors[field] = f.Message
			}
			ui.render(w, r, http.StatusUnprocessableEntity, "notifications", p)
			return nil
		}
		ui.flash(r, "Your notification choices are saved.")
		redirect(w, r, "/account/notifications")
		return nil
	})
}

type unsubscribeData struct {
	Token   string
	Email   string
	Done    bool
	Problem string
}

// maskEmail shows enough of an address to recognize it: l…@example.org.
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "your address"
	}
	return local[:1] + "…@" + domain
}

func (ui *UI) unsubscribeFailed(w http.ResponseWriter, r *http.Request, err error) {
	if !inputProblem(err) {
		ui.Error(w, r, err)
		return
	}
	ui.render(w, r, http.StatusBadRequest, "unsubscribe", ui.page(r, "This link cannot be used", "", unsubscribeData{Problem: model.ErrorMessage(err)}))
}

// UnsubscribePage is where the unsubscribe link of every email leads: it
// changes nothing until the button is pressed.
func (ui *UI) UnsubscribePage() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		token := r.PathValue("token")
		u, err := ui.app.CheckUnsubscribe(r.Context(), token)
		if err != nil {
			ui.unsubscribeFailed(w, r, err)
			return nil
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "unsubscribe", ui.page(r, "Unsubscribe", "", unsubscribeData{Token: token, Email: maskEmail(u.Email)}))
		return nil
	})
}

// Unsubscribe turns email off for the link's person: the page's button, and
// RFC 8058 one-click requests that mail providers send without a browser
// (List-Unsubscribe=One-Click); no session is needed.
func (ui *UI) Unsubscribe() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		u, err := ui.app.Unsubscribe(r.Context(), r.PathValue("token"))
		if err != nil {
			ui.unsubscribeFailed(w, r, err)
			return nil
		}
		w.Header().Set("Referrer-Policy", "no-referrer")
		ui.render(w, r, http.StatusOK, "unsubscribe", ui.page(r, "Unsubscribed", "", unsubscribeData{Done: true, Email: maskEmail(u.Email)}))
		return nil
	})
}
