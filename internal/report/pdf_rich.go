package report

// Text outside the Markdown body (the title, section headings, header
// facts, notices, the closing paragraph and the running page header and
// footer) goes through the same fallback chain as body text: each line is
// split where the face changes, measured and drawn face by face.

import (
	"strings"
	"unicode"
)

// richSafe makes raw one line of text safe for the current face, keeping
// what a fallback face can draw.
func (d *pdfDoc) richSafe(raw string) string {
	cov := d.covs[d.family+"/"+d.style]
	if len(d.fb) == 0 {
		return pdfSafe(raw, cov, false)
	}
	return pdfSafeAlt(raw, cov, false, func(r rune) bool { return d.fallbackFor(r) >= 0 })
}

// mixed reports whether safe text needs a fallback face.
func (d *pdfDoc) mixed(safe string) bool {
	if len(d.fb) == 0 || isPlainASCII(safe) {
		return false
	}
	segs := d.segments(safe, false)
	return len(segs) > 1 || (len(segs) == 1 && segs[0].fb >= 0)
}

// restoreFont selects the document face again after a fallback face.
func (d *pdfDoc) restoreFont() {
	d.f.SetFont(d.family, d.style, d.size)
}

// richWidth is the width of safe text drawn face by face.
func (d *pdfDoc) richWidth(safe string) float64 {
	if !d.mixed(safe) {
		return d.f.GetStringWidth(safe)
	}
	w := 0.0
	for _, seg := range d.segments(safe, false) {
		if seg.fb >= 0 {
			d.useFallback(seg.fb, d.size)
		} else {
			d.restoreFont()
		}
		w += d.f.GetStringWidth(seg.text)
	}
	d.restoreFont()
	return w
}

// runeWidths measures each rune of safe text in the face that draws it.
func (d *pdfDoc) runeWidths(safe string) ([]rune, []float64) {
	var rs []rune
	var ws []float64
	for _, seg := range d.segments(safe, false) {
		if seg.fb >= 0 {
			d.useFallback(seg.fb, d.size)
		} else {
			d.restoreFont()
		}
		for _, r := range seg.text {
			rs = append(rs, r)
			ws = append(ws, d.f.GetStringWidth(string(r)))
		}
	}
	d.restoreFont()
	return rs, ws
}

// richLines wraps raw text (one paragraph) into safe lines at most w
// wide with the current font and the fallback faces. Lines break at
// spaces, beside CJK characters, and inside a word longer than a line.
func (d *pdfDoc) richLines(raw string, w float64) []string {
	safe := d.richSafe(raw)
	if strings.TrimSpace(safe) == "" {
		return []string{""}
	}
	if !d.mixed(safe) {
		return d.f.SplitText(safe, w)
	}
	rs, ws := d.runeWidths(safe)
	var out []string
	start, width, brk := 0, 0.0, -1 // brk: index after which the line may break
	for i := 0; i < len(rs); i++ {
		if rs[i] == ' ' && i == start && len(out) > 0 {
			start++ // no spaces at the start of a wrapped line
			continue
		}
		if width+ws[i] > w && i > start {
			end, next := i, i
			if brk >= start && brk < i {
				end, next = brk+1, brk+1
			}
			out = append(out, strings.TrimRight(string(rs[start:end]), " "))
			start, width, brk = next, 0, -1
			for j := start; j < i; j++ {
				width += ws[j]
				if rs[j] == ' ' || wideBreak(rs[j]) || wideBreak(rs[j+1]) {
					brk = j
				}
			}
			if rs[i] == ' ' && i == start {
				start++
				continue
			}
		}
		width += ws[i]
		if rs[i] == ' ' || wideBreak(rs[i]) || (i+1 < len(rs) && wideBreak(rs[i+1])) {
			brk = i
		}
	}
	if start < len(rs) {
		out = append(out, strings.TrimRight(string(rs[start:]), " "))
	}
	if len(out) == 0 {
		out = []string{""}
	}
	return out
}

// wideBreak: a line may break beside these characters without a space
// (CJK ideographs, kana, Hangul and full-width forms).
func wideBreak(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) ||
		unicode.Is(unicode.Katakana, r) || unicode.Is(unicode.Hangul, r) || (r >= 0x3000 && r <= 0x303F) || (r >= 0xFF00 && r <= 0xFFEF))
}

// richCell draws one safe line like fpdf's CellFormat (no border), face
// by face when it needs a fallback face.
func (d *pdfDoc) richCell(w, h float64, line string, ln int, align string, fill bool, link string) {
	f := d.f
	if !d.mixed(line) {
		f.CellFormat(w, h, line, "", ln, align, fill, 0, link)
		return
	}
	x, y := f.GetXY()
	total := d.richWidth(line)
	if fill {
		f.Rect(x, y, w, h, "F")
	}
	cm := f.GetCellMargin()
	start := x + cm
	switch align {
	case "R":
		start = x + w - cm - total
	case "C":
		start = x + (w-total)/2
	}
	f.SetCellMargin(0)
	f.SetXY(start, y)
	for _, seg := range d.segments(line, false) {
		if seg.fb >= 0 {
			d.useFallback(seg.fb, d.size)
		} else {
			d.restoreFont()
		}
		f.CellFormat(f.GetStringWidth(seg.text), h, seg.text, "", 0, "L", false, 0, link)
	}
	d.restoreFont()
	f.SetCellMargin(cm)
	switch ln {
	case 1:
		left, _, _, _ := f.GetMargins()
		f.SetXY(left, y+h)
	case 2:
		f.SetXY(x, y+h)
	default:
		f.SetXY(x+w, y)
	}
}

// richFit is raw text made safe and shortened with an ellipsis until it
// is at most w wide.
func (d *pdfDoc) richFit(raw string, w float64) string {
	safe := d.richSafe(raw)
	if d.richWidth(safe) <= w {
		return safe
	}
	limit := w - d.f.GetStringWidth("…")
	rs, ws := d.runeWidths(safe)
	width := 0.0
	for i := range rs {
		width += ws[i]
		if width > limit {
			return strings.TrimSpace(string(rs[:i])) + "…"
		}
	}
	return safe
}

// richBlock writes raw text (one paragraph) wrapped to the content width
// from the current left margin, one line at a time, breaking pages as
// needed.
func (d *pdfDoc) richBlock(raw string, lineH float64, fill bool) {
	f := d.f
	left, _, _, _ := f.GetMargins()
	w := d.pw - marginR - left
	for _, line := range d.richLines(raw, w) {
		d.needSpace(lineH)
		f.SetX(left)
		d.richCell(w, lineH, line, 2, "L", fill, "")
	}
}

// richText draws a safe string with its left end at x on baseline y, like
// fpdf's Text, face by face.
func (d *pdfDoc) richText(x, y float64, safe string) {
	if !d.mixed(safe) {
		d.f.Text(x, y, safe)
		return
	}
	for _, seg := range d.segments(safe, false) {
		if seg.fb >= 0 {
			d.useFallback(seg.fb, d.size)
		} else {
			d.restoreFont()
		}
		d.f.Text(x, y, seg.text)
		x += d.f.GetStringWidth(seg.text)
	}
	d.restoreFont()
}
