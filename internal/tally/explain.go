package tally

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Explanations grow with the number of candidates; past these sizes the
// per-pair and per-candidate sentences are left out (the matrices and scores
// in the Result still hold every number) so that output stays readable.
const (
	explainPairsUpTo      = 10 // candidates for which every head-to-head result is spelled out
	explainPathsUpTo      = 20 // candidates for which winners' paths are spelled out
	explainMajoritiesUpTo = 45 // ranked pairs decisions spelled out
	explainScoresUpTo     = 50 // candidates whose totals are spelled out
)

func explainSchulze(e *Election, o Options, s *schulzeCount) []string {
	names, n := e.Candidates, s.n
	out := []string{
		fmt.Sprintf("Counted %s with the Schulze method. %s", ballotsPhrase(s.profile.total, len(s.profile.reps), "ranking"), unrankedSentence(o.Unranked)),
	}
	if n == 1 {
		return append(out, names[0]+" wins as the only candidate.")
	}
	out = append(out, headToHead(names, s.d, s.tiers)...)
	out = append(out, condorcetSentence(names, s.d))
	out = append(out, "A path is a chain of head-to-head wins, and its strength is that of its weakest win, "+strengthDefinition(o.Strength)+" "+
		"The Schulze method ranks one candidate above another when its strongest path to the other is stronger than the other's strongest path back.")

	describe := func(from, to int) string {
		rank := s.paths[from*n+to]
		if rank == 0 {
			return fmt.Sprintf("%s has no path to %s", names[from], names[to])
		}
		strength := strengthText(o.Strength, s.links.byRank[rank])
		if n <= explainPathsUpTo {
			return fmt.Sprintf("%s strongest path to %s is %s with strength %s", possessive(names[from]), names[to], pathText(names, findPath(s.links, from, to, rank)), strength)
		}
		return fmt.Sprintf("%s strongest path to %s has strength %s", possessive(names[from]), names[to], strength)
	}
	winners := s.tiers[0]
	if n > 1 && n <= explainPathsUpTo {
		for k, w := range winners {
			for t, tier := range s.tiers {
				for _, x := range tier {
					if x == w || (t == 0 && slices.Index(winners, x) < k) {
						continue // itself, or a pair of winners already described
					}
					forward, backward := s.paths[w*n+x], s.paths[x*n+w]
					if forward == 0 && backward == 0 {
						out = append(out, fmt.Sprintf("Neither %s nor %s has a path to the other.", names[w], names[x]))
						continue
					}
					out = append(out, describe(w, x)+"; "+describe(x, w)+compareClause(o.Strength, s.links, forward, backward)+".")
				}
			}
		}
	}
	switch {
	case len(winners) == 1:
		out = append(out, fmt.Sprintf("%s wins because its strongest path to every other candidate is stronger than the reverse.", names[winners[0]]))
	default:
		out = append(out, fmt.Sprintf("%s are tied for first place: each one's strongest path to every other candidate is at least as strong as the reverse, and between them the paths are equally strong. No tie-break was applied.", nameList(names, winners)))
	}
	out = append(out, tiedTierSentences(names, s.tiers[1:], "none of them has a stronger path to another of them than the reverse")...)
	out = append(out, "Final ranking: "+rankingText(names, s.tiers)+".")
	if note := layeringNote(names, s.tiers, s.beats, "has a stronger path to the other"); note != "" {
		out = append(out, note)
	}
	return out
}

