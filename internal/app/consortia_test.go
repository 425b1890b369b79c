package app_test

import (
	"strings"
	"testing"
	"time"

	"consortia/internal/model"
	"consortia/internal/storage"
	"consortia/internal/storage/storagetest"
)

func TestConsortiumLifecycle(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		leadA := f.user("a@example.org", "Alex A", model.RoleMember)
		leadB := f.user("b@example.org", "Bea B", model.RoleMember)
		outsider := f.user("c@example.org", "Cy C", model.RoleMember)
		f.community("alpha", []string{"cloud-costs"}, leadA)
		f.community("beta", []string{"cloud-costs"}, leadB)
		cloud, err := f.a.CreateInitiative(f.ctx, f.admin, model.InitiativeInput{Title: "Cost dashboards", Public: true})
		if err != nil {
			t.Fatal(err)
		}

		// A community member proposes the shared problem.
		c, err := f.a.ProposeConsortium(f.ctx, leadA, model.ConsortiumInput{Name: "Cloud costs", Problem: "Our hubs cost too much in exam weeks.",
			CriticalCommunities: 2, CriticalPeople: 2, SlackChannel: "#cloud-costs", InitiativeIDs: []int64{cloud.ID}})
		if err != nil {
			t.Fatal(err)
		}
		if c.Stage != model.StageProposed || c.SlackChannel != "cloud-costs" || len(c.Initiatives) != 1 || c.ProposedByName != "Alex A" {
			t.Fatalf("proposed: %+v", c)
		}
		// Only staff move it; an invalid move is a conflict.
		_, err = f.a.Transition(f.ctx, leadA, "cloud-costs", model.StageGathering, "", false, "")
		code(t, err, model.EForbidden)
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, "", false, "")
		code(t, err, model.EConflict)
		if _, err := f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageGathering, "", false, ""); err != nil {
			t.Fatal(err)
		}
		// Not enough support yet: moving on is blocked with the reason.
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageDefining, "", false, "")
		code(t, err, model.EConflict)
		if !strings.Contains(err.Error(), "0 of 2 communities") {
			t.Fatalf("blocker message: %v", err)
		}
		// People agree and will meet; speaking for a community needs an affiliation.
		code(t, f.a.Support(f.ctx, outsider, "cloud-costs", true, true, "alpha", ""), model.EForbidden)
		for _, p := range []struct {
			u    *model.User
			slug string
		}{{leadA, "alpha"}, {leadB, "beta"}} {
			if err := f.a.Support(f.ctx, p.u, "cloud-costs", true, true, p.slug, "yes"); err != nil {
				t.Fatal(err)
			}
		}
		v, _ := f.a.GetConsortium(f.ctx, f.admin, "cloud-costs")
		if v.SupportPeople != 2 || v.SupportCommunities != 2 || !v.CriticalMassReached() {
			t.Fatalf("support: %d people %d communities", v.SupportPeople, v.SupportCommunities)
		}
		if _, err := f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageDefining, "", false, ""); err != nil {
			t.Fatal(err)
		}

		// Joining: at least one of the six roles, by the community's lead.
		_, err = f.a.Join(f.ctx, leadA, "cloud-costs", "alpha", model.MemberInput{})
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "roles")
		_, err = f.a.Join(f.ctx, leadA, "cloud-costs", "alpha", model.MemberInput{Roles: []string{"cheerlead"}})
		code(t, err, model.EInvalid)
		_, err = f.a.Join(f.ctx, leadA, "cloud-costs", "beta", model.MemberInput{Roles: []string{model.RoleTest}})
		code(t, err, model.EForbidden)
		m, err := f.a.Join(f.ctx, leadA, "cloud-costs", "alpha", model.MemberInput{Roles: []string{model.RoleCoFund, model.RoleReactPrioritize}, EarlyAdopter: "lots"})
		if err != nil || strings.Join(m.Roles, ",") != "react_prioritize,co_fund" || m.EarlyAdopter != "lots" || m.CoCreate != "some" {
			t.Fatalf("join: %+v %v", m, err)
		}
		_, err = f.a.Join(f.ctx, leadA, "cloud-costs", "alpha", model.MemberInput{Roles: []string{model.RoleTest}})
		code(t, err, model.EConflict)
		if _, err := f.a.Join(f.ctx, leadB, "cloud-costs", "beta", model.MemberInput{Roles: []string{model.RoleTest}}); err != nil {
			t.Fatal(err)
		}

		// Active needs kickoff, agreed goals and a go decision, unless overridden.
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, "", false, "")
		code(t, err, model.EConflict)
		for _, want := range []string{"kickoff", "goals", "decision"} {
			if !strings.Contains(err.Error(), want) {
				t.Errorf("blockers lack %q: %v", want, err)
			}
		}
		_, err = f.a.SetGoals(f.ctx, f.admin, "cloud-costs", "", true, "go", "")
		code(t, err, model.EInvalid)
		kick := time.Date(2027, 1, 14, 17, 0, 0, 0, time.UTC)
		if _, err := f.a.ScheduleKickoff(f.ctx, f.admin, "cloud-costs", &kick, "UTC"); err != nil {
			t.Fatal(err)
		}
		f.a.Clock = func() time.Time { return kick.Add(time.Hour) } // the kickoff has happened
		if _, err := f.a.SetGoals(f.ctx, f.admin, "cloud-costs", "1. Cost dashboards\n2. Budget alerts", true, "go", "Enough interest."); err != nil {
			t.Fatal(err)
		}
		active, err := f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, "", false, "")
		if err != nil || active.Stage != model.StageActive {
			t.Fatalf("to active: %v", err)
		}

		// Changing roles and leaving keep history.
		if _, err := f.a.ChangeRoles(f.ctx, leadB, "cloud-costs", "beta", model.MemberInput{Roles: []string{model.RoleTest, model.RoleEndorse}}); err != nil {
			t.Fatal(err)
		}
		if err := f.a.Leave(f.ctx, leadB, "cloud-costs", "beta"); err != nil {
			t.Fatal(err)
		}
		code(t, f.a.Leave(f.ctx, leadB, "cloud-costs", "beta"), model.ENotFound)
		if _, err := f.a.Join(f.ctx, leadB, "cloud-costs", "beta", model.MemberInput{Roles: []string{model.RoleConnect}}); err != nil {
			t.Fatalf("rejoin: %v", err)
		}
		v, _ = f.a.GetConsortium(f.ctx, f.admin, "cloud-costs")
		if len(v.Members) != 2 || len(v.MemberEvents) != 5 {
			t.Fatalf("members %d, events %d", len(v.Members), len(v.MemberEvents))
		}
		all, _ := s.Members(f.ctx, v.ID, true)
		if len(all) != 3 {
			t.Fatalf("membership history rows: %d", len(all))
		}
		if len(v.Timeline) != 4 || v.Timeline[3].To != model.StageActive {
			t.Fatalf("timeline: %+v", v.Timeline)
		}

		// Concluding needs a summary; afterwards nothing changes.
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageConcluded, "", false, "")
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "closing_summary")
		if _, err := f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageConcluded, "", false, "Dashboards shipped to all hubs."); err != nil {
			t.Fatal(err)
		}
		before := f.countRows(s, "audit_log")
		_, err = f.a.UpdateConsortium(f.ctx, f.admin, "cloud-costs", 0, model.ConsortiumInput{Name: "X", Problem: "Y"})
		code(t, err, model.EConflict)
		_, err = f.a.Join(f.ctx, leadA, "cloud-costs", "alpha", model.MemberInput{Roles: []string{model.RoleTest}})
		code(t, err, model.EConflict)
		code(t, f.a.Support(f.ctx, outsider, "cloud-costs", true, true, "", ""), model.EConflict)
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, "", true, "")
		code(t, err, model.EConflict)
		if after := f.countRows(s, "audit_log"); after != before {
			t.Fatalf("refused writes were audited: %d → %d", before, after)
		}
	})
}

