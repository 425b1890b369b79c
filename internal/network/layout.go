package network

import (
	"math"
	"sort"
)

// The layout is radial, like a chord diagram, and costs O(n log n) for the
// sort plus O(n + e) to place and draw:
//
//   - communities sit on one outer ring, one slot each (Spacing apart), in
//     blocks by their home consortium (the first of theirs by name) with an
//     empty slot between blocks; communities without a consortium come last;
//   - each consortium sits on an inner ring at the angle of its block's
//     middle, so its membership lines are short spokes;
//   - external contacts sit on a ring outside the communities, beside the
//     community that introduced them;
//   - introductions are drawn as curves through the inside of the circle.
//
// The ring grows with the number of communities, so labels (written along
// the radius, outward) never overlap: 200 communities make a ring of about
// 1,000 units across, 1,000 communities about 5,100.

// Spacing is the distance between neighbouring communities on the ring.
const Spacing = 16.0

// Layout is where a graph's nodes were placed.
type Layout struct {
	Radius float64 // of the community ring
	Half   float64 // half the drawing's width and height, labels included
	angle  map[string]float64
}

// Place computes every node's position (X, Y, centred on 0, 0) and returns
// the layout. The graph's nodes are reordered for drawing.
func Place(g *Graph) Layout {
	order := map[string]int{}
	var consortia []*Node
	for i := range g.Nodes {
		if g.Nodes[i].Kind == KindConsortium {
			consortia = append(consortia, &g.Nodes[i])
		}
	}
	sort.SliceStable(consortia, func(i, j int) bool { return consortia[i].Label < consortia[j].Label })
	for i, c := range consortia {
		order[c.ID] = i
	}
	homeRank := func(n Node) int {
		if r, ok := order[n.Home]; ok {
			return r
		}
		return len(order)
	}
	rank := map[string]int{KindConsortium: 0, KindCommunity: 1, KindContact: 2}
	sort.SliceStable(g.Nodes, func(i, j int) bool {
		a, b := g.Nodes[i], g.Nodes[j]
		if rank[a.Kind] != rank[b.Kind] {
			return rank[a.Kind] < rank[b.Kind]
		}
		if a.Kind == KindConsortium {
			return a.Label < b.Label
		}
		if ha, hb := homeRank(a), homeRank(b); ha != hb {
			return ha < hb
		}
		return a.Label < b.Label
	})

	// Slots on the ring: communities in blocks, a gap between blocks, and
	// one slot for a consortium without communities of its own.
	type block struct{ first, last int }
	blocks := map[string]*block{}
	slot := map[string]int{}
	n, prevHome := 0, "\x00"
	addSlot := func(home string) int {
		if home != prevHome && n > 0 {
			n++ // the gap
		}
		prevHome = home
		s := n
		n++
		b, ok := blocks[home]
		if !ok {
			b = &block{first: s}
			blocks[home] = b
		}
		b.last = s
		return s
	}
	ci := 0
	for i := range g.Nodes {
		if g.Nodes[i].Kind != KindCommunity {
			continue
		}
		nd := &g.Nodes[i]
		home := nd.Home
		if _, ok := order[home]; !ok {
			home = ""
		}
		// Consortia before this home (in ring order) that have no
		// communities get their own slot first.
		for ; ci < len(consortia) && (home == "" || order[consortia[ci].ID] < order[home]); ci++ {
			if _, ok := blocks[consortia[ci].ID]; !ok {
				addSlot(consortia[ci].ID)
			}
		}
		if home != "" && ci < len(consortia) && consortia[ci].ID == home {
			ci++
		}
		slot[nd.ID] = addSlot(home)
	}
	for ; ci < len(consortia); ci++ {
		if _, ok := blocks[consortia[ci].ID]; !ok {
			addSlot(consortia[ci].ID)
		}
	}
	if n == 0 {
		n = 1
	}
	radius := math.Max(220, float64(n)*Spacing/(2*math.Pi))
	l := Layout{Radius: radius, Half: radius + 260, angle: map[string]float64{}}
	at := func(s float64) float64 { return 2*math.Pi*s/float64(n) - math.Pi/2 }
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		switch nd.Kind {
		case KindCommunity:
			l.set(nd, at(float64(slot[nd.ID])), radius)
		case KindConsortium:
			b := blocks[nd.ID]
			if b == nil {
				l.set(nd, at(0), radius*0.45)
				continue
			}
			l.set(nd, at(float64(b.first+b.last)/2), radius*0.45)
		}
	}
	// Contacts: outside their community, fanned out when there are several.
	fan := map[string]int{}
	for i := range g.Nodes {
		nd := &g.Nodes[i]
		if nd.Kind != KindContact {
			continue
		}
		a, ok := l.angle[nd.Home]
		if !ok {
			a = at(0)
		}
		k := fan[nd.Home]
		fan[nd.Home]++
		l.set(nd, a+float64(k)*Spacing/(radius+150), radius+150+float64(k%3)*18)
	}
	return l
}

func (l Layout) set(nd *Node, angle, r float64) {
	l.angle[nd.ID] = angle
	nd.X, nd.Y = round(r*math.Cos(angle)), round(r*math.Sin(angle))
}

func round(v float64) float64 { return math.Round(v*10) / 10 }
