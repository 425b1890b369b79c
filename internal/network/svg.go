package network

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// Colours of ties, chosen for contrast on white and told apart by the
// legend's words too.
var tieColours = map[string]string{
	TieMember:        "#c3cad3",
	"problem_solver": "#b45309",
	"peer":           "#1d4ed8",
	"funder":         "#047857",
	"collaborator":   "#7c3aed",
}

// TieLabels name the kinds of tie in the legend and in filters.
var TieLabels = map[string]string{
	TieMember:        "Member of a consortium",
	"problem_solver": "Problem ↔ solution",
	"peer":           "Peer communities",
	"funder":         "Funder",
	"collaborator":   "Collaborator",
}

// TieKinds lists the kinds of tie in legend order.
var TieKinds = []string{TieMember, "problem_solver", "peer", "funder", "collaborator"}

// SVG draws a placed graph. standalone adds the XML namespace for a file
// of its own; inline SVG in HTML needs none. Every text is escaped.
func SVG(g Graph, l Layout, title string, standalone bool) string {
	var b strings.Builder
	b.Grow(200*len(g.Nodes) + 160*len(g.Edges) + 2048)
	h := l.Half
	ns := ""
	if standalone {
		ns = ` xmlns="http://www.w3.org/2000/svg"`
	}
	communities, consortia := 0, 0
	for _, n := range g.Nodes {
		switch n.Kind {
		case KindCommunity:
			communities++
		case KindConsortium:
			consortia++
		}
	}
	introductions := 0
	for _, e := range g.Edges {
		if e.Kind != TieMember {
			introductions++
		}
	}
	fmt.Fprintf(&b, `<svg%s viewBox="%.0f %.0f %.0f %.0f" role="group" aria-labelledby="network-title network-desc" class="network-graph" font-family="system-ui, sans-serif">`,
		ns, -h, -h, 2*h, 2*h)
	fmt.Fprintf(&b, `<title id="network-title">%s</title>`, html.EscapeString(title))
	fmt.Fprintf(&b, `<desc id="network-desc">%d communities, %d consortia and %d introductions. Communities sit on the outer ring grouped by consortium; consortia inside; lines are memberships, curves introductions.</desc>`,
		communities, consortia, introductions)
	pos := make(map[string]*Node, len(g.Nodes))
	for i := range g.Nodes {
		pos[g.Nodes[i].ID] = &g.Nodes[i]
	}
	b.WriteString(`<g fill="none" stroke-linecap="round">`)
	for _, e := range g.Edges {
		a, z := pos[e.From], pos[e.To]
		if a == nil || z == nil {
			continue
		}
		colour := tieColours[e.Kind]
		if e.Kind == TieMember {
			fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="1" data-tie="member"/>`, a.X, a.Y, z.X, z.Y, colour)
			continue
		}
		// A curve bowed toward the centre.
		cx, cy := (a.X+z.X)*0.2, (a.Y+z.Y)*0.2
		fmt.Fprintf(&b, `<path d="M%.1f %.1fQ%.1f %.1f %.1f %.1f" stroke="%s" stroke-width="2" stroke-opacity=".75" data-tie="%s"><title>%s ↔ %s: %s</title></path>`,
			a.X, a.Y, cx, cy, z.X, z.Y, colour, html.EscapeString(e.Kind), html.EscapeString(a.Label), html.EscapeString(z.Label),
			html.EscapeString(TieLabels[e.Kind]))
	}
	b.WriteString(`</g>`)
	for _, n := range g.Nodes {
		writeNode(&b, n, l)
	}
	writeLegend(&b, h)
	b.WriteString(`</svg>`)
	return b.String()
}

func writeNode(b *strings.Builder, n Node, l Layout) {
	label := html.EscapeString(n.Label)
	if n.URL != "" {
		fmt.Fprintf(b, `<a href="%s">`, html.EscapeString(n.URL))
	}
	switch n.Kind {
	case KindConsortium:
		fmt.Fprintf(b, `<g data-node="%s" data-kind="consortium"><circle cx="%.1f" cy="%.1f" r="9" fill="#0f766e"/><text x="%.1f" y="%.1f" font-size="13" font-weight="600" text-anchor="middle" fill="#0f3d3a">%s</text></g>`,
			html.EscapeString(n.ID), n.X, n.Y, n.X, n.Y-14, label)
	default:
		fill := "#334155"
		if n.Kind == KindContact {
			fill = "#047857"
		}
		a := math.Atan2(n.Y, n.X)
		deg := a * 180 / math.Pi
		anchor, dx := "start", 8.0
		if math.Cos(a) < 0 {
			deg += 180
			anchor, dx = "end", -8
		}
		fmt.Fprintf(b, `<g data-node="%s" data-kind="%s"><circle cx="%.1f" cy="%.1f" r="4.5" fill="%s"/><text transform="translate(%.1f %.1f) rotate(%.1f)" x="%.0f" y="4" font-size="11" text-anchor="%s" fill="#1f2937">%s</text></g>`,
			html.EscapeString(n.ID), n.Kind, n.X, n.Y, fill, n.X, n.Y, deg, dx, anchor, label)
	}
	if n.URL != "" {
		b.WriteString(`</a>`)
	}
}

func writeLegend(b *strings.Builder, h float64) {
	x, y := -h+16, -h+24
	b.WriteString(`<g font-size="13" fill="#1f2937">`)
	for i, k := range TieKinds {
		yy := y + float64(i)*20
		fmt.Fprintf(b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="%s" stroke-width="3"/><text x="%.0f" y="%.0f">%s</text>`,
			x, yy-4, x+24, yy-4, tieColours[k], x+32, yy, html.EscapeString(TieLabels[k]))
	}
	b.WriteString(`</g>`)
}

// QuarterChart draws the connections made per quarter as bars.
func QuarterChart(qs []Quarter) string {
	const w, hgt, left, bottom = 640.0, 200.0, 36.0, 28.0
	var b strings.Builder
	max := 1
	total := 0
	for _, q := range qs {
		if q.Count > max {
			max = q.Count
		}
		total += q.Count
	}
	fmt.Fprintf(&b, `<svg viewBox="0 0 %.0f %.0f" role="img" aria-labelledby="quarters-title" class="quarter-chart" font-family="system-ui, sans-serif" font-size="11">`, w, hgt)
	fmt.Fprintf(&b, `<title id="quarters-title">Connections made per quarter: %d in %d quarters</title>`, total, len(qs))
	fmt.Fprintf(&b, `<line x1="%.0f" y1="%.0f" x2="%.0f" y2="%.0f" stroke="#94a3b8"/>`, left, hgt-bottom, w, hgt-bottom)
	fmt.Fprintf(&b, `<text x="%.0f" y="12" text-anchor="end" fill="#475569">%d</text>`, left-4, max)
	if len(qs) > 0 {
		step := (w - left) / float64(len(qs))
		every := 1 + len(qs)/12
		for i, q := range qs {
			bh := (hgt - bottom - 16) * float64(q.Count) / float64(max)
			x := left + float64(i)*step
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#0f766e"><title>%s: %d</title></rect>`,
				x+step*0.15, hgt-bottom-bh, step*0.7, bh, q.Label, q.Count)
			if i%every == 0 {
				fmt.Fprintf(&b, `<text x="%.1f" y="%.0f" text-anchor="middle" fill="#475569">%s</text>`, x+step/2, hgt-bottom+16, q.Label)
			}
		}
	}
	b.WriteString(`</svg>`)
	return b.String()
}