func TestConsortiumOverrideAndVisibility(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		lead := f.user("a@example.org", "Alex A", model.RoleMember)
		other := f.user("b@example.org", "Bea B", model.RoleMember)
		f.community("alpha", nil, lead)
		if _, err := f.a.ProposeConsortium(f.ctx, f.admin, model.ConsortiumInput{Name: "Quiet", Problem: "A private matter.", Visibility: model.VisibilityPrivate}); err != nil {
			t.Fatal(err)
		}
		// Staff may override unmet conditions, with a recorded reason.
		if _, err := f.a.Transition(f.ctx, f.admin, "quiet", model.StageGathering, "", false, ""); err != nil {
			t.Fatal(err)
		}
		_, err := f.a.Transition(f.ctx, f.admin, "quiet", model.StageDefining, "", true, "")
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "reason")
		c, err := f.a.Transition(f.ctx, f.admin, "quiet", model.StageDefining, "Funder deadline; members confirmed by email.", true, "")
		if err != nil || c.Stage != model.StageDefining {
			t.Fatalf("override: %v", err)
		}
		v, _ := f.a.GetConsortium(f.ctx, f.admin, "quiet")
		last := v.Timeline[len(v.Timeline)-1]
		if !last.Override || !strings.Contains(last.Reason, "Funder deadline") {
			t.Fatalf("override not recorded: %+v", last)
		}
		// Private: invisible to visitors and to members not involved.
		if _, err := f.a.GetConsortium(f.ctx, nil, "quiet"); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("visitor: %v", err)
		}
		if _, err := f.a.GetConsortium(f.ctx, lead, "quiet"); model.ErrorCode(err) != model.ENotFound {
			t.Fatalf("uninvolved member: %v", err)
		}
		if _, total, _ := f.a.ListConsortia(f.ctx, other, model.ConsortiumFilter{}); total != 0 {
			t.Fatalf("private consortium listed: %d", total)
		}
		// Once staff add the community, its lead sees it.
		if _, err := f.a.Join(f.ctx, f.admin, "quiet", "alpha", model.MemberInput{Roles: []string{model.RoleEndorse}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.GetConsortium(f.ctx, lead, "quiet"); err != nil {
			t.Fatalf("member community's lead: %v", err)
		}
		members, byID, err := f.a.CommunityConsortia(f.ctx, lead, mustCommunity(t, f, "alpha").ID)
		if err != nil || len(members) != 1 || byID[members[0].ConsortiumID].Slug != "quiet" {
			t.Fatalf("community consortia: %+v %v", members, err)
		}
	})
}

