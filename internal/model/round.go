package model

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Ballot types of a prioritization round.
const (
	BallotRanked   = "ranked"
	BallotApproval = "approval"
	BallotScore    = "score"
	BallotDot      = "dot"
)

// BallotTypes lists the ballot types.
var BallotTypes = []string{BallotRanked, BallotApproval, BallotScore, BallotDot}

// Round states, derived from its times and actions.
const (
	RoundDraft     = "draft"     // before it opens
	RoundOpen      = "open"      // ballots may be cast and changed
	RoundClosed    = "closed"    // past its closing time
	RoundPublished = "published" // closed and results published
)

var quarterPattern = regexp.MustCompile(`^\d{4}-Q[1-4]$`)

// Round is a prioritization round of a consortium.
type Round struct {
	ID             int64           `json:"id"`
	ConsortiumID   int64           `json:"consortium_id"`
	ConsortiumSlug string          `json:"consortium_slug"`
	ConsortiumName string          `json:"consortium_name"`
	Title          string          `json:"title"`
	Quarter        string          `json:"quarter" doc:"e.g. 2027-Q1"`
	BallotType     string          `json:"ballot_type" enum:"ranked,approval,score,dot"`
	Method         string          `json:"method" enum:"schulze,ranked-pairs,borda,approval,score,dot"`
	Strength       string          `json:"strength" enum:"winning,margin,ratio"`
	Unranked       string          `json:"unranked" enum:"tied-last,ignore"`
	MaxScore       int             `json:"max_score"`
	DotPoints      int             `json:"dot_points"`
	OpensAt        time.Time       `json:"opens_at"`
	ClosesAt       time.Time       `json:"closes_at"`
	LiveResults    bool            `json:"live_results" doc:"Show results while open; by default they are hidden until close."`
	PublishedAt    *time.Time      `json:"published_at,omitempty"`
	AppliedAt      *time.Time      `json:"applied_at,omitempty" doc:"When the upcoming roadmap was set from this round."`
	ClosedEarlyAt  *time.Time      `json:"closed_early_at,omitempty" doc:"When staff closed the round before its scheduled time (closes_at is then the actual closing time)."`
	ClosedEarlyBy  string          `json:"closed_early_by,omitempty"`
	CloseReason    string          `json:"close_reason,omitempty" doc:"Why staff closed it early."`
	Candidates     []InitiativeRef `json:"candidates"`
	Weights        map[int64]int   `json:"weights" doc:"Community id → ballot weight (default 1)."`
	BallotCount    int             `json:"ballot_count"`
	CreatedAt      time.Time       `json:"created_at"`
}

// State is the round's state at time now.
func (r *Round) State(now time.Time) string {
	switch {
	case r.PublishedAt != nil:
		return RoundPublished
	case now.Before(r.OpensAt):
		return RoundDraft
	case now.Before(r.ClosesAt):
		return RoundOpen
	}
	return RoundClosed
}

// RoundInput holds a round's fields.
type RoundInput struct {
	Title        string
	Quarter      string
	BallotType   string
	Method       string
	Strength     string
	Unranked     string
	MaxScore     int
	DotPoints    int
	OpensAt      time.Time
	ClosesAt     time.Time
	LiveResults  bool
	CandidateIDs []int64
	Weights      map[int64]int
}

// Normalize fills the defaults: Schulze with winning votes for ranked
// ballots, unranked candidates tied last, scores 0–5, 10 dots.
func (in *RoundInput) Normalize() {
	in.Title = strings.TrimSpace(in.Title)
	in.Quarter = strings.ToUpper(strings.TrimSpace(in.Quarter))
	if in.BallotType == "" {
		in.BallotType = BallotRanked
	}
	if in.Method == "" {
		switch in.BallotType {
		case BallotRanked:
			in.Method = "schulze"
		default:
			in.Method = in.BallotType
		}
	}
	if in.BallotType == BallotRanked {
		if in.Strength == "" {
			in.Strength = "winning"
		}
		if in.Unranked == "" {
			in.Unranked = "tied-last"
		}
	}
	if in.BallotType == BallotScore && in.MaxScore == 0 {
		in.MaxScore = 5
	}
	if in.BallotType == BallotDot && in.DotPoints == 0 {
		in.DotPoints = 10
	}
	if in.Title == "" && in.Quarter != "" {
		in.Title = "Priorities for " + in.Quarter
	}
	in.OpensAt, in.ClosesAt = in.OpensAt.UTC().Truncate(time.Minute), in.ClosesAt.UTC().Truncate(time.Minute)
	slices.Sort(in.CandidateIDs)
	in.CandidateIDs = slices.Compact(in.CandidateIDs)
}

