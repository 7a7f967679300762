package report

// The DRAFT watermark: glyph outlines drawn as shapes, not text.

import (
	"strings"
	"sync"

	"codeberg.org/go-pdf/fpdf"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// watermark draws the word (DRAFT) across the page as filled glyph
// outlines, not text: readers see it, but copying the page or extracting
// its text (pdftotext) does not give it.
func (d *pdfDoc) watermark() {
	f := d.f
	word := []rune(strings.ToUpper(d.rep.Labels.Watermark))
	if len(word) == 0 {
		return
	}
	face, _ := fonts.Lookup(fonts.Sans, "B")
	type placed struct {
		g fonts.Glyph
		x float64
	}
	var glyphs []placed
	upem, advance := 0.0, 0.0
	for _, r := range word {
		u, g, err := glyphOutline(face, r)
		if err != nil || u <= 0 {
			continue
		}
		upem = u
		glyphs = append(glyphs, placed{g, advance})
		advance += g.Advance
	}
	if len(glyphs) == 0 || advance <= 0 {
		return
	}
	// 90 pt letters, smaller when the word would not fit the diagonal.
	scale := min(90*25.4/72/upem, 230/advance)
	x0, base := d.pw/2-advance*scale/2, d.ph/2+10
	f.SetAlpha(0.08, "Normal")
	f.SetFillColor(colImpact.r, colImpact.g, colImpact.b)
	f.TransformBegin()
	f.TransformRotate(52, d.pw/2, d.ph/2)
	for _, p := range glyphs {
		pt := func(q fonts.Point) (float64, float64) { return x0 + (p.x+q.X)*scale, base - q.Y*scale }
		for _, c := range p.g.Contours {
			drawContour(f, c, pt)
		}
	}
	f.DrawPath("f")
	f.TransformEnd()
	f.SetAlpha(1, "Normal")
	d.setColor(colInk)
}

var outlineCache sync.Map

// face style + rune -> outline

type cachedOutline struct {
	upem float64
	g    fonts.Glyph
	err  error
}

func glyphOutline(face fonts.Face, r rune) (float64, fonts.Glyph, error) {
	key := face.Style + string(r)
	if v, ok := outlineCache.Load(key); ok {
		c := v.(cachedOutline)
		return c.upem, c.g, c.err
	}
	u, g, err := fonts.Outline(face, r)
	outlineCache.Store(key, cachedOutline{u, g, err})
	return u, g, err
}

// drawContour adds one closed TrueType contour (quadratic, with implied
// on-curve points between two control points) to the current path.
func drawContour(f *fpdf.Fpdf, c []fonts.Point, pt func(fonts.Point) (float64, float64)) {
	n := len(c)
	if n < 2 {
		return
	}
	mid := func(a, b fonts.Point) fonts.Point {
		return fonts.Point{X: (a.X + b.X) / 2, Y: (a.Y + b.Y) / 2, OnCurve: true}
	}
	startIdx := -1
	for i, p := range c {
		if p.OnCurve {
			startIdx = i
			break
		}
	}
	var start fonts.Point
	if startIdx < 0 {
		start, startIdx = mid(c[0], c[1]), 0
	} else {
		start = c[startIdx]
	}
	f.MoveTo(pt(start))
	var ctrl *fonts.Point
	for k := 1; k <= n; k++ {
		p := c[(startIdx+k)%n]
		if k == n {
			p = start
		}
		if p.OnCurve {
			x, y := pt(p)
			if ctrl != nil {
				cx, cy := pt(*ctrl)
				f.CurveTo(cx, cy, x, y)
				ctrl = nil
			} else {
				f.LineTo(x, y)
			}
			continue
		}
		if ctrl != nil {
			m := mid(*ctrl, p)
			cx, cy := pt(*ctrl)
			mx, my := pt(m)
			f.CurveTo(cx, cy, mx, my)
		}
		q := p
		ctrl = &q
	}
	if ctrl != nil {
		cx, cy := pt(*ctrl)
		x, y := pt(start)
		f.CurveTo(cx, cy, x, y)
	}
	f.ClosePath()
}
