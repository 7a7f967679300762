package report

import (
	"strconv"
	"strings"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"

	"github.com/hindsight-rca/hindsight/internal/fonts"
	"github.com/hindsight-rca/hindsight/internal/markdown"
)

// markdown renders author Markdown by walking goldmark's syntax tree.
// Raw HTML is dropped, as in the HTML export.
func (d *pdfDoc) markdown(src string) {
	b := []byte(src)
	w := &mdWalker{d: d, src: b}
	doc := markdown.Parse(b)
	d.resetStyle()
	w.blocks(doc, 0)
	d.resetStyle()
	d.f.SetLeftMargin(marginL)
	d.f.SetX(marginL)
}

func (d *pdfDoc) resetStyle() {
	d.bold, d.italic, d.mono, d.strike, d.link = 0, 0, 0, 0, ""
	d.lineH = bodyLine
	d.applyStyle(bodySize)
	d.setColor(colInk)
}

// applyStyle selects the font for the current emphasis state.
func (d *pdfDoc) applyStyle(size float64) {
	style := ""
	if d.bold > 0 {
		style += "B"
	}
	// Italics are the upright face slanted (see slanted), not a face of
	// their own: each embedded face costs fpdf about 3 MB and 2 ms per
	// document.
	d.oblique = d.italic > 0
	family := fonts.Sans
	if d.mono > 0 {
		family = fonts.Mono
		size *= 0.92
	}
	if d.link != "" {
		style += "U"
	}
	if d.strike > 0 {
		style += "S"
	}
	d.setFont(family, style, size)
}

type mdWalker struct {
	d     *pdfDoc
	src   []byte
	size  float64 // current body size; smaller in footnotes
	quote int
}

func (w *mdWalker) bodySize() float64 {
	if w.size == 0 {
		return bodySize
	}
	return w.size
}

// blocks renders the block children of n; depth is the list nesting level.
func (w *mdWalker) blocks(n ast.Node, depth int) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if w.d.f.Err() {
			return
		}
		w.block(c, depth)
	}
}

func (w *mdWalker) block(n ast.Node, depth int) {
	d, f := w.d, w.d.f
	switch n := n.(type) {
	case *ast.Paragraph:
		d.needSpace(d.lineH)
		w.inlines(n)
		f.Ln(d.lineH)
		f.Ln(paraGap)
	case *ast.TextBlock:
		d.needSpace(d.lineH)
		w.inlines(n)
		f.Ln(d.lineH)
	case *ast.Heading:
		sizes := map[int]float64{1: 12.5, 2: 12, 3: 11}
		size, ok := sizes[n.Level]
		if !ok {
			size = 10.5
		}
		d.needSpace(keepWithNext)
		f.Ln(1)
		d.bold++
		d.applyStyle(size)
		old := d.lineH
		d.lineH = size * 0.5
		w.inlines(n)
		d.bold--
		f.Ln(d.lineH)
		d.lineH = old
		d.applyStyle(w.bodySize())
		f.Ln(1.2)
	case *ast.ThematicBreak:
		d.needSpace(6)
		left, _, _, _ := f.GetMargins()
		f.SetDrawColor(colLine.r, colLine.g, colLine.b)
		f.Line(left, f.GetY()+2, d.pw-marginR, f.GetY()+2)
		f.Ln(5)
	case *ast.CodeBlock, *ast.FencedCodeBlock:
		w.codeBlock(n)
	case *ast.Blockquote:
		w.blockquote(n, depth)
	case *ast.List:
		w.list(n, depth)
	case *extast.Table:
		w.table(n)
	case *extast.FootnoteList:
		w.footnotes(n, depth)
	case *ast.HTMLBlock:
		// raw HTML is never rendered
	default:
		if n.Type() == ast.TypeBlock && n.HasChildren() {
			w.blocks(n, depth)
		}
	}
}

func (w *mdWalker) codeBlock(n ast.Node) {
	d, f := w.d, w.d.f
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(w.src))
	}
	text := strings.TrimRight(b.String(), "\n")
	d.setFont(fonts.Mono, "", codeSize)
	d.setColor(colInk)
	left, _, _, _ := f.GetMargins()
	d.needSpace(codeLine*2 + 3)
	f.SetFillColor(colCodeBg.r, colCodeBg.g, colCodeBg.b)
	old := f.GetCellMargin()
	f.SetCellMargin(2.5)
	f.SetX(left)
	f.Ln(0)
	f.CellFormat(d.pw-marginR-left, 1.5, "", "", 2, "L", true, 0, "")
	for _, line := range strings.Split(text, "\n") {
		d.richBlock(line, codeLine, true)
	}
	f.CellFormat(d.pw-marginR-left, 1.5, "", "", 2, "L", true, 0, "")
	f.SetCellMargin(old)
	f.Ln(paraGap)
	d.applyStyle(w.bodySize())
}

