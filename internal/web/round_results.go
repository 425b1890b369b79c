package web

import (
	"fmt"
	"math"
	"strconv"

	"consortia/internal/app"
	"consortia/internal/model"
	"consortia/internal/tally"
)

// --- results ----------------------------------------------------------------

type exportInfo struct {
	JSONName    string
	PrefLibName string // empty for unranked ballot types
	PrefLibExt  string // soc, soi, toc or toi
	Options     string // the command's options that reproduce the page
}

// exportInfo names the export files and the command that re-tallies them.
func exportFiles(v *app.RoundView) *exportInfo {
	base := fmt.Sprintf("round-%d-%s", v.ID, v.Quarter)
	x := &exportInfo{JSONName: base + ".json", Options: "--method " + v.Method}
	if v.BallotType == model.BallotRanked {
		x.Options += " --strength " + v.Strength + " --unranked " + v.Unranked
		if v.Method == "borda" {
			x.Options = "--method borda --unranked " + v.Unranked
		}
		if v.PrefLibType != "" {
			x.PrefLibName, x.PrefLibExt = base+"."+v.PrefLibType, v.PrefLibType
		}
	}
	return x
}

type resultView struct {
	*tally.Result
	Tiers      []resultTier
	Chart      chartView
	Pairwise   *matrixView
	Paths      *matrixView
	Majorities []tally.Majority
	Ranked     bool
}

type candLink struct {
	Name string
	Slug string
}

type resultTier struct {
	Place  int
	Names  []candLink
	Winner bool
}

type chartView struct {
	Title   string
	Caption string
	Rows    []chartRow
}

type chartRow struct {
	Name   string
	Pct    string
	Value  string
	Note   string
	Winner bool
}

type matrixView struct {
	Caption string
	Names   []string
	Rows    []matrixRow
}

type matrixRow struct {
	Name  string
	Cells []matrixCell
}

type matrixCell struct {
	Text  string
	Class string
	Title string
	Self  bool
}

// formatNumber writes 12 as "12" and 12.5 as "12.5".
func formatNumber(f float64) string {
	if math.IsInf(f, 1) {
		return "∞"
	}
	if f == math.Trunc(f) {
		return strconv.FormatFloat(f, 'f', 0, 64)
	}
	return strconv.FormatFloat(f, 'f', 2, 64)
}

// shade buckets a strength into the five shades of the matrix cells.
func shade(v, maxV float64) int {
	if maxV <= 0 || v <= 0 {
		return 1
	}
	if math.IsInf(v, 1) {
		return 5
	}
	return max(1, min(5, int(math.Ceil(v/maxV*5))))
}

func newResultView(rd *model.Round, res *tally.Result) *resultView {
	slug := map[string]string{}
	for i, c := range rd.Candidates {
		if i < len(res.Candidates) {
			slug[res.Candidates[i]] = c.Slug
		}
	}
	winners := map[string]bool{}
	for _, w := range res.Winners {
		winners[w] = true
	}
	v := &resultView{Result: res, Ranked: len(res.Pairwise) > 0, Majorities: res.Majorities}
	place := 1
	var order []string
	for i, tier := range res.Ranking {
		t := resultTier{Place: place, Winner: i == 0}
		for _, name := range tier {
			t.Names = append(t.Names, candLink{Name: name, Slug: slug[name]})
			order = append(order, name)
		}
		place += len(tier)
		v.Tiers = append(v.Tiers, t)
	}
	index := map[string]int{}
	for i, name := range res.Candidates {
		index[name] = i
	}
	// The chart: totals for scoring methods, head-to-head wins for Schulze
	// and ranked pairs.
	if len(res.Scores) > 0 {
		v.Chart.Title = map[tally.Method]string{tally.MethodBorda: "Borda points", tally.MethodApproval: "Approvals",
			tally.MethodScore: "Total score", tally.MethodDot: "Dot points"}[res.Method]
		top := 0.0
		for _, s := range res.Scores {
			top = max(top, s.Total)
		}
		v.Chart.Caption = v.Chart.Title + " per candidate, highest first."
		for _, s := range res.Scores {
			row := chartRow{Name: s.Candidate, Pct: svgPct(s.Total, top), Value: formatNumber(s.Total), Winner: winners[s.Candidate]}
			if s.Mean != nil {
				row.Note = "mean " + strconv.FormatFloat(*s.Mean, 'f', 2, 64)
			}
			v.Chart.Rows = append(v.Chart.Rows, row)
		}
	} else if v.Ranked {
		n := len(res.Candidates)
		v.Chart.Title = "Head-to-head wins"
		v.Chart.Caption = fmt.Sprintf("How many of the %d other candidates each one beats one-on-one (more ballots rank it above than below).", n-1)
		for _, name := range order {
			i := index[name]
			wins, ties := 0, 0
			for j := range n {
				if i == j {
					continue
				}
				switch {
				case res.Pairwise[i][j] > res.Pairwise[j][i]:
					wins++
				case res.Pairwise[i][j] == res.Pairwise[j][i]:
					ties++
				}
			}
			row := chartRow{Name: name, Pct: svgPct(wins, n-1), Value: strconv.Itoa(wins), Winner: winners[name],
				Note: fmt.Sprintf("%d lost", n-1-wins-ties)}
			if ties > 0 {
				row.Note += fmt.Sprintf(", %d even", ties)
			}
			v.Chart.Rows = append(v.Chart.Rows, row)
		}
	}
	if v.Ranked {
		v.Pairwise = pairwiseMatrix(res, order, index)
		if len(res.StrongestPaths) > 0 {
			v.Paths = pathsMatrix(res, order, index)
		}
	}
	return v
}

