package tally

import (
	"encoding/json"
	"unicode/utf8"
)

// nameGroups is the decoded form of a ballot's "ranking" (a list of tiers of
// names) or "approved" (one list of names, stored as a single group).
//
// Large exports have a hundred names per ballot, and decoding them with
// reflection into [][]string costs one allocation per name and per tier.
// nameGroups keeps all names of a ballot in one string with end offsets
// instead: a handful of allocations per ballot. Anything the fast scanner
// does not expect (a number where a name should be, an escaped name) goes
// through encoding/json, which also produces the usual error messages.
type nameGroups struct {
	text      string // all names, unescaped, back to back
	nameEnds  []int  // nameEnds[k] is where name k ends in text
	groupEnds []int  // groupEnds[g] is how many names groups 0..g hold
}

func (g *nameGroups) groups() int { return len(g.groupEnds) }

// group returns the names of group i as offsets [start, end) into nameEnds.
func (g *nameGroups) group(i int) (start, end int) {
	if i > 0 {
		start = g.groupEnds[i-1]
	}
	return start, g.groupEnds[i]
}

func (g *nameGroups) name(k int) string {
	start := 0
	if k > 0 {
		start = g.nameEnds[k-1]
	}
	return g.text[start:g.nameEnds[k]]
}

func (g *nameGroups) size() int { return len(g.nameEnds) }

// jsonRanking decodes "ranking": [["A"], ["B", "C"]].
type jsonRanking struct{ nameGroups }

// jsonApproved decodes "approved": ["A", "C"].
type jsonApproved struct{ nameGroups }

func (r *jsonRanking) UnmarshalJSON(data []byte) error {
	if r.scan(data, true) {
		return nil
	}
	var slow [][]string
	if err := json.Unmarshal(data, &slow); err != nil {
		return err
	}
	r.nameGroups = nameGroups{}
	for _, tier := range slow {
		r.add(tier)
	}
	return nil
}

func (a *jsonApproved) UnmarshalJSON(data []byte) error {
	if a.scan(data, false) {
		return nil
	}
	var slow []string
	if err := json.Unmarshal(data, &slow); err != nil {
		return err
	}
	a.nameGroups = nameGroups{}
	a.add(slow)
	return nil
}

func (g *nameGroups) add(names []string) {
	for _, n := range names {
		g.text += n
		g.nameEnds = append(g.nameEnds, len(g.text))
	}
	g.groupEnds = append(g.groupEnds, len(g.nameEnds))
}

// scan parses a valid JSON array of name arrays (nested) or of names (flat)
// whose names contain no escapes. It reports false, leaving g unusable, for
// anything else, so that the caller falls back to encoding/json.
func (g *nameGroups) scan(data []byte, nested bool) bool {
	text := make([]byte, 0, len(data))
	*g = nameGroups{}
	i := 0
	skip := func() {
		for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
			i++
		}
	}
	// list parses [ "a", "b" ] and appends the names.
	list := func() bool {
		skip()
		if i >= len(data) || data[i] != '[' {
			return false
		}
		i++
		skip()
		if i < len(data) && data[i] == ']' {
			i++
			return true
		}
		for {
			skip()
			if i >= len(data) || data[i] != '"' {
				return false
			}
			i++
			start := i
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' || data[i] < 0x20 {
					return false
				}
				i++
			}
			if i >= len(data) || !utf8.Valid(data[start:i]) {
				return false
			}
			text = append(text, data[start:i]...)
			g.nameEnds = append(g.nameEnds, len(text))
			i++
			skip()
			if i < len(data) && data[i] == ',' {
				i++
				continue
			}
			if i < len(data) && data[i] == ']' {
				i++
				return true
			}
			return false
		}
	}
	if !nested {
		if !list() {
			return false
		}
		g.groupEnds = append(g.groupEnds, len(g.nameEnds))
	} else {
		skip()
		if i >= len(data) || data[i] != '[' {
			return false
		}
		i++
		skip()
		if i < len(data) && data[i] == ']' {
			i++
		} else {
			for {
				if !list() {
					return false
				}
				g.groupEnds = append(g.groupEnds, len(g.nameEnds))
				skip()
				if i < len(data) && data[i] == ',' {
					i++
					continue
				}
				if i < len(data) && data[i] == ']' {
					i++
					break
				}
				return false
			}
		}
	}
	skip()
	if i != len(data) {
		return false
	}
	g.text = string(text)
	return true
}
