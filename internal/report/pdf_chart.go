package report

import (
	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// colRecover is the "mitigated, not yet resolved" colour of the chart.
var colRecover = rgb{191, 135, 0}

// chart draws the visual timeline the HTML export shows, from the same
// geometry (newSVGView), scaled from its 720-unit width to the page: one
// row per occurrence with its label and date, the impact and recovery
// bars, the marked moments with their times, and the legend.
func (d *pdfDoc) chart() {
	if len(d.rep.Cycles) == 0 {
		return
	}
	v := newSVGView(d.rep)
	f := d.f
	k := d.cw / float64(v.Width)
	h := float64(v.Height) * k
	if h > d.ph-marginT-marginB {
		return // more occurrences than a page holds: the table says it all
	}
	d.needSpace(h + 4)
	x0, y0 := marginL, f.GetY()
	px := func(x float64) float64 { return x0 + x*k }
	py := func(y float64) float64 { return y0 + y*k }
	// The SVG's 11px text is 11 units of 720: in points on the page.
	pt := 11 * k * 72 / 25.4
	baseline := func(y float64, size float64) float64 { return py(y) - size*25.4/72*0.3 }
	text := func(x, y float64, s, anchor string, size float64) {
		s = d.richSafe(s)
		w := d.richWidth(s)
		switch anchor {
		case "middle":
			x -= w / 2
		case "end":
			x -= w
		}
		d.richText(x, baseline(y, size)+size*25.4/72*0.3, s)
	}
	f.SetLineWidth(0.2)
	for _, row := range v.Rows {
		d.setFont(fonts.Sans, "B", pt)
		d.setColor(colInk)
		text(px(svgLeft), float64(row.LabelY), row.Label, "start", pt)
		f.SetDrawColor(colLine.r, colLine.g, colLine.b)
		f.Line(px(svgLeft), py(float64(row.BarY)), px(float64(v.Width-svgRight)), py(float64(row.BarY)))
		if row.Open {
			f.SetAlpha(0.6, "Normal")
		}
		f.SetFillColor(colImpact.r, colImpact.g, colImpact.b)
		f.Rect(px(row.ImpactX), py(float64(row.BarY)), row.ImpactW*k, svgBarH*k, "F")
		if row.Open {
			f.SetAlpha(1, "Normal")
		}
		if row.RecoverW > 0 {
			f.SetFillColor(colRecover.r, colRecover.g, colRecover.b)
			f.Rect(px(row.RecoverX), py(float64(row.BarY)), row.RecoverW*k, svgBarH*k, "F")
		}
		d.setFont(fonts.Sans, "", pt)
		for _, m := range row.Marks {
			f.SetDrawColor(colInk.r, colInk.g, colInk.b)
			f.Line(px(m.X), py(float64(m.Y1)), px(m.X), py(float64(m.Y2)))
			d.setColor(colMuted)
			text(px(m.X), float64(m.TextY), m.Label, m.Anchor, pt)
		}
	}
	d.setFont(fonts.Sans, "", pt)
	d.setColor(colInk)
	ly := float64(v.LegendY)
	f.SetFillColor(colImpact.r, colImpact.g, colImpact.b)
	f.Rect(px(8), py(ly), 12*k, 12*k, "F")
	text(px(26), ly+10, d.rep.Labels.Impact, "start", pt)
	f.SetFillColor(colRecover.r, colRecover.g, colRecover.b)
	f.Rect(px(200), py(ly), 12*k, 12*k, "F")
	text(px(218), ly+10, d.rep.Labels.Recovering, "start", pt)
	f.SetXY(marginL, y0+h+3)
}
