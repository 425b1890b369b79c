package tally

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// JSONFormat is the value of the "format" field of the consortia ballot
// export format understood by ParseJSON and written by WriteJSON.
const JSONFormat = "consortia-ballots/1"

// ParseJSON reads the consortia ballot export format. A document is one JSON
// object:
//
//	{
//	  "format": "consortia-ballots/1",
//	  "title": "Roadmap Q3",                    (optional)
//	  "ballot_type": "ranked",                  ("ranked", "approval", "score" or "dot")
//	  "candidates": ["Search", "Dark mode", "Offline sync"],
//	  "options": {"max_score": 5, "points": 10}, (only what the ballot type needs)
//	  "ballots": [ ... ]
//	}
//
// Each ballot is an object with an optional "weight" (a positive integer,
// default 1: a voter weight or a count of identical ballots) and exactly one
// field matching ballot_type, naming candidates by their names:
//
//	ranked:   {"ranking": [["Search"], ["Dark mode", "Offline sync"]]}
//	          tiers from most to least preferred; names inside a tier are tied;
//	          unlisted candidates are unranked; [] ranks nobody.
//	approval: {"approved": ["Search", "Offline sync"]}
//	score:    {"scores": {"Search": 5, "Dark mode": 2}}
//	          integers 0..options.max_score; unlisted candidates score 0.
//	dot:      {"points": {"Search": 7, "Offline sync": 3}}
//	          non-negative integers adding up to at most options.points.
//
// "options.max_score" is required for score ballots and "options.points" for
// dot ballots; neither may appear for other ballot types. Unknown fields,
// repeated fields and repeated candidates are errors, so typos do not go
// unnoticed. Errors are *InputError values with the line number and a field
// path such as "ballots[3].ranking[1]". FORMAT.md has the full description.
func ParseJSON(r io.Reader) (Election, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return Election{}, err
	}
	p := jsonParser{data: data, dec: json.NewDecoder(bytes.NewReader(data)), keyLines: map[string]int64{}}
	p.dec.DisallowUnknownFields()
	doc, perr := p.document()
	if perr != nil {
		return Election{}, perr
	}
	return p.election(doc)
}

type jsonDocument struct {
	format     *string
	title      string
	ballotType *string
	candidates []string
	options    *jsonOptions
	ballots    []jsonBallot
	starts     []int64 // byte offset where each ballot begins
}

type jsonOptions struct {
	MaxScore *int `json:"max_score"`
	Points   *int `json:"points"`
}

type jsonBallot struct {
	Weight   *int          `json:"weight"`
	Ranking  *jsonRanking  `json:"ranking"`
	Approved *jsonApproved `json:"approved"`
	Scores   *namedNumbers `json:"scores"`
	Points   *namedNumbers `json:"points"`
}

// namedNumbers is a JSON object of candidate name to integer that keeps its
// keys in order and, unlike a Go map, lets repeated names be reported.
type namedNumbers []namedNumber

type namedNumber struct {
	name  string
	value int
}

// valueError marks a well-formed JSON value of the wrong kind, so that it is
// reported as ErrInvalid rather than ErrSyntax.
type valueError struct{ msg string }

func (e *valueError) Error() string { return e.msg }

func (m *namedNumbers) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return &valueError{"expected an object of candidate names to integers"}
	}
	*m = namedNumbers{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		name, _ := tok.(string)
		var num json.Number
		if err := dec.Decode(&num); err != nil {
			return &valueError{fmt.Sprintf("value for %q must be an integer", name)}
		}
		v, err := strconv.Atoi(num.String())
		if err != nil {
			return &valueError{fmt.Sprintf("value for %q must be an integer, got %s", name, num)}
		}
		*m = append(*m, namedNumber{name, v})
	}
	_, err := dec.Token()
	return err
}

type jsonParser struct {
	data     []byte
	dec      *json.Decoder
	keyLines map[string]int64 // offset of each top-level key
}

// lineAt converts a byte offset into a 1-based line number.
func (p *jsonParser) lineAt(offset int64) int {
	offset = min(max(offset, 0), int64(len(p.data)))
	return 1 + bytes.Count(p.data[:offset], []byte("\n"))
}

