package web

import (
	"html/template"
	"net/http"

	"consortia/internal/app"
	"consortia/internal/network"
)

// The network page and its drawing on its own (/network.svg).

type networkData struct {
	*app.NetworkView
	Query      app.NetworkQuery
	SVG        template.HTML // drawn by package network, every text escaped there
	Chart      template.HTML
	TieKinds   []string
	TieLabels  map[string]string
	SVGURL     string
	Introduced int
}

func networkQuery(r *http.Request) app.NetworkQuery {
	q := r.URL.Query()
	return app.NetworkQuery{Consortium: q.Get("consortium"), Theme: q.Get("theme"), Kind: q.Get("kind")}
}

// Network shows the graph of communities, consortia and introductions.
func (ui *UI) Network() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		q := networkQuery(r)
		v, err := ui.app.Network(r.Context(), user(r), q)
		if err != nil {
			return err
		}
		d := networkData{NetworkView: v, Query: q, TieKinds: network.TieKinds, TieLabels: network.TieLabels,
			SVG:   template.HTML(network.SVG(v.Graph, v.Layout, "The network of communities, consortia and introductions", false)),
			Chart: template.HTML(network.QuarterChart(v.Quarters)), SVGURL: "/network.svg?" + r.URL.RawQuery}
		for _, q := range v.Quarters {
			d.Introduced += q.Count
		}
		ui.render(w, r, http.StatusOK, "network", ui.page(r, "Network", "consortia", d))
		return nil
	})
}

// NetworkSVG answers the drawing alone, as an SVG file.
func (ui *UI) NetworkSVG() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		v, err := ui.app.Network(r.Context(), user(r), networkQuery(r))
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, err = w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			network.SVG(v.Graph, v.Layout, "The network of communities, consortia and introductions", true)))
		return err
	})
}
