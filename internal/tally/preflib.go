package tally

import (
	"bufio"
	"cmp"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// PrefLib data types of ordinal preference files (https://www.preflib.org/format):
// strict or with ties, complete or incomplete orders.
const (
	PrefLibSOC = "soc" // strict orders, complete
	PrefLibSOI = "soi" // strict orders, incomplete
	PrefLibTOC = "toc" // orders with ties, complete
	PrefLibTOI = "toi" // orders with ties, incomplete
)

// maxLineBytes bounds one line of a PrefLib file.
const maxLineBytes = 16 << 20

// ParsePrefLib reads a PrefLib ordinal file (.soc, .soi, .toc or .toi):
// header lines "# KEY: value" followed by data lines "count: a,b,{c,d},e",
// where numbers are 1-based alternatives, braces group tied alternatives and
// alternatives that are left out are unranked.
//
// dataType ("soc", "soi", "toc", "toi" or "") is what the file name says; a
// "# DATA TYPE" header must agree with it. The data type is enforced: strict
// types reject ties and complete types reject orders that leave an
// alternative out. "# NUMBER ALTERNATIVES" (or, failing that, the highest
// "# ALTERNATIVE NAME i") gives the number of alternatives; unnamed
// alternatives are called "Alternative i". "# NUMBER VOTERS" and
// "# NUMBER UNIQUE ORDERS", when present, must match the data. Other headers
// are ignored, except "# TITLE", which becomes Election.Title.
//
// Errors are *InputError values carrying the 1-based line number, for example
// "line 7: unknown alternative 12".
func ParsePrefLib(r io.Reader, dataType string) (Election, error) {
	p := prefLibParser{dataType: strings.ToLower(dataType), names: map[int]string{}, nameLines: map[int]int{}}
	if p.dataType != "" && !isPrefLibType(p.dataType) {
		return Election{}, inputErr(ErrInvalid, "data type", "unknown PrefLib data type %q; want soc, soi, toc or toi", dataType)
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), maxLineBytes)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff") // a byte order mark some editors add
		}
		text = strings.TrimSpace(text)
		var err *InputError
		switch {
		case text == "":
		case strings.HasPrefix(text, "#"):
			err = p.header(line, strings.TrimSpace(text[1:]))
		default:
			err = p.data(line, text)
		}
		if err != nil {
			return Election{}, err
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return Election{}, lineErr(ErrSyntax, line+1, "line is longer than %d bytes", maxLineBytes)
		}
		return Election{}, err
	}
	return p.finish(line)
}

type prefLibParser struct {
	dataType     string
	dataTypeLine int
	title        string
	alternatives int // from NUMBER ALTERNATIVES, 0 while unknown
	altLine      int
	names        map[int]string
	nameLines    map[int]int
	voters       int64 // from NUMBER VOTERS, -1 when absent
	votersLine   int
	unique       int64
	uniqueLine   int
	inData       bool
	candidates   []string
	ballots      []Ballot
	totalWeight  int64
	scratch      []uint32
}

func isPrefLibType(t string) bool {
	return t == PrefLibSOC || t == PrefLibSOI || t == PrefLibTOC || t == PrefLibTOI
}

