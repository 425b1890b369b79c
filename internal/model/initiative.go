package model

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// Initiative statuses, in lifecycle order. In flight has three sub-stages.
const (
	StatusIdea      = "idea"
	StatusCandidate = "candidate"
	StatusUpcoming  = "upcoming"
	StatusScoping   = "scoping"
	StatusBuilding  = "building"
	StatusReview    = "review"
	StatusDone      = "done"
	StatusDeclined  = "declined"
)

// InitiativeStatuses lists the statuses in lifecycle order.
var InitiativeStatuses = []string{StatusIdea, StatusCandidate, StatusUpcoming, StatusScoping, StatusBuilding, StatusReview, StatusDone, StatusDeclined}

// InFlight reports whether a status is one of the in-flight sub-stages.
func InFlight(status string) bool {
	return status == StatusScoping || status == StatusBuilding || status == StatusReview
}

// StatusLabel is the human name of a status.
func StatusLabel(s string) string {
	switch s {
	case StatusScoping:
		return "In flight: scoping"
	case StatusBuilding:
		return "In flight: building"
	case StatusReview:
		return "In flight: review"
	case "":
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// statusMoves lists the allowed status changes. Work moves forward one step
// at a time, may step back within flight, can be declined until done, and a
// declined initiative can be reopened as an idea.
var statusMoves = map[string][]string{
	StatusIdea:      {StatusCandidate, StatusDeclined},
	StatusCandidate: {StatusUpcoming, StatusIdea, StatusDeclined},
	StatusUpcoming:  {StatusScoping, StatusCandidate, StatusDeclined},
	StatusScoping:   {StatusBuilding, StatusUpcoming, StatusDeclined},
	StatusBuilding:  {StatusReview, StatusScoping, StatusDeclined},
	StatusReview:    {StatusDone, StatusBuilding, StatusDeclined},
	StatusDone:      {},
	StatusDeclined:  {StatusIdea},
}

// NextStatuses returns the statuses an initiative may move to from s.
func NextStatuses(s string) []string { return statusMoves[s] }

// CheckStatusMove explains why an initiative cannot move from one status to
// another, or returns nil.
func CheckStatusMove(from, to string) error {
	if !slices.Contains(InitiativeStatuses, to) {
		var p Problems
		p.Add("status", "must be one of %s", strings.Join(InitiativeStatuses, ", "))
		return p.Err()
	}
	if !slices.Contains(statusMoves[from], to) {
		allowed := statusMoves[from]
		if len(allowed) == 0 {
			return Errorf(EConflict, "A %s initiative cannot change status.", from)
		}
		return Errorf(EConflict, "An initiative cannot move from %s to %s; from %s it can move to %s.",
			StatusLabel(from), StatusLabel(to), StatusLabel(from), strings.Join(allowed, ", "))
	}
	return nil
}

// Sizes of an initiative, with the hours they usually take.
var InitiativeSizes = []string{"xs", "s", "m", "l", "xl"}

// SizeLabel describes a size.
func SizeLabel(s string) string {
	switch s {
	case "xs":
		return "XS (days)"
	case "s":
		return "S (1–2 weeks)"
	case "m":
		return "M (weeks)"
	case "l":
		return "L (1–3 months)"
	case "xl":
		return "XL (months)"
	}
	return ""
}

// Personas an initiative's problem statement is written from.
var Personas = []string{"researcher", "instructor", "student", "hub admin", "IT admin", "PI", "data scientist", "community leader"}

// Money is an amount in minor units (cents) of a currency. Never a float.
type Money struct {
	Amount   int64  `json:"amount" doc:"Minor units (e.g. cents)."`
	Currency string `json:"currency" doc:"ISO 4217 code."`
}

// String formats money for people: "USD 12,345" when whole, "USD 12,345.50"
// with cents. Pages, emails and messages all use it.
func (m Money) String() string {
	if m.Amount < 0 {
		return "-" + m.Currency + " " + Money{Amount: -m.Amount}.Number()
	}
	return m.Currency + " " + m.Number()
}

// Number is the amount in major units with thousands separators, without
// the currency: "36,000", "1,234.50", "-0.05".
func (m Money) Number() string {
	a := m.Amount
	sign := ""
	if a < 0 {
		sign, a = "-", -a
	}
	whole, cents := a/100, a%100
	if cents == 0 {
		return sign + groupDigits(whole)
	}
	return fmt.Sprintf("%s%s.%02d", sign, groupDigits(whole), cents)
}

// Field limits of an initiative.
const (
	MaxTitleLength     = 160
	MaxLongTextLength  = 20000
	MaxHours           = 100000
	MaxRateMinorUnits  = 10_000_000 // 100,000.00 per hour
	MaxLinks           = 20
	MaxTasks           = 100
	MinProblemWords    = 50
	MinSectionWords    = 50
	MaxSectionWords    = 500
	MinEcosystemWords  = 20
	DefaultRateMinor   = 15000 // 150.00 per hour
	DefaultCurrency    = "USD"
	InitiativeKindName = "initiative"
)

// Link is an external link of an initiative, e.g. its tracking issue.
type Link struct {
	Label string `json:"label" maxLength:"120"`
	URL   string `json:"url" maxLength:"2048"`
}

// Task is a sub-task of an initiative.
type Task struct {
	ID    int64  `json:"id"`
	Title string `json:"title"`
	Done  bool   `json:"done"`
}

// StatusChange records who moved an initiative and when.
type StatusChange struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	ByID   *int64    `json:"by_id,omitempty"`
	ByName string    `json:"by_name"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

// CommunityRef names a community briefly.
type CommunityRef struct {
	ID   int64  `json:"id"`
	Slug string `json:"slug"`
	Name string `json:"name"`
}

// Initiative is a unit of roadmap work, resolved in weeks to months.
type Initiative struct {
	ID             int64           `json:"id"`
	Slug           string          `json:"slug"`
	Title          string          `json:"title"`
	Persona        string          `json:"persona"`
	Problem        string          `json:"problem"`
	Solution       string          `json:"solution"`
	Implementation string          `json:"implementation"`
	EcosystemFit   string          `json:"ecosystem_fit"`
	Themes         []string        `json:"themes"`
	Size           string          `json:"size"`
	HoursLow       int64           `json:"hours_low"`
	HoursHigh      int64           `json:"hours_high"`
	Rate           Money           `json:"rate" doc:"Hourly rate used for the cost estimate."`
	RateIsBlended  bool            `json:"rate_is_blended" doc:"The initiative has no rate of its own and uses the site's blended rate."`
	CostLow        Money           `json:"cost_low"`
	CostHigh       Money           `json:"cost_high"`
	Links          []Link          `json:"links"`
	Tasks          []Task          `json:"tasks"`
	Status         string          `json:"status"`
	StatusAt       time.Time       `json:"status_changed_at"`
	StatusByName   string          `json:"status_changed_by"`
	Public         bool            `json:"public"`
	AuthorID       *int64          `json:"author_id,omitempty"`
	AuthorName     string          `json:"author_name"`
	Interested     []CommunityRef  `json:"interested"`
	CoFunded       []CommunityRef  `json:"co_funded"`
	Narratives     []NarrativeRef  `json:"narratives"`
	Consortia      []ConsortiumRef `json:"consortia"`
	CreatedAt      time.Time       `json:"created_at"`
	UpdatedAt      time.Time       `json:"updated_at"`
	Version        int64           `json:"version"`
}

// TasksDone counts finished sub-tasks.
func (in *Initiative) TasksDone() int {
	n := 0
	for _, t := range in.Tasks {
		if t.Done {
			n++
		}
	}
	return n
}

// Progress is the share of finished sub-tasks, 0–100.
func (in *Initiative) Progress() int {
	if len(in.Tasks) == 0 {
		return 0
	}
	return in.TasksDone() * 100 / len(in.Tasks)
}

// InitiativeInput holds the editable fields of an initiative.
type InitiativeInput struct {
	Slug           string
	Title          string
	Persona        string
	Problem        string
	Solution       string
	Implementation string
	EcosystemFit   string
	Themes         []string
	Size           string
	HoursLow       int64
	HoursHigh      int64
	RateMinor      int64 // 0 uses the site's blended rate
	Currency       string
	Links          []Link
	Tasks          []Task
	Public         bool
}

// Normalize trims fields and derives a missing slug.
func (in *InitiativeInput) Normalize() {
	in.Title = trimSpace(in.Title)
	in.Slug = strings.ToLower(trimSpace(in.Slug))
	if in.Slug == "" {
		in.Slug = Slugify(in.Title)
	}
	in.Persona = trimSpace(in.Persona)
	in.Size = strings.ToLower(trimSpace(in.Size))
	in.Currency = strings.ToUpper(trimSpace(in.Currency))
	if in.Currency == "" {
		in.Currency = DefaultCurrency
	}
	in.Themes = NormalizeTags(in.Themes)
	links := in.Links[:0]
	for _, l := range in.Links {
		l.Label, l.URL = trimSpace(l.Label), trimSpace(l.URL)
		if l.URL != "" {
			if l.Label == "" {
				l.Label = l.URL
			}
			links = append(links, l)
		}
	}
	in.Links = links
	tasks := in.Tasks[:0]
	for _, t := range in.Tasks {
		t.Title = trimSpace(t.Title)
		if t.Title != "" {
			tasks = append(tasks, t)
		}
	}
	in.Tasks = tasks
}

// Currencies accepted for estimates and money.
var Currencies = []string{"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "NZD", "SEK", "NOK", "DKK", "PLN", "INR", "BRL", "ZAR", "MXN"}

// Validate checks an initiative's fields (not its level of detail, which is
// a checklist shown to the author, see DetailChecklist).
func (in InitiativeInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	if !ValidSlug(in.Slug) {
		p.Add("slug", "must be 2–64 lowercase letters, digits and single hyphens, not only digits")
	}
	if in.Persona != "" && !slices.Contains(Personas, in.Persona) {
		p.Add("persona", "must be one of %s", strings.Join(Personas, ", "))
	}
	for field, v := range map[string]string{"problem": in.Problem, "solution": in.Solution, "implementation": in.Implementation, "ecosystem_fit": in.EcosystemFit} {
		checkText(&p, field, v, false, MaxLongTextLength)
	}
	checkTags(&p, "themes", "theme", in.Themes)
	if in.Size != "" && !slices.Contains(InitiativeSizes, in.Size) {
		p.Add("size", "must be one of %s", strings.Join(InitiativeSizes, ", "))
	}
	switch {
	case in.HoursLow < 0 || in.HoursLow > MaxHours:
		p.Add("hours_low", "must be between 0 and %d", MaxHours)
	case in.HoursHigh < 0 || in.HoursHigh > MaxHours:
		p.Add("hours_high", "must be between 0 and %d", MaxHours)
	case in.HoursHigh < in.HoursLow:
		p.Add("hours_high", "must be at least the low estimate (%d)", in.HoursLow)
	}
	if in.RateMinor < 0 || in.RateMinor > MaxRateMinorUnits {
		p.Add("rate", "must be between 0 and %d minor units per hour", MaxRateMinorUnits)
	}
	if !slices.Contains(Currencies, in.Currency) {
		p.Add("currency", "must be one of %s", strings.Join(Currencies, ", "))
	}
	if len(in.Links) > MaxLinks {
		p.Add("links", "must be at most %d links", MaxLinks)
	}
	for i, l := range in.Links {
		if !ValidWebURL(l.URL) {
			p.Add(fmt.Sprintf("links[%d].url", i), "must be an http:// or https:// address")
		}
		checkLine(&p, fmt.Sprintf("links[%d].label", i), l.Label, false, 120)
	}
	if len(in.Tasks) > MaxTasks {
		p.Add("tasks", "must be at most %d tasks", MaxTasks)
	}
	for i, t := range in.Tasks {
		checkLine(&p, fmt.Sprintf("tasks[%d].title", i), t.Title, true, 200)
	}
	return p.Err()
}

// CheckItem is one line of the level-of-detail checklist.
type CheckItem struct {
	Field   string `json:"field"`
	Label   string `json:"label"`
	OK      bool   `json:"ok"`
	Message string `json:"message"`
}

// WordCount counts words as runs of letters or digits.
func WordCount(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '-'
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// DetailChecklist tells an author what an idea still needs before it can
// become a candidate. It is shown as a checklist, never a silent rejection.
func DetailChecklist(in *Initiative) []CheckItem {
	items := []CheckItem{}
	add := func(field, label string, ok bool, msg string) {
		items = append(items, CheckItem{Field: field, Label: label, OK: ok, Message: msg})
	}
	add("persona", "A persona the problem is written from", in.Persona != "",
		"Say who has the problem: "+strings.Join(Personas, ", ")+".")
	pw := WordCount(in.Problem)
	add("problem", fmt.Sprintf("A problem statement of at least %d words", MinProblemWords), pw >= MinProblemWords,
		fmt.Sprintf("%d of %d words.", pw, MinProblemWords))
	for _, s := range []struct{ field, label, text string }{
		{"solution", "A proposed solution", in.Solution},
		{"implementation", "A proposed implementation", in.Implementation},
	} {
		w := WordCount(s.text)
		add(s.field, fmt.Sprintf("%s of %d–%d words", s.label, MinSectionWords, MaxSectionWords),
			w >= MinSectionWords && w <= MaxSectionWords, fmt.Sprintf("%d words.", w))
	}
	ew := WordCount(in.EcosystemFit)
	add("ecosystem_fit", "How it fits in the ecosystem", ew >= MinEcosystemWords,
		fmt.Sprintf("%d of at least %d words.", ew, MinEcosystemWords))
	add("hours", "An hours estimate (low–high)", in.HoursHigh > 0, "Give a low and a high estimate in hours.")
	add("themes", "At least one theme", len(in.Themes) > 0, "Themes connect the initiative to communities and narratives.")
	return items
}

// DetailReady reports whether every checklist item passes.
func DetailReady(items []CheckItem) bool {
	for _, it := range items {
		if !it.OK {
			return false
		}
	}
	return true
}

// InitiativeFilter selects initiatives.
type InitiativeFilter struct {
	Query        string
	Status       string // a status, or "in-flight"
	Theme        string
	NarrativeID  int64
	ConsortiumID int64
	IDs          []int64 // only these, when not empty
	PublicOnly   bool
	Page         Page
}

// InterestKind is how a community relates to an initiative.
const (
	InterestInterested = "interested"
	InterestCoFunded   = "co_funded"
)
