package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

func roundStateLabel(s string) string {
	switch s {
	case model.RoundDraft:
		return "Not open yet"
	case model.RoundOpen:
		return "Open for ballots"
	case model.RoundClosed:
		return "Closed"
	case model.RoundPublished:
		return "Results published"
	}
	return s
}

func methodLabel(m string) string {
	switch m {
	case "schulze":
		return "Schulze method"
	case "ranked-pairs":
		return "Ranked pairs (Tideman)"
	case "borda":
		return "Borda count"
	case "approval":
		return "Approval voting"
	case "score":
		return "Score voting"
	case "dot":
		return "Dot voting"
	}
	return m
}

// MethodPhrase names the round's method inside a sentence: "counted by dot
// voting".
func (d *roundData) MethodPhrase() string { return methodPhrase(d.Method) }

func methodPhrase(m string) string {
	switch m {
	case "schulze":
		return "the Schulze method"
	case "ranked-pairs":
		return "ranked pairs (Tideman)"
	case "borda":
		return "the Borda count"
	}
	return strings.ToLower(methodLabel(m))
}

func ballotLabel(t string) string {
	switch t {
	case model.BallotRanked:
		return "Ranked ballots (ties and unranked candidates allowed)"
	case model.BallotApproval:
		return "Approval ballots (approve any number)"
	case model.BallotScore:
		return "Score ballots"
	case model.BallotDot:
		return "Dot voting (spread points)"
	}
	return t
}

// nextQuarter is the quarter after t's, e.g. "2027-Q2".
func nextQuarter(t time.Time) string {
	q := (int(t.Month())-1)/3 + 2
	y := t.Year()
	if q > 4 {
		q, y = 1, y+1
	}
	return fmt.Sprintf("%d-Q%d", y, q)
}

// --- a consortium's rounds ---------------------------------------------------

type roundRow struct {
	*model.Round
	State string
}

type roundsData struct {
	Consortium *model.Consortium
	Rounds     []roundRow
	CanManage  bool
	Closed     bool
	Candidates []model.InitiativeRef
	Picker     *candidatePicker
	Voters     []model.Member // members with the react & prioritize role, for weights
}

func (ui *UI) roundsPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	c, rounds, err := ui.app.Rounds(ctx, u, r.PathValue("ref"))
	if err != nil {
		return nil, err
	}
	d := &roundsData{Consortium: c, CanManage: u.IsAdmin(), Closed: model.Closed(c.Stage), Candidates: c.Initiatives}
	now := ui.app.Now()
	for _, rd := range rounds {
		d.Rounds = append(d.Rounds, roundRow{Round: rd, State: rd.State(now)})
	}
	p := ui.page(r, "Prioritization rounds · "+c.Name, "consortia", d)
	if d.CanManage && !d.Closed {
		members, err := ui.app.ConsortiumMembers(ctx, u, c.ID, false)
		if err != nil {
			return nil, err
		}
		for _, m := range members {
			if m.HasRole(model.RoleReactPrioritize) {
				d.Voters = append(d.Voters, m)
			}
		}
		opens := now.UTC().Truncate(time.Hour).Add(time.Hour)
		p.Form = url.Values{"round.quarter": {nextQuarter(now)}, "round.ballot_type": {model.BallotRanked}, "round.method": {"schulze"},
			"round.strength": {"winning"}, "round.unranked": {"tied-last"}, "round.max_score": {"5"}, "round.dot_points": {"10"},
			"round.opens": {opens.Format("2006-01-02T15:04")}, "round.closes": {opens.AddDate(0, 0, 14).Format("2006-01-02T15:04")},
			"round.time_zone": {"UTC"}}
		for _, in := range c.Initiatives {
			if in.Status == model.StatusCandidate || in.Status == model.StatusUpcoming {
				p.Form.Add("round.candidate_ids", strconv.FormatInt(in.ID, 10))
			}
		}
		if f := filteredForm(r.URL.Query(), "round."); f != nil {
			p.Form = f
		}
		src := pickerSource(r, p.Form, "round.")
		if d.Picker, err = ui.candidateChoices(ctx, u, c, src.Get("candidate_q"), src["candidate_ids"]); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// ConsortiumRounds lists a consortium's prioritization rounds, with the
// staff form to open one.
func (ui *UI) ConsortiumRounds() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.roundsPage(r)
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "rounds", p)
		return nil
	})
}

