package app_test

import (
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func todoKinds(t *testing.T, f *fixture, u *model.User) []string {
	t.Helper()
	list, err := f.a.Todos(f.ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, td := range list {
		if td.URL == "" || td.Action == "" || td.Title == "" {
			t.Errorf("to-do without a link, action or title: %+v", td)
		}
		out = append(out, td.Kind)
	}
	slices.Sort(out)
	return out
}

// todoFixture: a fixture, Lea Lead leading the community alpha, and two
// public initiatives; tests set the clock from the time it returns.
func todoFixture(t *testing.T, s *storage.Store) (f *fixture, lead *model.User, ids []int64, now time.Time) {
	t.Helper()
	f = newFixture(t, s)
	lead = f.user("lead@example.org", "Lea Lead", model.RoleMember)
	f.community("alpha", nil, lead)
	for _, title := range []string{"Dashboards", "Alerts"} {
		in, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: title, Public: true})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, in.ID)
	}
	return f, lead, ids, time.Now().UTC().Truncate(time.Second)
}

// TestTodos: a lead's list holds the open ballot, the demo, the meeting
// soon and staff's question; each leaves once done, and people who cannot
// act on them never see them.
func TestTodos(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f, lead, ids, clock := todoFixture(t, s)
		f.a.Clock = func() time.Time { return clock }
		member := f.user("member@example.org", "Mo Member", model.RoleMember)
		stranger := f.user("stranger@example.org", "Stan Ger", model.RoleMember)
		if _, err := f.a.SetAffiliation(f.ctx, f.admin, "alpha", member.Email, model.AffiliationMember); err != nil {
			t.Fatal(err)
		}
		f.community("omega", nil, stranger) // not in the consortium
		in := &model.Initiative{ID: ids[0]}
		c, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.", InitiativeIDs: ids})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Join(f.ctx, f.admin, c.Slug, "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*model.User{lead, member, stranger} {
			if got := todoKinds(t, f, u); len(got) != 0 {
				t.Errorf("%s: to-dos before anything was asked: %v", u.Name, got)
			}
		}

		r, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q2", OpensAt: clock.Add(-time.Hour),
			ClosesAt: clock.Add(7 * 24 * time.Hour), CandidateIDs: ids, Weights: map[int64]int{}})
		if err != nil {
			t.Fatal(err)
		}
		// A round not open yet asks nothing.
		if _, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q3", OpensAt: clock.Add(48 * time.Hour),
			ClosesAt: clock.Add(9 * 24 * time.Hour), CandidateIDs: ids, Weights: map[int64]int{}}); err != nil {
			t.Fatal(err)
		}
		d, err := f.a.PostDemo(f.ctx, f.admin, c.Slug, model.DemoInput{Title: "Dashboards preview", InitiativeID: &in.ID})
		if err != nil {
			t.Fatal(err)
		}
		m, err := f.a.ScheduleMeeting(f.ctx, f.admin, c.Slug, model.MeetingInput{Kind: "quarterly", StartsAt: clock.Add(5 * 24 * time.Hour), TimeZone: "UTC"})
		if err != nil {
			t.Fatal(err)
		}
		// Too far ahead to be a to-do yet.
		if _, err := f.a.ScheduleMeeting(f.ctx, f.admin, c.Slug, model.MeetingInput{Kind: "other", Title: "Later", StartsAt: clock.Add(20 * 24 * time.Hour), TimeZone: "UTC"}); err != nil {
			t.Fatal(err)
		}
		up, err := f.a.PostUpdate(f.ctx, f.admin, model.UpdateInput{ConsortiumRef: c.Slug, Title: "Pilot sites", Body: "Who pilots?",
			Question: "Will you pilot?", Options: []string{"Yes", "No"}})
		if err != nil {
			t.Fatal(err)
		}

		want := []string{model.TodoBallot, model.TodoDemo, model.TodoMeeting, model.TodoRequest}
		if got := todoKinds(t, f, lead); !slices.Equal(got, want) {
			t.Fatalf("lead's to-dos %v, want %v", got, want)
		}
		list, _ := f.a.Todos(f.ctx, lead)
		if list[0].Kind != model.TodoMeeting || list[0].Due == nil || !list[0].Due.Equal(m.StartsAt) {
			t.Errorf("soonest first: %+v", list[0])
		}
		// A plain member answers for themself (meeting, question), not for the community.
		if got := todoKinds(t, f, member); !slices.Equal(got, []string{model.TodoMeeting, model.TodoRequest}) {
			t.Errorf("member's to-dos %v", got)
		}
		if got := todoKinds(t, f, stranger); len(got) != 0 {
			t.Errorf("stranger's to-dos %v", got)
		}
		_, err = f.a.Todos(f.ctx, nil)
		code(t, err, model.EUnauthorized)

		// Each one leaves once done.
		if err := f.a.CastBallot(f.ctx, lead, r.ID, "alpha", model.BallotInput{Ranking: [][]int64{{in.ID}}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.React(f.ctx, lead, d.ID, "alpha", model.ReactionResonated, ""); err != nil {
			t.Fatal(err)
		}
		if err := f.a.RSVP(f.ctx, lead, m.ID, "yes"); err != nil {
			t.Fatal(err)
		}
		if err := f.a.Answer(f.ctx, lead, *up.RequestID, "Yes"); err != nil {
			t.Fatal(err)
		}
		if got := todoKinds(t, f, lead); len(got) != 0 {
			t.Errorf("lead's to-dos after doing everything: %v", got)
		}
		if got := todoKinds(t, f, member); !slices.Equal(got, []string{model.TodoMeeting, model.TodoRequest}) {
			t.Errorf("the lead's answers are not the member's: %v", got)
		}

		// A community that leaves the consortium is asked nothing more of it.
		clock = clock.Add(time.Hour)
		if _, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q4", OpensAt: clock.Add(-time.Minute),
			ClosesAt: clock.Add(24 * time.Hour), CandidateIDs: ids, Weights: map[int64]int{}}); err != nil {
			t.Fatal(err)
		}
		if got := todoKinds(t, f, lead); !slices.Equal(got, []string{model.TodoBallot}) {
			t.Errorf("a new round: %v", got)
		}
		if err := f.a.Leave(f.ctx, f.admin, c.Slug, "alpha"); err != nil {
			t.Fatal(err)
		}
		if got := todoKinds(t, f, lead); len(got) != 0 {
			t.Errorf("after leaving: %v", got)
		}
	})
}

