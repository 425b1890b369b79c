package tally

import (
	"fmt"
	"strings"
)

// summarize leads the explanation with two or three plain sentences: who won
// and by what margin, and any tie. The full explanation gives the details.
func summarize(r *Result) []string {
	if len(r.Ranking) == 0 {
		return nil
	}
	winners := r.Ranking[0]
	var out []string
	switch {
	case len(winners) > 1:
		out = append(out, fmt.Sprintf("%s tie for first place; no tie-break was applied.", joinList(winners)))
	case len(r.Ranking) == 1:
		out = append(out, winners[0]+" wins as the only candidate.")
	default:
		out = append(out, winnerSentence(r, winners[0], r.Ranking[1]))
	}
	place := len(winners) + 1
	for _, tier := range r.Ranking[1:] {
		if len(tier) > 1 {
			out = append(out, fmt.Sprintf("%s share place %d.", joinList(tier), place))
			break // one tie below the top is enough for a summary
		}
		place += len(tier)
	}
	return out
}

// winnerSentence says by how much a single winner is ahead of the next place.
func winnerSentence(r *Result, winner string, next []string) string {
	if r.Method == MethodSchulze || r.Method == MethodRankedPairs {
		index := map[string]int{}
		for i, c := range r.Candidates {
			index[c] = i
		}
		w := index[winner]
		var wins, losses []string
		for _, name := range next {
			x := index[name]
			for_, against := r.Pairwise[w][x], r.Pairwise[x][w]
			score := fmt.Sprintf("%s %d to %d", name, max(for_, against), min(for_, against))
			if for_ > against {
				wins = append(wins, score)
			} else {
				losses = append(losses, score)
			}
		}
		if len(losses) == 0 {
			place := "the next place"
			if len(next) > 1 {
				place = "tied in the next place"
			}
			return fmt.Sprintf("%s wins: head to head it beats %s, %s.", winner, joinList(wins), place)
		}
		return fmt.Sprintf("%s wins although it does not beat %s head to head (%s); its wins over the other candidates decide.",
			winner, joinList(next), strings.Join(losses, ", "))
	}
	totals := map[string]float64{}
	for _, s := range r.Scores {
		totals[s.Candidate] = s.Total
	}
	lead := totals[winner] - totals[next[0]]
	runnerUp := next[0]
	if len(next) > 1 {
		runnerUp = joinList(next) + " (tied)"
	}
	return fmt.Sprintf("%s wins with %s, %s more than %s.", winner, totalText(r.Method, totals[winner]), formatNumber(lead), runnerUp)
}

// totalText names a candidate's total in the unit of the method.
func totalText(m Method, total float64) string {
	switch m {
	case MethodApproval:
		return plural(int64(total), "approval", "approvals")
	case MethodScore:
		return "a total score of " + formatNumber(total)
	}
	if total == 1 {
		return "1 point"
	}
	return formatNumber(total) + " points"
}