// roundInput reads the new-round form. Options that do not apply to the
// chosen ballot type are dropped, so the defaults fill them.
func roundInput(f url.Values) (model.RoundInput, error) {
	in := model.RoundInput{Title: f.Get("title"), Quarter: f.Get("quarter"), BallotType: f.Get("ballot_type"),
		LiveResults: f.Get("live_results") == "1", Weights: map[int64]int{}}
	var p model.Problems
	switch in.BallotType {
	case model.BallotRanked:
		in.Method, in.Strength, in.Unranked = f.Get("method"), f.Get("strength"), f.Get("unranked")
	case model.BallotScore, model.BallotDot:
		field, dst := "max_score", &in.MaxScore
		if in.BallotType == model.BallotDot {
			field, dst = "dot_points", &in.DotPoints
		}
		if s := strings.TrimSpace(f.Get(field)); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				p.Add(field, "must be a whole number")
			}
			*dst = n
		}
	}
	loc := time.UTC
	if tz := strings.TrimSpace(f.Get("time_zone")); tz != "" {
		l, err := time.LoadLocation(tz)
		if err != nil {
			p.Add("time_zone", "must be an IANA time zone such as Europe/Berlin")
		} else {
			loc = l
		}
	}
	for field, dst := range map[string]*time.Time{"opens": &in.OpensAt, "closes": &in.ClosesAt} {
		if s := strings.TrimSpace(f.Get(field)); s != "" {
			t, err := parseLocal(s, loc)
			if err != nil {
				p.Add(field+"_at", "must be a date and time like 2027-03-01T09:00")
			}
			*dst = t
		}
	}
	var ok bool
	if in.CandidateIDs, ok = parseIDs(f["candidate_ids"]); !ok {
		p.Add("candidate_ids", "must be initiatives from the list")
	}
	for k, v := range f {
		id, found := strings.CutPrefix(k, "weight_")
		if !found || len(v) == 0 || strings.TrimSpace(v[0]) == "" {
			continue
		}
		cid, err1 := strconv.ParseInt(id, 10, 64)
		w, err2 := strconv.Atoi(strings.TrimSpace(v[0]))
		if err1 != nil || err2 != nil {
			p.Add("weights", "weights must be whole numbers from 0 to 100")
			continue
		}
		if w != 1 {
			in.Weights[cid] = w
		}
	}
	return in, p.Err()
}

// CreateRound handles the new-round form (staff).
func (ui *UI) CreateRound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		in, err := roundInput(r.PostForm)
		if err == nil {
			var rd *model.Round
			if rd, err = ui.app.CreateRound(r.Context(), user(r), r.PathValue("ref"), in); err == nil {
				ui.flash(r, "“"+rd.Title+"” is set up: member communities with the react & prioritize role can vote from "+
					rd.OpensAt.Format("2 Jan 2006 15:04 MST")+" until "+rd.ClosesAt.Format("2 Jan 2006 15:04 MST")+".")
				redirect(w, r, fmt.Sprintf("/rounds/%d", rd.ID))
				return nil
			}
		}
		if !inputProblem(err) {
			return err
		}
		p, perr := ui.roundsPage(r)
		if perr != nil {
			return perr
		}
		ui.inlineFailed(w, r, err, "round", "rounds", p)
		return nil
	})
}

// roundFormData is the data of a round's edit form.
type roundFormData struct {
	*app.RoundView
	Candidates []model.InitiativeRef
	Picker     *candidatePicker
	Voters     []model.Member
	Locked     bool // a ballot is cast: the round can no longer change
}