func TestConsortiumBadInput(t *testing.T) {
	f := newFixture(t, storagetest.Open(t, storage.SQLite))
	cases := map[string]model.ConsortiumInput{
		"name":                      {Problem: "p"},
		"problem":                   {Name: "Nice name"},
		"visibility":                {Name: "Nice name", Problem: "p", Visibility: "secret"},
		"guide_url":                 {Name: "Nice name", Problem: "p", GuideURL: "not a url"},
		"slack_channel":             {Name: "Nice name", Problem: "p", SlackChannel: "two words"},
		"critical_mass_communities": {Name: "Nice name", Problem: "p", CriticalCommunities: -1},
		"narrative_ids":             {Name: "Nice name", Problem: "p", NarrativeIDs: []int64{999}},
	}
	for field, in := range cases {
		_, err := f.a.ProposeConsortium(f.ctx, f.admin, in)
		code(t, err, model.EInvalid)
		fieldNamed(t, err, field)
	}
	_, err := f.a.ProposeConsortium(f.ctx, nil, model.ConsortiumInput{Name: "Nice name", Problem: "p"})
	code(t, err, model.EUnauthorized)
	if _, total, _ := f.a.ListConsortia(f.ctx, f.admin, model.ConsortiumFilter{}); total != 0 {
		t.Fatalf("bad input left %d consortia", total)
	}
}

