package demo

import (
	"context"
	"fmt"

	"consortia/internal/model"
)

// themeContext is background shared by the initiatives of a theme, so the
// demo's statements are long enough to pass the level-of-detail checklist.
var themeContext = map[string]string{
	"cloud-costs": "Cloud bills for hubs swing with usage: a class of four hundred students opening notebooks at the start of an exam can multiply the hourly cost, " +
		"and community leaders learn about it weeks later from an invoice. Predictable budgets decide whether a university renews its hub.",
	"education": "Instructors run courses on shared hubs with little time to learn infrastructure; every minute spent on setup or troubleshooting during a lab is a minute " +
		"not spent teaching, and students who lose work lose trust in the tools. " +
		"Most teaching teams are one instructor and a teaching assistant, with no system administrator to call on.",
	"large-data": "Research collaborations keep terabytes of model output and observations in cloud object storage and want people to analyse it next to the data " +
		"instead of downloading it, which needs scalable compute that is easy to start and stop. " +
		"Downloads of that size take days, cost egress fees and leave stale copies on laptops and department servers.",
	"authentication": "Communities sign people in through campus identity providers, research federations and social logins; each new provider, group rule or " +
		"expiry policy currently needs engineering time from the host organization. " +
		"Access mistakes are costly either way: locked-out students on the first day of class, or former members who keep access to sensitive data.",
	"gpu": "Machine learning courses and research groups need GPUs for hours at a time, but idle GPUs are expensive and scarce, so access must be shared fairly " +
		"and released promptly. Today each community negotiates its own small pool, and most of that capacity sits unused outside deadlines and lab sessions.",
	"reproducibility": "Researchers want the environment of a published analysis to keep working years later, for reviewers, students and their own future selves. " +
		"Journals and funders increasingly ask for it, yet software images move on every month and old ones silently disappear from registries.",
}

func detail(specific, theme string) string { return specific + " " + themeContext[theme] }

type demoInitiative struct {
	title, persona, theme, status string
	extraThemes                   []string
	public                        bool
	size                          string
	low, high                     int64
	problem, solution, impl       string
	interested, cofunded          []string
	tasks                         []model.Task
}

const (
	implCommon = "We will build it upstream in the open-source projects the hubs run on, with documentation, tests and a migration guide, " +
		"roll it out first to the communities that volunteer as testers, then to every hub the host operates, and report progress at each quarterly meeting."
	solutionCommon = "The change stays small enough to ship within a quarter, is configurable per hub by its administrators, and reuses the components " +
		"communities already run so nothing new has to be maintained by them. Member communities review the design in a demo before it ships."
	fitCommon = "It builds on JupyterHub, Kubernetes and the existing monitoring stack, is contributed upstream rather than kept as a private fork, and benefits every hub, not only the communities that fund it."
)

