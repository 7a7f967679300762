package report

import (
	"strconv"
	"strings"
	"unicode/utf8"

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
	text = d.safe(text, true)
	left, _, _, _ := f.GetMargins()
	d.needSpace(codeLine*2 + 3)
	f.SetFillColor(colCodeBg.r, colCodeBg.g, colCodeBg.b)
	old := f.GetCellMargin()
	f.SetCellMargin(2.5)
	f.SetX(left)
	f.Ln(0)
	f.CellFormat(d.pw-marginR-left, 1.5, "", "", 2, "L", true, 0, "")
	d.block(text, codeLine, true)
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

func autoLinkURL(n *ast.AutoLink, src []byte) string {
	u := string(n.URL(src))
	if n.AutoLinkType == ast.AutoLinkEmail && !strings.HasPrefix(strings.ToLower(u), "mailto:") {
		u = "mailto:" + u
	}
	return u
}

// safeLink keeps http, https and mailto targets and drops anything else.
func safeLink(u string) string {
	u = strings.TrimSpace(u)
	lower := strings.ToLower(u)
	if isWebURL(u) || (strings.HasPrefix(lower, "mailto:") && len(u) > len("mailto:") && !strings.ContainsAny(u, " \t\r\n<>\"")) {
		return u
	}
	return ""
}

// inlines writes the inline children of n as flowing text.
func (w *mdWalker) inlines(n ast.Node) {
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		w.inline(c)
	}
}

func (w *mdWalker) inline(n ast.Node) {
	d, f := w.d, w.d.f
	size := w.bodySize()
	if h, ok := n.Parent().(*ast.Heading); ok {
		size = map[int]float64{1: 12.5, 2: 12, 3: 11}[h.Level]
		if size == 0 {
			size = 10.5
		}
	}
	switch n := n.(type) {
	case *ast.Text:
		w.text(markdown.TextValue(n, w.src), size)
		if n.HardLineBreak() {
			f.Ln(d.lineH)
		} else if n.SoftLineBreak() {
			w.text(" ", size)
		}
	case *ast.String:
		w.text(markdown.TextValue(n, w.src), size)
	case *ast.CodeSpan:
		d.mono++
		prev := d.color
		d.setColor(colCode)
		w.text(markdown.PlainText(n, w.src), size)
		d.setColor(prev)
		d.mono--
	case *ast.Emphasis:
		if n.Level >= 2 {
			d.bold++
		} else {
			d.italic++
		}
		w.inlines(n)
		if n.Level >= 2 {
			d.bold--
		} else {
			d.italic--
		}
	case *extast.Strikethrough:
		d.strike++
		w.inlines(n)
		d.strike--
	case *ast.Link:
		w.linked(safeLink(string(n.Destination)), func() { w.inlines(n) })
	case *ast.AutoLink:
		w.linked(safeLink(autoLinkURL(n, w.src)), func() { w.text(string(n.Label(w.src)), size) })
	case *ast.Image:
		if w.image(n) { // images (issue 15): a loaded attachment is drawn
			break
		}
		// Any other image is a link to it, as in the HTML export.
		alt := strings.TrimSpace(markdown.PlainText(n, w.src))
		if alt == "" {
			alt = string(n.Destination)
		}
		w.linked(safeLink(string(n.Destination)), func() { w.text(alt, size) })
	case *extast.TaskCheckBox:
		// drawn as the list marker
	case *extast.FootnoteLink:
		w.text("["+strconv.Itoa(n.Index)+"]", size)
	case *extast.FootnoteBacklink, *ast.RawHTML:
	default:
		w.inlines(n)
	}
}

func (w *mdWalker) linked(url string, body func()) {
	d := w.d
	if url == "" {
		body()
		return
	}
	prevLink, prevColor := d.link, d.color
	d.link = url
	d.setColor(d.accent)
	body()
	d.link = prevLink
	d.setColor(prevColor)
}

// text lays out s in the current style: words go on the current line while
// they fit, and each line's share of the run is one text object (fpdf's
// Write costs quadratic time in its input and makes one object per call).
// A word wider than a line is cut.
func (w *mdWalker) text(s string, size float64) {
	if s == "" {
		return
	}
	d := w.d
	d.applyStyle(size)
	for _, seg := range d.segments(s, false) {
		if seg.fb >= 0 {
			pt, _ := d.f.GetFontSize()
			d.useFallback(seg.fb, pt)
		} else {
			d.applyStyle(size)
		}
		w.layoutText(seg.text)
	}
	d.applyStyle(size)
}

