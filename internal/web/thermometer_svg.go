package web

import (
	"fmt"
	"html"
	"io"
	"math/big"
	"net/http"
	"strings"

	"consortia/internal/app"
	"consortia/internal/model"
)

// scaled returns v/scale·width, computed exactly in integers.
func scaled(v, scale, width int64) int64 {
	if scale <= 0 || v <= 0 {
		return 0
	}
	n := new(big.Int).Mul(big.NewInt(v), big.NewInt(width))
	n.Quo(n, big.NewInt(scale))
	return min(n.Int64(), width)
}

// thermometerSVG draws a goal's thermometer: committed, active and
// not-yet-active money as a stacked bar against the goal, with a legend.
// Every text is escaped; the result is standalone SVG (for slides) or an
// inline <svg> element for pages.
func thermometerSVG(t app.Thermometer, title, id string, standalone bool) string {
	width := int64(480) // pages: drawn small, so its text stays legible in a side column
	if standalone {
		width = 640
	}
	scale := max(t.Goal, t.Collected+t.Waiting, 1)
	money := func(v int64) string { return html.EscapeString(model.Money{Amount: v, Currency: t.Currency}.String()) }
	esc := html.EscapeString
	top := int64(0)
	ink := "currentColor"
	if standalone {
		top, ink = 30, "#111827"
	}
	// Pages show the figures beside the bar; the standalone image (for
	// slides) carries them itself.
	height := top + 70
	if standalone {
		height = top + 138
	}
	var b strings.Builder
	if standalone {
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	}
	desc := fmt.Sprintf("Goal %s. Committed %s, active now %s, not yet active %s.", money(t.Goal), money(t.Committed), money(t.Active), money(t.Waiting))
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%s" role="img" aria-labelledby="%s-t %s-d" class="thermometer" font-family="system-ui, sans-serif" font-size="14">`,
		width, height, map[bool]string{true: "640", false: "100%"}[standalone], esc(id), esc(id))
	name := "Funding thermometer"
	if title != "" {
		name = title
	}
	fmt.Fprintf(&b, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, esc(id), esc(name), esc(id), desc)
	if standalone {
		fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/>`, width, height)
		fmt.Fprintf(&b, `<text x="0" y="20" font-size="16" font-weight="700" fill="%s">%s</text>`, ink, esc(name))
	}
	barY := top + 26
	fmt.Fprintf(&b, `<rect x="0" y="%d" width="%d" height="28" rx="6" fill="#e5e7eb"/>`, barY, width)
	x := int64(0)
	for _, seg := range []struct {
		v            int64
		fill, stroke string
	}{{t.Committed, "#047857", "none"}, {t.Active, "#34d399", "none"}, {t.Waiting, "#fde68a", "#b45309"}} {
		w := scaled(seg.v, scale, width)
		if w > 0 {
			dash := ""
			if seg.stroke != "none" {
				dash = ` stroke-dasharray="4 3"`
			}
			fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="28" fill="%s" stroke="%s"%s/>`, x, barY, w, seg.fill, seg.stroke, dash)
		}
		x += w
	}
	gx := scaled(t.Goal, scale, width)
	if gx >= width {
		gx = width - 1
	}
	anchor, lx := "end", gx-4
	if gx < width/2 {
		anchor, lx = "start", gx+4
	}
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2"/>`, gx, barY-8, gx, barY+36, ink)
	fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="%s" fill="%s" font-weight="600">Goal %s</text>`, lx, barY-10, anchor, ink, money(t.Goal))
	if !standalone {
		b.WriteString(`</svg>`)
		return b.String()
	}
	ly := barY + 60
	items := []struct {
		label, fill, stroke string
		v                   int64
	}{{"Committed", "#047857", "none", t.Committed}, {"Active now", "#34d399", "none", t.Active}, {"Not yet active", "#fde68a", "#b45309", t.Waiting}}
	for i, it := range items {
		lxi := int64(i) * 214
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="12" height="12" rx="2" fill="%s" stroke="%s"/>`, lxi, ly-10, it.fill, it.stroke)
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`, lxi+17, ly, ink, esc(it.label))
		fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s" font-weight="700">%s</text>`, lxi+17, ly+17, ink, money(it.v))
	}
	status := fmt.Sprintf("Collected %s of %s", money(t.Collected), money(t.Goal))
	switch {
	case t.Closed:
		status = fmt.Sprintf("Closed: %s committed", money(t.Committed))
	case t.Funded:
		status += " — funded"
	default:
		status += fmt.Sprintf(" — %s to go", money(t.Gap))
	}
	if t.Voided && !t.Closed {
		status += " (all or nothing: nothing is committed unless the goal is reached)"
	}
	fmt.Fprintf(&b, `<text x="0" y="%d" fill="%s" font-size="12">%s</text>`, ly+40, ink, status)
	b.WriteString(`</svg>`)
	return b.String()
}

// miniBarSVG is a small thermometer for lists: the stacked bar and the goal
// marker, without text (the list shows the figures).
func miniBarSVG(t app.Thermometer) string {
	const width = 160
	scale := max(t.Goal, t.Collected+t.Waiting, 1)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d 14" width="%d" height="14" aria-hidden="true" class="mini-thermometer">`, width, width)
	fmt.Fprintf(&b, `<rect x="0" y="2" width="%d" height="10" rx="3" fill="#e5e7eb"/>`, width)
	x := int64(0)
	for _, seg := range []struct {
		v    int64
		fill string
	}{{t.Committed, "#047857"}, {t.Active, "#34d399"}, {t.Waiting, "#fde68a"}} {
		if w := scaled(seg.v, scale, width); w > 0 {
			fmt.Fprintf(&b, `<rect x="%d" y="2" width="%d" height="10" fill="%s"/>`, x, w, seg.fill)
			x += w
		}
	}
	gx := min(scaled(t.Goal, scale, width), width-1)
	fmt.Fprintf(&b, `<line x1="%d" y1="0" x2="%d" y2="14" stroke="currentColor" stroke-width="2"/></svg>`, gx, gx)
	return b.String()
}

// ThermometerSVG serves a goal's thermometer as a standalone SVG image.
func (ui *UI) ThermometerSVG() http.Handler {
	return ui.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := pathID(r, "id")
		if err != nil {
			return err
		}
		v, err := ui.app.GetGoal(r.Context(), user(r), id)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = io.WriteString(w, thermometerSVG(v.Thermometer, v.Title, fmt.Sprintf("goal-%d", v.ID), true))
		return nil
	})
}
