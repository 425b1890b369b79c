package network

import (
	"encoding/xml"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
)

// sample builds a graph of c communities, k consortia (each community a
// member of one) and n introductions.
func sample(c, k, n int) Graph {
	g := Graph{}
	for i := range k {
		g.Nodes = append(g.Nodes, Node{ID: fmt.Sprintf("consortium-%d", i), Kind: KindConsortium, Label: fmt.Sprintf("Consortium %03d", i), URL: "/consortia/x"})
	}
	start := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)
	for i := range c {
		id := fmt.Sprintf("community-%d", i)
		n := Node{ID: id, Kind: KindCommunity, Label: fmt.Sprintf("Community <%03d> & co", i), URL: "/communities/x"}
		if k > 0 && i%7 != 0 {
			n.Home = fmt.Sprintf("consortium-%d", i%k)
			g.Edges = append(g.Edges, Edge{From: n.Home, To: id, Kind: TieMember, At: start})
		}
		g.Nodes = append(g.Nodes, n)
	}
	kinds := []string{"problem_solver", "peer"}
	for i := range n {
		g.Edges = append(g.Edges, Edge{From: fmt.Sprintf("community-%d", i%c), To: fmt.Sprintf("community-%d", (i*31+7)%c), Kind: kinds[i%2],
			At: start.Add(time.Duration(i%900) * 24 * time.Hour)})
	}
	return g
}

func TestPlaceKeepsCommunitiesApart(t *testing.T) {
	for _, size := range []int{3, 200, 1000} {
		g := sample(size, size/10+1, size*5)
		l := Place(&g)
		var ring []Node
		for _, n := range g.Nodes {
			r := math.Hypot(n.X, n.Y)
			switch n.Kind {
			case KindCommunity:
				if math.Abs(r-l.Radius) > 0.5 {
					t.Fatalf("%d: community %s off the ring (r=%.1f, ring %.1f)", size, n.ID, r, l.Radius)
				}
				ring = append(ring, n)
			case KindConsortium:
				if r > l.Radius*0.6 {
					t.Fatalf("%d: consortium %s not inside (r=%.1f)", size, n.ID, r)
				}
			}
			if math.Abs(n.X) > l.Half || math.Abs(n.Y) > l.Half {
				t.Fatalf("%d: %s outside the drawing", size, n.ID)
			}
		}
		// Neighbours on the ring are at least Spacing apart (labels do not overlap).
		for i := range ring {
			for j := i + 1; j < len(ring) && j < i+3; j++ {
				if d := math.Hypot(ring[i].X-ring[j].X, ring[i].Y-ring[j].Y); d < Spacing*0.95 {
					t.Fatalf("%d: %s and %s only %.1f apart", size, ring[i].ID, ring[j].ID, d)
				}
			}
		}
	}
}

func TestSVGIsWellFormedAndEscaped(t *testing.T) {
	g := sample(40, 4, 60)
	l := Place(&g)
	svg := SVG(g, l, `A "network" <&>`, true)
	d := xml.NewDecoder(strings.NewReader(svg))
	nodes := 0
	for {
		tok, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			for _, a := range se.Attr {
				if a.Name.Local == "data-node" {
					nodes++
				}
			}
		}
	}
	if nodes != len(g.Nodes) {
		t.Fatalf("%d nodes drawn, want %d", nodes, len(g.Nodes))
	}
	if !strings.Contains(svg, "Community &lt;003&gt; &amp; co") {
		t.Fatal("labels are not escaped")
	}
}

func TestApplyAndPerQuarter(t *testing.T) {
	g := sample(10, 2, 6)
	peers := g.Apply(Filter{Kind: "peer"})
	for _, e := range peers.Edges {
		if e.Kind != "peer" {
			t.Fatalf("kind filter kept %s", e.Kind)
		}
	}
	if len(peers.Edges) != 3 {
		t.Fatalf("peer edges: %d", len(peers.Edges))
	}
	only := g.Apply(Filter{Keep: map[string]bool{"consortium-1": true, "community-1": true, "community-3": true}})
	if len(only.Nodes) != 3 {
		t.Fatalf("kept nodes: %+v", only.Nodes)
	}
	for _, e := range only.Edges {
		if e.From != "consortium-1" && e.From != "community-1" && e.From != "community-3" {
			t.Fatalf("edge from a dropped node: %+v", e)
		}
	}
	qs := PerQuarter([]Edge{
		{Kind: "peer", At: time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC)},
		{Kind: "peer", At: time.Date(2025, 3, 31, 0, 0, 0, 0, time.UTC)},
		{Kind: "funder", At: time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)},
		{Kind: TieMember, At: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)},
	})
	want := "2025-Q1:2 2025-Q2:0 2025-Q3:0 2025-Q4:1"
	var got []string
	for _, q := range qs {
		got = append(got, fmt.Sprintf("%s:%d", q.Label, q.Count))
	}
	if strings.Join(got, " ") != want {
		t.Fatalf("per quarter %v, want %s", got, want)
	}
	if len(PerQuarter(nil)) != 0 {
		t.Fatal("no edges, quarters")
	}
}

// BenchmarkLayoutAndDraw: 1,000 communities, 100 consortia, 5,000
// introductions placed, and placed and drawn (the layout's own cost).
func BenchmarkLayoutAndDraw(b *testing.B) {
	base := sample(1000, 100, 5000)
	for _, draw := range []bool{false, true} {
		name := "place"
		if draw {
			name = "place-and-draw"
		}
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				g := Graph{Nodes: append([]Node(nil), base.Nodes...), Edges: base.Edges}
				l := Place(&g)
				if draw {
					_ = SVG(g, l, "network", false)
				}
			}
		})
	}
}
