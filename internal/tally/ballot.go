package tally

import (
	"fmt"
	"maps"
	"slices"
	"unicode"
)

// BallotType says what a voter expresses on a ballot. An election holds
// ballots of exactly one type.
type BallotType string

const (
	// BallotRanked ballots order candidates in tiers (ties allowed); candidates
	// missing from a ballot are "unranked" (see Unranked).
	BallotRanked BallotType = "ranked"
	// BallotApproval ballots list the approved candidates.
	BallotApproval BallotType = "approval"
	// BallotScore ballots give each candidate an integer score 0..MaxScore;
	// a candidate the ballot does not score counts as 0.
	BallotScore BallotType = "score"
	// BallotDot ballots spread at most PointsBudget points across candidates.
	BallotDot BallotType = "dot"
)

// BallotTypes lists every supported ballot type, for help texts and forms.
var BallotTypes = []BallotType{BallotRanked, BallotApproval, BallotScore, BallotDot}

// Ballot is one voter's ballot, or Weight identical ones. Candidates are
// referred to by their index in Election.Candidates. Only the field that
// matches the election's BallotType may be set.
type Ballot struct {
	// Weight is how many times this ballot counts: a voter weight or the
	// multiplicity of identical ballots (the "count" of a PrefLib line).
	// 0 means the default of 1; negative weights are invalid.
	Weight int
	// Ranking is used by ranked ballots: tiers from most to least preferred;
	// candidates inside one tier are tied. Ranking [][]int{{2}, {0, 1}} means
	// candidate 2 first, then 0 and 1 tied. Candidates not listed are unranked.
	Ranking [][]int
	// Approved is used by approval ballots: the approved candidates.
	Approved []int
	// Scores is used by score ballots: candidate index to score.
	Scores map[int]int
	// Points is used by dot ballots: candidate index to points given.
	Points map[int]int
}

// EffectiveWeight is the weight the ballot counts with (Weight, or 1 when zero).
func (b Ballot) EffectiveWeight() int64 {
	if b.Weight == 0 {
		return 1
	}
	return int64(b.Weight)
}

// Election is the input to Tally: candidates plus ballots of one type.
type Election struct {
	// Title is optional and only carried through the file formats.
	Title string
	// Candidates are the candidate names, unique and non-empty. Results
	// refer to candidates by these names.
	Candidates []string
	// Type is the kind of every ballot in Ballots.
	Type BallotType
	// MaxScore is the highest allowed score of score ballots (scores are 0..MaxScore).
	MaxScore int
	// PointsBudget is how many points each dot ballot may spread at most.
	PointsBudget int
	// Ballots are the cast ballots.
	Ballots []Ballot
}

// Validate checks the candidates, options and every ballot, and returns the
// first problem as an *InputError (nil if the election is valid). Tally calls
// it; callers that build elections from user input may call it earlier to
// reject bad ballots at submission time.
func (e *Election) Validate() error {
	if err := e.validateHeader(); err != nil {
		return err
	}
	seen := make([]uint32, len(e.Candidates))
	for i := range e.Ballots {
		if err := e.validateBallot(i, &e.Ballots[i], seen, uint32(i+1)); err != nil {
			return err
		}
	}
	return nil
}

// maxCandidates bounds the candidate list so that a hostile file cannot make
// the parsers or the O(n²) pairwise methods allocate without limit.
const maxCandidates = 100_000

func (e *Election) validateHeader() *InputError {
	if len(e.Candidates) == 0 {
		return inputErr(ErrInvalid, "candidates", "the election has no candidates")
	}
	if len(e.Candidates) > maxCandidates {
		return inputErr(ErrInvalid, "candidates", "%d candidates is more than the supported %d", len(e.Candidates), maxCandidates)
	}
	names := make(map[string]int, len(e.Candidates))
	for i, name := range e.Candidates {
		field := fmt.Sprintf("candidates[%d]", i)
		if err := checkCandidateName(name); err != "" {
			return inputErr(ErrInvalid, field, "%s", err)
		}
		if j, dup := names[name]; dup {
			return inputErr(ErrDuplicateCandidate, field, "candidate %q is listed twice (also at index %d)", name, j)
		}
		names[name] = i
	}
	switch e.Type {
	case BallotRanked, BallotApproval:
	case BallotScore:
		if e.MaxScore < 1 {
			return inputErr(ErrInvalid, "options.max_score", "score ballots need a maximum score of at least 1, got %d", e.MaxScore)
		}
	case BallotDot:
		if e.PointsBudget < 1 {
			return inputErr(ErrInvalid, "options.points", "dot ballots need a points budget of at least 1, got %d", e.PointsBudget)
		}
	case "":
		return inputErr(ErrInvalid, "ballot_type", "the ballot type is missing; want one of %s", joinNames(BallotTypes))
	default:
		return inputErr(ErrInvalid, "ballot_type", "unknown ballot type %q; want one of %s", e.Type, joinNames(BallotTypes))
	}
	return nil
}