// decodeErr turns an encoding/json error into an *InputError with a line
// number. base is where the failed Decoder.Decode call began scanning (see
// decodeBase), or -1 for errors of Decoder.Token, whose offsets are absolute.
// Errors without an offset are placed at fallback.
func (p *jsonParser) decodeErr(err error, field string, base, fallback int64) *InputError {
	offset := fallback
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var value *valueError
	kind := ErrSyntax
	switch {
	case errors.As(err, &syntax) && base < 0:
		offset = syntax.Offset
	case errors.As(err, &syntax):
		// A stream decoder's syntax offsets count every byte it has scanned
		// for values so far, which is not a position in the input; scanning
		// the value again on its own gives the true position.
		again := json.NewDecoder(bytes.NewReader(p.data[base:]))
		var raw json.RawMessage
		if errors.As(again.Decode(&raw), &syntax) {
			offset = base + syntax.Offset
		}
	case errors.As(err, &typ):
		if base >= 0 {
			offset = base + typ.Offset // relative to the value being decoded
		}
		path := field
		if typ.Field != "" {
			path = strings.TrimPrefix(path+"."+typ.Field, ".")
		}
		last := path[strings.LastIndexAny(path, ".]")+1:]
		want, ok := expectedJSON[last]
		if !ok {
			want = "a value of another type"
		}
		return &InputError{Field: path, Line: p.lineAt(offset), Message: fmt.Sprintf("expected %s, got a JSON %s", want, typ.Value), Kind: ErrInvalid}
	case errors.As(err, &value):
		kind = ErrInvalid
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return &InputError{Field: field, Line: p.lineAt(int64(len(p.data))), Message: "unexpected end of the document", Kind: ErrSyntax}
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	return &InputError{Field: field, Line: p.lineAt(offset), Message: msg, Kind: kind}
}

// expectedJSON describes each field's expected JSON type for error messages.
var expectedJSON = map[string]string{
	"format":      "a string",
	"title":       "a string",
	"ballot_type": "a string",
	"candidates":  "an array of candidate names",
	"options":     "an object",
	"max_score":   "an integer",
	"points":      "an integer",
	"weight":      "a positive integer",
	"ranking":     "an array of tiers, each an array of candidate names",
	"approved":    "an array of candidate names",
}

// decodeBase is where the decoder will start scanning the next value passed
// to Decode: past whitespace and one separator (",", ":"), as
// encoding/json's stream decoder consumes them first.
func (p *jsonParser) decodeBase() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) && isJSONSpace(p.data[off]) {
		off++
	}
	if off < int64(len(p.data)) && (p.data[off] == ',' || p.data[off] == ':') {
		off++
	}
	return off
}

func isJSONSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// nextStart skips whitespace and separators to find where the next value begins.
func (p *jsonParser) nextStart() int64 {
	off := p.dec.InputOffset()
	for off < int64(len(p.data)) {
		switch p.data[off] {
		case ' ', '\t', '\r', '\n', ',', ':':
			off++
			continue
		}
		break
	}
	return off
}

func (p *jsonParser) document() (*jsonDocument, *InputError) {
	doc := &jsonDocument{}
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.decodeErr(err, "", -1, p.nextStart())
	}
	if tok != json.Delim('{') {
		return nil, &InputError{Line: p.lineAt(0), Message: "a ballot file must be a JSON object", Kind: ErrSyntax}
	}
	for p.dec.More() {
		keyStart := p.nextStart()
		tok, err := p.dec.Token()
		if err != nil {
			return nil, p.decodeErr(err, "", -1, keyStart)
		}
		key, _ := tok.(string)
		if _, dup := p.keyLines[key]; dup {
			return nil, &InputError{Field: key, Line: p.lineAt(keyStart), Message: "field appears more than once", Kind: ErrSyntax}
		}
		p.keyLines[key] = keyStart
		valueStart := p.nextStart()
		base := p.decodeBase()
		var derr error
		switch key {
		case "format":
			derr = p.dec.Decode(&doc.format)
		case "title":
			derr = p.dec.Decode(&doc.title)
		case "ballot_type":
			derr = p.dec.Decode(&doc.ballotType)
		case "candidates":
			derr = p.dec.Decode(&doc.candidates)
		case "options":
			derr = p.dec.Decode(&doc.options)
		case "ballots":
			if err := p.ballots(doc); err != nil {
				return nil, err
			}
		default:
			return nil, &InputError{Field: key, Line: p.lineAt(keyStart), Message: fmt.Sprintf("unknown field %q", key), Kind: ErrSyntax}
		}
		if derr != nil {
			return nil, p.decodeErr(derr, key, base, valueStart)
		}
	}
	if _, err := p.dec.Token(); err != nil { // the closing brace
		return nil, p.decodeErr(err, "", -1, p.nextStart())
	}
	if _, err := p.dec.Token(); err != io.EOF {
		return nil, &InputError{Line: p.lineAt(p.nextStart()), Message: "unexpected data after the JSON object", Kind: ErrSyntax}
	}
	return doc, nil
}

