package tally

// countBorda returns each candidate's Borda points times two (so that the
// half points of ties stay integers), plus the profile it used.
//
// With UnrankedTiedLast (the classic Borda count) a candidate scores, on
// each ballot, one point for every candidate ranked strictly below it and
// half a point for every other candidate in its own tier; the unranked form
// a last tier and share its half points.
//
// With UnrankedIgnore it is the modified Borda count (Emerson): a ballot that
// ranks k candidates gives k points to its first, k-1 to its second, ... and
// 1 to its last ranked candidate, and 0 to the unranked, so a bullet vote
// still puts its candidate ahead of the rest. That is one point more than
// the classic count of the ranked candidates alone; candidates tied in a
// tier share the points of the places they occupy (the mean).
func countBorda(e *Election, p *rankedProfile, mode Unranked) []int64 {
	n := len(e.Candidates)
	doubled := make([]int64, n)
	for u, bi := range p.reps {
		w := p.weights[u]
		ranking := e.Ballots[bi].Ranking
		ranked := 0
		for _, tier := range ranking {
			ranked += len(tier)
		}
		below := 0        // candidates counted below the current tier
		bonus := int64(2) // the modified count's extra point, doubled
		if mode == UnrankedTiedLast {
			below, bonus = n-ranked, 0
		}
		for t := len(ranking) - 1; t >= 0; t-- {
			tier := ranking[t]
			points := int64(2*below+len(tier)-1) + bonus
			for _, c := range tier {
				doubled[c] += w * points
			}
			below += len(tier)
		}
		if mode == UnrankedTiedLast && ranked < n {
			// The unranked tier: half a point per other unranked candidate.
			unrankedPoints := int64(n - ranked - 1)
			if unrankedPoints > 0 {
				isRanked := make([]bool, n)
				for _, tier := range ranking {
					for _, c := range tier {
						isRanked[c] = true
					}
				}
				for c := range n {
					if !isRanked[c] {
						doubled[c] += w * unrankedPoints
					}
				}
			}
		}
	}
	return doubled
}

func tallyBorda(e *Election, o Options) *Result {
	n := len(e.Candidates)
	p := buildProfile(e)
	doubled := countBorda(e, p, o.Unranked)
	totals := make([]float64, n)
	for c, v := range doubled {
		totals[c] = float64(v) / 2
	}
	tiers := tiersByTotal(totals)
	r := newResult(e, o, tiers)
	r.Ballots = p.total
	r.DistinctBallots = len(p.reps)
	r.Pairwise = matrixRows(pairwiseMatrix(e, p, o.Unranked), n)
	r.Scores = scoresInRankingOrder(e, tiers, totals, nil)
	r.Explanation = explainBorda(e, o, r)
	return r
}

// scoresInRankingOrder lists totals (and means, if given) best first.
func scoresInRankingOrder(e *Election, tiers [][]int, totals, means []float64) []CandidateScore {
	out := make([]CandidateScore, 0, len(totals))
	for _, tier := range tiers {
		for _, c := range tier {
			s := CandidateScore{Candidate: e.Candidates[c], Total: totals[c]}
			if means != nil {
				m := means[c]
				s.Mean = &m
			}
			out = append(out, s)
		}
	}
	return out
}
