package tally

import (
	"cmp"
	"slices"
)

// layerTiers ranks candidates by an acyclic "beats" relation: the first tier
// is every candidate nobody beats, the next tier is every candidate beaten
// only by candidates of earlier tiers, and so on. Inside a tier candidates
// keep their input order. If a beats b, a always lands in an earlier tier
// than b, and each candidate after the first tier is beaten by someone in
// the tier just above it.
func layerTiers(n int, beats func(a, b int) bool) [][]int {
	beatenBy := make([]int, n)
	for a := range n {
		for b := range n {
			if a != b && beats(a, b) {
				beatenBy[b]++
			}
		}
	}
	placed := make([]bool, n)
	var tiers [][]int
	var current []int
	for c := range n {
		if beatenBy[c] == 0 {
			current = append(current, c)
		}
	}
	left := n
	for len(current) > 0 {
		tiers = append(tiers, current)
		left -= len(current)
		for _, c := range current {
			placed[c] = true
		}
		var next []int
		for _, a := range current {
			for b := range n {
				if !placed[b] && a != b && beats(a, b) {
					beatenBy[b]--
					if beatenBy[b] == 0 {
						next = append(next, b)
					}
				}
			}
		}
		slices.Sort(next)
		current = next
	}
	if left > 0 {
		// Unreachable for the acyclic relations used here; kept so that a bug
		// shows up as a visible tie instead of candidates vanishing.
		var rest []int
		for c := range n {
			if !placed[c] {
				rest = append(rest, c)
			}
		}
		tiers = append(tiers, rest)
	}
	return tiers
}

// tiersByTotal ranks candidates by descending total; equal totals tie.
func tiersByTotal(totals []float64) [][]int {
	order := make([]int, len(totals))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(totals[b], totals[a]) })
	var tiers [][]int
	for k, c := range order {
		if k == 0 || totals[c] != totals[order[k-1]] {
			tiers = append(tiers, nil)
		}
		tiers[len(tiers)-1] = append(tiers[len(tiers)-1], c)
	}
	return tiers
}
