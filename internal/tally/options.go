package tally

// Method names a counting method. The string values are what the CLI's
// --method flag and the web API accept.
type Method string

const (
	// MethodSchulze is the Schulze (beatpath) method for ranked ballots; the default for them.
	MethodSchulze Method = "schulze"
	// MethodRankedPairs is Tideman's ranked pairs method for ranked ballots.
	MethodRankedPairs Method = "ranked-pairs"
	// MethodBorda is the Borda count for ranked ballots.
	MethodBorda Method = "borda"
	// MethodApproval counts approvals; the only method for approval ballots.
	MethodApproval Method = "approval"
	// MethodScore sums scores (and reports means); the only method for score ballots.
	MethodScore Method = "score"
	// MethodDot sums points; the only method for dot ballots.
	MethodDot Method = "dot"
)

// Methods lists every method, for help texts and forms.
var Methods = []Method{MethodSchulze, MethodRankedPairs, MethodBorda, MethodApproval, MethodScore, MethodDot}

// LinkStrength says how the strength of a head-to-head win is measured by
// the Schulze and ranked pairs methods. Each definition has a secondary key
// for equal primary values, as in Schulze's paper (section 2.1) and the
// Debian constitution, so that "equal strength" only happens when the two
// wins have identical vote counts.
type LinkStrength string

const (
	// StrengthWinning measures a win of A over B by the number of voters
	// preferring A to B; with equal numbers, fewer voters preferring B is stronger.
	StrengthWinning LinkStrength = "winning"
	// StrengthMargin measures it by votes for minus votes against; with equal
	// margins, more votes for is stronger.
	StrengthMargin LinkStrength = "margin"
	// StrengthRatio measures it by votes for divided by votes against
	// (infinite when nobody voted against); with equal ratios, more votes for
	// is stronger.
	StrengthRatio LinkStrength = "ratio"
)

// LinkStrengths lists every link strength definition.
var LinkStrengths = []LinkStrength{StrengthWinning, StrengthMargin, StrengthRatio}

// Unranked says how ranked methods treat candidates a ballot does not rank.
type Unranked string

const (
	// UnrankedTiedLast treats unranked candidates as tied with each other
	// below every ranked candidate (the Debian and Schulze convention).
	UnrankedTiedLast Unranked = "tied-last"
	// UnrankedIgnore records no preference between an unranked candidate and
	// anyone else on that ballot. For Borda it selects the modified Borda
	// count: a ballot ranking k candidates gives k, k-1, ..., 1 points to
	// them and 0 to the unranked.
	UnrankedIgnore Unranked = "ignore"
)

// UnrankedModes lists every treatment of unranked candidates.
var UnrankedModes = []Unranked{UnrankedTiedLast, UnrankedIgnore}

// Options selects the counting method. The zero value picks the defaults:
// the natural method for the ballot type (Schulze for ranked ballots),
// winning votes, and unranked candidates tied last.
type Options struct {
	Method   Method
	Strength LinkStrength
	Unranked Unranked
}

// resolve fills in defaults and rejects options that do not apply to the
// ballot type, so that a result never silently ignores what the caller asked.
func (o Options) resolve(t BallotType) (Options, *InputError) {
	natural := map[BallotType]Method{
		BallotRanked:   MethodSchulze,
		BallotApproval: MethodApproval,
		BallotScore:    MethodScore,
		BallotDot:      MethodDot,
	}
	if o.Method == "" {
		o.Method = natural[t]
	}
	switch o.Method {
	case MethodSchulze, MethodRankedPairs, MethodBorda:
		if t != BallotRanked {
			return o, inputErr(ErrInvalid, "method", "method %s needs ranked ballots, but the ballots are %s ballots; use method %s", o.Method, t, natural[t])
		}
	case MethodApproval, MethodScore, MethodDot:
		if natural[t] != o.Method {
			return o, inputErr(ErrInvalid, "method", "method %s cannot count %s ballots; use method %s", o.Method, t, natural[t])
		}
	default:
		return o, inputErr(ErrInvalid, "method", "unknown method %q; want one of %s", o.Method, joinNames(Methods))
	}

	pairwise := o.Method == MethodSchulze || o.Method == MethodRankedPairs
	switch {
	case o.Strength == "" && pairwise:
		o.Strength = StrengthWinning
	case o.Strength == "":
	case !pairwise:
		return o, inputErr(ErrInvalid, "strength", "link strength only applies to methods schulze and ranked-pairs, not %s", o.Method)
	case o.Strength != StrengthWinning && o.Strength != StrengthMargin && o.Strength != StrengthRatio:
		return o, inputErr(ErrInvalid, "strength", "unknown link strength %q; want one of %s", o.Strength, joinNames(LinkStrengths))
	}

	ranked := pairwise || o.Method == MethodBorda
	switch {
	case o.Unranked == "" && ranked:
		o.Unranked = UnrankedTiedLast
	case o.Unranked == "":
	case !ranked:
		return o, inputErr(ErrInvalid, "unranked", "the unranked option only applies to ranked methods, not %s", o.Method)
	case o.Unranked != UnrankedTiedLast && o.Unranked != UnrankedIgnore:
		return o, inputErr(ErrInvalid, "unranked", "unknown treatment of unranked candidates %q; want one of %s", o.Unranked, joinNames(UnrankedModes))
	}
	return o, nil
}