// roundFormPage loads a round for its edit form (staff).
func (ui *UI) roundFormPage(r *http.Request) (*Page, error) {
	ctx, u := r.Context(), user(r)
	if !u.IsAdmin() {
		return nil, denied(r, "Only the host organization's staff can change prioritization rounds.")
	}
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := ui.app.GetRound(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &roundFormData{RoundView: v, Candidates: v.Consortium.Initiatives, Locked: v.BallotCount > 0 || len(v.Cast) > 0}
	members, err := ui.app.ConsortiumMembers(ctx, u, v.ConsortiumID, false)
	if err != nil {
		return nil, err
	}
	for _, m := range members {
		if m.HasRole(model.RoleReactPrioritize) {
			d.Voters = append(d.Voters, m)
		}
	}
	src := pickerSource(r, roundValues(v.Round), "")
	if d.Picker, err = ui.candidateChoices(ctx, u, v.Consortium, src.Get("candidate_q"), src["candidate_ids"]); err != nil {
		return nil, err
	}
	return ui.page(r, "Edit "+v.Title+" · "+v.ConsortiumName, "consortia", d), nil
}

// roundValues fills the edit form from a round; times are shown in UTC.
func roundValues(rd *model.Round) url.Values {
	f := url.Values{"title": {rd.Title}, "quarter": {rd.Quarter}, "ballot_type": {rd.BallotType}, "method": {rd.Method},
		"strength": {rd.Strength}, "unranked": {rd.Unranked}, "max_score": {strconv.Itoa(rd.MaxScore)},
		"dot_points": {strconv.Itoa(rd.DotPoints)}, "opens": {rd.OpensAt.UTC().Format("2006-01-02T15:04")},
		"closes": {rd.ClosesAt.UTC().Format("2006-01-02T15:04")}, "time_zone": {"UTC"}}
	if rd.LiveResults {
		f.Set("live_results", "1")
	}
	for _, c := range rd.Candidates {
		f.Add("candidate_ids", strconv.FormatInt(c.ID, 10))
	}
	for cid, w := range rd.Weights {
		f.Set(fmt.Sprintf("weight_%d", cid), strconv.Itoa(w))
	}
	return f
}

// EditRoundForm shows a round's edit form (staff); once a ballot is cast
// the page explains that the round can no longer change.
func (ui *UI) EditRoundForm() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.roundFormPage(r)
		if err != nil {
			return err
		}
		p.Form = roundValues(p.Data.(*roundFormData).Round)
		if f := filteredForm(r.URL.Query(), ""); f != nil {
			p.Form = f
		}
		ui.render(w, r, http.StatusOK, "round_form", p)
		return nil
	})
}

// UpdateRound handles a round's edit form (staff).
func (ui *UI) UpdateRound() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := requireUser(r); err != nil {
			return err
		}
		if err := parseForm(r); err != nil {
			return err
		}
		p, err := ui.roundFormPage(r)
		if err != nil {
			return err
		}
		d := p.Data.(*roundFormData)
		in, err := roundInput(r.PostForm)
		if err == nil {
			var rd *model.Round
			if rd, err = ui.app.UpdateRound(r.Context(), user(r), d.ID, in); err == nil {
				ui.flash(r, "Saved “"+rd.Title+"”: voting runs from "+rd.OpensAt.Format("2 Jan 2006 15:04 MST")+
					" until "+rd.ClosesAt.Format("2 Jan 2006 15:04 MST")+".")
				redirect(w, r, fmt.Sprintf("/rounds/%d", rd.ID))
				return nil
			}
		}
		if model.ErrorCode(err) == model.EConflict {
			d.Locked = true
		}
		ui.formFailed(w, r, err, "round_form", p)
		return nil
	})
}

// --- one round --------------------------------------------------------------

type roundData struct {
	*app.RoundView
	Steps     []step
	Ballots   []ballotForm
	Drivers   []driverRow
	Outcome   *resultView
	Weights   []weightRow
	Exports   *exportInfo
	CanManage bool
	Eligible  int
	Ranked    bool
	Upcoming  string // the roadmap's upcoming column, filtered to the consortium
}

type weightRow struct {
	Name   string
	Weight int
}

// driverRow is a candidate's prioritization drivers with bar widths.
type driverRow struct {
	app.Driver
	InterestPct, CoFundPct, NarrPct, EffortPct string
	Effort                                     string
	Reactions                                  []reactionBar
	ReactTotal                                 int
}

