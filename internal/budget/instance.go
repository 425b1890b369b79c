package budget

import (
	"math/big"
	"strings"
)

// VoteType is the ballot format of an instance (META key vote_type).
type VoteType string

// Ballot formats defined by pabulib.
const (
	VoteApproval   VoteType = "approval"
	VoteChoose1    VoteType = "choose-1" // approval ballots limited to one project
	VoteOrdinal    VoteType = "ordinal"
	VoteCumulative VoteType = "cumulative"
	VoteScoring    VoteType = "scoring"
)

// isApproval reports whether ballots are plain approval sets.
func (t VoteType) isApproval() bool { return t == VoteApproval || t == VoteChoose1 }

// hasPoints reports whether ballots carry a points column.
func (t VoteType) hasPoints() bool { return t == VoteCumulative || t == VoteScoring }

func parseVoteType(s string) (VoteType, bool) {
	switch t := VoteType(strings.ToLower(strings.TrimSpace(s))); t {
	case VoteApproval, VoteChoose1, VoteOrdinal, VoteCumulative, VoteScoring:
		return t, true
	}
	return "", false
}

// MetaEntry is one key;value row of the META section.
type MetaEntry struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Project is one row of the PROJECTS section.
type Project struct {
	ID   string   `json:"id"`
	Cost *big.Rat `json:"cost"`
	// Extra holds the other columns of the row (name, votes, selected,
	// category, ...) keyed by header name, as written in the file.
	Extra map[string]string `json:"extra,omitempty"`
	// Line is the line of the row in the parsed file (0 if built in code).
	Line int `json:"-"`
}

// Vote is one ballot (a row of the VOTES section).
type Vote struct {
	VoterID string `json:"voter_id"`
	// Projects lists the project ids on the ballot in the order written
	// (for ordinal ballots this is the ranking, best first).
	Projects []string `json:"vote"`
	// Points holds the points given to Projects[i] for cumulative and
	// scoring ballots; it is nil for approval and ordinal ballots.
	Points []*big.Rat `json:"points,omitempty"`
	// Extra holds the other columns (age, sex, voting_method, ...).
	Extra map[string]string `json:"extra,omitempty"`
	// Line is the line of the row in the parsed file (0 if built in code).
	Line int `json:"-"`
}

// Instance is a participatory-budgeting election: the META data, the
// projects with their costs, and the ballots.
type Instance struct {
	// Meta lists every META row in file order, including budget and
	// vote_type exactly as written.
	Meta []MetaEntry `json:"meta"`
	// Budget is the amount to allocate (META budget).
	Budget *big.Rat `json:"budget"`
	// VoteType is the ballot format (META vote_type, default approval).
	VoteType VoteType `json:"vote_type"`
	// ProjectColumns and VoteColumns are the section headers in file order.
	// WritePB uses them to keep the column order; they may be left empty.
	ProjectColumns []string  `json:"project_columns,omitempty"`
	Projects       []Project `json:"projects"`
	VoteColumns    []string  `json:"vote_columns,omitempty"`
	Votes          []Vote    `json:"votes"`
	// Warnings lists inconsistencies that do not prevent computing an
	// outcome (e.g. num_votes disagreeing with the number of ballots, or a
	// ballot longer than max_length).
	Warnings []ValidationError `json:"warnings,omitempty"`
}

// MetaValue returns the value of a META key.
func (inst *Instance) MetaValue(key string) (string, bool) {
	for _, e := range inst.Meta {
		if e.Key == key {
			return e.Value, true
		}
	}
	return "", false
}

