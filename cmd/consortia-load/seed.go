package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"consortia/internal/app"
	"consortia/internal/model"
)

// seedPassword signs in every seeded account (nobody does during the run).
const seedPassword = "load-test-password"

var (
	places = []string{"Northfield", "Pacific", "Andes", "Lagos", "Riverbend", "Highland", "Coastal", "Sahel", "Baltic",
		"Prairie", "Harbor", "Summit", "Lakeside", "Redwood", "Granite", "Aurora", "Meridian", "Delta", "Cascade", "Valley"}
	orgs = []string{"University", "State University", "Institute of Technology", "Community College", "Research Consortium",
		"Open Data Lab", "Observatory", "Survey Agency", "Foundation", "Analytics Co."}
	fields = []string{"Data Science", "Climate Modelling", "Neuroscience", "Genomics", "Oceanography", "Public Health",
		"Earth Science", "Astronomy", "Statistics", "Digital Humanities", "Economics", "Physics"}
	tagPool = []string{"education", "research", "cloud-costs", "autograding", "climate", "large-data", "dask", "gpu",
		"lms-integration", "workshops", "low-bandwidth", "hpc", "open-science", "genomics", "geospatial", "r",
		"julia", "reproducibility", "teaching", "outreach", "security", "compliance", "storage", "kubernetes"}
	firstNames = []string{"Avery", "Jordan", "Priya", "Tomás", "Mei-Lin", "Samuel", "Hannah", "Diego", "Aisha", "Lukas",
		"Grace", "Kenji", "Fatima", "Oliver", "Rosa", "Nia", "Mateo", "Ingrid", "Ravi", "Zoe"}
	lastNames = []string{"Okafor", "Lindqvist", "Raman", "Echeverría", "Chen", "Adeyemi", "Vogel", "Martins", "Karimi",
		"Novak", "Whitfield", "Watanabe", "Zahra", "Brennan", "Delgado", "Moreau", "Silva", "Haddad", "Kowalski", "Tanaka"}
)

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// seed fills the database through the application layer, the way staff
// would: an admin, communities/2 people, and communities with tags,
// markdown descriptions, memberships, leads and members; one in twenty is
// archived.
func seed(ctx context.Context, a *app.App, communities int, r *rand.Rand) error {
	admin, err := a.CreateUser(ctx, nil, model.UserInput{Email: "admin@load.consortia.test", Name: "Load Admin", Role: model.RoleAdmin}, seedPassword)
	if err != nil {
		return fmt.Errorf("admin: %w", err)
	}
	var emails []string
	for i := range max(communities/2, 1) {
		in := model.UserInput{Email: fmt.Sprintf("person%d@load.consortia.test", i),
			Name: pick(r, firstNames) + " " + pick(r, lastNames), Role: model.RoleMember}
		if _, err := a.CreateUser(ctx, admin, in, seedPassword); err != nil {
			return fmt.Errorf("user %s: %w", in.Email, err)
		}
		emails = append(emails, in.Email)
	}
	for i := range communities {
		in := communityInput(r, i)
		c, err := a.CreateCommunity(ctx, admin, in)
		if err != nil {
			return fmt.Errorf("community %s: %w", in.Slug, err)
		}
		first := r.IntN(len(emails))
		for j := range 1 + r.IntN(3) {
			role := model.AffiliationMember
			if j == 0 {
				role = model.AffiliationLead
			}
			if _, err := a.SetAffiliation(ctx, admin, c.Slug, emails[(first+j)%len(emails)], role); err != nil {
				return fmt.Errorf("affiliation in %s: %w", c.Slug, err)
			}
		}
		if r.IntN(20) == 0 {
			if _, err := a.ArchiveCommunity(ctx, admin, c.Slug, true); err != nil {
				return fmt.Errorf("archive %s: %w", c.Slug, err)
			}
		}
	}
	return nil
}

func communityInput(r *rand.Rand, i int) model.CommunityInput {
	place, org, field := pick(r, places), pick(r, orgs), pick(r, fields)
	name := fmt.Sprintf("%s %s %s", place, org, field)
	slug := fmt.Sprintf("%s-%d", model.Slugify(place+" "+field), i)
	tags := make([]string, 1+r.IntN(5))
	for j := range tags {
		tags[j] = pick(r, tagPool)
	}
	var desc strings.Builder
	fmt.Fprintf(&desc, "The **%s** community at %s %s runs shared Jupyter notebooks for %d people.\n\n",
		strings.ToLower(field), place, org, 20+r.IntN(3000))
	for range 2 + r.IntN(4) {
		fmt.Fprintf(&desc, "- %s with *%s* and `%s`\n", pick(r, fields), pick(r, tagPool), pick(r, tagPool))
	}
	desc.WriteString("\nWe care most about predictable costs, reliable hubs during exam weeks and keeping data close to compute.")
	in := model.CommunityInput{
		Slug: slug, Name: name, Kind: pick(r, model.CommunityKinds),
		Website:        "https://" + slug + ".example.org",
		Description:    desc.String(),
		Tags:           tags,
		SupportContact: "support@" + slug + ".example.org",
		HostedServices: fmt.Sprintf("%d JupyterHub(s)", 1+r.IntN(3)),
	}
	if r.IntN(5) < 3 {
		in.Tier = pick(r, model.MembershipTiers)
		since := time.Date(2019+r.IntN(6), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
		in.MemberSince = &since
	}
	return in
}