func (ui *UI) roundPage(r *http.Request, failed string) (*Page, error) {
	ctx, u := r.Context(), user(r)
	id, err := pathID(r, "id")
	if err != nil {
		return nil, err
	}
	v, err := ui.app.GetRound(ctx, u, id)
	if err != nil {
		return nil, err
	}
	d := &roundData{RoundView: v, CanManage: u.IsAdmin(), Ranked: v.BallotType == model.BallotRanked,
		Upcoming: "/roadmap?consortium=" + url.QueryEscape(v.ConsortiumSlug) + "#col-upcoming"}
	d.Steps = roundSteps(v)
	members, err := ui.app.ConsortiumMembers(ctx, u, v.ConsortiumID, true)
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, m := range members {
		names[m.CommunityID] = m.CommunityName
		if m.LeftAt == nil && m.HasRole(model.RoleReactPrioritize) {
			d.Eligible++
		}
	}
	for cid, w := range v.Weights {
		name := names[cid]
		if name == "" {
			name = fmt.Sprintf("Community %d", cid)
		}
		d.Weights = append(d.Weights, weightRow{Name: name, Weight: w})
	}
	slices.SortFunc(d.Weights, func(a, b weightRow) int { return strings.Compare(a.Name, b.Name) })
	d.Drivers = driverRows(v.Drivers)
	if v.State == model.RoundOpen {
		for _, vt := range v.Voters {
			key := "ballot_" + vt.CommunitySlug
			var posted url.Values
			if key == failed {
				posted = r.PostForm
			}
			d.Ballots = append(d.Ballots, newBallotForm(v.Round, vt, key, posted, len(v.Voters) == 1 || key == failed))
		}
	}
	if v.CanSeeResult && v.Result != nil {
		d.Outcome = newResultView(v.Round, v.Result)
		if v.State == model.RoundClosed || v.State == model.RoundPublished {
			d.Exports = exportFiles(v)
		}
	}
	return ui.page(r, v.Title+" · "+v.ConsortiumName, "consortia", d), nil
}

func roundSteps(v *app.RoundView) []step {
	labels := []string{"Scheduled", "Open", "Closed", "Published", "Priorities set"}
	at := map[string]int{model.RoundDraft: 0, model.RoundOpen: 1, model.RoundClosed: 2, model.RoundPublished: 3}[v.State]
	if v.AppliedAt != nil {
		at = 4
	}
	out := make([]step, len(labels))
	for i, l := range labels {
		out[i] = step{Label: l, State: "todo"}
		switch {
		case i < at || (i == at && i == len(labels)-1):
			out[i].State = "done"
		case i == at:
			out[i].State = "current"
		}
	}
	return out
}

func driverRows(ds []app.Driver) []driverRow {
	var maxI, maxC, maxN int
	var maxH int64
	for _, d := range ds {
		maxI, maxC, maxN, maxH = max(maxI, d.Interested), max(maxC, d.CoFunding), max(maxN, d.Narratives), max(maxH, d.HoursHigh)
	}
	out := make([]driverRow, len(ds))
	for i, d := range ds {
		row := driverRow{Driver: d, InterestPct: svgPct(d.Interested, maxI), CoFundPct: svgPct(d.CoFunding, maxC),
			NarrPct: svgPct(d.Narratives, maxN), EffortPct: svgPct(d.HoursHigh, maxH), Effort: "—"}
		switch {
		case d.HoursHigh == 0:
		case d.HoursLow == d.HoursHigh || d.HoursLow == 0:
			row.Effort = fmt.Sprintf("%d h", d.HoursHigh)
		default:
			row.Effort = fmt.Sprintf("%d–%d h", d.HoursLow, d.HoursHigh)
		}
		demo := &model.Demo{}
		for k, n := range map[string]int{model.ReactionResonated: d.Resonated, model.ReactionNeutral: d.Neutral, model.ReactionNotResonated: d.NotResonated} {
			for range n {
				demo.Reactions = append(demo.Reactions, model.Reaction{Reaction: k})
			}
		}
		row.Reactions, row.ReactTotal = reactionSummary(demo), len(demo.Reactions)
		out[i] = row
	}
	return out
}

