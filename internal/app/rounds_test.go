package app_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
	"consortia/internal/tally"
)

// TestQuarterlyPrioritization walks the seed's ceremony: a quarterly
// meeting with a demo and reactions, a ranked round, results hidden until
// close, published, applied to the roadmap, and re-tallied from the export.
func TestQuarterlyPrioritization(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		clock := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
		f.a.Clock = func() time.Time { return clock }
		leads := map[string]*model.User{}
		for _, slug := range []string{"alpha", "beta", "gamma", "delta"} {
			leads[slug] = f.user(slug+"@example.org", "Lead of "+slug, model.RoleMember)
			f.community(slug, nil, leads[slug])
		}
		var ids []int64
		for _, title := range []string{"Dashboards", "Alerts", "Quotas"} {
			in, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: title, Public: true})
			if err != nil {
				t.Fatal(err)
			}
			ids = append(ids, in.ID)
		}
		c, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.", InitiativeIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		for slug, roles := range map[string][]string{"alpha": {model.RoleReactPrioritize}, "beta": {model.RoleReactPrioritize, model.RoleCoFund},
			"gamma": {model.RoleReactPrioritize}, "delta": {model.RoleTest}} {
			if _, err := f.a.Join(f.ctx, f.admin, c.Slug, slug, model.MemberInput{Roles: roles}); err != nil {
				t.Fatal(err)
			}
		}

		// The quarterly meeting and a demo with reactions.
		m, err := f.a.ScheduleMeeting(f.ctx, f.admin, c.Slug, model.MeetingInput{Kind: "quarterly", StartsAt: clock.Add(48 * time.Hour), TimeZone: "Europe/Berlin"})
		if err != nil || m.Agenda != model.DefaultAgenda || m.Title != "Quarterly prioritization" {
			t.Fatalf("meeting: %+v %v", m, err)
		}
		_, err = f.a.ScheduleMeeting(f.ctx, f.admin, c.Slug, model.MeetingInput{StartsAt: clock, TimeZone: "Mars/Olympus"})
		code(t, err, model.EInvalid)
		if err := f.a.RSVP(f.ctx, leads["alpha"], m.ID, "yes"); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.RSVP(f.ctx, leads["alpha"], m.ID, "perhaps"), model.EInvalid)
		d, err := f.a.PostDemo(f.ctx, f.admin, c.Slug, model.DemoInput{Title: "Dashboards preview", InitiativeID: &ids[0], MeetingID: &m.ID})
		if err != nil {
			t.Fatal(err)
		}
		if err := f.a.React(f.ctx, leads["alpha"], d.ID, "alpha", model.ReactionResonated, "Exactly what we need."); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.React(f.ctx, leads["alpha"], d.ID, "beta", model.ReactionResonated, ""), model.EForbidden)
		code(t, f.a.React(f.ctx, leads["alpha"], d.ID, "alpha", "meh", ""), model.EInvalid)
		outsider := f.user("o@example.org", "Out Sider", model.RoleMember)
		f.community("omega", nil, outsider)
		code(t, f.a.React(f.ctx, outsider, d.ID, "omega", model.ReactionNeutral, ""), model.EForbidden)

		// A ranked round.
		_, err = f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q2", OpensAt: clock, ClosesAt: clock.Add(-time.Hour), CandidateIDs: ids})
		code(t, err, model.EInvalid)
		r, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q2", OpensAt: clock.Add(-time.Hour), ClosesAt: clock.Add(7 * 24 * time.Hour), CandidateIDs: ids,
			Weights: map[int64]int{}})
		if err != nil || r.Method != "schulze" || r.Strength != "winning" || r.Unranked != "tied-last" || len(r.Candidates) != 3 {
			t.Fatalf("round: %+v %v", r, err)
		}
		dash, alerts, quotas := ids[0], ids[1], ids[2]
		cast := func(slug string, ranking ...[]int64) error {
			return f.a.CastBallot(f.ctx, leads[slug], r.ID, slug, model.BallotInput{Ranking: ranking})
		}
		if err := cast("alpha", []int64{dash}, []int64{alerts}, []int64{quotas}); err != nil {
			t.Fatal(err)
		}
		if err := cast("beta", []int64{alerts}, []int64{dash, quotas}); err != nil {
			t.Fatal(err)
		}
		if err := cast("gamma", []int64{quotas}); err != nil { // others unranked
			t.Fatal(err)
		}
		if err := cast("gamma", []int64{dash}, []int64{quotas}); err != nil { // changed before close
			t.Fatal(err)
		}
		// Bad ballots, each refused.
		code(t, cast("delta", []int64{dash}), model.EForbidden)              // no react & prioritize role
		code(t, cast("alpha", []int64{dash}, []int64{dash}), model.EInvalid) // duplicate
		code(t, cast("alpha", []int64{9999}), model.EInvalid)                // unknown candidate
		code(t, f.a.CastBallot(f.ctx, leads["alpha"], r.ID, "beta", model.BallotInput{Ranking: [][]int64{{dash}}}), model.EForbidden)

		// Results are hidden while open.
		v, err := f.a.GetRound(f.ctx, leads["alpha"], r.ID)
		if err != nil || v.CanSeeResult || v.Result != nil || len(v.Cast) != 3 {
			t.Fatalf("open round view: %+v %v", v, err)
		}
		code(t, f.a.PublishResults(f.ctx, f.admin, r.ID), model.EConflict)

		// Close: no more ballots; staff see and publish.
		clock = clock.Add(8 * 24 * time.Hour)
		code(t, cast("alpha", []int64{quotas}), model.EConflict)
		if v, _ := f.a.GetRound(f.ctx, leads["alpha"], r.ID); v.CanSeeResult {
			t.Fatal("members see results before they are published")
		}
		v, _ = f.a.GetRound(f.ctx, f.admin, r.ID)
		if !v.CanSeeResult || v.Result == nil {
			t.Fatal("staff cannot see the closed round's result")
		}
		if err := f.a.PublishResults(f.ctx, f.admin, r.ID); err != nil {
			t.Fatal(err)
		}
		v, _ = f.a.GetRound(f.ctx, nil, r.ID)
		// dash beats alerts 2–1 (alpha, gamma) and quotas 2–0; alerts beats quotas 2–1.
		if v.Result == nil || strings.Join(v.Result.Winners, ",") != "Dashboards" || fmt.Sprint(v.Result.Ranking) != "[[Dashboards] [Alerts] [Quotas]]" {
			t.Fatalf("result: %+v", v.Result)
		}
		if len(v.Drivers) != 3 || v.Drivers[1].Resonated != 1 || v.Drivers[1].Title != "Dashboards" {
			t.Fatalf("drivers: %+v", v.Drivers)
		}

		// Anyone can re-tally the export and get the same answer.
		for _, format := range []string{"json", "preflib"} {
			name, body, err := f.a.ExportBallots(f.ctx, nil, r.ID, format)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(body), "alpha") || strings.Contains(string(body), "Lead of") {
				t.Fatalf("%s export is not anonymous:\n%s", format, body)
			}
			e, err := tally.ParseFile(name, bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%s: %v\n%s", name, err, body)
			}
			res, err := tally.Tally(e, tally.Options{})
			if err != nil || fmt.Sprint(res.Ranking) != fmt.Sprint(v.Result.Ranking) {
				t.Fatalf("re-tally of %s: %v %v", name, res, err)
			}
		}

		// One step sets the next quarter's priorities.
		for _, id := range ids {
			if err := s.SetInitiativeStatus(f.ctx, id, model.StatusIdea, model.StatusCandidate, f.admin, "", nil); err != nil {
				t.Fatal(err)
			}
		}
		applied, err := f.a.ApplyPriorities(f.ctx, f.admin, r.ID, app.ApplyChoice{Count: 3})
		if err != nil || len(applied.Moved) != 3 || applied.Moved[0].InitiativeID != dash || applied.Moved[1].InitiativeID != alerts ||
			applied.Moved[2].InitiativeID != quotas || len(applied.NotMoved) != 0 {
			t.Fatalf("apply: %+v %v", applied, err)
		}
		list, _, _ := f.a.ListInitiatives(f.ctx, nil, model.InitiativeFilter{Status: model.StatusUpcoming})
		if len(list) != 3 || list[0].ID != dash || list[2].ID != quotas {
			t.Fatalf("upcoming order: %v", list)
		}
	})
}