// layoutText lays out already-safe text in the current font (see text).
func (w *mdWalker) layoutText(s string) {
	d, f := w.d, w.d.f
	cm := f.GetCellMargin()
	f.SetCellMargin(0)
	defer f.SetCellMargin(cm)
	left, _, _, _ := f.GetMargins()
	lineStart, lineEnd := left+cm, d.pw-marginR-cm
	if f.GetX() < lineStart {
		f.SetX(lineStart)
	}
	var run strings.Builder
	runW := 0.0
	flush := func() {
		if run.Len() > 0 {
			if d.oblique {
				d.slanted(runW, d.lineH, run.String())
			} else {
				f.CellFormat(runW, d.lineH, run.String(), "", 0, "L", false, 0, d.link)
			}
			run.Reset()
			runW = 0
		}
	}
	newLine := func() {
		flush()
		f.Ln(d.lineH)
		f.SetX(lineStart)
	}
	atLineStart := func() bool { return f.GetX()+runW <= lineStart+0.01 }
	for len(s) > 0 {
		n := strings.IndexByte(s, ' ')
		if n < 0 {
			n = len(s)
		} else {
			n++
		}
		tok := s[:n]
		s = s[n:]
		word := strings.TrimRight(tok, " ")
		if word == "" && atLineStart() {
			continue // no spaces at the start of a line
		}
		ww := f.GetStringWidth(word)
		if f.GetX()+runW+ww > lineEnd && !atLineStart() {
			newLine()
		}
		for ww > lineEnd-lineStart {
			// Longer than a whole line: put what fits, then the rest below.
			room, cut, cutW := lineEnd-f.GetX()-runW, 0, 0.0
			for i, r := range word {
				rw := f.GetStringWidth(string(r))
				if cutW+rw > room && i > 0 {
					break
				}
				cut, cutW = i+utf8.RuneLen(r), cutW+rw
			}
			run.WriteString(word[:cut])
			runW += cutW
			newLine()
			word = word[cut:]
			tok = tok[cut:]
			ww = f.GetStringWidth(word)
		}
		run.WriteString(tok)
		runW += f.GetStringWidth(tok)
	}
	flush()
}

// obliqueAngle is the slant of synthetic italics, that of DejaVu Sans
// Oblique (post.italicAngle -11).
const obliqueAngle = 11.0

// slanted writes one run of text like CellFormat, sheared to the right
// about its baseline. The page break CellFormat would make comes first, so
// the transformation never spans pages.
func (d *pdfDoc) slanted(w, h float64, text string) {
	f := d.f
	_, pageHeight := f.GetPageSize()
	if auto, margin := f.GetAutoPageBreak(); auto && f.GetY()+h > pageHeight-margin {
		x := f.GetX()
		f.AddPage()
		f.SetX(x)
	}
	_, fontSize := f.GetFontSize()
	x, y := f.GetXY()
	f.TransformBegin()
	f.TransformSkewX(obliqueAngle, x, y+0.5*h+0.3*fontSize)
	f.CellFormat(w, h, text, "", 0, "L", false, 0, d.link)
	f.TransformEnd()
}

// cellRuns turns the inline Markdown under n into styled runs for a table
// cell: emphasis, strong, code and links keep their look, links their
// target on their own text.
func cellRuns(n ast.Node, src []byte) []pdfRun {
	var out []pdfRun
	var walk func(n ast.Node, st pdfRun)
	add := func(st pdfRun, s string) {
		if s == "" {
			return
		}
		st.text = s
		out = append(out, st)
	}
	walk = func(n ast.Node, st pdfRun) {
		for c := n.FirstChild(); c != nil; c = c.NextSibling() {
			switch c := c.(type) {
			case *ast.Text:
				add(st, markdown.TextValue(c, src))
				if c.SoftLineBreak() || c.HardLineBreak() {
					add(st, " ")
				}
			case *ast.String:
				add(st, markdown.TextValue(c, src))
			case *ast.CodeSpan:
				s := st
				s.mono = true
				add(s, markdown.PlainText(c, src))
			case *ast.Emphasis:
				s := st
				if c.Level >= 2 {
					s.bold = true
				} else {
					s.italic = true
				}
				walk(c, s)
			case *ast.Link:
				s := st
				s.link = safeLink(string(c.Destination))
				walk(c, s)
			case *ast.AutoLink:
				s := st
				s.link = safeLink(autoLinkURL(c, src))
				add(s, string(c.Label(src)))
			case *ast.Image:
				s := st
				s.link = safeLink(string(c.Destination))
				alt := strings.TrimSpace(markdown.PlainText(c, src))
				if alt == "" {
					alt = string(c.Destination)
				}
				add(s, alt)
			case *extast.FootnoteLink:
				add(st, "["+strconv.Itoa(c.Index)+"]")
			case *ast.RawHTML, *extast.TaskCheckBox, *extast.FootnoteBacklink:
			default:
				walk(c, st)
			}
		}
	}
	walk(n, pdfRun{})
	return out
}

// markdownRuns parses one paragraph of author Markdown into cell runs.
func markdownRuns(s string) []pdfRun {
	src := []byte(s)
	doc := markdown.Parse(src)
	var out []pdfRun
	for b := doc.FirstChild(); b != nil; b = b.NextSibling() {
		if len(out) > 0 {
			out = append(out, pdfRun{text: " "})
		}
		out = append(out, cellRuns(b, src)...)
	}
	return out
}

// trimRuns drops leading and trailing spaces of a cell's runs.
func trimRuns(runs []pdfRun) []pdfRun {
	for len(runs) > 0 && strings.TrimSpace(runs[0].text) == "" {
		runs = runs[1:]
	}
	for len(runs) > 0 && strings.TrimSpace(runs[len(runs)-1].text) == "" {
		runs = runs[:len(runs)-1]
	}
	if len(runs) > 0 {
		runs[0].text = strings.TrimLeft(runs[0].text, " ")
		runs[len(runs)-1].text = strings.TrimRight(runs[len(runs)-1].text, " ")
	}
	return runs
}