func (w *mdWalker) blockquote(n ast.Node, depth int) {
	d, f := w.d, w.d.f
	left, _, _, _ := f.GetMargins()
	startPage, startY := f.PageNo(), f.GetY()
	inner := d.indented(left, quoteIndent)
	f.SetLeftMargin(inner)
	f.SetX(inner)
	w.quote++
	prev := d.color
	d.setColor(colMuted)
	w.blocks(n, depth)
	d.setColor(prev)
	w.quote--
	endPage, endY := f.PageNo(), f.GetY()-paraGap
	f.SetLeftMargin(left)
	f.SetX(left)
	// Draw the quote bar on every page the quote spans.
	f.SetFillColor(colLine.r, colLine.g, colLine.b)
	for p := startPage; p <= endPage; p++ {
		top, bottom := marginT, d.ph-marginB
		if p == startPage {
			top = startY
		}
		if p == endPage {
			bottom = endY
		}
		if bottom > top {
			f.SetPage(p)
			f.Rect(left+1, top, 1, bottom-top, "F")
		}
	}
	f.SetPage(endPage)
	f.SetY(endY + paraGap)
}

func (w *mdWalker) list(n *ast.List, depth int) {
	d, f := w.d, w.d.f
	num := n.Start
	if num == 0 {
		num = 1
	}
	bullets := []string{"•", "◦", "▪"}
	for item := n.FirstChild(); item != nil; item = item.NextSibling() {
		left, _, _, _ := f.GetMargins()
		marker := bullets[depth%len(bullets)]
		if n.IsOrdered() {
			marker = strconv.Itoa(num) + string(n.Marker)
			num++
		}
		if box, ok := taskBox(item); ok {
			marker = "☐"
			if box.IsChecked {
				marker = "☑"
			}
		}
		d.needSpace(d.lineH)
		d.applyStyle(w.bodySize())
		markerW := max(listIndent, f.GetStringWidth(marker)+2)
		f.SetX(left)
		f.CellFormat(markerW-1.2, d.lineH, d.safe(marker, false), "", 0, "R", false, 0, "")
		// The text starts right after the marker (x is there now) and wraps
		// to the indented margin.
		f.SetLeftMargin(d.indented(left, markerW))
		w.blocks(item, depth+1)
		f.SetLeftMargin(left)
		f.SetX(left)
	}
	if depth == 0 || n.IsTight {
		f.Ln(paraGap * 0.6)
	}
}

// minTextWidth is the narrowest column deep nesting may leave for text.
const minTextWidth = 80.0

// indented moves a left margin right by by, but never so far that less
// than minTextWidth stays for the text: deeply nested lists and quotes
// stop indenting instead of squeezing text into a sliver.
func (d *pdfDoc) indented(left, by float64) float64 {
	return max(min(left+by, d.pw-marginR-minTextWidth), left)
}

// taskBox finds a GFM task checkbox at the start of a list item.
func taskBox(item ast.Node) (*extast.TaskCheckBox, bool) {
	first := item.FirstChild()
	if first == nil {
		return nil, false
	}
	box, ok := first.FirstChild().(*extast.TaskCheckBox)
	return box, ok
}

func (w *mdWalker) table(n *extast.Table) {
	t := pdfTable{}
	for _, a := range n.Alignments {
		switch a {
		case extast.AlignRight:
			t.aligns = append(t.aligns, "R")
		case extast.AlignCenter:
			t.aligns = append(t.aligns, "C")
		default:
			t.aligns = append(t.aligns, "L")
		}
	}
	for row := n.FirstChild(); row != nil; row = row.NextSibling() {
		var cells []pdfCell
		for c := row.FirstChild(); c != nil; c = c.NextSibling() {
			cells = append(cells, pdfCell{text: strings.TrimSpace(markdown.PlainText(c, w.src)), runs: trimRuns(cellRuns(c, w.src))})
		}
		if _, ok := row.(*extast.TableHeader); ok {
			for _, c := range cells {
				t.header = append(t.header, c.text)
			}
			continue
		}
		for len(cells) < len(t.header) {
			cells = append(cells, pdfCell{})
		}
		t.rows = append(t.rows, cells[:len(t.header)])
	}
	w.d.table(t)
	w.d.applyStyle(w.bodySize())
}

func (w *mdWalker) footnotes(n ast.Node, depth int) {
	d, f := w.d, w.d.f
	d.needSpace(10)
	left, _, _, _ := f.GetMargins()
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.Line(left, f.GetY()+1, left+40, f.GetY()+1)
	f.Ln(3)
	old, oldLine := w.size, d.lineH
	w.size, d.lineH = 8.5, 4.4
	d.applyStyle(w.size)
	for fn := n.FirstChild(); fn != nil; fn = fn.NextSibling() {
		note, ok := fn.(*extast.Footnote)
		if !ok {
			continue
		}
		f.SetX(left)
		label := "[" + strconv.Itoa(note.Index) + "]"
		lw := f.GetStringWidth(label) + 2
		f.CellFormat(lw, d.lineH, label, "", 0, "L", false, 0, "")
		f.SetLeftMargin(d.indented(left, lw))
		w.blocks(note, depth)
		f.SetLeftMargin(left)
	}
	w.size, d.lineH = old, oldLine
	d.applyStyle(w.bodySize())
}