func TestRoundBallotTypes(t *testing.T) {
	f := newFixture(t, storagetest.Open(t, storage.SQLite))
	clock := time.Date(2027, 1, 10, 12, 0, 0, 0, time.UTC)
	f.a.Clock = func() time.Time { return clock }
	lead := f.user("a@example.org", "A", model.RoleMember)
	f.community("alpha", nil, lead)
	var ids []int64
	for _, title := range []string{"One", "Two"} {
		in, _ := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: title})
		ids = append(ids, in.ID)
	}
	c, _ := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Ballots", Problem: "p", InitiativeIDs: ids})
	if _, err := f.a.Join(f.ctx, f.admin, c.Slug, "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
		t.Fatal(err)
	}
	open := func(bt string) *model.Round {
		r, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q3", BallotType: bt, OpensAt: clock.Add(-time.Hour), ClosesAt: clock.Add(time.Hour), CandidateIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	one, two := fmt.Sprint(ids[0]), fmt.Sprint(ids[1])
	score := open(model.BallotScore)
	code(t, f.a.CastBallot(f.ctx, lead, score.ID, "alpha", model.BallotInput{Scores: map[string]int{one: 6}}), model.EInvalid)
	if err := f.a.CastBallot(f.ctx, lead, score.ID, "alpha", model.BallotInput{Scores: map[string]int{one: 5, two: 0}}); err != nil {
		t.Fatal(err)
	}
	dot := open(model.BallotDot)
	code(t, f.a.CastBallot(f.ctx, lead, dot.ID, "alpha", model.BallotInput{Points: map[string]int{one: 8, two: 3}}), model.EInvalid)
	if err := f.a.CastBallot(f.ctx, lead, dot.ID, "alpha", model.BallotInput{Points: map[string]int{one: 7, two: 3}}); err != nil {
		t.Fatal(err)
	}
	approval := open(model.BallotApproval)
	code(t, f.a.CastBallot(f.ctx, lead, approval.ID, "alpha", model.BallotInput{Approved: []int64{ids[0], ids[0]}}), model.EInvalid)
	_, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q3", BallotType: model.BallotRanked, Method: "approval", OpensAt: clock, ClosesAt: clock.Add(time.Hour), CandidateIDs: ids})
	code(t, err, model.EInvalid)
	_, err = f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "spring", OpensAt: clock, ClosesAt: clock.Add(time.Hour), CandidateIDs: []int64{ids[0], 99999}})
	code(t, err, model.EInvalid)
	fieldNamed(t, err, "quarter")
}
