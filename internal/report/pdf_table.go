package report

import (
	"strings"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// pdfRun is a stretch of cell text in one style.
type pdfRun struct {
	text   string
	bold   bool
	italic bool
	mono   bool
	link   string // http, https or mailto: the run's own text is clickable
	fb     int    // 1 + the fallback face drawing it; 0: the document's own
}

type pdfCell struct {
	text   string // plain text, used when runs is empty
	link   string // a link on the whole of text
	runs   []pdfRun
	nowrap bool // keep on one line when the column allows (dates, times)
	align  string
}

func (c pdfCell) styled() []pdfRun {
	if len(c.runs) > 0 {
		return c.runs
	}
	if c.text == "" {
		return nil
	}
	return []pdfRun{{text: c.text, link: c.link}}
}

type pdfTable struct {
	header []string
	aligns []string
	rows   [][]pdfCell
	fills  []bool // rows drawn with the internal tint
}

// cellSeg is one piece of a laid-out cell line.
type cellSeg struct {
	run pdfRun // text holds the piece
	w   float64
}

type cellLine struct {
	segs []cellSeg
	w    float64
}

// table draws t with wrapped cells, repeating the header row on every page.
// Columns are sized to their content; a word wider than its column breaks
// between characters with a hyphen, so nothing is ever cut off. A table
// starts on a new page unless its header and first two rows fit, and it
// never leaves a single row alone on a page.
func (d *pdfDoc) table(t pdfTable) {
	f := d.f
	cols := len(t.header)
	if cols == 0 {
		return
	}
	left, _, _, _ := f.GetMargins()
	avail := d.pw - marginR - left
	d.inTable = true
	defer func() { d.inTable = false }()
	oldMargin := f.GetCellMargin()
	f.SetCellMargin(0)
	auto, _ := f.GetAutoPageBreak()
	f.SetAutoPageBreak(false, marginB)
	defer func() {
		f.SetCellMargin(oldMargin)
		f.SetAutoPageBreak(auto, marginB)
	}()

	header := make([]pdfCell, cols)
	for i, h := range t.header {
		header[i] = pdfCell{runs: []pdfRun{{text: h, bold: true}}}
		if i < len(t.aligns) {
			header[i].align = t.aligns[i]
		}
	}
	rows := make([][]pdfCell, len(t.rows))
	for i, r := range t.rows {
		rows[i] = make([]pdfCell, cols)
		copy(rows[i], r)
		for j := range rows[i] {
			if rows[i][j].align == "" && j < len(t.aligns) {
				rows[i][j].align = t.aligns[j]
			}
		}
	}
	widths := d.columnWidths(header, rows, avail)
	headLines := d.rowLines(header, widths)
	headH := rowHeight(headLines)
	drawHeader := func() {
		y := f.GetY()
		d.drawRow(header, headLines, widths, left, y, headH, colHeadBg)
		f.SetY(y + headH)
	}
	laid := make([][][]cellLine, len(rows))
	for i, row := range rows {
		laid[i] = d.rowLines(row, widths)
	}
	// Keep the header with two rows (or all, when fewer).
	first := headH
	for i := 0; i < len(laid) && i < 2; i++ {
		first += rowHeight(laid[i])
	}
	if first <= d.ph-marginT-marginB {
		d.needSpace(first)
	} else {
		d.needSpace(headH + tableLine + 2*tablePad)
	}
	drawHeader()
	for i, row := range rows {
		lines := laid[i]
		fill := rgb{255, 255, 255}
		if i < len(t.fills) && t.fills[i] {
			fill = colInternal
		}
		// The last row never goes alone onto a new page: when it would,
		// the row before it goes along (when that one is not already the
		// first row of this page).
		if i == len(rows)-2 && len(rows) > 2 {
			both := rowHeight(lines) + rowHeight(laid[i+1])
			if f.GetY()+rowHeight(lines) <= d.ph-marginB && f.GetY()+both > d.ph-marginB && both+headH <= d.ph-marginT-marginB {
				f.AddPage()
				drawHeader()
			}
		}
		for {
			h := rowHeight(lines)
			room := d.ph - marginB - f.GetY()
			if h <= room {
				y := f.GetY()
				d.drawRow(row, lines, widths, left, y, h, fill)
				f.SetY(y + h)
				break
			}
			// Split the row when even an empty page could not hold it, or
			// when a good part of it fits here; else move it whole.
			fit := int((room - 2*tablePad) / tableLine)
			if (h <= d.ph-marginT-marginB-headH && fit < 3) || fit < 1 {
				f.AddPage()
				drawHeader()
				continue
			}
			head, rest := splitLines(lines, fit)
			d.drawRow(row, head, widths, left, f.GetY(), rowHeight(head), fill)
			f.AddPage()
			drawHeader()
			lines = rest
		}
	}
	d.setFont(fonts.Sans, "", tableSize)
	f.SetX(left)
	f.Ln(3)
}

func rowHeight(lines [][]cellLine) float64 {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return float64(n)*tableLine + 2*tablePad
}

func splitLines(lines [][]cellLine, n int) (head, rest [][]cellLine) {
	for _, l := range lines {
		k := min(n, len(l))
		head = append(head, l[:k])
		rest = append(rest, l[k:])
	}
	return head, rest
}

func (d *pdfDoc) drawRow(row []pdfCell, lines [][]cellLine, widths []float64, x, y, h float64, fill rgb) {
	f := d.f
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.SetLineWidth(0.2)
	f.SetFillColor(fill.r, fill.g, fill.b)
	cx := x
	for i := range row {
		w := widths[i]
		f.Rect(cx, y, w, h, "FD")
		for j, line := range lines[i] {
			lx := cx + tablePad
			switch row[i].align {
			case "R":
				lx = cx + w - tablePad - line.w
			case "C":
				lx = cx + (w-line.w)/2
			}
			ly := y + tablePad + float64(j)*tableLine
			for _, s := range line.segs {
				d.runFont(s.run)
				if s.run.link != "" {
					d.setColor(d.accent)
				}
				f.SetXY(lx, ly)
				if s.run.italic {
					d.slanted(s.w, tableLine, s.run.text)
				} else {
					f.CellFormat(s.w, tableLine, s.run.text, "", 0, "L", false, 0, "")
				}
				if s.run.link != "" {
					f.LinkString(lx, ly, s.w, tableLine, s.run.link)
					d.setColor(colInk)
				}
				lx += s.w
			}
		}
		cx += w
	}
}

// columnWidths gives each column room for its content: short columns keep
// their natural width, long ones share what is left in proportion to their
// content, and no column gets narrower than its longest word allows (up to
// a third of the table; longer words break with a hyphen).
func (d *pdfDoc) columnWidths(header []pdfCell, rows [][]pdfCell, avail float64) []float64 {
	f := d.f
	n := len(header)
	natural := make([]float64, n)
	minimum := make([]float64, n)
	nowrap := make([]bool, n)
	measure := func(c pdfCell, i int) {
		line, longest := 0.0, 0.0
		word := 0.0
		for _, r := range d.fallbackRuns(c.styled()) {
			d.runFont(r)
			text := r.text
			line += f.GetStringWidth(text)
			for _, part := range strings.SplitAfter(text, " ") {
				if strings.HasSuffix(part, " ") {
					word += f.GetStringWidth(strings.TrimSuffix(part, " "))
					longest = max(longest, word)
					word = 0
					continue
				}
				word += f.GetStringWidth(part)
			}
		}
		longest = max(longest, word)
		natural[i] = max(natural[i], line+2*tablePad+0.5)
		if c.nowrap {
			nowrap[i] = true
			minimum[i] = max(minimum[i], min(line+2*tablePad+0.5, avail/3))
			return
		}
		minimum[i] = max(minimum[i], min(longest+2*tablePad+0.5, avail/3))
	}
	for i, h := range header {
		measure(h, i)
	}
	for _, r := range rows {
		for i := 0; i < n && i < len(r); i++ {
			measure(r[i], i)
		}
	}
	widths := make([]float64, n)
	total := 0.0
	for i := range natural {
		minimum[i] = max(minimum[i], 10)
		natural[i] = max(natural[i], minimum[i])
		total += natural[i]
	}
	if total <= avail {
		// Everything fits on one line: spread the spare room over the
		// columns that wrap, so the table spans the page.
		spare := avail - total
		flex := 0.0
		for i := range natural {
			if !nowrap[i] {
				flex += natural[i]
			}
		}
		for i := range natural {
			widths[i] = natural[i]
			if flex > 0 && !nowrap[i] {
				widths[i] += spare * natural[i] / flex
			} else if flex == 0 {
				widths[i] += spare / float64(n)
			}
		}
		return widths
	}
	// Too wide: every column gets its minimum, and what is left goes to
	// the columns that want more, in proportion to what they want.
	rest := avail
	for i := range minimum {
		widths[i] = minimum[i]
		rest -= minimum[i]
	}
	if rest < 0 { // minimums alone overflow: scale them down (words break)
		sum := avail - rest
		for i := range widths {
			widths[i] *= avail / sum
		}
		return widths
	}
	// Columns whose whole text fits in a fair share get it; the others
	// share the remainder by how much more they want.
	want := 0.0
	for i := range natural {
		want += natural[i] - minimum[i]
	}
	for i := range natural {
		if want > 0 {
			widths[i] += rest * (natural[i] - minimum[i]) / want
		}
	}
	return widths
}
