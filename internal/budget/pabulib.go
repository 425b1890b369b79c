package budget

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strconv"
	"strings"
)

// Section names of a .pb file.
const (
	sectionMeta     = "META"
	sectionProjects = "PROJECTS"
	sectionVotes    = "VOTES"
)

// ParsePB reads an election in the pabulib .pb format: a META section of
// key;value rows, a PROJECTS section with at least project_id and cost
// columns, and a VOTES section with at least voter_id and vote columns
// (plus points for cumulative and scoring ballots). Fields are separated by
// semicolons and may be double-quoted; a UTF-8 byte-order mark, CRLF line
// ends, blank lines and trailing empty fields are accepted.
//
// Malformed input yields a *ValidationError naming the line, the section and
// the column; ParsePB never panics. An error of the reader itself is
// returned wrapped, not as a *ValidationError. Inconsistencies that do not
// prevent computing an outcome are reported in Instance.Warnings.
func ParsePB(r io.Reader) (*Instance, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\ufeff" {
		_, _ = br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.Comma = ';'
	cr.LazyQuotes = true
	cr.FieldsPerRecord = -1

	p := &pbParser{inst: &Instance{}, projectIndex: map[string]int{}, voterSeen: map[string]int{}}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, &ValidationError{Line: pe.Line, Section: p.section, Message: pe.Err.Error()}
			}
			return nil, fmt.Errorf("budget: reading .pb input: %w", err)
		}
		line, _ := cr.FieldPos(0)
		p.lastLine = line
		for i, f := range rec {
			if strings.ContainsAny(f, "\r\n") {
				start, _ := cr.FieldPos(i)
				return nil, errorf(start, p.section, "", "field %d contains a line break (is a closing quote missing?)", i+1)
			}
		}
		if err := p.record(line, rec); err != nil {
			return nil, err
		}
	}
	if err := p.finish(); err != nil {
		return nil, err
	}
	// Safety net: everything ParsePB returns must be writable by WritePB.
	if err := p.inst.Validate(); err != nil {
		return nil, err
	}
	return p.inst, nil
}

type pbParser struct {
	inst     *Instance
	section  string // current section, "" before META
	seen     [3]bool
	header   []string // header of the current section; nil until read
	lastLine int

	metaLine     int
	projectIndex map[string]int
	voterSeen    map[string]int
	metaKeyLine  map[string]int
	vtResolved   bool
	checker      *ballotChecker
}

// trimTrailingEmpty drops empty fields at the end of a record, which come
// from trailing separators.
func trimTrailingEmpty(rec []string) []string {
	for len(rec) > 0 && strings.TrimSpace(rec[len(rec)-1]) == "" {
		rec = rec[:len(rec)-1]
	}
	return rec
}

func (p *pbParser) record(line int, rec []string) error {
	trimmed := trimTrailingEmpty(rec)
	if len(trimmed) == 0 {
		return nil // blank line
	}
	if len(trimmed) == 1 {
		name := strings.ToUpper(strings.TrimSpace(trimmed[0]))
		if name == sectionMeta || name == sectionProjects || name == sectionVotes {
			return p.startSection(line, name)
		}
	}
	switch p.section {
	case "":
		return errorf(line, "", "", "expected the META section first, found %s", quote(strings.Join(trimmed, ";")))
	case sectionMeta:
		return p.metaRow(line, trimmed)
	}
	if p.header == nil {
		return p.readHeader(line, trimmed)
	}
	if p.section == sectionProjects {
		return p.projectRow(line, rec)
	}
	return p.voteRow(line, rec)
}

func (p *pbParser) startSection(line int, name string) error {
	order := map[string]int{sectionMeta: 0, sectionProjects: 1, sectionVotes: 2}[name]
	if p.seen[order] {
		return errorf(line, name, "", "section appears twice")
	}
	for i := 0; i < order; i++ {
		if !p.seen[i] {
			return errorf(line, name, "", "section must follow the %s section", []string{sectionMeta, sectionProjects, sectionVotes}[i])
		}
	}
	if p.section == sectionProjects && p.header == nil {
		return errorf(line, sectionProjects, "", "the header row is missing")
	}
	if name == sectionProjects {
		if err := p.resolveMeta(); err != nil {
			return err
		}
	}
	p.seen[order] = true
	p.section = name
	p.header = nil
	if name == sectionMeta {
		p.metaLine = line
		p.metaKeyLine = map[string]int{}
	}
	return nil
}

