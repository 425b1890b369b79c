package tally

// tallyCardinal counts approval, score and dot ballots: each candidate's
// total is the weighted sum of its approvals, scores or points, and
// candidates are ranked by total with equal totals tied. For score ballots
// the mean per ballot is reported as well (an unscored candidate counts 0,
// so ranking by mean and by total agree).
func tallyCardinal(e *Election, o Options) *Result {
	n := len(e.Candidates)
	totals := make([]float64, n)
	sums := make([]int64, n)
	var ballots int64
	for i := range e.Ballots {
		b := &e.Ballots[i]
		w := b.EffectiveWeight()
		ballots += w
		switch e.Type {
		case BallotApproval:
			for _, c := range b.Approved {
				sums[c] += w
			}
		case BallotScore:
			for c, s := range b.Scores {
				sums[c] += w * int64(s)
			}
		case BallotDot:
			for c, p := range b.Points {
				sums[c] += w * int64(p)
			}
		}
	}
	for c, s := range sums {
		totals[c] = float64(s)
	}
	var means []float64
	if e.Type == BallotScore {
		means = make([]float64, n)
		if ballots > 0 {
			for c, s := range sums {
				means[c] = float64(s) / float64(ballots)
			}
		}
	}
	tiers := tiersByTotal(totals)
	r := newResult(e, o, tiers)
	r.Ballots = ballots
	r.Scores = scoresInRankingOrder(e, tiers, totals, means)
	r.Explanation = explainCardinal(e, o, r)
	return r
}
