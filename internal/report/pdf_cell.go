package report

// Table cells: runs laid out into lines at a width, with fallback faces.

import (
	"strings"
	"unicode/utf8"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// runFont selects the face of a run at table size.
func (d *pdfDoc) runFont(r pdfRun) {
	if r.fb > 0 {
		d.useFallback(r.fb-1, tableSize)
		return
	}
	family, style, size := fonts.Sans, "", tableSize
	if r.bold {
		style = "B"
	}
	if r.mono {
		family, style, size = fonts.Mono, "", tableSize*0.92
	}
	d.setFont(family, style, size)
}

// rowLines lays out every cell of a row in its column.
func (d *pdfDoc) rowLines(row []pdfCell, widths []float64) [][]cellLine {
	out := make([][]cellLine, len(row))
	for i, c := range row {
		out[i] = d.layoutCell(c.styled(), max(widths[i]-2*tablePad, 1))
	}
	return out
}

// layoutCell wraps runs into lines at most w wide: at spaces, and inside a
// word wider than a line between characters, with a hyphen.
func (d *pdfDoc) layoutCell(runs []pdfRun, w float64) []cellLine {
	var lines []cellLine
	var cur cellLine
	pendingSpace := 0.0 // width of the space owed before the next word
	var spaceRun pdfRun
	push := func(r pdfRun, text string, tw float64) {
		if n := len(cur.segs); n > 0 && cur.segs[n-1].run.link == r.link && sameStyle(cur.segs[n-1].run, r) {
			cur.segs[n-1].run.text += text
			cur.segs[n-1].w += tw
		} else {
			r.text = text
			cur.segs = append(cur.segs, cellSeg{run: r, w: tw})
		}
		cur.w += tw
	}
	newLine := func() {
		lines = append(lines, cur)
		cur = cellLine{}
		pendingSpace = 0
	}
	for _, r := range d.fallbackRuns(runs) {
		d.runFont(r)
		text := r.text
		spaceW := d.f.GetStringWidth(" ")
		for len(text) > 0 {
			if text[0] == ' ' {
				text = text[1:]
				if len(cur.segs) > 0 {
					pendingSpace, spaceRun = spaceW, r
				}
				continue
			}
			n := strings.IndexByte(text, ' ')
			if n < 0 {
				n = len(text)
			}
			word := text[:n]
			text = text[n:]
			ww := d.f.GetStringWidth(word)
			if len(cur.segs) > 0 && cur.w+pendingSpace+ww > w {
				newLine()
			}
			if pendingSpace > 0 {
				sr := spaceRun
				push(sr, " ", pendingSpace)
				pendingSpace = 0
			}
			for ww > w-cur.w && ww > 0 {
				// Too wide for what is left of the line: break it.
				hyW := d.f.GetStringWidth("-")
				room := w - cur.w - hyW
				cut, cutW := 0, 0.0
				hyCut, hyCutW := 0, 0.0 // after the word's own last hyphen that fits
				for i, c := range word {
					cw := d.f.GetStringWidth(string(c))
					if c == '-' && cutW+cw <= room+hyW {
						hyCut, hyCutW = i+1, cutW+cw
					}
					if cutW+cw > room && i > 0 {
						break
					}
					cut, cutW = i+utf8.RuneLen(c), cutW+cw
				}
				if hyCut > 0 && hyCut < len(word) {
					cut, cutW = hyCut, hyCutW // its own hyphen ends the line
				}
				if cut >= len(word) {
					break
				}
				if cut == 0 || (cutW <= 0 && len(cur.segs) > 0) {
					newLine()
					if ww <= w {
						break
					}
					continue
				}
				piece := word[:cut]
				hy := "-"
				if strings.HasSuffix(piece, "-") {
					hy = ""
				}
				push(r, piece+hy, cutW+d.f.GetStringWidth(hy))
				newLine()
				word = word[cut:]
				ww -= cutW // not measured again: a long word in a narrow column stays linear
			}
			push(r, word, ww)
		}
	}
	if len(cur.segs) > 0 {
		lines = append(lines, cur)
	}
	return lines
}

func sameStyle(a, b pdfRun) bool {
	return a.bold == b.bold && a.italic == b.italic && a.mono == b.mono && a.fb == b.fb
}

// fallbackRuns makes each run safe for its face and splits it where a
// fallback face draws a part of it.
func (d *pdfDoc) fallbackRuns(runs []pdfRun) []pdfRun {
	var out []pdfRun
	for _, r := range runs {
		d.runFont(r)
		for _, seg := range d.segments(r.text, false) {
			piece := r
			piece.text, piece.fb = seg.text, seg.fb+1
			out = append(out, piece)
		}
	}
	return out
}