func explainRankedPairs(e *Election, o Options, pc *pairsCount) []string {
	names := e.Candidates
	out := []string{
		fmt.Sprintf("Counted %s with the ranked pairs method. %s", ballotsPhrase(pc.profile.total, len(pc.profile.reps), "ranking"), unrankedSentence(o.Unranked)),
	}
	if pc.n == 1 {
		return append(out, names[0]+" wins as the only candidate.")
	}
	out = append(out, headToHead(names, pc.d, pc.tiers)...)
	out = append(out, condorcetSentence(names, pc.d))
	out = append(out, "Head-to-head wins are taken from strongest to weakest, "+strengthDefinition(o.Strength)+
		" Each win is locked in unless it would create a cycle with wins locked before it.")
	if len(pc.majorities) <= explainMajoritiesUpTo {
		for _, m := range pc.majorities {
			win := fmt.Sprintf("%s over %s (%d to %d)", names[m.winner], names[m.loser], m.l.win, m.l.lose)
			switch m.skipped {
			case skippedCycle:
				out = append(out, "Skipped "+win+": locking it would create a cycle with wins already locked.")
			case skippedTiedCycle:
				out = append(out, "Skipped "+win+": it is exactly as strong as other wins with which it would form a cycle; that tie is not broken, so none of them is locked.")
			default:
				out = append(out, "Locked "+win+".")
			}
		}
	} else {
		out = append(out, fmt.Sprintf("%d head-to-head wins were considered; the majorities list shows which were locked.", len(pc.majorities)))
	}
	winners := pc.tiers[0]
	switch {
	case len(winners) == 1:
		out = append(out, names[winners[0]]+" wins because no locked win puts anyone above it.")
	default:
		out = append(out, nameList(names, winners)+" are tied for first place: no locked win puts anyone above any of them. No tie-break was applied.")
	}
	out = append(out, tiedTierSentences(names, pc.tiers[1:], "no locked win orders them")...)
	out = append(out, "Final ranking: "+rankingText(names, pc.tiers)+".")
	if note := layeringNote(names, pc.tiers, func(a, b int) bool { return pc.reachesByLocked(a, b) }, "is above the other through locked wins"); note != "" {
		out = append(out, note)
	}
	return out
}

// reachesByLocked reports whether a chain of locked wins leads from a to b.
func (pc *pairsCount) reachesByLocked(a, b int) bool {
	seen := make([]bool, pc.n)
	stack := []int{a}
	seen[a] = true
	for len(stack) > 0 {
		x := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for y := range pc.n {
			if pc.locked[x*pc.n+y] && !seen[y] {
				if y == b {
					return true
				}
				seen[y] = true
				stack = append(stack, y)
			}
		}
	}
	return false
}

func explainBorda(e *Election, o Options, r *Result) []string {
	var out []string
	if o.Unranked == UnrankedIgnore {
		out = append(out,
			fmt.Sprintf("Counted %s with the modified Borda count: a ballot that ranks k candidates gives k points to its first choice, k−1 to its second and so on down to 1 point for its last, and candidates tied with each other share the points of their places.", ballotsPhrase(r.Ballots, r.DistinctBallots, "ranking")),
			"Candidates a ballot leaves unranked score nothing from it, so ranking a single candidate still puts that candidate ahead of the rest.")
	} else {
		out = append(out,
			fmt.Sprintf("Counted %s with the Borda count: on each ballot a candidate scores 1 point for every candidate ranked below it and 1/2 point for every other candidate tied with it.", ballotsPhrase(r.Ballots, r.DistinctBallots, "ranking")),
			"Candidates a ballot leaves unranked count as tied below all ranked candidates on that ballot.")
	}
	out = append(out, scoreLines(r, func(s CandidateScore) string {
		return fmt.Sprintf("%s: %s points.", s.Candidate, formatNumber(s.Total))
	})...)
	out = append(out, cardinalWinnerSentence(r, "the most points"))
	out = append(out, "Final ranking: "+rankingNames(r.Ranking)+".")
	return out
}

func explainCardinal(e *Election, o Options, r *Result) []string {
	var out []string
	switch e.Type {
	case BallotApproval:
		out = append(out, fmt.Sprintf("Counted %s: each candidate's total is the number of ballots approving it.", ballotsPhrase(r.Ballots, 0, "")))
		out = append(out, scoreLines(r, func(s CandidateScore) string {
			return fmt.Sprintf("%s: approved on %s.", s.Candidate, plural(int64(s.Total), "ballot", "ballots"))
		})...)
		out = append(out, cardinalWinnerSentence(r, "the most approvals"))
	case BallotScore:
		out = append(out, fmt.Sprintf("Counted %s with scores from 0 to %d: each candidate's total is the sum of its scores and its mean is that total divided by the number of ballots; a candidate a ballot does not score gets 0 from it.", ballotsPhrase(r.Ballots, 0, ""), e.MaxScore))
		out = append(out, scoreLines(r, func(s CandidateScore) string {
			return fmt.Sprintf("%s: total %s, mean %s.", s.Candidate, formatNumber(s.Total), strconv.FormatFloat(*s.Mean, 'f', 2, 64))
		})...)
		out = append(out, cardinalWinnerSentence(r, "the highest total score"))
	case BallotDot:
		out = append(out, fmt.Sprintf("Counted %s of up to %d points each: each candidate's total is the sum of the points it received.", ballotsPhrase(r.Ballots, 0, ""), e.PointsBudget))
		out = append(out, scoreLines(r, func(s CandidateScore) string {
			return fmt.Sprintf("%s: %s points.", s.Candidate, formatNumber(s.Total))
		})...)
		out = append(out, cardinalWinnerSentence(r, "the most points"))
	}
	out = append(out, "Final ranking: "+rankingNames(r.Ranking)+".")
	return out
}

