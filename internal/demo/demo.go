// Package demo fills a fresh database with a realistic sample: research and
// education communities served by a nonprofit that runs JupyterHubs, with
// their people, themes and memberships.
package demo

import (
	"context"
	"fmt"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/storage"
)

// The demo's staff sign-in, printed when the demo starts.
const (
	AdminEmail    = "admin@demo.consortia.test"
	AdminPassword = "demo-admin-password"
	// LeadPassword signs in every demo community lead.
	LeadPassword = "demo-lead-password"
)

type person struct {
	name, email, role string // role: admin or member
}

type affiliation struct {
	email, role string
}

type community struct {
	in     model.CommunityInput
	people []affiliation
}

func date(y int, m time.Month, d int) *time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	return &t
}

var people = []person{
	{"Avery Okafor", AdminEmail, model.RoleAdmin},
	{"Jordan Lindqvist", "jordan@demo.consortia.test", model.RoleAdmin},
	{"Priya Raman", "priya.raman@northfield.example.edu", model.RoleMember},
	{"Tomás Echeverría", "tomas@andes-climate.example.org", model.RoleMember},
	{"Mei-Lin Chen", "mlchen@pacific-state.example.edu", model.RoleMember},
	{"Samuel Adeyemi", "s.adeyemi@lagos-data.example.org", model.RoleMember},
	{"Hannah Vogel", "hvogel@ocean-obs.example.org", model.RoleMember},
	{"Diego Martins", "diego@geoscience-agency.example.gov", model.RoleMember},
	{"Aisha Karimi", "akarimi@riverbend.example.edu", model.RoleMember},
	{"Lukas Novak", "lukas.novak@neuro-collab.example.org", model.RoleMember},
	{"Grace Whitfield", "gwhitfield@highland.example.edu", model.RoleMember},
	{"Kenji Watanabe", "kenji@openbio.example.org", model.RoleMember},
	{"Fatima Zahra", "fzahra@sahel-health.example.org", model.RoleMember},
	{"Oliver Brennan", "obrennan@coastal-cc.example.edu", model.RoleMember},
	{"Rosa Delgado", "rdelgado@climate-data.example.gov", model.RoleMember},
}

var communities = []community{
	{model.CommunityInput{Name: "Northfield University Data Science", Kind: "university", Website: "https://datascience.northfield.example.edu",
		Description: "Northfield's undergraduate **data science program** teaches 2,400 students a year on a shared JupyterHub.\n\n" +
			"- Intro courses with autograded notebooks\n- A research hub for faculty with GPU access\n\nWe care most about *predictable cloud costs* during exam weeks.",
		Tags: []string{"education", "cloud-costs", "autograding"}, Tier: "premium", MemberSince: date(2021, 9, 1),
		SupportContact: "hub-admins@northfield.example.edu", HostedServices: "2 JupyterHubs (teaching, research)"},
		[]affiliation{{"priya.raman@northfield.example.edu", "lead"}}},
	{model.CommunityInput{Name: "Andes Climate Modelling Collaboration", Kind: "research-collaboration", Website: "https://andes-climate.example.org",
		Description: "Fourteen research groups in five countries share regional climate model output (40 TB) and analyse it in the cloud, next to the data.",
		Tags:        []string{"climate", "large-data", "dask", "cloud-costs"}, Tier: "standard", MemberSince: date(2022, 3, 15),
		SupportContact: "ops@andes-climate.example.org", HostedServices: "JupyterHub with Dask Gateway"},
		[]affiliation{{"tomas@andes-climate.example.org", "lead"}, {"rdelgado@climate-data.example.gov", "member"}}},
	{model.CommunityInput{Name: "Pacific State University", Kind: "university", Website: "https://pacific-state.example.edu",
		Description: "A teaching-focused public university running Jupyter for statistics, physics and earth science courses.",
		Tags:        []string{"education", "lms-integration", "cloud-costs"}, Tier: "standard", MemberSince: date(2023, 1, 10),
		SupportContact: "rcs@pacific-state.example.edu", HostedServices: "JupyterHub (LTI in the campus LMS)"},
		[]affiliation{{"mlchen@pacific-state.example.edu", "lead"}, {"obrennan@coastal-cc.example.edu", "contact"}}},
	{model.CommunityInput{Name: "Lagos Open Data Lab", Kind: "nonprofit", Website: "https://lagos-data.example.org",
		Description: "Trains data journalists and civic technologists across West Africa; workshops of 30–200 people on short notice.",
		Tags:        []string{"education", "workshops", "low-bandwidth"}, Tier: "essential", MemberSince: date(2024, 2, 1),
		HostedServices: "Event hub for workshops"},
		[]affiliation{{"s.adeyemi@lagos-data.example.org", "lead"}}},
	{model.CommunityInput{Name: "Ocean Observatories Network", Kind: "research-collaboration", Website: "https://ocean-obs.example.org",
		Description: "Sensor data from 900 moorings, analysed by oceanographers who want GPUs for machine learning and shared environments.",
		Tags:        []string{"oceanography", "gpu", "large-data", "shared-environments"}, Tier: "partner", MemberSince: date(2020, 11, 20),
		SupportContact: "data@ocean-obs.example.org", HostedServices: "JupyterHub with GPUs, BinderHub"},
		[]affiliation{{"hvogel@ocean-obs.example.org", "lead"}}},
	{model.CommunityInput{Name: "National Geoscience Agency", Kind: "agency", Website: "https://geoscience-agency.example.gov",
		Description:    "A government science agency evaluating managed JupyterHubs for open science, with strict **authentication** and data-residency needs.",
		Tags:           []string{"geoscience", "authentication", "data-residency"},
		SupportContact: "", HostedServices: ""},
		[]affiliation{{"diego@geoscience-agency.example.gov", "lead"}}},
	{model.CommunityInput{Name: "Riverbend Community College", Kind: "university", Website: "https://riverbend.example.edu",
		Description: "Two-year college bringing Python to intro statistics and nursing informatics; small IT team, tight budget.",
		Tags:        []string{"education", "cloud-costs", "accessibility"}, Tier: "essential", MemberSince: date(2024, 8, 15),
		HostedServices: "JupyterHub for teaching"},
		[]affiliation{{"akarimi@riverbend.example.edu", "lead"}}},
	{model.CommunityInput{Name: "Open Neuroscience Collaboration", Kind: "research-collaboration", Website: "https://neuro-collab.example.org",
		Description: "Shares neuroimaging pipelines and reproducible analysis environments across 22 labs.",
		Tags:        []string{"neuroscience", "reproducibility", "shared-environments", "gpu"}, Tier: "standard", MemberSince: date(2022, 6, 1),
		SupportContact: "infra@neuro-collab.example.org", HostedServices: "JupyterHub, BinderHub"},
		[]affiliation{{"lukas.novak@neuro-collab.example.org", "lead"}}},
	{model.CommunityInput{Name: "Highland University Research Computing", Kind: "university", Website: "https://rc.highland.example.edu",
		Description: "Research computing centre serving 300 labs; interested in connecting hubs to the campus HPC cluster.",
		Tags:        []string{"hpc", "authentication", "research"}, Tier: "premium", MemberSince: date(2021, 4, 12),
		SupportContact: "rc-help@highland.example.edu", HostedServices: "3 JupyterHubs"},
		[]affiliation{{"gwhitfield@highland.example.edu", "lead"}}},
	{model.CommunityInput{Name: "OpenBio Foundation", Kind: "nonprofit", Website: "https://openbio.example.org",
		Description:    "Runs free bioinformatics courses online; needs reproducible environments that learners can take home.",
		Tags:           []string{"bioinformatics", "reproducibility", "education"},
		HostedServices: ""},
		[]affiliation{{"kenji@openbio.example.org", "lead"}}},
	{model.CommunityInput{Name: "Sahel Public Health Institute", Kind: "research-collaboration", Website: "https://sahel-health.example.org",
		Description: "Epidemiologists working with sensitive health data over unreliable connections.",
		Tags:        []string{"public-health", "low-bandwidth", "data-residency"}, Tier: "essential", MemberSince: date(2025, 1, 20),
		HostedServices: "JupyterHub"},
		[]affiliation{{"fzahra@sahel-health.example.org", "lead"}}},
	{model.CommunityInput{Name: "Coastal Climate Data Service", Kind: "agency", Website: "https://climate-data.example.gov",
		Description: "Publishes downscaled climate projections and wants users to analyse them without downloading terabytes.",
		Tags:        []string{"climate", "large-data", "cloud-costs"}, Tier: "standard", MemberSince: date(2023, 10, 2),
		SupportContact: "helpdesk@climate-data.example.gov", HostedServices: "JupyterHub next to the data"},
		[]affiliation{{"rdelgado@climate-data.example.gov", "lead"}}},
}