var demoInitiatives = []demoInitiative{
	{title: "Cost dashboards for every hub", persona: "hub admin", theme: "cloud-costs", status: model.StatusDone, public: true, size: "m", low: 160, high: 240,
		problem:    "As a hub admin I cannot see what my hub costs per day or per course until the monthly invoice arrives, so I cannot act in time.",
		solution:   "A dashboard per hub shows daily cost by user group and node type, with the trend of the last ninety days.",
		impl:       "Export cost allocation data from the cloud provider, join it with hub usage metrics, and render it in the hub's Grafana.",
		interested: []string{"northfield-university-data-science", "pacific-state-university", "riverbend-community-college"}, cofunded: []string{"northfield-university-data-science"},
		tasks: []model.Task{{Title: "Cost export pipeline", Done: true}, {Title: "Grafana dashboards", Done: true}, {Title: "Documentation", Done: true}}},
	{title: "Budget alerts before the bill arrives", persona: "community leader", theme: "cloud-costs", status: model.StatusBuilding, public: true, size: "m", low: 120, high: 200,
		problem:    "As a community leader I want to be warned when spending is on track to exceed our budget, not after it has.",
		solution:   "Leaders set a monthly budget; the hub sends an email and Slack alert at 50, 80 and 100 percent of the projected spend.",
		impl:       "Project spend from the cost dashboard data and schedule checks; deliver alerts through the existing notification service.",
		interested: []string{"northfield-university-data-science", "riverbend-community-college", "coastal-climate-data-service", "andes-climate-modelling-collaboration"}, cofunded: []string{"andes-climate-modelling-collaboration"},
		tasks: []model.Task{{Title: "Spend projection", Done: true}, {Title: "Alert rules", Done: true}, {Title: "Email and Slack delivery"}, {Title: "Settings page"}}},
	{title: "Scale to zero between classes", persona: "IT admin", theme: "cloud-costs", status: model.StatusReview, public: true, size: "l", low: 240, high: 400,
		problem:    "As an IT admin I pay for idle nodes overnight and between classes because the cluster keeps a warm pool for fast starts.",
		solution:   "Schedules per course pre-warm nodes just before class and scale to zero afterwards, keeping starts fast and nights free.",
		impl:       "Add schedule-aware placeholders to the cluster autoscaler configuration and a course calendar import.",
		interested: []string{"pacific-state-university", "riverbend-community-college", "northfield-university-data-science"},
		tasks:      []model.Task{{Title: "Calendar import", Done: true}, {Title: "Pre-warm placeholders", Done: true}, {Title: "Review with testers"}}},
	{title: "Per-course resource quotas", persona: "instructor", theme: "cloud-costs", extraThemes: []string{"education"}, status: model.StatusUpcoming, public: true, size: "m", low: 100, high: 180,
		problem:    "As an instructor I need to cap what my course can use so one heavy assignment does not exhaust the hub's budget.",
		solution:   "Instructors set CPU, memory and GPU quotas per course; students see their remaining allowance.",
		impl:       "Map LMS courses to hub groups, enforce quotas in the spawner, and show usage in the hub's home page.",
		interested: []string{"pacific-state-university", "northfield-university-data-science"}},
	{title: "Spot instances for batch work", persona: "researcher", theme: "cloud-costs", extraThemes: []string{"large-data"}, status: model.StatusCandidate, public: true, size: "m", low: 120, high: 220,
		problem:    "As a researcher running long batch analyses I pay on-demand prices even though my work could be interrupted and resumed.",
		solution:   "Dask workers and batch jobs run on spot capacity with checkpointing, cutting compute costs for interruptible work.",
		impl:       "Add spot node pools with taints, teach Dask Gateway to request them, and document checkpointing patterns.",
		interested: []string{"andes-climate-modelling-collaboration", "coastal-climate-data-service"}},
	{title: "Cost reports per funder grant", persona: "PI", theme: "cloud-costs", status: model.StatusCandidate, public: true, size: "s", low: 40, high: 80,
		problem:    "As a PI I have to report cloud spending per grant to funders and today I assemble it by hand from invoices.",
		solution:   "Tag usage with grant codes and export a quarterly report per grant in the formats funders ask for.",
		impl:       "Let hub admins map groups to grant codes and generate CSV and PDF reports from the cost data.",
		interested: []string{"andes-climate-modelling-collaboration", "open-neuroscience-collaboration"}},
	{title: "Automatic shutdown of idle servers with warnings", persona: "student", theme: "cloud-costs", extraThemes: []string{"education"}, status: model.StatusIdea, public: false, size: "s", low: 30, high: 60,
		problem: "As a student I lose unsaved work when my idle server is culled without warning."},
	{title: "LMS assignment sync", persona: "instructor", theme: "education", status: model.StatusScoping, public: true, size: "l", low: 300, high: 480,
		problem:    "As an instructor I copy grades between the hub's autograder and the campus LMS by hand for every assignment.",
		solution:   "Assignments and grades flow both ways between the LMS and the hub through LTI Advantage.",
		impl:       "Implement LTI Advantage grade passback in the hub's authenticator and the grading extension.",
		interested: []string{"pacific-state-university", "northfield-university-data-science", "riverbend-community-college"}},
	{title: "Accessible notebooks for screen reader users", persona: "student", theme: "education", extraThemes: []string{"accessibility"}, status: model.StatusUpcoming, public: true, size: "l", low: 280, high: 420,
		problem:    "As a student who uses a screen reader I cannot navigate notebook cells and outputs efficiently.",
		solution:   "Keyboard and screen-reader improvements in JupyterLab, prioritized with disabled users and tested in real courses.",
		impl:       "Fund accessibility work upstream in JupyterLab with user testing sessions at two member colleges.",
		interested: []string{"riverbend-community-college", "openbio-foundation"}},
	{title: "Workshop hubs in five minutes", persona: "community leader", theme: "education", extraThemes: []string{"workshops"}, status: model.StatusDone, public: true, size: "m", low: 120, high: 160,
		problem:    "As a workshop organizer I need a hub for a hundred people by tomorrow and cannot wait for a deployment cycle.",
		solution:   "Self-service event hubs with a template, a shared password or link login, and automatic teardown after the event.",
		impl:       "A request form that deploys a pre-configured hub from a template and schedules its removal.",
		interested: []string{"lagos-open-data-lab", "openbio-foundation"}, cofunded: []string{"lagos-open-data-lab"},
		tasks: []model.Task{{Title: "Templates", Done: true}, {Title: "Request form", Done: true}}},
	{title: "Offline-friendly notebooks for low bandwidth", persona: "student", theme: "education", extraThemes: []string{"low-bandwidth"}, status: model.StatusIdea, public: false, size: "m", low: 80, high: 160,
		problem: "As a student on an unreliable connection my notebook disconnects and I lose outputs."},
	{title: "Dask Gateway defaults that fit the budget", persona: "researcher", theme: "large-data", status: model.StatusDone, public: true, size: "s", low: 40, high: 70,
		problem:    "As a researcher I start clusters that are far larger than my analysis needs because the defaults are generous.",
		solution:   "Sensible default cluster sizes with adaptive scaling and a visible cost estimate before starting.",
		impl:       "Change Dask Gateway options and add a cost hint to the cluster widget.",
		interested: []string{"andes-climate-modelling-collaboration", "coastal-climate-data-service"}},
	{title: "Read cloud-optimized data without egress fees", persona: "researcher", theme: "large-data", status: model.StatusScoping, public: true, size: "l", low: 200, high: 360,
		problem:    "As a researcher outside the data's cloud region I pay egress fees and wait for downloads.",
		solution:   "Hubs in the same region as major public datasets, with guidance on cloud-optimized formats.",
		impl:       "Deploy regional hubs near the data and publish format conversion recipes.",
		interested: []string{"coastal-climate-data-service", "ocean-observatories-network", "andes-climate-modelling-collaboration"}},
	{title: "Shared GPU queues with fair share", persona: "researcher", theme: "gpu", status: model.StatusCandidate, public: true, size: "l", low: 240, high: 400,
		problem:    "As a researcher I wait hours for a GPU while others hold idle ones.",
		solution:   "A fair-share queue for GPU servers with time limits and idle detection.",
		impl:       "Integrate a queueing spawner with GPU node pools and idle culling based on GPU utilization.",
		interested: []string{"ocean-observatories-network", "open-neuroscience-collaboration"}},
	{title: "GPU time for courses", persona: "instructor", theme: "gpu", extraThemes: []string{"education"}, status: model.StatusIdea, public: false, size: "m", low: 80, high: 140,
		problem: "As an instructor of a deep learning course I need GPUs for two hours a week for sixty students."},
	{title: "Campus single sign-on with group rules", persona: "IT admin", theme: "authentication", status: model.StatusBuilding, public: true, size: "m", low: 140, high: 220,
		problem:    "As an IT admin I need to allow only enrolled students and staff, using groups from our identity provider.",
		solution:   "Configurable allow rules on identity provider groups and attributes, managed by the community's admins.",
		impl:       "Extend the OAuth authenticator with group claims and an admin page for rules.",
		interested: []string{"highland-university-research-computing", "national-geoscience-agency", "pacific-state-university"},
		tasks:      []model.Task{{Title: "Group claims", Done: true}, {Title: "Admin page"}}},
	{title: "Government identity federation", persona: "IT admin", theme: "authentication", extraThemes: []string{"data-residency"}, status: model.StatusCandidate, public: false, size: "l", low: 200, high: 320,
		problem:    "As an IT admin at an agency I must use the government identity federation and keep data in-country.",
		solution:   "Support the federation's protocol profile and deploy hubs in a sovereign cloud region.",
		impl:       "Implement the SAML profile and certify a regional deployment.",
		interested: []string{"national-geoscience-agency", "sahel-public-health-institute"}},
	{title: "Pinned environments that keep working", persona: "researcher", theme: "reproducibility", status: model.StatusDone, public: true, size: "m", low: 100, high: 180,
		problem:    "As a researcher my analysis from two years ago no longer runs because the hub's image moved on.",
		solution:   "Users pick a dated, pinned environment that stays available, with a clear retirement schedule.",
		impl:       "Keep dated images in the registry and add an environment picker to the spawner.",
		interested: []string{"open-neuroscience-collaboration", "openbio-foundation"}},
	{title: "Binder links from published papers", persona: "researcher", theme: "reproducibility", status: model.StatusUpcoming, public: true, size: "s", low: 50, high: 90,
		problem:    "As a reader of a paper I want to rerun its figures without installing anything.",
		solution:   "Persistent Binder links for papers, served by the community's BinderHub with a cache.",
		impl:       "Add a publication mode to BinderHub with long-lived image caching.",
		interested: []string{"open-neuroscience-collaboration", "ocean-observatories-network"}},
	{title: "Real-time collaboration for lab groups", persona: "researcher", theme: "reproducibility", status: model.StatusDeclined, public: true, size: "xl", low: 600, high: 1000,
		problem:    "As a member of a lab group I want to edit notebooks together in real time.",
		solution:   "Enable real-time collaboration in JupyterLab for shared group folders.",
		impl:       "Roll out collaborative editing with shared storage and permission models.",
		interested: []string{"open-neuroscience-collaboration"}},
	{title: "HPC job submission from the hub", persona: "researcher", theme: "large-data", extraThemes: []string{"hpc"}, status: model.StatusIdea, public: false, size: "l", low: 200, high: 300,
		problem: "As a researcher I want to submit jobs to the campus cluster from my notebook."},
	{title: "Usage reports for renewals", persona: "community leader", theme: "cloud-costs", status: model.StatusUpcoming, public: true, size: "s", low: 30, high: 60,
		problem:    "As a community leader I need usage numbers each year to justify renewing our hub.",
		solution:   "An annual report of active users, courses and hours, ready to share with deans and funders.",
		impl:       "Aggregate hub usage metrics and render a shareable report page.",
		interested: []string{"riverbend-community-college", "lagos-open-data-lab", "pacific-state-university"}},
	{title: "Data residency controls", persona: "IT admin", theme: "authentication", extraThemes: []string{"data-residency"}, status: model.StatusScoping, public: true, size: "m", low: 120, high: 200,
		problem:    "As an IT admin handling health data I must show where data is stored and who can access it.",
		solution:   "Per-hub data location settings and an access report.",
		impl:       "Region pinning for storage and an audit export of access logs.",
		interested: []string{"sahel-public-health-institute", "national-geoscience-agency"}},
}