func (p *prefLibParser) header(line int, text string) *InputError {
	if p.inData {
		return lineErr(ErrSyntax, line, "header line after the first data line")
	}
	key, value, ok := strings.Cut(text, ":")
	if !ok {
		return lineErr(ErrSyntax, line, "header line must look like \"# KEY: value\"")
	}
	key = strings.ToUpper(strings.TrimSpace(key))
	value = strings.TrimSpace(value)
	number := func() (int64, *InputError) {
		v, err := strconv.ParseInt(value, 10, 64)
		if err != nil || v < 0 {
			return 0, lineErr(ErrSyntax, line, "%s must be a non-negative integer, got %q", key, value)
		}
		return v, nil
	}
	switch {
	case key == "DATA TYPE":
		t := strings.ToLower(value)
		if !isPrefLibType(t) {
			return lineErr(ErrInvalid, line, "unsupported DATA TYPE %q; want soc, soi, toc or toi", value)
		}
		if p.dataType != "" && p.dataType != t {
			if p.dataTypeLine > 0 {
				return lineErr(ErrInvalid, line, "DATA TYPE %s repeats with a different value than on line %d", t, p.dataTypeLine)
			}
			return lineErr(ErrInvalid, line, "DATA TYPE %s does not match the file extension .%s", t, p.dataType)
		}
		p.dataType, p.dataTypeLine = t, line
	case key == "TITLE":
		p.title = value
	case key == "NUMBER ALTERNATIVES":
		v, err := number()
		if err != nil {
			return err
		}
		if v < 1 || v > maxCandidates {
			return lineErr(ErrInvalid, line, "NUMBER ALTERNATIVES must be between 1 and %d, got %d", maxCandidates, v)
		}
		p.alternatives, p.altLine = int(v), line
	case key == "NUMBER VOTERS":
		v, err := number()
		if err != nil {
			return err
		}
		p.voters, p.votersLine = v, line
	case key == "NUMBER UNIQUE ORDERS":
		v, err := number()
		if err != nil {
			return err
		}
		p.unique, p.uniqueLine = v, line
	case strings.HasPrefix(key, "ALTERNATIVE NAME"):
		i, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(key, "ALTERNATIVE NAME")))
		if err != nil || i < 1 || i > maxCandidates {
			return lineErr(ErrSyntax, line, "ALTERNATIVE NAME needs a number between 1 and %d", maxCandidates)
		}
		if prev, dup := p.nameLines[i]; dup {
			return lineErr(ErrDuplicateCandidate, line, "alternative %d is already named on line %d", i, prev)
		}
		if problem := checkCandidateName(value); problem != "" {
			return lineErr(ErrInvalid, line, "%s", problem)
		}
		p.names[i], p.nameLines[i] = value, line
	}
	return nil
}

// startData fixes the candidate list when the first data line arrives.
func (p *prefLibParser) startData(line int) *InputError {
	p.inData = true
	n := p.alternatives
	if n > 0 {
		for _, i := range slices.Sorted(maps.Keys(p.nameLines)) {
			if i > n {
				return lineErr(ErrUnknownCandidate, p.nameLines[i], "ALTERNATIVE NAME %d is beyond NUMBER ALTERNATIVES %d", i, n)
			}
		}
	}
	if n == 0 {
		for i := range p.names {
			n = max(n, i)
		}
	}
	if n == 0 {
		return lineErr(ErrInvalid, line, "the number of alternatives is unknown: add a \"# NUMBER ALTERNATIVES\" header before the data")
	}
	if p.dataType == "" {
		p.dataType = PrefLibTOI // the most permissive type
	}
	p.candidates = make([]string, n)
	seen := map[string]int{}
	for i := 1; i <= n; i++ {
		name, ok := p.names[i]
		if !ok {
			name = fmt.Sprintf("Alternative %d", i)
		}
		if j, dup := seen[name]; dup {
			return lineErr(ErrDuplicateCandidate, max(p.nameLines[i], p.nameLines[j]), "alternatives %d and %d have the same name %q", j, i, name)
		}
		seen[name] = i
		p.candidates[i-1] = name
	}
	p.scratch = make([]uint32, n)
	return nil
}

