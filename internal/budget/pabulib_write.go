package budget

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
)

// WritePB exports an instance in the pabulib .pb format. META rows keep their
// order; budget, vote_type, num_projects and num_votes are rewritten from the
// instance (and appended when missing). Columns follow ProjectColumns and
// VoteColumns when set; any Extra column they do not name is appended in
// alphabetical order. Lines end with "\n" and fields are quoted only when
// needed.
//
// The instance is validated first: on a *ValidationError nothing is written.
// Costs, budget and points must have a finite decimal expansion.
func WritePB(w io.Writer, inst *Instance) error {
	if err := inst.Validate(); err != nil {
		return err
	}
	budgetText, ok := formatDecimal(inst.Budget)
	if !ok {
		return &ValidationError{Section: sectionMeta, Field: "budget", Message: "has no finite decimal expansion: " + inst.Budget.RatString()}
	}
	voteType := inst.VoteType
	if voteType == "" {
		voteType = VoteApproval
	}

	var records [][]string
	add := func(fields ...string) { records = append(records, fields) }

	add(sectionMeta)
	add("key", "value")
	canonical := map[string]string{
		"num_projects": strconv.Itoa(len(inst.Projects)),
		"num_votes":    strconv.Itoa(len(inst.Votes)),
		"budget":       budgetText,
		"vote_type":    string(voteType),
	}
	written := map[string]bool{}
	for _, e := range inst.Meta {
		if v, ok := canonical[e.Key]; ok {
			if e.Key == "vote_type" && VoteType(strings.ToLower(strings.TrimSpace(e.Value))) == voteType {
				v = e.Value // keep the original spelling
			}
			if b, err := parseDecimal(e.Value); e.Key == "budget" && err == nil && b.Cmp(inst.Budget) == 0 {
				v = e.Value // keep the original spelling, e.g. "1000.50"
			}
			add(e.Key, v)
			written[e.Key] = true
			continue
		}
		add(e.Key, e.Value)
	}
	for _, k := range []string{"num_projects", "num_votes", "budget", "vote_type"} {
		if !written[k] {
			add(k, canonical[k])
		}
	}

	add(sectionProjects)
	pcols := columns(inst.ProjectColumns, []string{"project_id", "cost"}, func(yield func(map[string]string)) {
		for _, p := range inst.Projects {
			yield(p.Extra)
		}
	})
	add(pcols...)
	for _, p := range inst.Projects {
		cost, ok := formatDecimal(p.Cost)
		if !ok {
			return errorf(p.Line, sectionProjects, "cost", "of project %s has no finite decimal expansion: %s", quote(p.ID), p.Cost.RatString())
		}
		row := make([]string, len(pcols))
		for i, c := range pcols {
			switch c {
			case "project_id":
				row[i] = p.ID
			case "cost":
				row[i] = cost
			default:
				row[i] = p.Extra[c]
			}
		}
		add(row...)
	}

	add(sectionVotes)
	base := []string{"voter_id", "vote"}
	if voteType.hasPoints() {
		base = append(base, "points")
	}
	vcols := columns(inst.VoteColumns, base, func(yield func(map[string]string)) {
		for _, v := range inst.Votes {
			yield(v.Extra)
		}
	})
	add(vcols...)
	for _, v := range inst.Votes {
		row := make([]string, len(vcols))
		for i, c := range vcols {
			switch {
			case c == "voter_id":
				row[i] = v.VoterID
			case c == "vote":
				row[i] = strings.Join(v.Projects, ",")
			case c == "points" && voteType.hasPoints():
				pts := make([]string, len(v.Points))
				for j, pt := range v.Points {
					s, ok := formatDecimal(pt)
					if !ok {
						return errorf(v.Line, sectionVotes, "points", "of voter %s have no finite decimal expansion: %s", quote(v.VoterID), pt.RatString())
					}
					pts[j] = s
				}
				row[i] = strings.Join(pts, ",")
			default:
				row[i] = v.Extra[c]
			}
		}
		add(row...)
	}

	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	if err := cw.WriteAll(records); err != nil {
		return err
	}
	return bw.Flush()
}

// columns returns the header for a section: the declared columns (or the
// required ones when none are declared), making sure the required columns
// are present, followed by any Extra key not yet named, sorted.
func columns(declared, required []string, extras func(yield func(map[string]string))) []string {
	var cols []string
	if len(declared) > 0 {
		cols = slices.Clone(declared)
	}
	for i, r := range required {
		if !contains(cols, r) {
			cols = slices.Insert(cols, min(i, len(cols)), r)
		}
	}
	var more []string
	extras(func(m map[string]string) {
		for k := range m {
			if !contains(cols, k) && !contains(more, k) {
				more = append(more, k)
			}
		}
	})
	slices.Sort(more)
	return append(cols, more...)
}
