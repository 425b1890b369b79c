package demo

import (
	"context"
	"fmt"
	"time"

	"consortia/internal/model"
)

// seedPrioritization gives the cloud-cost consortium its last quarterly
// meeting (past, with notes, decisions and RSVPs), a demo with reactions, a
// closed and published ranked round with ballots from its react &
// prioritize members, and the next quarterly meeting. Times are relative to
// now, so the demo always shows a past meeting and a closed round; the round
// is not applied to the roadmap, so staff can try that step.
func seedPrioritization(ctx context.Context, a seeder, admin *model.User, consortium string) error {
	now := time.Now().UTC()
	day := 24 * time.Hour
	leads := map[string]*model.User{}
	for slug, email := range map[string]string{
		"northfield-university-data-science":    "priya.raman@northfield.example.edu",
		"andes-climate-modelling-collaboration": "tomas@andes-climate.example.org",
		"pacific-state-university":              "mlchen@pacific-state.example.edu",
		"riverbend-community-college":           "akarimi@riverbend.example.edu",
	} {
		u, err := a.store.UserByEmail(ctx, email)
		if err != nil {
			return err
		}
		leads[slug] = u
	}
	c, err := a.GetConsortium(ctx, admin, consortium)
	if err != nil {
		return err
	}
	initiative := map[string]int64{}
	for _, in := range c.Initiatives {
		initiative[in.Title] = in.ID
	}

	// Last quarter's meeting, held twelve days ago.
	past, err := a.ScheduleMeeting(ctx, admin, consortium, model.MeetingInput{Kind: "quarterly", Title: "Quarterly prioritization",
		StartsAt: now.Add(-12 * day).Truncate(day).Add(16 * time.Hour), Duration: 90, TimeZone: "America/New_York",
		Location: "Online", VideoURL: "https://meet.example.org/cloud-costs-quarterly"})
	if err != nil {
		return fmt.Errorf("meeting: %w", err)
	}
	in := model.MeetingInput{Kind: past.Kind, Title: past.Title, StartsAt: past.StartsAt, Duration: past.Duration, TimeZone: past.TimeZone,
		Location: past.Location, VideoURL: past.VideoURL, Agenda: past.Agenda,
		Notes: "- **Done:** cost dashboards reached every member hub.\n- **Demo:** the first preview of budget alerts (see the demo and its reactions).\n" +
			"- Riverbend asked for alerts that stay quiet for small bills; Pacific State wants per-course thresholds first.",
		Decisions: "1. Open a ranked round for next quarter's priorities, closing a week after the meeting.\n" +
			"2. Budget alerts keep their current scope; thresholds per course are considered with the quotas work."}
	if past, err = a.UpdateMeeting(ctx, admin, past.ID, past.Version, in); err != nil {
		return fmt.Errorf("meeting notes: %w", err)
	}
	for slug, resp := range map[string]string{"northfield-university-data-science": "yes", "andes-climate-modelling-collaboration": "yes",
		"pacific-state-university": "maybe", "riverbend-community-college": "yes"} {
		if err := a.RSVP(ctx, leads[slug], past.ID, resp); err != nil {
			return err
		}
	}

	// The demo shown there, and how it resonated.
	alerts := initiative["Budget alerts before the bill arrives"]
	demo, err := a.PostDemo(ctx, admin, consortium, model.DemoInput{Title: "Budget alerts: first preview",
		Description: "Alerts reach community leaders by email and Slack when a hub's spending is on track to exceed its monthly budget, " +
			"with a forecast and the three biggest cost drivers.", VideoURL: "https://videos.example.org/budget-alerts-preview",
		MeetingID: &past.ID, InitiativeID: &alerts})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, r := range []struct{ community, reaction, comment string }{
		{"northfield-university-data-science", model.ReactionResonated, "Exactly what our dean asked for after last spring's exam weeks."},
		{"andes-climate-modelling-collaboration", model.ReactionResonated, "The forecast would have caught our runaway Dask cluster in March."},
		{"pacific-state-university", model.ReactionNeutral, "Useful, but we need thresholds per course before it helps our instructors."},
		{"riverbend-community-college", model.ReactionNotResonated, "Our bills are small; weekly alerts would be noise for us."},
	} {
		if err := a.React(ctx, leads[r.community], demo.ID, r.community, r.reaction, r.comment); err != nil {
			return fmt.Errorf("react %s: %w", r.community, err)
		}
	}

	// A second demo, of a candidate of the coming round: its reactions show
	// beside it on the ballot.
	quotas := initiative["Per-course resource quotas"]
	demo, err = a.PostDemo(ctx, admin, consortium, model.DemoInput{Title: "Per-course quotas: a prototype",
		Description: "Instructors set a compute and storage budget for their course; students see what they have left.",
		MeetingID:   &past.ID, InitiativeID: &quotas})
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	for _, r := range []struct{ community, reaction, comment string }{
		{"northfield-university-data-science", model.ReactionResonated, "This is what our intro courses need most."},
		{"pacific-state-university", model.ReactionResonated, "Yes, and with thresholds per course for the alerts."},
		{"andes-climate-modelling-collaboration", model.ReactionNeutral, "We do not teach courses, but quotas per project would help."},
	} {
		if err := a.React(ctx, leads[r.community], demo.ID, r.community, r.reaction, r.comment); err != nil {
			return fmt.Errorf("react %s: %w", r.community, err)
		}
	}

	// The ranked round decided at the meeting: opened the next day, closed
	// four days ago, ballots cast while it was open, results published.
	spot := initiative["Spot instances for batch work"]
	grants, renewals := initiative["Cost reports per funder grant"], initiative["Usage reports for renewals"]
	q := (int(now.Month())-1)/3 + 2
	year := now.Year()
	if q > 4 {
		q, year = 1, year+1
	}
	round, err := a.CreateRound(ctx, admin, consortium, model.RoundInput{Quarter: fmt.Sprintf("%d-Q%d", year, q),
		OpensAt: past.StartsAt.Add(day), ClosesAt: now.Add(-4 * day).Truncate(time.Hour), CandidateIDs: []int64{quotas, spot, grants, renewals}})
	if err != nil {
		return fmt.Errorf("round: %w", err)
	}
	clock := a.Clock
	a.Clock = func() time.Time { return now.Add(-7 * day) }
	defer func() { a.Clock = clock }()
	for _, b := range []struct {
		community string
		ranking   [][]int64
	}{
		{"northfield-university-data-science", [][]int64{{quotas}, {grants}, {renewals}, {spot}}},
		{"andes-climate-modelling-collaboration", [][]int64{{spot}, {quotas, grants}}}, // a tie; renewals unranked
		{"pacific-state-university", [][]int64{{quotas}, {renewals}, {spot}, {grants}}},
		{"riverbend-community-college", [][]int64{{renewals}, {quotas}, {grants}}},
	} {
		if err := a.CastBallot(ctx, leads[b.community], round.ID, b.community, model.BallotInput{Ranking: b.ranking}); err != nil {
			return fmt.Errorf("ballot %s: %w", b.community, err)
		}
	}
	a.Clock = clock
	if err := a.PublishResults(ctx, admin, round.ID); err != nil {
		return fmt.Errorf("publish: %w", err)
	}

	// The next quarterly meeting.
	_, err = a.ScheduleMeeting(ctx, admin, consortium, model.MeetingInput{Kind: "quarterly",
		StartsAt: now.AddDate(0, 0, 78).Truncate(day).Add(15 * time.Hour), Duration: 90, TimeZone: "Europe/Berlin",
		VideoURL: "https://meet.example.org/cloud-costs-quarterly"})
	return err
}
