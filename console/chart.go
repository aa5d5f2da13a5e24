package console

import (
	"fmt"
	"html/template"
	"strings"
)

// Charts are drawn here as inline SVG: no script, no library, nothing
// fetched, and they print. Labels are escaped; sizes use a viewBox so a
// chart fills a phone's width as well as a desk's.

// bar is one labelled value.
type bar struct {
	Label string
	Value int
}

// hourChart draws orders per hour as columns, one per hour of the day.
func hourChart(perHour [24]int, title string) template.HTML {
	const w, h, left, bottom, top = 480, 180, 28, 22, 16
	peak := 1
	for _, n := range perHour {
		peak = max(peak, n)
	}
	colW := float64(w-left) / 24
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, esc(title))
	plotH := float64(h - bottom - top)
	// Axis and a guide at the top value.
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, h-bottom, w, h-bottom)
	fmt.Fprintf(&b, `<text class="tick" x="%d" y="%d" text-anchor="end">%d</text>`, left-4, top+4, peak)
	fmt.Fprintf(&b, `<line class="guide" x1="%d" y1="%d" x2="%d" y2="%d"/>`, left, top, w, top)
	for i, n := range perHour {
		x := float64(left) + float64(i)*colW
		if n > 0 {
			bh := plotH * float64(n) / float64(peak)
			fmt.Fprintf(&b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%d点：%d单</title></rect>`,
				x+1, float64(h-bottom)-bh, colW-2, bh, i, n)
			fmt.Fprintf(&b, `<text class="val" x="%.1f" y="%.1f" text-anchor="middle">%d</text>`, x+colW/2, float64(h-bottom)-bh-3, n)
		}
		if i%3 == 0 {
			fmt.Fprintf(&b, `<text class="tick" x="%.1f" y="%d" text-anchor="middle">%d点</text>`, x+colW/2, h-6, i)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// pairChart draws, per label, two horizontal bars: what was asked for
// (demand) and what is left (have), so an item about to run out shows.
func pairChart(labels []string, demand, have []int, title, demandLabel, haveLabel string) template.HTML {
	const w, labelW, rowH, top = 480, 110, 34, 26
	h := top + rowH*len(labels) + 6
	peak := 1
	for i := range labels {
		peak = max(peak, demand[i], have[i])
	}
	plotW := float64(w - labelW - 40)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-label="%s">`, w, h, esc(title))
	fmt.Fprintf(&b, `<rect class="bar demand" x="%d" y="6" width="12" height="12"/><text class="tick" x="%d" y="16">%s</text>`, labelW, labelW+16, esc(demandLabel))
	fmt.Fprintf(&b, `<rect class="bar have" x="%d" y="6" width="12" height="12"/><text class="tick" x="%d" y="16">%s</text>`, labelW+110, labelW+126, esc(haveLabel))
	for i, l := range labels {
		y := top + i*rowH
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, labelW-6, y+20, esc(l))
		for j, v := range []int{demand[i], have[i]} {
			class := "demand"
			if j == 1 {
				class = "have"
				if v == 0 {
					class = "have empty"
				}
			}
			bw := plotW * float64(v) / float64(peak)
			by := y + 2 + j*14
			fmt.Fprintf(&b, `<rect class="bar %s" x="%d" y="%d" width="%.1f" height="12"/>`, class, labelW, by, bw)
			fmt.Fprintf(&b, `<text class="val" x="%.1f" y="%d">%d</text>`, float64(labelW)+bw+4, by+11, v)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func esc(s string) string { return template.HTMLEscapeString(s) }