// The kickoff is planned in a time zone; a consortium cannot become active
// before its kickoff has happened unless staff override with a reason.
func TestKickoffTimeZoneAndEarlyActivation(t *testing.T) {
	storagetest.Each(t, func(t *testing.T, s *storage.Store) {
		f := newFixture(t, s)
		lead := f.user("a@example.org", "Alex A", model.RoleMember)
		f.community("alpha", nil, lead)
		if _, err := f.a.ProposeConsortium(f.ctx, lead, model.ConsortiumInput{Name: "Cloud costs", Problem: "Costs.",
			CriticalCommunities: 1, CriticalPeople: 1}); err != nil {
			t.Fatal(err)
		}
		now := time.Date(2027, 3, 1, 12, 0, 0, 0, time.UTC)
		f.a.Clock = func() time.Time { return now }
		for _, to := range []string{model.StageGathering} {
			if _, err := f.a.Transition(f.ctx, f.admin, "cloud-costs", to, "", false, ""); err != nil {
				t.Fatal(err)
			}
		}
		if err := f.a.Support(f.ctx, lead, "cloud-costs", true, true, "alpha", ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageDefining, "", false, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := f.a.SetGoals(f.ctx, f.admin, "cloud-costs", "Dashboards", true, "go", ""); err != nil {
			t.Fatal(err)
		}

		// A zone that is not an IANA name is refused and nothing is written.
		kick := time.Date(2027, 3, 4, 15, 0, 0, 0, time.UTC) // 16:00 in Berlin
		audits := f.countRows(s, "audit_log")
		for _, tz := range []string{"Mars/Olympus", "Local", "Europe/Berlin\x00"} {
			_, err := f.a.ScheduleKickoff(f.ctx, f.admin, "cloud-costs", &kick, tz)
			code(t, err, model.EInvalid)
			fieldNamed(t, err, "time_zone")
		}
		_, err := f.a.ScheduleKickoff(f.ctx, lead, "cloud-costs", &kick, "Europe/Berlin")
		code(t, err, model.EForbidden)
		if n := f.countRows(s, "audit_log"); n != audits {
			t.Fatalf("refused kickoffs wrote %d audit entries", n-audits)
		}
		c, err := f.a.ScheduleKickoff(f.ctx, f.admin, "cloud-costs", &kick, "Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		if c.KickoffTimeZone != "Europe/Berlin" || !c.KickoffAt.Equal(kick) || c.KickoffLocal().Format("15:04 MST") != "16:00 CET" {
			t.Fatalf("kickoff %v in %q (%v)", c.KickoffAt, c.KickoffTimeZone, c.KickoffLocal())
		}

		// Before the kickoff: blocked, and an override needs a reason.
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, "", false, "")
		code(t, err, model.EConflict)
		if !strings.Contains(err.Error(), "has not happened yet") || !strings.Contains(err.Error(), "16:00 CET") {
			t.Fatalf("blocker: %v", err)
		}
		_, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, " ", true, "")
		code(t, err, model.EInvalid)
		fieldNamed(t, err, "reason")
		c, err = f.a.Transition(f.ctx, f.admin, "cloud-costs", model.StageActive, "Kickoff moved online, goals agreed by mail.", true, "")
		if err != nil || c.Stage != model.StageActive {
			t.Fatalf("override: %v", err)
		}
		v, _ := f.a.GetConsortium(f.ctx, f.admin, "cloud-costs")
		last := v.Timeline[len(v.Timeline)-1]
		if !last.Override || !strings.Contains(last.Reason, "has not happened yet") {
			t.Fatalf("timeline: %+v", last)
		}
	})
}
