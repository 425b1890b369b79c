package model

import (
	"strings"
	"testing"
	"time"
)

func TestSlugs(t *testing.T) {
	for in, want := range map[string]string{"UC Berkeley": "uc-berkeley", "  Data 8 & Friends!! ": "data-8-friends", "École": "cole", "": ""} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	for s, ok := range map[string]bool{"uc-berkeley": true, "a": false, "123": false, "a--b": false, "-a": false, "A-b": false, "x1": true} {
		if ValidSlug(s) != ok {
			t.Errorf("ValidSlug(%q) = %v", s, !ok)
		}
	}
}

func TestEmails(t *testing.T) {
	for s, ok := range map[string]bool{"a@example.org": true, "A Person <a@example.org>": false, "a@localhost": false, "no-at": false, "a b@example.org": false} {
		if ValidEmail(s) != ok {
			t.Errorf("ValidEmail(%q) = %v", s, !ok)
		}
	}
}

func TestCommunityValidationNamesFields(t *testing.T) {
	in := CommunityInput{Name: strings.Repeat("x", 121), Slug: "Bad", Kind: "castle", Website: "ftp://x", Tier: "gold", Tags: []string{"a,b"}}
	err := in.Validate()
	got := map[string]bool{}
	for _, f := range ErrorFields(err) {
		got[f.Field] = true
	}
	for _, f := range []string{"name", "slug", "kind", "website", "tier", "tags"} {
		if !got[f] {
			t.Errorf("validation does not name %s: %v", f, err)
		}
	}
	if ErrorCode(err) != EInvalid {
		t.Errorf("code %s", ErrorCode(err))
	}
}

func TestMoney(t *testing.T) {
	// Whole amounts go without cents: "USD 36,000", not "USD 36,000.00".
	for m, want := range map[Money]string{{123456789, "USD"}: "USD 1,234,567.89", {5, "EUR"}: "EUR 0.05", {-150000, "USD"}: "-USD 1,500",
		{3600000, "USD"}: "USD 36,000", {0, "GBP"}: "GBP 0", {100, "CHF"}: "CHF 1", {-5, "EUR"}: "-EUR 0.05", {123450, "USD"}: "USD 1,234.50"} {
		if got := m.String(); got != want {
			t.Errorf("%+v = %q, want %q", m, got, want)
		}
	}
}

func TestDetailChecklist(t *testing.T) {
	words := func(n int) string { return strings.TrimSpace(strings.Repeat("word ", n)) }
	in := &Initiative{Persona: "researcher", Problem: words(50), Solution: words(50), Implementation: words(501), EcosystemFit: words(20), HoursHigh: 10, Themes: []string{"x"}}
	items := DetailChecklist(in)
	if DetailReady(items) {
		t.Fatal("a 501-word implementation passes")
	}
	in.Implementation = words(500)
	if !DetailReady(DetailChecklist(in)) {
		t.Fatalf("a complete initiative fails: %+v", DetailChecklist(in))
	}
	if WordCount("It's a well-known fact, isn't it?") != 6 {
		t.Errorf("WordCount = %d", WordCount("It's a well-known fact, isn't it?"))
	}
}

func TestStatusMoves(t *testing.T) {
	if err := CheckStatusMove(StatusIdea, StatusCandidate); err != nil {
		t.Error(err)
	}
	if err := CheckStatusMove(StatusIdea, StatusDone); ErrorCode(err) != EConflict || !strings.Contains(err.Error(), "candidate, declined") {
		t.Errorf("idea → done: %v", err)
	}
	if err := CheckStatusMove(StatusDone, StatusDeclined); ErrorCode(err) != EConflict {
		t.Errorf("done → declined: %v", err)
	}
}

func TestStageBlockers(t *testing.T) {
	now := time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
	c := &Consortium{Stage: StageDefining, CriticalCommunities: 2, CriticalPeople: 2, SupportCommunities: 1, SupportPeople: 3}
	b := StageBlockers(c, StageActive, "", now)
	if len(b) != 4 {
		t.Fatalf("blockers: %+v", b)
	}
	for _, x := range b {
		if !x.Overridable {
			t.Errorf("%q is not overridable", x.Message)
		}
	}
	kickoff := now.Add(-time.Minute)
	c.SupportCommunities, c.KickoffAt, c.Goals, c.GoalsAgreed, c.Decision = 2, &kickoff, "g", true, "go"
	if b := StageBlockers(c, StageActive, "", now); len(b) != 0 {
		t.Fatalf("ready but blocked: %+v", b)
	}
	if b := StageBlockers(c, StageDissolved, " ", now); len(b) != 1 || b[0].Overridable {
		t.Fatalf("dissolving without a summary: %+v", b)
	}
	c.Stage = StageConcluded
	if b := StageBlockers(c, StageActive, "", now); len(b) != 1 || b[0].Overridable {
		t.Fatalf("from a closed stage: %+v", b)
	}
}

// A consortium does not become active before its kickoff has happened,
// unless staff override; the blocker names the kickoff in its own zone.
func TestStageBlockersKickoffInTheFuture(t *testing.T) {
	now := time.Date(2027, 3, 2, 12, 0, 0, 0, time.UTC)
	kickoff := now.Add(26 * time.Hour)
	c := &Consortium{Stage: StageDefining, CriticalCommunities: 1, CriticalPeople: 1, SupportCommunities: 1, SupportPeople: 1,
		KickoffAt: &kickoff, KickoffTimeZone: "America/New_York", Goals: "g", GoalsAgreed: true, Decision: "go"}
	b := StageBlockers(c, StageActive, "", now)
	if len(b) != 1 || !b[0].Overridable || !strings.Contains(b[0].Message, "has not happened yet") ||
		!strings.Contains(b[0].Message, "Wed 3 Mar 2027, 09:00 EST") {
		t.Fatalf("future kickoff: %+v", b)
	}
	if b := StageBlockers(c, StageActive, "", kickoff); len(b) != 0 {
		t.Fatalf("at the kickoff: %+v", b)
	}
}

