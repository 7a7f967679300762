package report

import (
	"bytes"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"time"

	"github.com/hindsight-rca/hindsight/internal/markdown"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

var htmlTemplate = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	// md is the only way author text reaches the page: markdown.ToHTML
	// drops raw HTML and sanitizes the result.
	"md": markdown.ToHTML,
	// mdimg: the same, with the report's images inline (images.go).
	"mdimg": mdWithImages,
}).ParseFS(templateFS, "templates/report.html.tmpl"))

// DefaultAccent is the accent colour when the branding sets none.
const DefaultAccent = "#1f6feb"

type htmlView struct {
	Report
	Accent  template.CSS
	Logo    template.URL
	Visual  *svgView
	Tables  bool
	Updated string
	// PaperCSS is the print page size: "A4" or "letter".
	PaperCSS template.CSS
}

// RenderHTML writes rep as one self-contained HTML file: inline CSS, an
// inline SVG overview of the impact cycles, a print stylesheet, and no
// reference to anything outside the file.
func RenderHTML(w io.Writer, rep Report) error {
	v := htmlView{Report: rep, Accent: template.CSS(DefaultAccent), PaperCSS: "A4"}
	if rep.Paper.orDefault(rep.Tag) == Letter {
		v.PaperCSS = "letter"
	}
	if accentRe.MatchString(rep.Branding.Accent) {
		v.Accent = template.CSS(rep.Branding.Accent) // #nosec G203 -- validated hex colour
	}
	if len(rep.Branding.LogoPNG) > 0 && checkLogo(rep.Branding.LogoPNG) == "" {
		// A data URL keeps the file self-contained; the bytes decoded as PNG.
		v.Logo = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(rep.Branding.LogoPNG)) // #nosec G203
	}
	if len(rep.Cycles) > 0 {
		v.Visual = newSVGView(rep)
	}
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, v); err != nil {
		return fmt.Errorf("report: html: %w", err)
	}
	_, err := buf.WriteTo(w)
	return err
}

// svgView is the visual timeline: one row per impact cycle, all rows on one
// scale so their lengths compare, with the moments marked.
type svgView struct {
	Width, Height int
	Rows          []svgRow
	LegendY       int
}

type svgRow struct {
	Label              string
	LabelY, BarY       int
	ImpactX, ImpactW   float64
	RecoverX, RecoverW float64
	Open               bool // no end yet: the bar fades out
	Height             int
	Marks              []svgMark
}

type svgMark struct {
	X            float64
	Y1, Y2       int
	TextY        int
	Anchor       string
	Label, Class string
}

const (
	svgWidth  = 720
	svgLeft   = 8
	svgRight  = 8
	svgLaneH  = 13
	svgBarH   = 14
	svgLegend = 24
)

func newSVGView(rep Report) *svgView {
	var longest time.Duration
	for _, c := range rep.Cycles {
		if d := cycleEnd(c).Sub(c.Start); d > longest {
			longest = d
		}
	}
	if longest < time.Minute {
		longest = time.Minute
	}
	span := float64(svgWidth - svgLeft - svgRight)
	x := func(c Cycle, t time.Time) float64 {
		return float64(svgLeft) + span*float64(t.Sub(c.Start))/float64(longest)
	}
	v := &svgView{Width: svgWidth}
	top := 0
	for _, c := range rep.Cycles {
		row := svgRow{Label: c.Label, LabelY: top + 14, BarY: top + 22}
		end := cycleEnd(c)
		impactEnd := end
		if c.Mitigated != nil {
			impactEnd = *c.Mitigated
		}
		row.ImpactX = x(c, c.Start)
		row.ImpactW = max(x(c, impactEnd)-row.ImpactX, 2)
		if c.Mitigated != nil && c.Resolved != nil && c.Resolved.After(*c.Mitigated) {
			row.RecoverX = x(c, *c.Mitigated)
			row.RecoverW = max(x(c, *c.Resolved)-row.RecoverX, 2)
		}
		row.Open = c.Resolved == nil && c.Mitigated == nil
		// Labels go into lanes under the bar; a label takes the first lane
		// where it does not overlap the previous label.
		var laneEnd []float64
		for _, m := range c.Marks {
			mx := x(c, m.At)
			label := m.Label + " " + markWhen(rep, c, m)
			w := textWidth(label)
			left, anchor := mx-w/2, "middle"
			switch {
			case left < svgLeft:
				left, anchor = mx, "start"
			case mx+w/2 > svgWidth-svgRight:
				left, anchor = mx-w, "end"
			}
			lane := 0
			for lane < len(laneEnd) && laneEnd[lane]+6 > left {
				lane++
			}
			if lane == len(laneEnd) {
				laneEnd = append(laneEnd, 0)
			}
			laneEnd[lane] = left + w
			row.Marks = append(row.Marks, svgMark{
				X: mx, Y1: row.BarY - 3, Y2: row.BarY + svgBarH + 3,
				TextY: row.BarY + svgBarH + 14 + svgLaneH*lane, Anchor: anchor,
				Label: label, Class: string(m.Kind),
			})
		}
		row.Height = 22 + svgBarH + 14 + svgLaneH*max(len(laneEnd)-1, 0) + 16
		v.Rows = append(v.Rows, row)
		top += row.Height
	}
	v.LegendY = top + 4
	v.Height = v.LegendY + svgLegend
	return v
}

// cycleEnd is the last known moment of a cycle (at least its start).
func cycleEnd(c Cycle) time.Time {
	end := c.Start
	for _, t := range []*time.Time{c.Detected, c.Mitigated, c.Resolved} {
		if t != nil && t.After(end) {
			end = *t
		}
	}
	return end
}

// textWidth estimates the width of label at the SVG's 11px font.
func textWidth(label string) float64 { return float64(len([]rune(label))) * 6.4 }

// markWhen is a chart mark's time, with its date when the moment falls on
// another day than the occurrence's start (a chart shows its dates).
func markWhen(rep Report, c Cycle, m Mark) string {
	if m.At.Format("2006-01-02") == c.Start.Format("2006-01-02") {
		return m.Time
	}
	if l := rep.Localizer(); l != nil {
		return l.DateTime(m.At, m.At.Location())
	}
	return m.At.Format("2006-01-02 ") + m.Time
}
