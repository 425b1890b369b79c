package tally

// schulzeCount is everything the Schulze method computes, kept together so
// that the explanation can cite it.
type schulzeCount struct {
	n       int
	profile *rankedProfile
	d       []int64    // pairwise matrix, row-major
	links   *linkGraph // direct wins as strength ranks
	paths   []int32    // strongest path strength ranks, row-major
	tiers   [][]int
}

// beats reports whether a's strongest path to b is stronger than b's to a.
func (s *schulzeCount) beats(a, b int) bool {
	return s.paths[a*s.n+b] > s.paths[b*s.n+a]
}

// countSchulze runs the Schulze method (Schulze, "The Schulze Method of
// Voting", section 2): d from the ballots, links where d[a][b] > d[b][a],
// strongest paths by Floyd–Warshall, and a ranks above b exactly when
// p[a][b] is stronger than p[b][a]. That relation is transitive, so it
// layers into tiers; candidates neither of which beats the other share a
// tier or are layered by who else beats them, and never silently split.
func countSchulze(e *Election, o Options) *schulzeCount {
	n := len(e.Candidates)
	s := &schulzeCount{n: n}
	s.profile = buildProfile(e)
	s.d = pairwiseMatrix(e, s.profile, o.Unranked)
	s.links = buildLinkGraph(s.d, n, o.Strength)
	s.paths = strongestPaths(s.links)
	s.tiers = layerTiers(n, s.beats)
	return s
}

func tallySchulze(e *Election, o Options) *Result {
	s := countSchulze(e, o)
	r := newResult(e, o, s.tiers)
	r.Ballots = s.profile.total
	r.DistinctBallots = len(s.profile.reps)
	r.Pairwise = matrixRows(s.d, s.n)
	r.StrongestPaths = make([][]PathStrength, s.n)
	for i := range s.n {
		row := make([]PathStrength, s.n)
		for j := range s.n {
			if rank := s.paths[i*s.n+j]; rank > 0 {
				row[j] = PathStrength(linkValue(o.Strength, s.links.byRank[rank]))
			}
		}
		r.StrongestPaths[i] = row
	}
	r.Explanation = explainSchulze(e, o, s)
	return r
}