func (p *prefLibParser) data(line int, text string) *InputError {
	if !p.inData {
		if err := p.startData(line); err != nil {
			return err
		}
	}
	countText, orderText, ok := strings.Cut(text, ":")
	if !ok {
		return lineErr(ErrSyntax, line, "data line must look like \"count: a,b,{c,d}\"")
	}
	count, err := strconv.Atoi(strings.TrimSpace(countText))
	if err != nil || count < 1 {
		return lineErr(ErrSyntax, line, "count must be a positive integer, got %q", strings.TrimSpace(countText))
	}
	if p.totalWeight > (1<<62)-int64(count) {
		return lineErr(ErrInvalid, line, "too many voters")
	}
	p.totalWeight += int64(count)
	ranking, perr := parsePrefLibOrder(orderText, len(p.candidates), p.scratch, uint32(len(p.ballots)+1))
	if perr != "" {
		return lineErr(kindOfOrderProblem(perr), line, "%s", perr)
	}
	strict := p.dataType == PrefLibSOC || p.dataType == PrefLibSOI
	complete := p.dataType == PrefLibSOC || p.dataType == PrefLibTOC
	ranked := 0
	for _, tier := range ranking {
		if strict && len(tier) > 1 {
			return lineErr(ErrInvalid, line, "ties are not allowed in a %s file", p.dataType)
		}
		ranked += len(tier)
	}
	if complete && ranked != len(p.candidates) {
		return lineErr(ErrInvalid, line, "a %s file needs complete orders, but this one ranks %d of %d alternatives", p.dataType, ranked, len(p.candidates))
	}
	p.ballots = append(p.ballots, Ballot{Weight: count, Ranking: ranking})
	return nil
}

// Problems found in an order are returned as text so that the caller can add
// the line; these prefixes choose the error kind.
const (
	orderUnknownPrefix   = "unknown alternative"
	orderDuplicatePrefix = "alternative "
)

func kindOfOrderProblem(problem string) error {
	switch {
	case strings.HasPrefix(problem, orderUnknownPrefix):
		return ErrUnknownCandidate
	case strings.HasPrefix(problem, orderDuplicatePrefix) && strings.HasSuffix(problem, "more than once"):
		return ErrDuplicateCandidate
	}
	return ErrSyntax
}

// parsePrefLibOrder parses "a,b,{c,d},e" into 0-based tiers. seen/stamp
// detect repeated alternatives without clearing scratch space per line. All
// tiers share one backing array, so a line costs two allocations.
func parsePrefLibOrder(s string, n int, seen []uint32, stamp uint32) ([][]int, string) {
	size := strings.Count(s, ",") + 1 // at least the number of alternatives
	members := make([]int, 0, size)
	tierEnds := make([]int, 0, size)
	i := 0
	skipSpace := func() {
		for i < len(s) && (s[i] == ' ' || s[i] == '\t') {
			i++
		}
	}
	number := func() string {
		skipSpace()
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if start == i {
			if i < len(s) {
				return fmt.Sprintf("expected an alternative number at %q", s[i:min(len(s), i+10)])
			}
			return "expected an alternative number at the end of the line"
		}
		v, err := strconv.Atoi(s[start:i])
		if err != nil || v < 1 || v > n {
			return fmt.Sprintf("%s %s", orderUnknownPrefix, s[start:i])
		}
		if seen[v-1] == stamp {
			return fmt.Sprintf("%s%d appears more than once", orderDuplicatePrefix, v)
		}
		seen[v-1] = stamp
		members = append(members, v-1)
		return ""
	}
	skipSpace()
	if i == len(s) {
		return [][]int{}, "" // an empty order: this voter ranked nobody
	}
	for {
		skipSpace()
		if i < len(s) && s[i] == '{' {
			i++
			skipSpace()
			if i < len(s) && s[i] == '}' {
				return nil, "empty braces {}"
			}
			for {
				if problem := number(); problem != "" {
					return nil, problem
				}
				skipSpace()
				if i < len(s) && s[i] == ',' {
					i++
					continue
				}
				if i < len(s) && s[i] == '}' {
					i++
					break
				}
				return nil, "unclosed brace {"
			}
		} else if problem := number(); problem != "" {
			return nil, problem
		}
		tierEnds = append(tierEnds, len(members))
		skipSpace()
		if i == len(s) {
			break
		}
		if s[i] != ',' {
			return nil, fmt.Sprintf("expected ',' at %q", s[i:min(len(s), i+10)])
		}
		i++
	}
	ranking := make([][]int, len(tierEnds))
	start := 0
	for t, end := range tierEnds {
		ranking[t] = members[start:end:end]
		start = end
	}
	return ranking, ""
}

