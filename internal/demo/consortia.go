package demo

import (
	"context"
	"fmt"
	"time"

	"consortia/internal/model"
)

type demoNarrative struct {
	title, summary, story, gaps string
	themes                      []string
	initiatives                 []string // titles
	endorsers                   []string // community slugs
}

var demoNarratives = []demoNarrative{
	{title: "Predictable costs for cloud-based research and teaching", themes: []string{"cloud-costs"},
		summary: "Communities can plan and defend their hub budgets.",
		story: "Universities and collaborations adopt cloud hubs because they scale with demand, then hesitate to renew when the bill is a surprise.\n\n" +
			"This narrative gathers the work that makes cloud spending **visible, controllable and reportable**: dashboards, alerts, quotas, " +
			"smarter scaling and reports that deans and funders understand.",
		gaps:        "- Forecasts for the next term from enrollment numbers\n- Guidance for negotiating cloud credits",
		initiatives: []string{"Cost dashboards for every hub", "Budget alerts before the bill arrives", "Scale to zero between classes", "Per-course resource quotas", "Spot instances for batch work", "Cost reports per funder grant", "Usage reports for renewals"},
		endorsers:   []string{"northfield-university-data-science", "riverbend-community-college", "andes-climate-modelling-collaboration"}},
	{title: "Teaching with Jupyter at any scale", themes: []string{"education"},
		summary: "From a workshop of thirty to a course of a thousand, teaching just works.",
		story: "Instructors should spend their time teaching. This narrative covers LMS integration, accessibility, " +
			"workshop hubs and the resource controls that let courses of any size run smoothly.",
		gaps:        "- Instructor onboarding materials in several languages",
		initiatives: []string{"LMS assignment sync", "Accessible notebooks for screen reader users", "Workshop hubs in five minutes", "Per-course resource quotas"},
		endorsers:   []string{"pacific-state-university", "lagos-open-data-lab"}},
	{title: "Analysis next to big data", themes: []string{"large-data", "gpu"},
		summary: "Move the computation, not the terabytes.",
		story:   "Climate, ocean and neuroscience collaborations keep their data in the cloud. This narrative brings scalable compute, GPUs and cost-aware defaults to where the data lives.",
		initiatives: []string{"Dask Gateway defaults that fit the budget", "Read cloud-optimized data without egress fees", "Shared GPU queues with fair share",
			"Spot instances for batch work"},
		endorsers: []string{"ocean-observatories-network", "coastal-climate-data-service"}},
}

