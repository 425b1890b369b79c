package tally

// Tally counts an election with the chosen method and explains the outcome.
// It validates the election and the options first and returns an
// *InputError for anything invalid; it never panics on bad input.
//
// The zero Options pick the natural method for the ballot type (Schulze
// with winning votes and unranked candidates tied last for ranked ballots).
// Counting is deterministic: the same election and options always give the
// same Result, independent of ballot order.
func Tally(e Election, opts Options) (*Result, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	o, optErr := opts.resolve(e.Type)
	if optErr != nil {
		return nil, optErr
	}
	if (o.Method == MethodSchulze || o.Method == MethodRankedPairs || o.Method == MethodBorda) && len(e.Candidates) > maxPairwiseCandidates {
		return nil, inputErr(ErrInvalid, "candidates", "method %s supports at most %d candidates, got %d", o.Method, maxPairwiseCandidates, len(e.Candidates))
	}
	var r *Result
	switch o.Method {
	case MethodSchulze:
		r = tallySchulze(&e, o)
	case MethodRankedPairs:
		r = tallyRankedPairs(&e, o)
	case MethodBorda:
		r = tallyBorda(&e, o)
	default:
		r = tallyCardinal(&e, o)
	}
	r.Summary = summarize(r)
	return r, nil
}

// maxPairwiseCandidates bounds the pairwise methods, whose memory grows with
// the square and whose time grows with the cube of the number of candidates.
const maxPairwiseCandidates = 2000

// newResult fills the fields every method shares.
func newResult(e *Election, o Options, tiers [][]int) *Result {
	r := &Result{
		Method:     o.Method,
		Strength:   o.Strength,
		Unranked:   o.Unranked,
		Candidates: append([]string(nil), e.Candidates...),
		Ranking:    tiersToNames(e.Candidates, tiers),
	}
	if len(r.Ranking) > 0 {
		r.Winners = append([]string(nil), r.Ranking[0]...)
	}
	return r
}
