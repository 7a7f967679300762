package report

import (
	"strings"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

type pdfCell struct {
	text   string
	link   string // http, https or mailto; the whole cell becomes clickable
	nowrap bool
	align  string // "L", "C", "R"
}

type pdfTable struct {
	header []string
	aligns []string
	rows   [][]pdfCell
	fills  []bool // rows drawn with the internal tint
}

// table draws t with wrapped cells, repeating the header row on every page
// and splitting a row taller than a page across pages.
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
	f.SetCellMargin(tablePad)
	auto, _ := f.GetAutoPageBreak()
	f.SetAutoPageBreak(false, marginB)
	defer func() {
		f.SetCellMargin(oldMargin)
		f.SetAutoPageBreak(auto, marginB)
	}()

	header := make([]pdfCell, cols)
	for i, h := range t.header {
		header[i] = pdfCell{text: h}
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

	d.setFont(fonts.Sans, "B", tableSize)
	headLines := d.cellLines(header, widths)
	headH := rowHeight(headLines)
	drawHeader := func() {
		d.setFont(fonts.Sans, "B", tableSize)
		y := f.GetY()
		d.drawRow(header, headLines, widths, left, y, headH, colHeadBg, false)
		f.SetY(y + headH)
	}
	d.needSpace(headH + tableLine + 2*tablePad)
	drawHeader()
	d.setFont(fonts.Sans, "", tableSize)
	for i, row := range rows {
		d.setFont(fonts.Sans, "", tableSize)
		lines := d.cellLines(row, widths)
		fill := rgb{255, 255, 255}
		tinted := i < len(t.fills) && t.fills[i]
		if tinted {
			fill = colInternal
		}
		for {
			h := rowHeight(lines)
			room := d.ph - marginB - f.GetY()
			if h <= room {
				y := f.GetY()
				d.drawRow(row, lines, widths, left, y, h, fill, tinted)
				f.SetY(y + h)
				break
			}
			// Split the row when even an empty page could not hold it, or
			// when a good part of it fits here; else move it whole.
			fit := int((room - 2*tablePad) / tableLine)
			if h <= d.ph-marginT-marginB-headH && fit < 3 {
				f.AddPage()
				drawHeader()
				d.setFont(fonts.Sans, "", tableSize)
				continue
			}
			if fit < 1 {
				f.AddPage()
				drawHeader()
				d.setFont(fonts.Sans, "", tableSize)
				continue
			}
			head, rest := splitLines(lines, fit)
			d.drawRow(row, head, widths, left, f.GetY(), rowHeight(head), fill, tinted)
			f.AddPage()
			drawHeader()
			d.setFont(fonts.Sans, "", tableSize)
			lines = rest
		}
	}
	f.SetX(left)
	f.Ln(3)
}

func rowHeight(lines [][]string) float64 {
	n := 1
	for _, l := range lines {
		n = max(n, len(l))
	}
	return float64(n)*tableLine + 2*tablePad
}

func splitLines(lines [][]string, n int) (head, rest [][]string) {
	for _, l := range lines {
		k := min(n, len(l))
		head = append(head, l[:k])
		rest = append(rest, l[k:])
	}
	return head, rest
}

// cellLines wraps every cell of a row to its column width with the
// current font.
func (d *pdfDoc) cellLines(row []pdfCell, widths []float64) [][]string {
	out := make([][]string, len(row))
	for i, c := range row {
		text := d.safe(c.text, false)
		if c.nowrap {
			out[i] = []string{d.fit(text, widths[i]-2*tablePad)}
			continue
		}
		if strings.TrimSpace(text) == "" {
			out[i] = nil
			continue
		}
		out[i] = d.f.SplitText(text, widths[i])
	}
	return out
}

func (d *pdfDoc) drawRow(row []pdfCell, lines [][]string, widths []float64, x, y, h float64, fill rgb, tinted bool) {
	f := d.f
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.SetLineWidth(0.2)
	f.SetFillColor(fill.r, fill.g, fill.b)
	cx := x
	for i := range row {
		w := widths[i]
		f.Rect(cx, y, w, h, "FD")
		align := row[i].align
		if align == "" {
			align = "L"
		}
		link := row[i].link
		if link != "" {
			d.setColor(d.accent)
		}
		for j, line := range lines[i] {
			f.SetXY(cx, y+tablePad+float64(j)*tableLine)
			f.CellFormat(w, tableLine, line, "", 0, align, false, 0, "")
		}
		if link != "" {
			f.LinkString(cx, y, w, h, link)
			d.setColor(colInk)
		}
		cx += w
	}
	_ = tinted
}

// columnWidths gives each column room for its content: short columns keep
// their natural width, long ones share what is left in proportion to their
// content, and no column gets narrower than its longest word allows.
func (d *pdfDoc) columnWidths(header []pdfCell, rows [][]pdfCell, avail float64) []float64 {
	f := d.f
	n := len(header)
	natural := make([]float64, n)
	minimum := make([]float64, n)
	nowrap := make([]bool, n)
	measure := func(c pdfCell, i int) {
		text := d.safe(c.text, false)
		w := f.GetStringWidth(text) + 2*tablePad + 0.5
		natural[i] = max(natural[i], w)
		if c.nowrap {
			nowrap[i] = true
			minimum[i] = max(minimum[i], w)
			return
		}
		for _, word := range strings.Fields(text) {
			minimum[i] = max(minimum[i], min(f.GetStringWidth(word)+2*tablePad+0.5, avail/3))
		}
	}
	d.setFont(fonts.Sans, "B", tableSize)
	for i, h := range header {
		measure(h, i)
		nowrap[i] = false
	}
	d.setFont(fonts.Sans, "", tableSize)
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
	// Too wide: fixed columns keep their width, the others shrink in
	// proportion to their content but not below their minimum.
	rest := avail
	for i := range natural {
		if nowrap[i] {
			widths[i] = min(natural[i], avail/3)
			rest -= widths[i]
		}
	}
	// Columns narrower than a fair share keep their natural width; the
	// long ones share the rest in proportion to their content.
	settled := make([]bool, n)
	for i := range nowrap {
		settled[i] = nowrap[i]
	}
	for {
		open := 0
		for i := range settled {
			if !settled[i] {
				open++
			}
		}
		if open == 0 {
			break
		}
		fair := rest / float64(open)
		more := false
		for i := range natural {
			if !settled[i] && natural[i] <= fair {
				widths[i], settled[i], more = natural[i], true, true
				rest -= natural[i]
			}
		}
		if more {
			continue
		}
		nat := 0.0
		for i := range natural {
			if !settled[i] {
				nat += natural[i]
			}
		}
		for i := range natural {
			if !settled[i] {
				widths[i] = max(rest*natural[i]/nat, minimum[i])
			}
		}
		break
	}
	sum := 0.0
	for _, w := range widths {
		sum += w
	}
	if sum > avail { // minimums alone overflow: scale everything down
		for i := range widths {
			widths[i] *= avail / sum
		}
	}
	return widths
}