func (p *pbParser) metaRow(line int, rec []string) error {
	key := strings.TrimSpace(rec[0])
	if p.header == nil {
		p.header = []string{"key", "value"}
		if strings.EqualFold(key, "key") {
			return nil // the optional key;value header row
		}
	}
	if msg := badName(key, true); msg != "" {
		return errorf(line, sectionMeta, "key", "%s: %s", msg, quote(key))
	}
	value := ""
	if len(rec) > 1 {
		// An unquoted value containing semicolons is kept whole.
		value = strings.TrimSpace(strings.Join(rec[1:], ";"))
	}
	if first, dup := p.metaKeyLine[key]; dup {
		return errorf(line, sectionMeta, key, "is defined twice (first on line %d)", first)
	}
	p.metaKeyLine[key] = line
	p.inst.Meta = append(p.inst.Meta, MetaEntry{Key: key, Value: value})
	return nil
}

// resolveMeta interprets budget and vote_type once the META section ends.
func (p *pbParser) resolveMeta() error {
	if p.vtResolved {
		return nil
	}
	p.vtResolved = true
	inst := p.inst
	raw, ok := inst.MetaValue("budget")
	if !ok {
		return errorf(p.metaLine, sectionMeta, "budget", "is missing")
	}
	b, err := parseDecimal(raw)
	if err != nil {
		return errorf(p.metaKeyLine["budget"], sectionMeta, "budget", "%s: %s", err, quote(raw))
	}
	if b.Sign() < 0 {
		return errorf(p.metaKeyLine["budget"], sectionMeta, "budget", "must not be negative: %s", quote(raw))
	}
	inst.Budget = b
	inst.VoteType = VoteApproval
	if raw, ok := inst.MetaValue("vote_type"); ok {
		vt, ok := parseVoteType(raw)
		if !ok {
			return errorf(p.metaKeyLine["vote_type"], sectionMeta, "vote_type", "is not one of approval, choose-1, ordinal, cumulative, scoring: %s", quote(raw))
		}
		inst.VoteType = vt
	}
	return nil
}

func (p *pbParser) readHeader(line int, rec []string) error {
	cols := make([]string, len(rec))
	seen := map[string]bool{}
	for i, c := range rec {
		c = strings.TrimSpace(c)
		if c == "" {
			return errorf(line, p.section, "", "header column %d is empty", i+1)
		}
		if seen[c] {
			return errorf(line, p.section, c, "column appears twice in the header")
		}
		seen[c] = true
		cols[i] = c
	}
	required := []string{"project_id", "cost"}
	if p.section == sectionVotes {
		required = []string{"voter_id", "vote"}
		if p.inst.VoteType.hasPoints() {
			required = append(required, "points")
		}
	}
	for _, c := range required {
		if !seen[c] {
			return errorf(line, p.section, c, "column is missing from the header")
		}
	}
	p.header = cols
	if p.section == sectionProjects {
		p.inst.ProjectColumns = cols
	} else {
		p.inst.VoteColumns = cols
	}
	return nil
}

// fields maps a data row onto the header. Missing trailing fields are
// empty; fields beyond the header must be blank (trailing separators).
func (p *pbParser) fields(line int, rec []string) (map[string]string, error) {
	if len(rec) > len(p.header) {
		if n := len(trimTrailingEmpty(rec)); n > len(p.header) {
			return nil, errorf(line, p.section, "", "row has %d fields but the header has %d columns", n, len(p.header))
		}
	}
	m := make(map[string]string, len(p.header))
	for i, c := range p.header {
		if i < len(rec) {
			m[c] = rec[i]
		} else {
			m[c] = ""
		}
	}
	return m, nil
}

func (p *pbParser) projectRow(line int, rec []string) error {
	m, err := p.fields(line, rec)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(m["project_id"])
	if id == "" {
		return errorf(line, sectionProjects, "project_id", "is empty")
	}
	if strings.Contains(id, ",") {
		return errorf(line, sectionProjects, "project_id", "must not contain a comma: %s", quote(id))
	}
	if first, dup := p.projectIndex[id]; dup {
		return errorf(line, sectionProjects, "project_id", "%s is used twice (first on line %d)", quote(id), p.inst.Projects[first].Line)
	}
	cost, perr := parseDecimal(m["cost"])
	if perr != nil {
		return errorf(line, sectionProjects, "cost", "of project %s %s: %s", quote(id), perr, quote(m["cost"]))
	}
	if cost.Sign() < 0 {
		return errorf(line, sectionProjects, "cost", "of project %s must not be negative: %s", quote(id), quote(m["cost"]))
	}
	delete(m, "project_id")
	delete(m, "cost")
	p.projectIndex[id] = len(p.inst.Projects)
	p.inst.Projects = append(p.inst.Projects, Project{ID: id, Cost: cost, Extra: m, Line: line})
	return nil
}