// Validate checks a round's fields.
func (in RoundInput) Validate() error {
	var p Problems
	checkLine(&p, "title", in.Title, true, MaxTitleLength)
	if !quarterPattern.MatchString(in.Quarter) {
		p.Add("quarter", "must look like 2027-Q1")
	}
	if !slices.Contains(BallotTypes, in.BallotType) {
		p.Add("ballot_type", "must be one of %s", strings.Join(BallotTypes, ", "))
	}
	methods := map[string][]string{BallotRanked: {"schulze", "ranked-pairs", "borda"}, BallotApproval: {"approval"},
		BallotScore: {"score"}, BallotDot: {"dot"}}[in.BallotType]
	if in.BallotType != "" && !slices.Contains(methods, in.Method) && slices.Contains(BallotTypes, in.BallotType) {
		p.Add("method", "must be one of %s for %s ballots", strings.Join(methods, ", "), in.BallotType)
	}
	if in.BallotType == BallotRanked {
		if !slices.Contains([]string{"winning", "margin", "ratio"}, in.Strength) {
			p.Add("strength", "must be winning, margin or ratio")
		}
		if !slices.Contains([]string{"tied-last", "ignore"}, in.Unranked) {
			p.Add("unranked", "must be tied-last or ignore")
		}
	}
	if in.BallotType == BallotScore && (in.MaxScore < 1 || in.MaxScore > 100) {
		p.Add("max_score", "must be between 1 and 100")
	}
	if in.BallotType == BallotDot && (in.DotPoints < 1 || in.DotPoints > 1000) {
		p.Add("dot_points", "must be between 1 and 1000")
	}
	if in.OpensAt.IsZero() {
		p.Add("opens_at", "is required")
	}
	if in.ClosesAt.IsZero() {
		p.Add("closes_at", "is required")
	} else if !in.ClosesAt.After(in.OpensAt) {
		p.Add("closes_at", "must be after the opening time")
	}
	if len(in.CandidateIDs) < 2 {
		p.Add("candidate_ids", "a round needs at least two candidate initiatives")
	}
	if len(in.CandidateIDs) > 200 {
		p.Add("candidate_ids", "must be at most 200 candidates")
	}
	for id, w := range in.Weights {
		if w < 0 || w > 100 {
			p.Add("weights", "weight of community %d must be between 0 and 100", id)
			break
		}
	}
	return p.Err()
}

// BallotInput is a community's ballot, by initiative id. Only the field of
// the round's ballot type is used.
type BallotInput struct {
	Ranking  [][]int64      `json:"ranking,omitempty" doc:"Ranked: tiers of initiative ids, best first; ties in one tier; unranked ones may be left out."`
	Approved []int64        `json:"approved,omitempty" doc:"Approval: the approved initiative ids."`
	Scores   map[string]int `json:"scores,omitempty" doc:"Score: initiative id → score (0..max_score)."`
	Points   map[string]int `json:"points,omitempty" doc:"Dot: initiative id → points (total at most dot_points)."`
}

// CheckBallot validates a ballot against a round's candidates and limits.
func CheckBallot(r *Round, b BallotInput) error {
	var p Problems
	cand := map[int64]bool{}
	for _, c := range r.Candidates {
		cand[c.ID] = true
	}
	known := func(field string, id int64) bool {
		if !cand[id] {
			p.Add(field, "initiative %d is not a candidate in this round", id)
			return false
		}
		return true
	}
	switch r.BallotType {
	case BallotRanked:
		seen := map[int64]bool{}
		n := 0
		for i, tier := range b.Ranking {
			if len(tier) == 0 {
				p.Add(fmt.Sprintf("ranking[%d]", i), "an empty tier")
			}
			for _, id := range tier {
				if !known("ranking", id) {
					continue
				}
				if seen[id] {
					p.Add("ranking", "initiative %d appears twice", id)
				}
				seen[id] = true
				n++
			}
		}
		if n == 0 && !p.Has("ranking") {
			p.Add("ranking", "rank at least one candidate")
		}
	case BallotApproval:
		seen := map[int64]bool{}
		for _, id := range b.Approved {
			if known("approved", id) && seen[id] {
				p.Add("approved", "initiative %d appears twice", id)
			}
			seen[id] = true
		}
	case BallotScore:
		for _, k := range slices.Sorted(maps.Keys(b.Scores)) {
			s := b.Scores[k]
			id, ok := parseCandidateKey(k)
			if !ok {
				p.Add("scores", "%q is not an initiative id", k)
				continue
			}
			if known("scores", id) && (s < 0 || s > r.MaxScore) {
				p.Add("scores", "score %d for initiative %d is outside 0–%d", s, id, r.MaxScore)
			}
		}
	case BallotDot:
		total := 0
		for _, k := range slices.Sorted(maps.Keys(b.Points)) {
			pts := b.Points[k]
			id, ok := parseCandidateKey(k)
			if !ok {
				p.Add("points", "%q is not an initiative id", k)
				continue
			}
			if known("points", id) && pts < 0 {
				p.Add("points", "points for initiative %d must not be negative", id)
			}
			total += pts
		}
		if total > r.DotPoints {
			p.Add("points", "%d points spent, but each community has %d", total, r.DotPoints)
		}
	}
	return p.Err()
}

// parseCandidateKey reads an initiative id used as a JSON object key: plain
// decimal digits only, as the id prints ("12", not "+12", "012", "0x1f" or
// "12abc").
func parseCandidateKey(k string) (int64, bool) {
	id, err := strconv.ParseInt(k, 10, 64)
	if err != nil || id <= 0 || strconv.FormatInt(id, 10) != k {
		return 0, false
	}
	return id, true
}

// Ballot is a cast ballot.
type Ballot struct {
	CommunityID   int64       `json:"community_id"`
	CommunityName string      `json:"community_name"`
	CastByName    string      `json:"cast_by"`
	CastAt        time.Time   `json:"cast_at"`
	Ballot        BallotInput `json:"ballot"`
	// CommunityArchivedAt is when the voting community was archived, if it
	// is: an archived community's ballot does not count.
	CommunityArchivedAt *time.Time `json:"-"`
}