// checkCandidateName returns a problem description, or "" if the name is fine.
// Control characters are rejected because names are written into line-based
// PrefLib files and shown in plain-text explanations.
func checkCandidateName(name string) string {
	if name == "" {
		return "candidate name is empty"
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Sprintf("candidate name %q contains a control character", name)
		}
	}
	return ""
}

// validateBallot checks ballot i. seen is scratch space of len(Candidates);
// stamp must differ from every stamp used before with the same scratch, which
// lets duplicate detection run without clearing it between ballots.
func (e *Election) validateBallot(i int, b *Ballot, seen []uint32, stamp uint32) *InputError {
	// Field paths are only formatted on error: validation runs over every
	// ballot of large elections and must not allocate on the happy path.
	at := func(format string, args ...any) string {
		return fmt.Sprintf("ballots[%d]", i) + fmt.Sprintf(format, args...)
	}
	if b.Weight < 0 {
		return inputErr(ErrInvalid, at(".weight"), "weight must be positive, got %d", b.Weight)
	}
	n := len(e.Candidates)
	candidate := func(c int) string {
		if c >= 0 && c < n {
			return fmt.Sprintf("%q", e.Candidates[c])
		}
		return fmt.Sprint(c)
	}
	for _, f := range [...]struct {
		name    string
		present bool
		allowed bool
	}{
		{"ranking", b.Ranking != nil, e.Type == BallotRanked},
		{"approved", b.Approved != nil, e.Type == BallotApproval},
		{"scores", b.Scores != nil, e.Type == BallotScore},
		{"points", b.Points != nil, e.Type == BallotDot},
	} {
		if f.present && !f.allowed {
			return inputErr(ErrInvalid, at(".%s", f.name), "a %s ballot cannot have %s", e.Type, f.name)
		}
	}
	switch e.Type {
	case BallotRanked:
		for t, tier := range b.Ranking {
			if len(tier) == 0 {
				return inputErr(ErrInvalid, at(".ranking[%d]", t), "tier is empty")
			}
			for _, c := range tier {
				if c < 0 || c >= n {
					return inputErr(ErrUnknownCandidate, at(".ranking[%d]", t), "unknown candidate index %d", c)
				}
				if seen[c] == stamp {
					return inputErr(ErrDuplicateCandidate, at(".ranking[%d]", t), "candidate %s appears more than once in the ranking", candidate(c))
				}
				seen[c] = stamp
			}
		}
	case BallotApproval:
		for _, c := range b.Approved {
			if c < 0 || c >= n {
				return inputErr(ErrUnknownCandidate, at(".approved"), "unknown candidate index %d", c)
			}
			if seen[c] == stamp {
				return inputErr(ErrDuplicateCandidate, at(".approved"), "candidate %s is approved more than once", candidate(c))
			}
			seen[c] = stamp
		}
	case BallotScore:
		for _, c := range sortedKeys(b.Scores) {
			s := b.Scores[c]
			if c < 0 || c >= n {
				return inputErr(ErrUnknownCandidate, at(".scores"), "unknown candidate index %d", c)
			}
			if s < 0 || s > e.MaxScore {
				return inputErr(ErrScoreOutOfRange, at(".scores"), "score %d for candidate %s is outside 0..%d", s, candidate(c), e.MaxScore)
			}
		}
	case BallotDot:
		var spent int
		over := false
		for _, c := range sortedKeys(b.Points) {
			p := b.Points[c]
			if c < 0 || c >= n {
				return inputErr(ErrUnknownCandidate, at(".points"), "unknown candidate index %d", c)
			}
			if p < 0 {
				return inputErr(ErrInvalid, at(".points"), "points for candidate %s must not be negative, got %d", candidate(c), p)
			}
			// Compare before adding so that huge values cannot overflow.
			if p > e.PointsBudget-spent {
				over = true
			} else {
				spent += p
			}
		}
		if over {
			return inputErr(ErrOverBudget, at(".points"), "ballot spends more than the budget of %d points", e.PointsBudget)
		}
	}
	return nil
}

func joinNames[S ~string](items []S) string {
	s := ""
	for i, it := range items {
		if i > 0 {
			s += ", "
		}
		s += string(it)
	}
	return s
}

// sortedKeys returns the candidate indices of a score or points map in
// ascending order, so that validation and writers behave deterministically.
func sortedKeys(m map[int]int) []int {
	return slices.Sorted(maps.Keys(m))
}