// --- shared sentence builders ---

func ballotsPhrase(total int64, distinct int, distinctNoun string) string {
	s := plural(total, "ballot", "ballots")
	if distinctNoun != "" && int64(distinct) != total {
		s += fmt.Sprintf(" (%s)", plural(int64(distinct), "distinct "+distinctNoun, "distinct "+distinctNoun+"s"))
	}
	return s
}

func unrankedSentence(mode Unranked) string {
	if mode == UnrankedIgnore {
		return "A ballot that leaves a candidate unranked records no preference between that candidate and any other."
	}
	return "Candidates a ballot leaves unranked count as tied below all candidates it ranks."
}

func strengthDefinition(s LinkStrength) string {
	switch s {
	case StrengthMargin:
		return "measured by the margin (voters for minus voters against; with equal margins, more voters for is stronger)."
	case StrengthRatio:
		return "measured by the ratio of voters for to voters against (infinite when nobody is against; with equal ratios, more voters for is stronger)."
	default:
		return "measured by winning votes (the number of voters preferring the winner; with equal numbers, fewer voters preferring the loser is stronger)."
	}
}

// strengthText shows a link's strength in the unit of s, with the raw counts.
func strengthText(s LinkStrength, l link) string {
	counts := fmt.Sprintf("weakest win %d to %d", l.win, l.lose)
	switch s {
	case StrengthMargin:
		return fmt.Sprintf("%d (%s)", l.win-l.lose, counts)
	case StrengthRatio:
		if l.lose == 0 {
			return "infinite (" + counts + ")"
		}
		return fmt.Sprintf("%s (%s)", strconv.FormatFloat(float64(l.win)/float64(l.lose), 'f', 3, 64), counts)
	default:
		return fmt.Sprintf("%d (%s)", l.win, counts)
	}
}

// compareClause spells out which of two path strengths wins when the shown
// values alone would not make it obvious.
func compareClause(s LinkStrength, g *linkGraph, forward, backward int32) string {
	if forward == backward {
		return "; they are equally strong"
	}
	if forward == 0 || backward == 0 {
		return ""
	}
	a, b := g.byRank[forward], g.byRank[backward]
	if linkValue(s, a) != linkValue(s, b) {
		return ""
	}
	if s == StrengthWinning {
		return fmt.Sprintf("; both have %d winning votes, and fewer voters against on the weakest win (%d vs %d) decides", a.win, a.lose, b.lose)
	}
	return fmt.Sprintf("; the values are equal, and more voters for on the weakest win (%d vs %d) decides", a.win, b.win)
}

// findPath returns a path from "from" to "to" that uses only wins of at least
// the given strength rank (breadth-first, so it is a shortest such path).
func findPath(g *linkGraph, from, to int, minRank int32) []int {
	n := g.n
	prev := make([]int, n)
	for i := range prev {
		prev[i] = -1
	}
	prev[from] = from
	queue := []int{from}
	for len(queue) > 0 && prev[to] < 0 {
		x := queue[0]
		queue = queue[1:]
		for y := range n {
			if prev[y] < 0 && g.rank[x*n+y] >= minRank {
				prev[y] = x
				queue = append(queue, y)
			}
		}
	}
	if prev[to] < 0 {
		return nil
	}
	var path []int
	for x := to; x != from; x = prev[x] {
		path = append(path, x)
	}
	path = append(path, from)
	for i, j := 0, len(path)-1; i < j; i, j = i+1, j-1 {
		path[i], path[j] = path[j], path[i]
	}
	return path
}

func pathText(names []string, path []int) string {
	parts := make([]string, len(path))
	for i, c := range path {
		parts[i] = names[c]
	}
	return strings.Join(parts, " > ")
}