func (p *jsonParser) ballots(doc *jsonDocument) *InputError {
	start := p.nextStart()
	tok, err := p.dec.Token()
	if err != nil {
		return p.decodeErr(err, "ballots", -1, start)
	}
	if tok == nil {
		return nil // "ballots": null, same as no ballots
	}
	if tok != json.Delim('[') {
		return &InputError{Field: "ballots", Line: p.lineAt(start), Message: "must be an array of ballots", Kind: ErrSyntax}
	}
	for p.dec.More() {
		start := p.nextStart()
		base := p.decodeBase()
		var b jsonBallot
		if err := p.dec.Decode(&b); err != nil {
			return p.decodeErr(err, fmt.Sprintf("ballots[%d]", len(doc.ballots)), base, start)
		}
		doc.ballots = append(doc.ballots, b)
		doc.starts = append(doc.starts, start)
	}
	if _, err := p.dec.Token(); err != nil {
		return p.decodeErr(err, "ballots", -1, p.nextStart())
	}
	return nil
}

// election checks the decoded document and converts names into indices.
func (p *jsonParser) election(doc *jsonDocument) (Election, error) {
	at := func(key string) int {
		if off, ok := p.keyLines[key]; ok {
			return p.lineAt(off)
		}
		return 1 // not present: point at the start of the document
	}
	missing := func(field string) error {
		return &InputError{Field: field, Line: p.lineAt(0), Message: "required field is missing", Kind: ErrInvalid}
	}
	if doc.format == nil {
		return Election{}, missing("format")
	}
	if *doc.format != JSONFormat {
		return Election{}, &InputError{Field: "format", Line: at("format"), Message: fmt.Sprintf("unsupported format %q; want %q", *doc.format, JSONFormat), Kind: ErrInvalid}
	}
	if doc.ballotType == nil {
		return Election{}, missing("ballot_type")
	}
	if doc.candidates == nil {
		return Election{}, missing("candidates")
	}
	e := Election{Title: doc.title, Candidates: doc.candidates, Type: BallotType(*doc.ballotType)}
	if !slices.Contains(BallotTypes, e.Type) {
		return Election{}, &InputError{Field: "ballot_type", Line: at("ballot_type"), Message: fmt.Sprintf("unknown ballot type %q; want one of %s", e.Type, joinNames(BallotTypes)), Kind: ErrInvalid}
	}
	opts := doc.options
	if opts == nil {
		opts = &jsonOptions{}
	}
	optionErr := func(field, msg string) error {
		return &InputError{Field: "options." + field, Line: at("options"), Message: msg, Kind: ErrInvalid}
	}
	switch {
	case e.Type == BallotScore && opts.MaxScore == nil:
		return Election{}, optionErr("max_score", "score ballots need options.max_score")
	case e.Type == BallotDot && opts.Points == nil:
		return Election{}, optionErr("points", "dot ballots need options.points")
	case e.Type != BallotScore && opts.MaxScore != nil:
		return Election{}, optionErr("max_score", "max_score only applies to score ballots")
	case e.Type != BallotDot && opts.Points != nil:
		return Election{}, optionErr("points", "points only applies to dot ballots")
	}
	if opts.MaxScore != nil {
		e.MaxScore = *opts.MaxScore
	}
	if opts.Points != nil {
		e.PointsBudget = *opts.Points
	}
	if err := e.validateHeader(); err != nil {
		key := err.Field
		if i := strings.IndexAny(key, ".["); i >= 0 {
			key = key[:i]
		}
		err.Line = at(key)
		return Election{}, err
	}

	index := make(map[string]int, len(e.Candidates))
	for i, name := range e.Candidates {
		index[name] = i
	}
	e.Ballots = make([]Ballot, len(doc.ballots))
	seen := make([]uint32, len(e.Candidates))
	for i := range doc.ballots {
		if err := convertJSONBallot(&e, index, i, &doc.ballots[i], seen); err != nil {
			err.Line = p.lineAt(doc.starts[i])
			return Election{}, err
		}
	}
	return e, nil
}

