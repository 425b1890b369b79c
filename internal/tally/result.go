package tally

import (
	"encoding/json"
	"math"
)

// Result is the outcome of Tally. Every field is derived from the ballots by
// the documented method; nothing is broken at random. Ties are reported as
// ties: Winners holds every candidate of the first tier of Ranking.
//
// Matrices are indexed like Candidates: Pairwise[i][j] concerns
// Candidates[i] against Candidates[j].
type Result struct {
	// Winners are the names in the first tier of Ranking (more than one
	// means a tie for first place; no tie-break is applied).
	Winners []string `json:"winners"`
	// Ranking lists tiers of names from best to worst; names inside a tier
	// are tied and listed in candidate order.
	Ranking [][]string `json:"ranking"`
	// Method, Strength and Unranked are the options actually used, with
	// defaults filled in; Strength and Unranked are empty when the method
	// does not use them.
	Method   Method       `json:"method"`
	Strength LinkStrength `json:"strength,omitempty"`
	Unranked Unranked     `json:"unranked,omitempty"`
	// Candidates are the candidate names in input order (the matrix index order).
	Candidates []string `json:"candidates"`
	// Ballots is the number of ballots counted, weights included.
	Ballots int64 `json:"ballots"`
	// DistinctBallots is how many different ballots there were after merging
	// identical ones (ranked methods only).
	DistinctBallots int `json:"distinct_ballots,omitempty"`
	// Scores are per-candidate totals for Borda, approval, score and dot
	// voting, in ranking order.
	Scores []CandidateScore `json:"scores,omitempty"`
	// Pairwise[i][j] is the number of voters who ranked candidate i strictly
	// above candidate j (ranked methods only).
	Pairwise [][]int64 `json:"pairwise,omitempty"`
	// StrongestPaths[i][j] is the strength of the strongest path from i to j
	// in the Schulze method, in the unit of Strength (winning votes, margin
	// or ratio); 0 means there is no path.
	StrongestPaths [][]PathStrength `json:"strongest_paths,omitempty"`
	// Majorities are the head-to-head wins in the order ranked pairs
	// considered them, and whether each was locked in.
	Majorities []Majority `json:"majorities,omitempty"`
	// Summary leads the explanation: two or three plain sentences saying
	// who won and by what margin, and any tie.
	Summary []string `json:"summary"`
	// Explanation says in plain sentences how the result came about.
	Explanation []string `json:"explanation"`
}

// CandidateScore is one candidate's total under a scoring method.
type CandidateScore struct {
	Candidate string `json:"candidate"`
	// Total is the Borda points (may end in .5 when ballots have ties), the
	// number of approvals, the sum of scores or the sum of dot points.
	Total float64 `json:"total"`
	// Mean is the average score per ballot (score voting only; a ballot that
	// does not score the candidate counts as 0).
	Mean *float64 `json:"mean,omitempty"`
}

// Majority is one head-to-head win as seen by the ranked pairs method.
type Majority struct {
	Winner  string `json:"winner"`
	Loser   string `json:"loser"`
	For     int64  `json:"for"`
	Against int64  `json:"against"`
	Locked  bool   `json:"locked"`
	// Skipped says why the win was not locked: "cycle" when locking it would
	// contradict stronger wins already locked, "tied-cycle" when it has the
	// same strength as other wins that together would form a cycle (the tie
	// is not broken, so none of them is locked).
	Skipped string `json:"skipped,omitempty"`
}

// PathStrength is a strongest-path strength. It is a float64 because ratio
// strengths are fractions; a ratio with no votes against is +Inf, which JSON
// cannot represent, so it is encoded as the string "Infinity".
type PathStrength float64

// MarshalJSON encodes +Inf as "Infinity" and every other value as a number.
func (s PathStrength) MarshalJSON() ([]byte, error) {
	if math.IsInf(float64(s), 1) {
		return []byte(`"Infinity"`), nil
	}
	return json.Marshal(float64(s))
}

// UnmarshalJSON accepts what MarshalJSON produces.
func (s *PathStrength) UnmarshalJSON(data []byte) error {
	if string(data) == `"Infinity"` {
		*s = PathStrength(math.Inf(1))
		return nil
	}
	var f float64
	if err := json.Unmarshal(data, &f); err != nil {
		return err
	}
	*s = PathStrength(f)
	return nil
}

// tiersToNames converts tiers of candidate indices into tiers of names.
func tiersToNames(names []string, tiers [][]int) [][]string {
	out := make([][]string, len(tiers))
	for t, tier := range tiers {
		out[t] = make([]string, len(tier))
		for k, c := range tier {
			out[t][k] = names[c]
		}
	}
	return out
}

// matrixRows converts a flat row-major n×n matrix into rows.
func matrixRows(d []int64, n int) [][]int64 {
	rows := make([][]int64, n)
	for i := range rows {
		rows[i] = d[i*n : i*n+n : i*n+n]
	}
	return rows
}
