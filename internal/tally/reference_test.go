package tally

// Brute-force reference implementations, written for obviousness rather
// than speed, used to cross-check the real ones on small elections.

// bruteForcePairwise counts d[i][j] ballot by ballot and pair by pair from
// tier positions.
func bruteForcePairwise(e Election, mode Unranked) [][]int64 {
	n := len(e.Candidates)
	d := make([][]int64, n)
	for i := range d {
		d[i] = make([]int64, n)
	}
	for _, b := range e.Ballots {
		pos := make([]int, n)
		for c := range pos {
			pos[c] = -1 // unranked
		}
		for t, tier := range b.Ranking {
			for _, c := range tier {
				pos[c] = t
			}
		}
		for i := range n {
			for j := range n {
				pi, pj := pos[i], pos[j]
				if mode == UnrankedTiedLast {
					if pi < 0 {
						pi = len(b.Ranking)
					}
					if pj < 0 {
						pj = len(b.Ranking)
					}
				} else if pi < 0 || pj < 0 {
					continue
				}
				if pi < pj {
					d[i][j] += b.EffectiveWeight()
				}
			}
		}
	}
	return d
}

// bruteForceStrongestPaths tries every simple path between every pair of
// candidates and keeps the one whose weakest link is strongest.
func bruteForceStrongestPaths(d [][]int64, s LinkStrength) [][]PathStrength {
	n := len(d)
	isLink := func(a, b int) bool { return d[a][b] > d[b][a] }
	out := make([][]PathStrength, n)
	for from := range n {
		out[from] = make([]PathStrength, n)
		for to := range n {
			if from == to {
				continue
			}
			var best *link
			visited := make([]bool, n)
			var walk func(at int, weakest *link)
			walk = func(at int, weakest *link) {
				if at == to {
					if best == nil || compareLinks(s, *weakest, *best) > 0 {
						w := *weakest
						best = &w
					}
					return
				}
				visited[at] = true
				for next := range n {
					if visited[next] || !isLink(at, next) {
						continue
					}
					l := link{d[at][next], d[next][at]}
					if weakest != nil && compareLinks(s, *weakest, l) < 0 {
						l = *weakest
					}
					walk(next, &l)
				}
				visited[at] = false
			}
			walk(from, nil)
			if best != nil {
				out[from][to] = PathStrength(linkValue(s, *best))
			}
		}
	}
	return out
}

// bruteForceBorda scores each ballot by counting, for every candidate, the
// candidates strictly below it and (halved) the others tied with it, plus,
// for the modified count (UnrankedIgnore), one point per ranked candidate.
func bruteForceBorda(e Election, mode Unranked) []float64 {
	n := len(e.Candidates)
	totals := make([]float64, n)
	for _, b := range e.Ballots {
		pos := make([]int, n)
		for c := range pos {
			pos[c] = -1
		}
		for t, tier := range b.Ranking {
			for _, c := range tier {
				pos[c] = t
			}
		}
		for i := range n {
			for j := range n {
				pi, pj := pos[i], pos[j]
				if i == j {
					continue
				}
				if mode == UnrankedTiedLast {
					if pi < 0 {
						pi = len(b.Ranking)
					}
					if pj < 0 {
						pj = len(b.Ranking)
					}
				} else if pi < 0 || pj < 0 {
					continue
				}
				w := float64(b.EffectiveWeight())
				switch {
				case pi < pj:
					totals[i] += w
				case pi == pj:
					totals[i] += w / 2
				}
			}
			if mode == UnrankedIgnore && pos[i] >= 0 {
				// The modified Borda count: one point more for a ranked
				// candidate than the candidates below it.
				totals[i] += float64(b.EffectiveWeight())
			}
		}
	}
	return totals
}