func TestValidTimeZone(t *testing.T) {
	for _, tz := range []string{"UTC", "Europe/Berlin", "America/Argentina/Buenos_Aires"} {
		if !ValidTimeZone(tz) {
			t.Errorf("%q rejected", tz)
		}
	}
	for _, tz := range []string{"", "Local", "Mars/Olympus", "../etc/passwd", "Europe/Berlin\n", strings.Repeat("A", 65)} {
		if ValidTimeZone(tz) {
			t.Errorf("%q accepted", tz)
		}
	}
}

func TestMemberRoles(t *testing.T) {
	in := MemberInput{Roles: []string{"co_fund", " test ", "co_fund"}}
	in.Normalize()
	if strings.Join(in.Roles, ",") != "test,co_fund" || in.CoCreate != "some" {
		t.Fatalf("normalized: %+v", in)
	}
	if err := in.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := MemberInput{Roles: []string{"sponsor"}}
	bad.Normalize()
	if err := bad.Validate(); ErrorCode(err) != EInvalid || !strings.Contains(err.Error(), `"sponsor" is not a role`) {
		t.Fatalf("unknown role: %v", err)
	}
}

func TestCheckBallot(t *testing.T) {
	r := &Round{BallotType: BallotRanked, Candidates: []InitiativeRef{{ID: 1}, {ID: 2}, {ID: 3}}}
	if err := CheckBallot(r, BallotInput{Ranking: [][]int64{{1, 2}, {3}}}); err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string]BallotInput{"duplicate": {Ranking: [][]int64{{1}, {1}}}, "unknown": {Ranking: [][]int64{{9}}}, "empty": {}} {
		if err := CheckBallot(r, b); ErrorCode(err) != EInvalid {
			t.Errorf("%s ranked ballot: %v", name, err)
		}
	}
	r.BallotType, r.DotPoints = BallotDot, 5
	if err := CheckBallot(r, BallotInput{Points: map[string]int{"1": 3, "2": 3}}); err == nil || !strings.Contains(err.Error(), "6 points spent") {
		t.Errorf("over budget: %v", err)
	}
	r.BallotType, r.MaxScore = BallotScore, 5
	if err := CheckBallot(r, BallotInput{Scores: map[string]int{"1": -1}}); ErrorCode(err) != EInvalid {
		t.Errorf("negative score: %v", err)
	}
}

func TestEffectiveMode(t *testing.T) {
	prefs := []Preference{{Channel: ChannelEmail, Mode: ModeDaily}, {ConsortiumID: 7, Channel: ChannelEmail, Mode: ModeOff}}
	cases := []struct {
		consortium int64
		importance int
		want       string
	}{{0, ImportanceNews, ModeDaily}, {7, ImportanceNews, ModeOff}, {7, ImportanceRequest, ModeOff}, {3, ImportanceRequest, ModeImmediate}}
	for _, c := range cases {
		if got := EffectiveMode(prefs, ChannelEmail, c.consortium, c.importance); got != c.want {
			t.Errorf("consortium %d importance %d: %s, want %s", c.consortium, c.importance, got, c.want)
		}
	}
	if got := EffectiveMode(nil, ChannelEmail, 0, ImportanceNews); got != ModeWeekly {
		t.Errorf("default: %s", got)
	}
}

func TestBallotKeysAreDecimalIDs(t *testing.T) {
	r := &Round{BallotType: BallotScore, MaxScore: 5, Candidates: []InitiativeRef{{ID: 12}}}
	for _, k := range []string{"12abc", "+12", "0x1f", "012", " 12", "-12", ""} {
		err := CheckBallot(r, BallotInput{Scores: map[string]int{k: 3}})
		if err == nil || !strings.Contains(err.Error(), "is not an initiative id") {
			t.Errorf("score key %q: got %v, want 'is not an initiative id'", k, err)
		}
	}
	if err := CheckBallot(r, BallotInput{Scores: map[string]int{"12": 3}}); err != nil {
		t.Errorf("score key \"12\": %v", err)
	}
}

func TestFieldErrorsComeSortedByField(t *testing.T) {
	var p Problems
	p.Add("zeta", "z")
	p.Add("alpha", "a1")
	p.Add("mid", "m")
	p.Add("alpha", "a2")
	var got []string
	for _, f := range ErrorFields(p.Err()) {
		got = append(got, f.Field+"="+f.Message)
	}
	if want := "alpha=a1 alpha=a2 mid=m zeta=z"; strings.Join(got, " ") != want {
		t.Errorf("fields %v, want %s", got, want)
	}
}

func TestParseMajorUnits(t *testing.T) {
	for in, want := range map[string]int64{"5,000": 500000, "5000.50": 500050, "5000.5": 500050, "0.01": 1, ".5": 50, "1,234,567.89": 123456789,
		" 15000 ": 1500000, "": 0, "1,000,000,000": 100000000000} {
		if got, err := ParseMajorUnits(in); err != nil || got != want {
			t.Errorf("ParseMajorUnits(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"50,00", "5,0000", ",500", "5.", "1.234", "-5", "+5", "1e3", "0x1f", "5 000", "12abc", "1,000,000,001", "99999999999", "5000,50"} {
		if got, err := ParseMajorUnits(in); err == nil {
			t.Errorf("ParseMajorUnits(%q) = %d, want an error", in, got)
		}
	}
}