// headToHead spells out every pairwise contest for small elections, in
// ranking order, winner first.
func headToHead(names []string, d []int64, tiers [][]int) []string {
	n := len(names)
	if n < 2 {
		return nil
	}
	if n > explainPairsUpTo {
		return []string{fmt.Sprintf("The head-to-head counts for all %d pairs of candidates are in the pairwise matrix.", n*(n-1)/2)}
	}
	var order []int
	for _, tier := range tiers {
		order = append(order, tier...)
	}
	var out []string
	for x := 0; x < len(order); x++ {
		for y := x + 1; y < len(order); y++ {
			a, b := order[x], order[y]
			ab, ba := d[a*n+b], d[b*n+a]
			switch {
			case ab > ba:
				out = append(out, fmt.Sprintf("%s beats %s %d to %d.", names[a], names[b], ab, ba))
			case ba > ab:
				out = append(out, fmt.Sprintf("%s beats %s %d to %d.", names[b], names[a], ba, ab))
			default:
				out = append(out, fmt.Sprintf("%s and %s tie %d to %d.", names[a], names[b], ab, ba))
			}
		}
	}
	return out
}

func condorcetSentence(names []string, d []int64) string {
	n := len(names)
	for c := range n {
		wins := true
		for x := range n {
			if x != c && d[c*n+x] <= d[x*n+c] {
				wins = false
				break
			}
		}
		if wins {
			return names[c] + " is the Condorcet winner: it beats every other candidate head to head."
		}
	}
	return "No candidate beats every other candidate head to head, so indirect wins decide."
}

func tiedTierSentences(names []string, tiers [][]int, reason string) []string {
	var out []string
	for _, tier := range tiers {
		if len(tier) > 1 && len(names) <= explainPathsUpTo {
			out = append(out, fmt.Sprintf("%s share a place: %s.", nameList(names, tier), reason))
		}
	}
	return out
}

// layeringNote points out the first place where tiers order two candidates
// that the method itself leaves unordered (possible when ties make the
// method's order partial), so nobody reads more into the ranking than it says.
func layeringNote(names []string, tiers [][]int, above func(a, b int) bool, relation string) string {
	for t := 0; t+1 < len(tiers); t++ {
		for _, a := range tiers[t] {
			for _, b := range tiers[t+1] {
				if !above(a, b) {
					return fmt.Sprintf("Note: each tier holds the remaining candidates that nobody remaining is ranked above. %s is listed above %s although neither %s; %s is only placed lower because another candidate above it remained.",
						names[a], names[b], relation, names[b])
				}
			}
		}
	}
	return ""
}

func scoreLines(r *Result, line func(CandidateScore) string) []string {
	if len(r.Scores) > explainScoresUpTo {
		return []string{fmt.Sprintf("The totals of all %d candidates are in the scores list.", len(r.Scores))}
	}
	out := make([]string, len(r.Scores))
	for i, s := range r.Scores {
		out[i] = line(s)
	}
	return out
}

func cardinalWinnerSentence(r *Result, what string) string {
	if len(r.Winners) == 1 {
		return fmt.Sprintf("%s wins with %s.", r.Winners[0], what)
	}
	return fmt.Sprintf("%s are tied for first place with %s. No tie-break was applied.", joinList(r.Winners), what)
}

func rankingText(names []string, tiers [][]int) string {
	return rankingNames(tiersToNames(names, tiers))
}

func rankingNames(tiers [][]string) string {
	parts := make([]string, len(tiers))
	for i, tier := range tiers {
		parts[i] = strings.Join(tier, " = ")
	}
	return strings.Join(parts, " > ")
}

func nameList(names []string, idx []int) string {
	list := make([]string, len(idx))
	for i, c := range idx {
		list[i] = names[c]
	}
	return joinList(list)
}

// joinList writes "A", "A and B" or "A, B and C".
func joinList(items []string) string {
	switch len(items) {
	case 0:
		return ""
	case 1:
		return items[0]
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}

func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// possessive writes "Alerts'" for a name ending in s and "Quota's" otherwise.
func possessive(name string) string {
	if strings.HasSuffix(name, "s") || strings.HasSuffix(name, "S") {
		return name + "'"
	}
	return name + "'s"
}

func formatNumber(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
