package tally_test

import (
	"fmt"
	"os"
	"strings"

	"consortia/internal/tally"
)

func ExampleTally() {
	e := tally.Election{
		Candidates: []string{"Search", "Dark mode", "Offline sync"},
		Type:       tally.BallotRanked,
		Ballots: []tally.Ballot{
			{Weight: 5, Ranking: [][]int{{0}, {2}, {1}}},
			{Weight: 4, Ranking: [][]int{{1}, {2}, {0}}},
			{Weight: 2, Ranking: [][]int{{2}, {1, 0}}},
		},
	}
	res, err := tally.Tally(e, tally.Options{}) // Schulze, winning votes, unranked tied last
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("winners:", res.Winners)
	fmt.Println("ranking:", res.Ranking)
	for _, sentence := range res.Explanation {
		fmt.Println(sentence)
	}
	// Output:
	// winners: [Offline sync]
	// ranking: [[Offline sync] [Search] [Dark mode]]
	// Counted 11 ballots (3 distinct rankings) with the Schulze method. Candidates a ballot leaves unranked count as tied below all candidates it ranks.
	// Offline sync beats Search 6 to 5.
	// Offline sync beats Dark mode 7 to 4.
	// Search beats Dark mode 5 to 4.
	// Offline sync is the Condorcet winner: it beats every other candidate head to head.
	// A path is a chain of head-to-head wins, and its strength is that of its weakest win, measured by winning votes (the number of voters preferring the winner; with equal numbers, fewer voters preferring the loser is stronger). The Schulze method ranks one candidate above another when its strongest path to the other is stronger than the other's strongest path back.
	// Offline sync's strongest path to Search is Offline sync > Search with strength 6 (weakest win 6 to 5); Search has no path to Offline sync.
	// Offline sync's strongest path to Dark mode is Offline sync > Dark mode with strength 7 (weakest win 7 to 4); Dark mode has no path to Offline sync.
	// Offline sync wins because its strongest path to every other candidate is stronger than the reverse.
	// Final ranking: Offline sync > Search > Dark mode.
}

func ExampleParseFile() {
	file := `# DATA TYPE: soi
# NUMBER ALTERNATIVES: 3
# ALTERNATIVE NAME 1: Search
# ALTERNATIVE NAME 2: Dark mode
# ALTERNATIVE NAME 3: Offline sync
4: 1,3
3: 2,3,1
2: 3
1: 2,7
`
	_, err := tally.ParseFile("roadmap.soi", strings.NewReader(file))
	fmt.Println(err)
	// Output:
	// line 9: unknown alternative 7
}

// The JSON the CLI prints: one field per line, lists one element per line.
func ExampleWriteResultJSON() {
	e := tally.Election{
		Candidates: []string{"A", "B"},
		Type:       tally.BallotApproval,
		Ballots:    []tally.Ballot{{Approved: []int{0, 1}}, {Approved: []int{1}}},
	}
	res, _ := tally.Tally(e, tally.Options{})
	tally.WriteResultJSON(os.Stdout, res)
	// Output:
	// {
	//   "winners": ["B"],
	//   "ranking": [
	//     ["B"],
	//     ["A"]
	//   ],
	//   "method": "approval",
	//   "candidates": ["A", "B"],
	//   "ballots": 2,
	//   "scores": [
	//     {"candidate": "B", "total": 2},
	//     {"candidate": "A", "total": 1}
	//   ],
	//   "summary": ["B wins with 2 approvals, 1 more than A."],
	//   "explanation": [
	//     "Counted 2 ballots: each candidate's total is the number of ballots approving it.",
	//     "B: approved on 2 ballots.",
	//     "A: approved on 1 ballot.",
	//     "B wins with the most approvals.",
	//     "Final ranking: B > A."
	//   ]
	// }
}
