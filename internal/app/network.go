package app

import (
	"context"
	"slices"
	"strings"

	"consortia/internal/model"
	"consortia/internal/network"
	"consortia/internal/storage"
)

// The network: communities, the consortia the reader may see and the
// introductions that were made, laid out and drawn by package network.
// External contacts appear only to staff and their introducer.

// NetworkQuery filters the network: a consortium (id or slug), a theme,
// a kind of tie (network.TieKinds).
type NetworkQuery struct {
	Consortium string
	Theme      string
	Kind       string
}

// NetworkView is the placed graph with its filters' choices.
type NetworkView struct {
	Graph    network.Graph
	Layout   network.Layout
	Quarters []network.Quarter
	// Choices for the filters: the consortia the reader may see, themes.
	Consortia []model.ConsortiumRef
	Themes    []string
}

// Network returns the network as the reader may see it. A consortium the
// reader may not see answers 404, like its page.
func (a *App) Network(ctx context.Context, actor *model.User, q NetworkQuery) (*NetworkView, error) {
	q.Consortium, q.Theme, q.Kind = strings.TrimSpace(q.Consortium), strings.TrimSpace(q.Theme), strings.TrimSpace(q.Kind)
	var p model.Problems
	if q.Kind != "" && !slices.Contains(network.TieKinds, q.Kind) {
		p.Add("kind", "must be one of %s", strings.Join(network.TieKinds, ", "))
	}
	if msg := model.TextProblem(q.Theme, false); msg != "" || len(q.Theme) > 64 {
		p.Add("theme", "must be a theme like education (one line, at most 64 characters)")
	}
	if err := p.Err(); err != nil {
		return nil, err
	}
	var only *model.Consortium
	if q.Consortium != "" {
		c, err := loadVisibleConsortium(ctx, a.store, actor, q.Consortium)
		if err != nil {
			return nil, err
		}
		only = c
	}
	f := storage.IntroductionFilter{All: actor.IsAdmin()}
	if actor != nil && actor.DisabledAt == nil {
		f.Reader = actor.ID
	}
	rows, err := a.store.Network(ctx, visibility(actor), f)
	if err != nil {
		return nil, err
	}
	g, keep := networkGraph(rows, actor, only, q.Theme)
	g = g.Apply(network.Filter{Keep: keep, Kind: q.Kind})
	v := &NetworkView{Graph: g, Quarters: network.PerQuarter(g.Edges), Consortia: rows.Consortia}
	v.Layout = network.Place(&v.Graph)
	themes := map[string]bool{}
	for _, c := range rows.Communities {
		for _, t := range c.Themes {
			themes[t] = true
		}
	}
	for t := range themes {
		v.Themes = append(v.Themes, t)
	}
	slices.Sort(v.Themes)
	return v, nil
}

// networkGraph builds the whole graph the reader may see and the nodes the
// consortium and theme filters keep (nil: all).
func networkGraph(rows *storage.NetworkRows, actor *model.User, only *model.Consortium, theme string) (network.Graph, map[string]bool) {
	g := network.Graph{Nodes: []network.Node{}, Edges: []network.Edge{}}
	community := func(id int64) string { return "community-" + idStr(id) }
	consortium := func(id int64) string { return "consortium-" + idStr(id) }
	names := map[int64]string{}
	for _, c := range rows.Consortia {
		names[c.ID] = c.Name
		g.Nodes = append(g.Nodes, network.Node{ID: consortium(c.ID), Kind: network.KindConsortium, Label: c.Name, URL: "/consortia/" + c.Slug})
	}
	// A community is drawn beside its first consortium by name.
	home := map[int64]int64{}
	for _, m := range rows.Members {
		if h, ok := home[m.CommunityID]; !ok || names[m.ConsortiumID] < names[h] {
			home[m.CommunityID] = m.ConsortiumID
		}
		g.Edges = append(g.Edges, network.Edge{From: consortium(m.ConsortiumID), To: community(m.CommunityID), Kind: network.TieMember, At: m.JoinedAt})
	}
	var keep map[string]bool
	if only != nil || theme != "" {
		keep = map[string]bool{}
	}
	members := map[int64]bool{}
	for _, m := range rows.Members {
		if only != nil && m.ConsortiumID == only.ID {
			members[m.CommunityID] = true
		}
	}
	communities := map[int64]bool{}
	for _, c := range rows.Communities {
		communities[c.ID] = true
		n := network.Node{ID: community(c.ID), Kind: network.KindCommunity, Label: c.Name, URL: "/communities/" + c.Slug}
		if h, ok := home[c.ID]; ok {
			n.Home = consortium(h)
		}
		g.Nodes = append(g.Nodes, n)
		if keep != nil && (only == nil || members[c.ID]) && (theme == "" || slices.Contains(c.Themes, theme)) {
			keep[n.ID] = true
		}
	}
	if keep != nil {
		// Keep the consortia of the kept communities (or the one asked for).
		for _, m := range rows.Members {
			if keep[community(m.CommunityID)] && (only == nil || m.ConsortiumID == only.ID) {
				keep[consortium(m.ConsortiumID)] = true
			}
		}
		if only != nil {
			keep[consortium(only.ID)] = true
		}
	}
	for _, in := range rows.Introductions {
		e := network.Edge{Kind: in.Kind, Status: in.Status, At: in.IntroducedAt, URL: "/introductions/" + idStr(in.ID)}
		switch {
		case in.FromID != nil && in.ToID != nil:
			if !communities[*in.FromID] || !communities[*in.ToID] {
				continue // an archived party
			}
			e.From, e.To = community(*in.FromID), community(*in.ToID)
		case in.FromID != nil && communities[*in.FromID] && (in.ContactName != "" || in.ContactOf != ""):
			// External contacts: staff and the introducer only.
			if !actor.IsAdmin() && (actor == nil || actor.DisabledAt != nil || actor.ID != in.IntroducerID) {
				continue
			}
			label := in.ContactOf
			if label == "" {
				label = in.ContactName
			}
			contact := "contact-" + idStr(in.ID)
			g.Nodes = append(g.Nodes, network.Node{ID: contact, Kind: network.KindContact, Label: label, URL: e.URL, Home: community(*in.FromID)})
			e.From, e.To = community(*in.FromID), contact
		default:
			continue
		}
		g.Edges = append(g.Edges, e)
	}
	return g, keep
}