// Round shows a round: its state, the candidates with their drivers, the
// ballots the reader can cast and, when visible, the explained result.
func (ui *UI) Round() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := ui.roundPage(r, "")
		if err != nil {
			return err
		}
		ui.render(w, r, http.StatusOK, "round", p)
		return nil
	})
}

// roundFailed shows the round again after one of its forms failed.
func (ui *UI) roundFailed(w http.ResponseWriter, r *http.Request, err error, form string) error {
	return ui.pageFailed(w, r, err, form, "round", func() (*Page, error) { return ui.roundPage(r, form) })
}

// PublishRound publishes a closed round's results (staff).
func (ui *UI) PublishRound() http.Handler {
	return ui.roundAction("publish", func(r *http.Request, id int64) (string, error) {
		return "The results are published: everyone who can see the consortium can now read them.", ui.app.PublishResults(r.Context(), user(r), id)
	})
}

// RemindRound asks the leads of eligible communities that have not voted
// again (staff).
func (ui *UI) RemindRound() http.Handler {
	return ui.roundAction("remind", func(r *http.Request, id int64) (string, error) {
		n, err := ui.app.RemindBallots(r.Context(), user(r), id)
		if n == 0 {
			return "Every eligible community has voted: nobody to remind.", err
		}
		return fmt.Sprintf("Reminder sent to %s of the communities that have not voted.", plural(n, "lead")), err
	})
}

// ApplyRound sets the next quarter's priorities from a published round
// (staff): the first tier, or the number of initiatives the form names.
func (ui *UI) ApplyRound() http.Handler {
	return ui.roundAction("apply", func(r *http.Request, id int64) (string, error) {
		var choice app.ApplyChoice
		if r.PostForm.Get("places") == "count" {
			n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("count")))
			if err != nil || n < 1 {
				return "", fieldProblem("count", "must be a whole number of initiatives, at least 1")
			}
			choice.Count = n
		}
		applied, err := ui.app.ApplyPriorities(r.Context(), user(r), id, choice)
		if err != nil {
			return "", err
		}
		return appliedMessage(applied), nil
	})
}

// appliedMessage says what applying a round did, naming each initiative
// that was not moved and why.
func appliedMessage(a *app.AppliedRound) string {
	titles := make([]string, len(a.Moved))
	for i, m := range a.Moved {
		titles[i] = m.Title
	}
	msg := "Nothing was moved to upcoming."
	if len(titles) > 0 {
		msg = fmt.Sprintf("Moved to upcoming, in this order: %s.", strings.Join(titles, ", "))
	}
	for _, n := range a.NotMoved {
		msg += fmt.Sprintf(" %s: %s", n.Title, n.Reason)
	}
	return msg
}

// CloseRound closes an open round before its time, with a reason (staff).
func (ui *UI) CloseRound() http.Handler {
	return ui.roundAction("close", func(r *http.Request, id int64) (string, error) {
		if _, err := ui.app.CloseRound(r.Context(), user(r), id, r.PostForm.Get("reason")); err != nil {
			return "", err
		}
		return "Voting is closed. Check the results, then publish them.", nil
	})
}

func (ui *UI) roundAction(form string, do func(r *http.Request, id int64) (string, error)) http.Handler {
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
		msg, err := do(r, id)
		if err != nil {
			return ui.roundFailed(w, r, err, form)
		}
		ui.flash(r, msg)
		redirect(w, r, fmt.Sprintf("/rounds/%d#results", id))
		return nil
	})
}

// ExportBallots downloads a closed round's anonymized ballots: "json" (the
// project's format) or "preflib" (a PrefLib ordinal file).
func (ui *UI) ExportBallots(format string) http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		name, body, err := ui.app.ExportBallots(r.Context(), user(r), id, format)
		if err != nil {
			return err
		}
		ct := "application/json"
		if format == "preflib" {
			ct = "text/plain; charset=utf-8"
		}
		w.Header().Set("Content-Type", ct)
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
		w.Header().Set("Cache-Control", "no-store")
		_, _ = w.Write(body)
		return nil
	})
}
