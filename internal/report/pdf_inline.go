package report

// Inline Markdown in the PDF: emphasis, code, links and text flow, and the
// styled runs of table cells.

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"

	"github.com/hindsight-rca/hindsight/internal/markdown"
)

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