// TestTodosConstantQueries: the list costs the same number of queries for
// a person in one consortium as in five, and writes nothing.
func TestTodosConstantQueries(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f, lead, ids, clock := todoFixture(t, s)
		f.a.Clock = func() time.Time { return clock }
		count := func() (int64, int) {
			var queries, writes atomic.Int64
			ctx := storage.WithWriteCounter(storage.WithQueryCounter(f.ctx, &queries), &writes)
			list, err := f.a.Todos(ctx, lead)
			if err != nil {
				t.Fatal(err)
			}
			if writes.Load() != 0 {
				t.Errorf("reading the to-dos wrote %d times", writes.Load())
			}
			return queries.Load(), len(list)
		}
		var perSize []int64
		for i := range 5 {
			c, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Consortium " + string(rune('A'+i)), Problem: "P.", InitiativeIDs: ids})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.Join(f.ctx, f.admin, c.Slug, "alpha", model.MemberInput{Roles: []string{model.RoleReactPrioritize}}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.CreateRound(f.ctx, f.admin, c.Slug, model.RoundInput{Quarter: "2027-Q2", OpensAt: clock.Add(-time.Hour),
				ClosesAt: clock.Add(24 * time.Hour), CandidateIDs: ids, Weights: map[int64]int{}}); err != nil {
				t.Fatal(err)
			}
			if _, err := f.a.ScheduleMeeting(f.ctx, f.admin, c.Slug, model.MeetingInput{Kind: "quarterly", StartsAt: clock.Add(24 * time.Hour), TimeZone: "UTC"}); err != nil {
				t.Fatal(err)
			}
			n, items := count()
			if items != 2*(i+1) {
				t.Errorf("%d consortia: %d to-dos, want %d", i+1, items, 2*(i+1))
			}
			perSize = append(perSize, n)
		}
		if perSize[0] != perSize[4] {
			t.Errorf("queries for 1 and 5 consortia: %v", perSize)
		}
		t.Logf("queries per to-do list: %d", perSize[0])
	})
}