func (p *prefLibParser) finish(lastLine int) (Election, error) {
	if !p.inData {
		if err := p.startData(lastLine + 1); err != nil {
			return Election{}, err
		}
	}
	if p.votersLine > 0 && p.voters != p.totalWeight {
		return Election{}, lineErr(ErrInvalid, p.votersLine, "NUMBER VOTERS says %d but the data lines count %d voters", p.voters, p.totalWeight)
	}
	if p.uniqueLine > 0 && p.unique != int64(len(p.ballots)) {
		return Election{}, lineErr(ErrInvalid, p.uniqueLine, "NUMBER UNIQUE ORDERS says %d but there are %d data lines", p.unique, len(p.ballots))
	}
	return Election{Title: p.title, Candidates: p.candidates, Type: BallotRanked, Ballots: p.ballots}, nil
}

// PrefLibDataType is the PrefLib type that fits a ranked election exactly:
// "soc" when every ballot ranks every candidate without ties, "toc" when
// complete with ties, "soi" when some ballot leaves candidates out but none
// has ties, and "toi" otherwise.
func PrefLibDataType(e Election) (string, error) {
	if e.Type != BallotRanked {
		return "", inputErr(ErrInvalid, "ballot_type", "PrefLib ordinal files hold ranked ballots, not %s ballots", e.Type)
	}
	complete, strict := true, true
	for _, b := range e.Ballots {
		ranked := 0
		for _, tier := range b.Ranking {
			ranked += len(tier)
			if len(tier) > 1 {
				strict = false
			}
		}
		if ranked != len(e.Candidates) {
			complete = false
		}
	}
	switch {
	case complete && strict:
		return PrefLibSOC, nil
	case complete:
		return PrefLibTOC, nil
	case strict:
		return PrefLibSOI, nil
	}
	return PrefLibTOI, nil
}

// WritePrefLib writes a ranked election as a PrefLib ordinal file of the
// type PrefLibDataType chooses (use it for the file extension). Identical
// rankings are merged into one line with their summed weight, lines are
// ordered by descending count (then by first appearance), and tied
// alternatives are listed in ascending order, so the output is canonical:
// ParsePrefLib gives back an election with the same ballots up to that
// merging.
func WritePrefLib(w io.Writer, e Election) error {
	if err := e.Validate(); err != nil {
		return err
	}
	dataType, err := PrefLibDataType(e)
	if err != nil {
		return err
	}
	profile := buildProfile(&e)
	order := make([]int, len(profile.reps))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(profile.weights[b], profile.weights[a]) })

	bw := bufio.NewWriter(w)
	if e.Title != "" {
		fmt.Fprintf(bw, "# TITLE: %s\n", oneLine(e.Title))
	}
	fmt.Fprintf(bw, "# DATA TYPE: %s\n", dataType)
	fmt.Fprintf(bw, "# MODIFICATION TYPE: original\n")
	fmt.Fprintf(bw, "# NUMBER ALTERNATIVES: %d\n", len(e.Candidates))
	fmt.Fprintf(bw, "# NUMBER VOTERS: %d\n", profile.total)
	fmt.Fprintf(bw, "# NUMBER UNIQUE ORDERS: %d\n", len(profile.reps))
	for i, name := range e.Candidates {
		fmt.Fprintf(bw, "# ALTERNATIVE NAME %d: %s\n", i+1, name)
	}
	var buf []byte
	for _, u := range order {
		buf = strconv.AppendInt(buf[:0], profile.weights[u], 10)
		buf = append(buf, ':')
		for t, tier := range e.Ballots[profile.reps[u]].Ranking {
			if t == 0 {
				buf = append(buf, ' ')
			} else {
				buf = append(buf, ',')
			}
			sorted := slices.Sorted(slices.Values(tier))
			if len(sorted) > 1 {
				buf = append(buf, '{')
			}
			for k, c := range sorted {
				if k > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendInt(buf, int64(c+1), 10)
			}
			if len(sorted) > 1 {
				buf = append(buf, '}')
			}
		}
		buf = append(buf, '\n')
		bw.Write(buf)
	}
	return bw.Flush()
}

// oneLine replaces line breaks and other control characters with spaces so
// that free text fits a header line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
