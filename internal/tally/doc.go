// Package tally computes the results of consortia votes: which roadmap
// initiatives the member communities prefer, by well-known methods, with an
// explanation, and reproducibly (the same ballots and options always give
// the same result, on the server or offline).
//
// It is pure: no storage, no network, no printing. The CLI ("consortia
// tally") and the web app both go through the same two calls:
//
//	e, err := tally.ParseFile("votes.toi", file) // or build an Election in memory
//	res, err := tally.Tally(e, tally.Options{Method: tally.MethodSchulze})
//	tally.WriteResultJSON(os.Stdout, res)
//
// # Ballots
//
// An Election holds candidate names and ballots of one BallotType:
//   - ranked: tiers of candidates, best first; ties and unranked candidates allowed;
//   - approval: the approved candidates;
//   - score: an integer 0..MaxScore per candidate;
//   - dot: points spread across candidates, at most PointsBudget per ballot.
//
// Every ballot may carry a Weight: a voter weight or the number of identical
// ballots (the count of a PrefLib data line).
//
// # Methods
//
// Ranked ballots are counted with the Schulze method (default), Tideman's
// ranked pairs or the Borda count. Schulze and ranked pairs measure the
// strength of a head-to-head win by winning votes (default), margin or
// ratio, each with the secondary key of Schulze's paper for equal values.
// Unranked candidates are tied below all ranked ones (default) or ignored;
// for Borda, "ignored" is the modified Borda count (see FORMAT.md).
// Approval, score and dot ballots are totalled.
//
// # Ties
//
// A Result's Ranking is a list of tiers. Candidates the method cannot
// separate share a tier, and Winners holds the whole first tier: ties are
// reported, never broken. There is no tie-break option. Ranked pairs does not
// order equally strong wins arbitrarily either: see countRankedPairs.
//
// # Files
//
// ParseFile reads PrefLib ordinal files (.soc, .soi, .toc, .toi) and the
// consortia JSON ballot format (.json, described at ParseJSON and in
// FORMAT.md); WritePrefLib and WriteJSON write them. Bad input never panics:
// every problem is an *InputError with a line number (for files), a field
// path and a kind that errors.Is can match (ErrUnknownCandidate,
// ErrDuplicateCandidate, ErrScoreOutOfRange, ErrOverBudget, ErrSyntax,
// ErrInvalid).
package tally