// seedRoadmap adds narratives, initiatives in every status and two
// consortia: an active one on cloud costs and one gathering critical mass.
func seedRoadmap(ctx context.Context, a seeder) error {
	admin, err := a.store.UserByEmail(ctx, AdminEmail)
	if err != nil {
		return err
	}
	path := []string{model.StatusCandidate, model.StatusUpcoming, model.StatusScoping, model.StatusBuilding, model.StatusReview, model.StatusDone}
	ids := map[string]int64{}
	for _, d := range demoInitiatives {
		in := model.InitiativeInput{Title: d.title, Persona: d.persona, Themes: append([]string{d.theme}, d.extraThemes...), Size: d.size,
			HoursLow: d.low, HoursHigh: d.high, Public: d.public, Tasks: d.tasks,
			Problem: detail(d.problem, d.theme), Links: []model.Link{{Label: "Tracking issue", URL: "https://github.com/example-org/roadmap/issues/" + fmt.Sprint(len(ids)+101)}}}
		if d.solution != "" {
			in.Solution = d.solution + " " + solutionCommon
			in.Implementation = d.impl + " " + implCommon
			in.EcosystemFit = fitCommon
		}
		created, err := a.CreateInitiative(ctx, admin, in)
		if err != nil {
			return fmt.Errorf("%s: %w", d.title, err)
		}
		ids[d.theme+"/"+d.title] = created.ID
		target := d.status
		if target == model.StatusDeclined {
			if _, err := a.MoveInitiative(ctx, admin, created.Slug, model.StatusCandidate, ""); err != nil {
				return fmt.Errorf("%s: %w", d.title, err)
			}
			if _, err := a.MoveInitiative(ctx, admin, created.Slug, model.StatusDeclined, "Out of scope for now; revisit when the collaboration extension matures."); err != nil {
				return err
			}
		} else if target != model.StatusIdea {
			for _, step := range path {
				if _, err := a.MoveInitiative(ctx, admin, created.Slug, step, ""); err != nil {
					return fmt.Errorf("%s to %s: %w", d.title, step, err)
				}
				if step == target {
					break
				}
			}
		}
		for _, c := range d.interested {
			if err := a.SetInterest(ctx, admin, created.Slug, c, model.InterestInterested, true, ""); err != nil {
				return fmt.Errorf("%s interest %s: %w", d.title, c, err)
			}
		}
		for _, c := range d.cofunded {
			if err := a.SetInterest(ctx, admin, created.Slug, c, model.InterestCoFunded, true, ""); err != nil {
				return err
			}
		}
	}
	return seedNarrativesAndConsortia(ctx, a, admin)
}