// splitList splits a comma-separated list; an empty field is an empty list
// and a trailing comma is ignored.
func splitList(s string) []string {
	s = strings.TrimSpace(s)
	s = strings.TrimSuffix(s, ",")
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := range parts {
		parts[i] = strings.TrimSpace(parts[i])
	}
	return parts
}

func (p *pbParser) voteRow(line int, rec []string) error {
	m, err := p.fields(line, rec)
	if err != nil {
		return err
	}
	id := strings.TrimSpace(m["voter_id"])
	if msg := badName(id, true); msg != "" {
		return errorf(line, sectionVotes, "voter_id", "%s: %s", msg, quote(id))
	}
	if first, dup := p.voterSeen[id]; dup {
		return errorf(line, sectionVotes, "voter_id", "%s is used twice (first on line %d)", quote(id), first)
	}
	p.voterSeen[id] = line
	ids := splitList(m["vote"])
	for _, pid := range ids {
		if pid == "" {
			return errorf(line, sectionVotes, "vote", "has an empty entry: %s", quote(m["vote"]))
		}
	}
	if p.checker == nil {
		p.checker = newBallotChecker(p.projectIndex)
	}
	if err := p.checker.check(line, ids); err != nil {
		return err
	}
	v := Vote{VoterID: id, Projects: ids, Line: line}
	if p.inst.VoteType.hasPoints() {
		raw := splitList(m["points"])
		if len(raw) != len(ids) {
			return errorf(line, sectionVotes, "points", "lists %d values for %d projects", len(raw), len(ids))
		}
		v.Points = make([]*big.Rat, len(raw))
		for i, s := range raw {
			pt, perr := parseDecimal(s)
			if perr != nil {
				return errorf(line, sectionVotes, "points", "entry %d %s: %s", i+1, perr, quote(s))
			}
			v.Points[i] = pt
		}
		delete(m, "points")
	}
	delete(m, "voter_id")
	delete(m, "vote")
	v.Extra = m
	p.inst.Votes = append(p.inst.Votes, v)
	return nil
}

func (p *pbParser) finish() error {
	switch {
	case !p.seen[0]:
		return errorf(p.lastLine, "", "", "the META section is missing")
	case !p.seen[1]:
		return errorf(p.lastLine, "", "", "the PROJECTS section is missing")
	case !p.seen[2]:
		return errorf(p.lastLine, "", "", "the VOTES section is missing")
	case p.header == nil:
		return errorf(p.lastLine, sectionVotes, "", "the header row is missing")
	}
	p.warnings()
	return nil
}

// warnings records inconsistencies that pabulib's checker would flag but
// that do not prevent computing an outcome.
func (p *pbParser) warnings() {
	inst := p.inst
	warn := func(line int, section, field, format string, args ...any) {
		inst.Warnings = append(inst.Warnings, *errorf(line, section, field, format, args...))
	}
	checkCount := func(key string, actual int) {
		raw, ok := inst.MetaValue(key)
		if !ok {
			return
		}
		if n, err := strconv.Atoi(strings.TrimSpace(raw)); err != nil || n != actual {
			warn(p.metaKeyLine[key], sectionMeta, key, "says %s but the file has %d", quote(raw), actual)
		}
	}
	checkCount("num_projects", len(inst.Projects))
	checkCount("num_votes", len(inst.Votes))

	if inst.VoteType.isApproval() {
		counts := make([]int, len(inst.Projects))
		for _, v := range inst.Votes {
			for _, id := range v.Projects {
				counts[p.projectIndex[id]]++
			}
		}
		for i, pr := range inst.Projects {
			raw, ok := pr.Extra["votes"]
			if !ok || strings.TrimSpace(raw) == "" {
				continue
			}
			if n, err := strconv.Atoi(strings.TrimSpace(raw)); err != nil || n != counts[i] {
				warn(pr.Line, sectionProjects, "votes", "of project %s says %s but %d ballots approve it", quote(pr.ID), quote(raw), counts[i])
			}
		}
	}

	bound := func(key string) (int, bool) {
		raw, ok := inst.MetaValue(key)
		if !ok {
			return 0, false
		}
		n, err := strconv.Atoi(strings.TrimSpace(raw))
		return n, err == nil
	}
	minLen, hasMin := bound("min_length")
	maxLen, hasMax := bound("max_length")
	if hasMin || hasMax {
		bad, first := 0, 0
		for _, v := range inst.Votes {
			if (hasMin && len(v.Projects) < minLen) || (hasMax && len(v.Projects) > maxLen) {
				if bad == 0 {
					first = v.Line
				}
				bad++
			}
		}
		if bad > 0 {
			warn(first, sectionVotes, "vote", "%s outside the allowed length (min_length/max_length)", plural(bad, "ballot is", "ballots are"))
		}
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