// SetSelected marks the given projects as selected ("1") and all others as
// not selected ("0") in the "selected" column, adding the column if needed,
// so that WritePB exports the outcome of a round.
func (inst *Instance) SetSelected(ids []string) {
	chosen := make(map[string]bool, len(ids))
	for _, id := range ids {
		chosen[id] = true
	}
	for i := range inst.Projects {
		p := &inst.Projects[i]
		if p.Extra == nil {
			p.Extra = map[string]string{}
		}
		if chosen[p.ID] {
			p.Extra["selected"] = "1"
		} else {
			p.Extra["selected"] = "0"
		}
	}
	if len(inst.ProjectColumns) > 0 && !contains(inst.ProjectColumns, "selected") {
		inst.ProjectColumns = append(inst.ProjectColumns, "selected")
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Validate checks an instance built in code (ParsePB only returns valid
// instances): a non-negative budget, unique ids without surrounding spaces
// or line breaks (project ids also without commas), non-negative costs,
// ballots that reference known projects at most once, points matching the
// vote type, and META keys, columns and values that WritePB can write and
// ParsePB read back unchanged. The first problem is returned as a
// *ValidationError.
func (inst *Instance) Validate() error {
	if inst == nil {
		return &ValidationError{Message: "instance is nil"}
	}
	if inst.Budget == nil {
		return &ValidationError{Section: "META", Field: "budget", Message: "is missing"}
	}
	if inst.Budget.Sign() < 0 {
		return &ValidationError{Section: "META", Field: "budget", Message: "must not be negative"}
	}
	vt := inst.VoteType
	if vt == "" {
		vt = VoteApproval
	}
	if t, ok := parseVoteType(string(vt)); !ok || t != vt {
		return &ValidationError{Section: "META", Field: "vote_type", Message: "is not one of approval, choose-1, ordinal, cumulative, scoring: " + quote(string(vt))}
	}
	for _, e := range inst.Meta {
		if msg := badName(e.Key, true); msg != "" {
			return &ValidationError{Section: "META", Field: "key", Message: msg + ": " + quote(e.Key)}
		}
		if strings.ContainsAny(e.Value, "\r\n") {
			return &ValidationError{Section: "META", Field: e.Key, Message: "contains a line break"}
		}
	}
	index := make(map[string]int, len(inst.Projects))
	for i, p := range inst.Projects {
		if msg := badName(p.ID, false); msg != "" {
			return errorf(p.Line, "PROJECTS", "project_id", "%s: %s", msg, quote(p.ID))
		}
		if strings.Contains(p.ID, ",") {
			return errorf(p.Line, "PROJECTS", "project_id", "must not contain a comma: %s", quote(p.ID))
		}
		if _, dup := index[p.ID]; dup {
			return errorf(p.Line, "PROJECTS", "project_id", "%s is used twice", quote(p.ID))
		}
		index[p.ID] = i
		if err := checkExtra(p.Line, "PROJECTS", p.Extra, "project_id", "cost"); err != nil {
			return err
		}
		if p.Cost == nil {
			return errorf(p.Line, "PROJECTS", "cost", "of project %s is missing", quote(p.ID))
		}
		if p.Cost.Sign() < 0 {
			return errorf(p.Line, "PROJECTS", "cost", "of project %s must not be negative", quote(p.ID))
		}
	}
	voters := make(map[string]bool, len(inst.Votes))
	checker := newBallotChecker(index)
	for _, v := range inst.Votes {
		if msg := badName(v.VoterID, true); msg != "" {
			return errorf(v.Line, "VOTES", "voter_id", "%s: %s", msg, quote(v.VoterID))
		}
		reserved := []string{"voter_id", "vote"}
		if vt.hasPoints() {
			reserved = append(reserved, "points")
		}
		if err := checkExtra(v.Line, "VOTES", v.Extra, reserved...); err != nil {
			return err
		}
		if voters[v.VoterID] {
			return errorf(v.Line, "VOTES", "voter_id", "%s is used twice", quote(v.VoterID))
		}
		voters[v.VoterID] = true
		if err := checker.check(v.Line, v.Projects); err != nil {
			return err
		}
		if vt.hasPoints() {
			if len(v.Points) != len(v.Projects) {
				return errorf(v.Line, "VOTES", "points", "lists %d values for %d projects", len(v.Points), len(v.Projects))
			}
			for _, pt := range v.Points {
				if pt == nil {
					return errorf(v.Line, "VOTES", "points", "has a missing value")
				}
			}
		} else if v.Points != nil {
			return errorf(v.Line, "VOTES", "points", "are only allowed for cumulative and scoring ballots")
		}
	}
	return nil
}

// badName explains why an id, META key or column name cannot be written
// to a .pb file and read back unchanged ("" if it can). Names that may end
// up alone on a line (META keys, voter ids) must not be a section name.
func badName(s string, alone bool) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "is empty"
	case strings.TrimSpace(s) != s:
		return "has leading or trailing spaces"
	case strings.ContainsAny(s, "\r\n"):
		return "contains a line break"
	case alone && (strings.EqualFold(s, "META") || strings.EqualFold(s, "PROJECTS") || strings.EqualFold(s, "VOTES")):
		return "is a section name"
	}
	return ""
}

// checkExtra validates the extra columns of a row.
func checkExtra(line int, section string, extra map[string]string, reserved ...string) *ValidationError {
	for k, v := range extra {
		if msg := badName(k, false); msg != "" {
			return errorf(line, section, "", "column name %s: %s", msg, quote(k))
		}
		if contains(reserved, k) {
			return errorf(line, section, k, "must not be set as an extra column")
		}
		if strings.ContainsAny(v, "\r\n") {
			return errorf(line, section, k, "contains a line break")
		}
	}
	return nil
}

// ballotChecker verifies that ballots name known projects, each once,
// without allocating per ballot.
type ballotChecker struct {
	index map[string]int
	seen  []int // project -> number of the ballot that last listed it
	n     int
}

func newBallotChecker(index map[string]int) *ballotChecker {
	return &ballotChecker{index: index, seen: make([]int, len(index))}
}

func (c *ballotChecker) check(line int, ids []string) *ValidationError {
	c.n++
	for _, id := range ids {
		p, ok := c.index[id]
		if !ok {
			return errorf(line, "VOTES", "vote", "references unknown project %s", quote(id))
		}
		if c.seen[p] == c.n {
			return errorf(line, "VOTES", "vote", "lists project %s twice", quote(id))
		}
		c.seen[p] = c.n
	}
	return nil
}

// quote renders a user-supplied value for an error message, shortened so
// that a huge field cannot produce a huge message.
func quote(s string) string {
	const limit = 60
	if r := []rune(s); len(r) > limit {
		s = string(r[:limit]) + "…"
	}
	return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
}
