// Package network lays out and draws the graph of communities, consortia
// and the introductions between them: a radial layout computed in Go and
// drawn as SVG on the server, and the connections made per quarter. It
// does no I/O: callers pass only what the reader may see.
package network

import (
	"strconv"
	"time"
)

// Node kinds.
const (
	KindCommunity  = "community"
	KindConsortium = "consortium"
	KindContact    = "contact" // an external funder or collaborator
)

// Tie kinds: membership of a consortium, and the introduction kinds.
const TieMember = "member"

// Node is a community, a consortium or an external contact.
type Node struct {
	ID    string  `json:"id" doc:"Unique in the graph: community-7, consortium-3, contact-12."`
	Kind  string  `json:"kind" enum:"community,consortium,contact"`
	Label string  `json:"label"`
	URL   string  `json:"url,omitempty" doc:"The page of the community or consortium."`
	X     float64 `json:"x" doc:"Position in the drawing (layout units)."`
	Y     float64 `json:"y"`
	// Home is the consortium a community is drawn beside (its first one by
	// name), or the community a contact belongs to; empty for none.
	Home string `json:"-"`
}

// Edge ties two nodes: a membership, or an introduction that was made.
type Edge struct {
	From   string    `json:"from"`
	To     string    `json:"to"`
	Kind   string    `json:"kind" enum:"member,problem_solver,peer,funder,collaborator"`
	Status string    `json:"status,omitempty" doc:"An introduction's status."`
	At     time.Time `json:"at" doc:"When the member joined, or when the introduction was made."`
	URL    string    `json:"url,omitempty" doc:"The introduction's page."`
}

// Graph is what the drawing shows.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Filter keeps part of a graph: the nodes whose ids are in Keep (nil:
// all), and the edges of one kind (empty: all kinds; then the nodes
// without such an edge go too, except consortia kept by Keep).
type Filter struct {
	Keep map[string]bool
	Kind string
}

// Apply returns the filtered graph; nodes and edges keep their order.
func (g Graph) Apply(f Filter) Graph {
	out := Graph{Nodes: []Node{}, Edges: []Edge{}}
	kept := map[string]bool{}
	for _, n := range g.Nodes {
		if f.Keep == nil || f.Keep[n.ID] {
			kept[n.ID] = true
		}
	}
	// Contacts follow their community.
	for _, n := range g.Nodes {
		if n.Kind == KindContact && f.Keep != nil && kept[n.Home] {
			kept[n.ID] = true
		}
	}
	touched := map[string]bool{}
	for _, e := range g.Edges {
		if kept[e.From] && kept[e.To] && (f.Kind == "" || e.Kind == f.Kind) {
			out.Edges = append(out.Edges, e)
			touched[e.From], touched[e.To] = true, true
		}
	}
	for _, n := range g.Nodes {
		if kept[n.ID] && (f.Kind == "" || touched[n.ID]) {
			out.Nodes = append(out.Nodes, n)
		}
	}
	return out
}

// Quarter is the number of connections made in a quarter.
type Quarter struct {
	Label string `json:"quarter" doc:"e.g. 2026-Q3"`
	Count int    `json:"count"`
}

// PerQuarter counts the introductions (edges other than memberships) made
// per calendar quarter, from the first to the last, empty quarters
// included.
func PerQuarter(edges []Edge) []Quarter {
	counts := map[int]int{}
	first, last := 0, 0
	for _, e := range edges {
		if e.Kind == TieMember || e.At.IsZero() {
			continue
		}
		t := e.At.UTC()
		q := t.Year()*4 + (int(t.Month())-1)/3
		if len(counts) == 0 || q < first {
			first = q
		}
		if len(counts) == 0 || q > last {
			last = q
		}
		counts[q]++
	}
	out := []Quarter{}
	if len(counts) == 0 {
		return out
	}
	for q := first; q <= last; q++ {
		out = append(out, Quarter{Label: quarterLabel(q), Count: counts[q]})
	}
	return out
}

func quarterLabel(q int) string {
	return strconv.Itoa(q/4) + "-Q" + strconv.Itoa(q%4+1)
}