// Seed adds the sample to an empty database. It refuses a database that
// already has communities, so it never mixes sample data into real data.
//
// The sample is written through app's use cases, as the people it names;
// store is app's database, read to find those people and written directly
// only for what no use case does (accounts with known passwords, clearing
// the outbox).
func Seed(ctx context.Context, use *app.App, store *storage.Store) error {
	a := seeder{App: use, store: store}
	stats, err := a.store.CountStats(ctx)
	if err != nil {
		return err
	}
	if stats.Communities+stats.Archived > 0 {
		return fmt.Errorf("the database already has communities; the demo needs an empty one")
	}
	if err := a.store.InTx(ctx, func(tx *storage.Tx) error { return seed(ctx, a, tx) }); err != nil {
		return err
	}
	if err := seedRoadmap(ctx, a); err != nil {
		return err
	}
	if err := seedTesting(ctx, a); err != nil { // internal/demo/testing.go
		return err
	}
	// The sample's history (requests for rounds long published, a digest
	// of everything) is on the site, not in anyone's inbox.
	return a.store.DiscardUndelivered(ctx)
}

// seeder is app with the database beside it.
type seeder struct {
	*app.App
	store *storage.Store
}

func seed(ctx context.Context, a seeder, tx *storage.Tx) error {
	adminHash, err := a.HashPassword(AdminPassword)
	if err != nil {
		return err
	}
	leadHash, err := a.HashPassword(LeadPassword)
	if err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, p := range people {
		hash := leadHash
		if p.role == model.RoleAdmin {
			hash = adminHash
		}
		u, err := tx.CreateUser(ctx, model.UserInput{Email: p.email, Name: p.name, Role: p.role}, hash)
		if err != nil {
			return fmt.Errorf("%s: %w", p.email, err)
		}
		ids[p.email] = u.ID
		if err := tx.Audit(ctx, nil, "user.create", "user", fmt.Sprint(u.ID), nil, u); err != nil {
			return err
		}
	}
	for _, c := range communities {
		in := c.in
		in.Normalize()
		if err := in.Validate(); err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		created, err := tx.CreateCommunity(ctx, in)
		if err != nil {
			return fmt.Errorf("%s: %w", in.Name, err)
		}
		if err := tx.Audit(ctx, nil, "community.create", "community", fmt.Sprint(created.ID), nil, created); err != nil {
			return err
		}
		for _, af := range c.people {
			if err := tx.SetAffiliation(ctx, created.ID, ids[af.email], af.role); err != nil {
				return err
			}
		}
	}
	return nil
}