func convertJSONBallot(e *Election, index map[string]int, i int, jb *jsonBallot, seen []uint32) *InputError {
	// Field paths are only formatted on error, as in validateBallot.
	at := func(format string, args ...any) string {
		return fmt.Sprintf("ballots[%d]", i) + fmt.Sprintf(format, args...)
	}
	b := &e.Ballots[i]
	b.Weight = 1
	if jb.Weight != nil {
		if *jb.Weight < 1 {
			return inputErr(ErrInvalid, at(".weight"), "weight must be a positive integer, got %d", *jb.Weight)
		}
		b.Weight = *jb.Weight
	}
	fields := [...]struct {
		name    string
		present bool
		wanted  bool
	}{
		{"ranking", jb.Ranking != nil, e.Type == BallotRanked},
		{"approved", jb.Approved != nil, e.Type == BallotApproval},
		{"scores", jb.Scores != nil, e.Type == BallotScore},
		{"points", jb.Points != nil, e.Type == BallotDot},
	}
	var want string
	for _, f := range fields {
		if f.wanted {
			want = f.name
		}
	}
	for _, f := range fields {
		if f.present && !f.wanted {
			return inputErr(ErrInvalid, at(".%s", f.name), "a %s ballot cannot have %q; it needs %q", e.Type, f.name, want)
		}
	}
	for _, f := range fields {
		if f.wanted && !f.present {
			return inputErr(ErrInvalid, at(""), "a %s ballot needs %q", e.Type, want)
		}
	}
	unknown := func(sub, name string) *InputError {
		return inputErr(ErrUnknownCandidate, sub, "unknown candidate %q", name)
	}
	switch e.Type {
	case BallotRanked:
		// One backing array for all tiers: one allocation per ballot.
		all := make([]int, jb.Ranking.size())
		b.Ranking = make([][]int, jb.Ranking.groups())
		for t := range b.Ranking {
			start, end := jb.Ranking.group(t)
			for k := start; k < end; k++ {
				c, ok := index[jb.Ranking.name(k)]
				if !ok {
					return unknown(at(".ranking[%d]", t), jb.Ranking.name(k))
				}
				all[k] = c
			}
			b.Ranking[t] = all[start:end:end]
		}
	case BallotApproval:
		b.Approved = make([]int, jb.Approved.size())
		for k := range b.Approved {
			c, ok := index[jb.Approved.name(k)]
			if !ok {
				return unknown(at(".approved"), jb.Approved.name(k))
			}
			b.Approved[k] = c
		}
	case BallotScore, BallotDot:
		values, sub := jb.Scores, ".scores"
		if e.Type == BallotDot {
			values, sub = jb.Points, ".points"
		}
		m := make(map[int]int, len(*values))
		for _, nv := range *values {
			c, ok := index[nv.name]
			if !ok {
				return unknown(at("%s", sub), nv.name)
			}
			if _, dup := m[c]; dup {
				return inputErr(ErrDuplicateCandidate, at("%s", sub), "candidate %q appears more than once", nv.name)
			}
			m[c] = nv.value
		}
		if e.Type == BallotScore {
			b.Scores = m
		} else {
			b.Points = m
		}
	}
	return e.validateBallot(i, b, seen, uint32(i+1))
}

// WriteJSON writes an election in the consortia ballot export format (see
// ParseJSON), one ballot per line, in ballot order, with candidates inside a
// tier and score/point entries in candidate order. ParseJSON reads it back to
// the same election (weights of 0 come back as the 1 they stand for).
func WriteJSON(w io.Writer, e Election) error {
	if err := e.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	str := func(s string) string {
		b, _ := json.Marshal(s)
		return string(b)
	}
	names := func(idx []int) string {
		parts := make([]string, len(idx))
		for k, c := range idx {
			parts[k] = str(e.Candidates[c])
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	values := func(m map[int]int) string {
		parts := make([]string, 0, len(m))
		for _, c := range sortedKeys(m) {
			parts = append(parts, str(e.Candidates[c])+": "+strconv.Itoa(m[c]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	fmt.Fprintf(bw, "{\n  \"format\": %s,\n", str(JSONFormat))
	if e.Title != "" {
		fmt.Fprintf(bw, "  \"title\": %s,\n", str(e.Title))
	}
	fmt.Fprintf(bw, "  \"ballot_type\": %s,\n", str(string(e.Type)))
	fmt.Fprintf(bw, "  \"candidates\": %s,\n", names(indices(len(e.Candidates))))
	switch e.Type {
	case BallotScore:
		fmt.Fprintf(bw, "  \"options\": {\"max_score\": %d},\n", e.MaxScore)
	case BallotDot:
		fmt.Fprintf(bw, "  \"options\": {\"points\": %d},\n", e.PointsBudget)
	}
	bw.WriteString("  \"ballots\": [")
	for i, b := range e.Ballots {
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n    {")
		if w := b.EffectiveWeight(); w != 1 {
			fmt.Fprintf(bw, "\"weight\": %d, ", w)
		}
		switch e.Type {
		case BallotRanked:
			tiers := make([]string, len(b.Ranking))
			for t, tier := range b.Ranking {
				tiers[t] = names(tier)
			}
			bw.WriteString("\"ranking\": [" + strings.Join(tiers, ", ") + "]")
		case BallotApproval:
			bw.WriteString("\"approved\": " + names(b.Approved))
		case BallotScore:
			bw.WriteString("\"scores\": " + values(b.Scores))
		case BallotDot:
			bw.WriteString("\"points\": " + values(b.Points))
		}
		bw.WriteString("}")
	}
	if len(e.Ballots) > 0 {
		bw.WriteString("\n  ")
	}
	bw.WriteString("]\n}\n")
	return bw.Flush()
}

func indices(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}