func seedNarrativesAndConsortia(ctx context.Context, a seeder, admin *model.User) error {
	initiativeID := map[string]int64{}
	list, _, err := a.ListInitiatives(ctx, admin, model.InitiativeFilter{Page: model.Page{Size: -1}})
	if err != nil {
		return err
	}
	for _, in := range list {
		initiativeID[in.Title] = in.ID
	}
	narrativeID := map[string]int64{}
	for _, d := range demoNarratives {
		n, err := a.CreateNarrative(ctx, admin, model.NarrativeInput{Title: d.title, Summary: d.summary, Story: d.story, Gaps: d.gaps, Themes: d.themes, Public: true})
		if err != nil {
			return fmt.Errorf("%s: %w", d.title, err)
		}
		narrativeID[d.title] = n.ID
		for _, t := range d.initiatives {
			if err := a.LinkInitiative(ctx, admin, n.Slug, fmt.Sprint(initiativeID[t]), true); err != nil {
				return fmt.Errorf("%s: link %s: %w", d.title, t, err)
			}
		}
		for i, c := range d.endorsers {
			ans := &model.EndorsementAnswer{}
			if i == 0 && d.story != "" {
				// Staff record the first endorser's story; naming it takes its lead's consent.
				ans.Story = model.Story{Who: "Instructors and researchers of the endorsing community",
					Before: "Work on this area waited on the host organization's roadmap, one request at a time.",
					After:  "With the narrative's initiatives delivered, the community plans its terms around them.",
					Quote:  "This is the area where a shared roadmap helps us most."}
			}
			if err := a.EndorseNarrative(ctx, admin, n.Slug, c, ans); err != nil {
				return err
			}
		}
	}

	// An active consortium on optimizing cloud costs, with members in different roles.
	cloudScope := []int64{}
	for _, t := range demoNarratives[0].initiatives {
		cloudScope = append(cloudScope, initiativeID[t])
	}
	cloud, err := a.ProposeConsortium(ctx, admin, model.ConsortiumInput{Name: "Cloud Cost Optimization Consortium",
		Problem: "Communities running hubs in the cloud cannot **predict or control** what they spend. Bills arrive weeks after the usage that caused them, " +
			"spikes during exams and workshops are invisible until too late, and leaders struggle to justify renewals to their institutions.",
		SlackChannel: "consortium-cloud-costs", MailingSegment: "consortium-cloud-costs", GuideURL: "https://docs.example.org/consortia/cloud-costs",
		CriticalCommunities: 4, CriticalPeople: 5, NarrativeIDs: []int64{narrativeID[demoNarratives[0].title]}, InitiativeIDs: cloudScope})
	if err != nil {
		return err
	}
	if _, err := a.Transition(ctx, admin, cloud.Slug, model.StageGathering, "Shared at the October community call.", false, ""); err != nil {
		return err
	}
	supporters := []struct{ email, community string }{
		{"priya.raman@northfield.example.edu", "northfield-university-data-science"},
		{"tomas@andes-climate.example.org", "andes-climate-modelling-collaboration"},
		{"mlchen@pacific-state.example.edu", "pacific-state-university"},
		{"akarimi@riverbend.example.edu", "riverbend-community-college"},
		{"rdelgado@climate-data.example.gov", "coastal-climate-data-service"},
		{"s.adeyemi@lagos-data.example.org", "lagos-open-data-lab"},
	}
	for _, s := range supporters {
		u, err := a.store.UserByEmail(ctx, s.email)
		if err != nil {
			return err
		}
		if err := a.Support(ctx, u, cloud.Slug, true, true, s.community, ""); err != nil {
			return fmt.Errorf("support %s: %w", s.email, err)
		}
	}
	if _, err := a.Transition(ctx, admin, cloud.Slug, model.StageDefining, "", false, ""); err != nil {
		return err
	}
	kickoff := time.Now().UTC().Truncate(time.Minute) // the demo is created all at once; the kickoff is its latest step
	if _, err := a.ScheduleKickoff(ctx, admin, cloud.Slug, &kickoff, "Europe/Berlin"); err != nil {
		return err
	}
	if _, err := a.SetGoals(ctx, admin, cloud.Slug, "1. Every member hub has a **cost dashboard** by the end of the quarter.\n"+
		"2. Budget **alerts** reach community leaders before the overspend.\n3. Cut idle spending by a third with **scale-to-zero** schedules.",
		true, "go", "Six communities committed at the kickoff; two will co-fund the alerts work."); err != nil {
		return err
	}
	if _, err := a.Transition(ctx, admin, cloud.Slug, model.StageActive, "Goals agreed at kickoff.", false, ""); err != nil {
		return err
	}
	members := []struct {
		community  string
		roles      []string
		co, cr, ea string
	}{
		{"northfield-university-data-science", []string{model.RoleReactPrioritize, model.RoleCoFund, model.RoleTest}, "lots", "some", "lots"},
		{"andes-climate-modelling-collaboration", []string{model.RoleReactPrioritize, model.RoleCoFund, model.RoleCoPropose}, "some", "lots", "some"},
		{"pacific-state-university", []string{model.RoleReactPrioritize, model.RoleTest}, "some", "some", "lots"},
		{"riverbend-community-college", []string{model.RoleReactPrioritize, model.RoleEndorse}, "some", "none", "some"},
		{"coastal-climate-data-service", []string{model.RoleEndorse, model.RoleConnect}, "none", "lots", "none"},
		{"lagos-open-data-lab", []string{model.RoleTest, model.RoleConnect}, "some", "some", "lots"},
	}
	for _, m := range members {
		if _, err := a.Join(ctx, admin, cloud.Slug, m.community, model.MemberInput{Roles: m.roles, CoCreate: m.co, ShareCredit: m.cr, EarlyAdopter: m.ea}); err != nil {
			return fmt.Errorf("join %s: %w", m.community, err)
		}
	}

	// A second consortium, still gathering critical mass.
	gpu, err := a.ProposeConsortium(ctx, admin, model.ConsortiumInput{Name: "GPUs for Research and Teaching",
		Problem: "Research groups and courses need GPUs for hours at a time, but dedicated GPUs sit idle most of the week and are expensive. " +
			"We want fair, affordable shared access across communities.",
		SlackChannel: "consortium-gpus", CriticalCommunities: 4, CriticalPeople: 6,
		NarrativeIDs: []int64{narrativeID[demoNarratives[2].title]}, InitiativeIDs: []int64{initiativeID["Shared GPU queues with fair share"], initiativeID["GPU time for courses"]}})
	if err != nil {
		return err
	}
	if _, err := a.Transition(ctx, admin, gpu.Slug, model.StageGathering, "", false, ""); err != nil {
		return err
	}
	for _, s := range []struct{ email, community string }{
		{"hvogel@ocean-obs.example.org", "ocean-observatories-network"},
		{"lukas.novak@neuro-collab.example.org", "open-neuroscience-collaboration"},
	} {
		u, err := a.store.UserByEmail(ctx, s.email)
		if err != nil {
			return err
		}
		if err := a.Support(ctx, u, gpu.Slug, true, true, s.community, "We would join the meetings."); err != nil {
			return err
		}
	}
	// A third, freshly proposed by a community member.
	grace, err := a.store.UserByEmail(ctx, "gwhitfield@highland.example.edu")
	if err != nil {
		return err
	}
	_, err = a.ProposeConsortium(ctx, grace, model.ConsortiumInput{Name: "Hubs and Campus HPC",
		Problem:    "Researchers want to move between interactive notebooks and the campus cluster without copying data or logging in twice.",
		Visibility: model.VisibilityMembers, CriticalCommunities: 3, CriticalPeople: 4})
	if err == nil {
		err = seedPrioritization(ctx, a, admin, cloud.Slug) // internal/demo/prioritization.go
	}
	return seedFundingAfter(ctx, a, admin, err)
}