func pairwiseMatrix(res *tally.Result, order []string, index map[string]int) *matrixView {
	m := &matrixView{Names: order, Caption: "Each cell: how many ballots rank the row's candidate above the column's. Green: the row wins that pair; red: it loses; darker means a larger margin."}
	maxMargin := 0.0
	for i := range res.Pairwise {
		for j := range res.Pairwise[i] {
			maxMargin = max(maxMargin, float64(res.Pairwise[i][j]-res.Pairwise[j][i]))
		}
	}
	for _, a := range order {
		row := matrixRow{Name: a}
		for _, b := range order {
			i, j := index[a], index[b]
			if i == j {
				row.Cells = append(row.Cells, matrixCell{Self: true, Text: "—"})
				continue
			}
			f, g := res.Pairwise[i][j], res.Pairwise[j][i]
			c := matrixCell{Text: strconv.FormatInt(f, 10), Title: fmt.Sprintf("%d prefer %s to %s; %d the other way", f, a, b, g)}
			switch {
			case f > g:
				c.Class = fmt.Sprintf("pw-win pw-%d", shade(float64(f-g), maxMargin))
			case f < g:
				c.Class = fmt.Sprintf("pw-loss pw-%d", shade(float64(g-f), maxMargin))
			default:
				c.Class = "pw-even"
			}
			row.Cells = append(row.Cells, c)
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}

func pathsMatrix(res *tally.Result, order []string, index map[string]int) *matrixView {
	unit := map[tally.LinkStrength]string{tally.StrengthWinning: "winning votes", tally.StrengthMargin: "margin", tally.StrengthRatio: "ratio"}[res.Strength]
	m := &matrixView{Names: order, Caption: "Each cell: the strength (" + unit + ") of the strongest chain of head-to-head wins from the row's candidate to the column's. A candidate ranks above another when its path to it is stronger than the path back."}
	top := 0.0
	for i := range res.StrongestPaths {
		for _, p := range res.StrongestPaths[i] {
			if !math.IsInf(float64(p), 1) {
				top = max(top, float64(p))
			}
		}
	}
	for _, a := range order {
		row := matrixRow{Name: a}
		for _, b := range order {
			i, j := index[a], index[b]
			if i == j {
				row.Cells = append(row.Cells, matrixCell{Self: true, Text: "—"})
				continue
			}
			p, q := float64(res.StrongestPaths[i][j]), float64(res.StrongestPaths[j][i])
			c := matrixCell{Text: formatNumber(p), Title: fmt.Sprintf("Strongest path from %s to %s: %s; back: %s", a, b, formatNumber(p), formatNumber(q))}
			if p == 0 {
				c.Text = "0"
			}
			switch {
			case p > q:
				c.Class = fmt.Sprintf("pw-win pw-%d", shade(p, top))
			case p < q:
				c.Class = fmt.Sprintf("pw-loss pw-%d", shade(q, top))
			default:
				c.Class = "pw-even"
			}
			row.Cells = append(row.Cells, c)
		}
		m.Rows = append(m.Rows, row)
	}
	return m
}
