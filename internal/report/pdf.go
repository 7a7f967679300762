package report

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/draw"
	"image/png"
	"io"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// Page geometry in millimetres; the page size is the document's (A4 or
// Letter, pdfDoc.pw and ph).
const (
	marginL      = 20.0
	marginR      = 20.0
	marginT      = 22.0
	marginB      = 20.0
	bodySize     = 10.0
	bodyLine     = 5.2
	smallSize    = 8.0
	tableSize    = 8.8
	tableLine    = 4.3
	tablePad     = 1.6
	codeSize     = 8.5
	codeLine     = 4.2
	headingSize  = 14.0
	paraGap      = 2.2
	listIndent   = 6.0
	quoteIndent  = 5.0
	keepWithNext = 22.0 // room a heading needs below it, or it moves to the next page
)

type rgb struct{ r, g, b int }

var (
	colInk      = rgb{31, 35, 40}
	colMuted    = rgb{89, 99, 110}
	colLine     = rgb{209, 217, 224}
	colCodeBg   = rgb{246, 248, 250}
	colHeadBg   = rgb{240, 243, 246}
	colImpact   = rgb{207, 34, 46}
	colInternal = rgb{255, 240, 240}
	colDraftBg  = rgb{255, 248, 197}
	colDraftBar = rgb{191, 135, 0}
	colCode     = rgb{130, 30, 50}
)

// pdfSlots limits concurrent PDF renders to twice the usable CPUs.
var pdfSlots = make(chan struct{}, 2*runtime.GOMAXPROCS(0))

// disablePageCompression is set by tests to see the page content as fpdf
// writes it.
var disablePageCompression bool

// ErrRender is wrapped by every PDF rendering failure.
var ErrRender = errors.New("report: pdf")

// RenderPDF writes rep as an A4 or Letter PDF (rep.Paper), compressed,
// with embedded DejaVu fonts (and fallback faces), bookmarks
// for the sections, page numbers and document metadata. No input crashes
// it: text is made printable first, and a panic in the PDF library comes
// back as an error.
func RenderPDF(w io.Writer, rep Report) (err error) {
	// A five-page PDF allocates ~15 MB, most of it in fpdf (a new zlib
	// writer of ~1.2 MB for each of two streams per face, a 512 KB width
	// table and its JSON for each face registered): bound how many render
	// at once so a burst of exports cannot exhaust memory.
	pdfSlots <- struct{}{}
	defer func() { <-pdfSlots }()
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: internal error: %v", ErrRender, p)
		}
	}()
	d, err := newPDFDoc(rep)
	if err != nil {
		return err
	}
	d.render()
	if d.f.Err() {
		return fmt.Errorf("%w: %v", ErrRender, d.f.Error())
	}
	// The whole file is assembled and compressed in memory; only then is
	// it written to w, so w never sees half a PDF.
	raw := pdfBufPool.Get().(*bytes.Buffer)
	defer pdfBufPool.Put(raw)
	raw.Reset()
	if err := d.f.Output(raw); err != nil {
		return fmt.Errorf("%w: %v", ErrRender, err)
	}
	patchPDFDates(raw.Bytes(), d.created) // metrics area: dates with their offset, same length
	if disablePageCompression {
		_, err := w.Write(raw.Bytes())
		return err
	}
	out := pdfBufPool.Get().(*bytes.Buffer)
	defer pdfBufPool.Put(out)
	out.Reset()
	if err := compressStreams(raw.Bytes(), out); err != nil {
		return fmt.Errorf("%w: %v", ErrRender, err)
	}
	_, err = w.Write(out.Bytes())
	return err
}

type pdfDoc struct {
	f      *fpdf.Fpdf
	rep    Report
	accent rgb
	added  map[string]bool
	covs   map[string]*fonts.Coverage // what each face may print in this document
	blocks []int                      // the Unicode blocks of the document's text
	fb     []fallbackFace             // fallback faces, coverage limited to blocks
	pw, ph float64                    // page size (mm)
	cw     float64                    // content width between the margins

	// current text style
	family     string
	style      string // "" or "B"; italics are drawn slanted (oblique)
	size       float64
	color      rgb
	bold       int
	italic     int
	mono       int
	strike     int
	oblique    bool // italic: the upright face drawn slanted
	link       string
	lineH      float64
	inTable    bool
	pageOfText string
	created    time.Time // the /CreationDate, in the report's zone
}

func newPDFDoc(rep Report) (*pdfDoc, error) {
	d := &pdfDoc{rep: rep, added: map[string]bool{}, covs: map[string]*fonts.Coverage{}, accent: parseHex(rep.Branding.Accent, parseHex(DefaultAccent, rgb{31, 111, 235}))}
	d.blocks = reportBlocks(&rep)
	for _, face := range fonts.Faces() {
		c, err := fonts.CoverageOf(face)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrRender, err)
		}
		d.covs[face.Family+"/"+face.Style] = docCoverage(c, d.blocks)
	}
	for _, fb := range fallbacks() {
		d.fb = append(d.fb, fallbackFace{face: fb.face, cov: docCoverage(fb.cov, d.blocks)})
	}
	d.pw, d.ph = rep.Paper.orDefault(rep.Tag).size()
	d.cw = d.pw - marginL - marginR
	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: d.pw, Ht: d.ph}})
	d.f = f
	f.SetMargins(marginL, marginT, marginR)
	f.SetAutoPageBreak(true, marginB)
	f.AliasNbPages("{nb}")
	// fpdf would compress each page with a new zlib writer (1.2 MB each);
	// compressStreams does it afterwards with pooled ones.
	f.SetCompression(false)
	f.SetCatalogSort(true) // resources in a fixed order: the same input gives the same bytes
	title := d.plain(rep.Title)
	f.SetTitle(title, true)
	f.SetSubject(d.plain(rep.Kind), true)
	f.SetCreator("Hindsight", true)
	f.SetProducer(pdfProducer+pdfDatePad, false) // see pdf_date.go
	if rep.Tag != "" {
		f.SetLang(rep.Tag)
	} else {
		f.SetLang(rep.Lang)
	}
	author := rep.Branding.OrgName
	if len(rep.Authors) > 0 {
		author = strings.Join(rep.Authors, ", ")
	}
	if author != "" {
		f.SetAuthor(d.plain(author), true)
	}
	if d.created = rep.Generated; d.created.IsZero() {
		d.created = time.Now()
	}
	d.created = d.created.Truncate(time.Second)
	f.SetCreationDate(d.created)
	f.SetModificationDate(d.created)
	f.SetHeaderFuncMode(d.header, false)
	f.SetFooterFunc(d.footer)
	if l := rep.Localizer(); l != nil {
		d.pageOfText = l.T("report.page_of", map[string]any{"Page": "\x00PAGE\x00", "Total": "{nb}"})
	} else {
		d.pageOfText = "\x00PAGE\x00 / {nb}"
	}
	return d, nil
}

func parseHex(s string, def rgb) rgb {
	if !accentRe.MatchString(s) {
		return def
	}
	s = s[1:]
	if len(s) == 3 {
		s = string([]byte{s[0], s[0], s[1], s[1], s[2], s[2]})
	}
	v, err := strconv.ParseUint(s, 16, 32)
	if err != nil {
		return def
	}
	return rgb{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}
}

// setFont selects a face, registering it with fpdf the first time a
// document uses it: a face costs parsing and subsetting, so unused ones are
// never added.
func (d *pdfDoc) setFont(family, style string, size float64) {
	base, extra := "", ""
	for _, c := range style {
		switch c {
		case 'B', 'I':
			base += string(c)
		case 'U', 'S':
			extra += string(c)
		}
	}
	if family == fonts.Mono {
		base = "" // only the regular mono face is embedded
	}
	key := family + "/" + base
	if !d.added[key] {
		face, ok := fonts.Lookup(family, base)
		if !ok {
			face, _ = fonts.Lookup(fonts.Sans, "")
			family, base, key = fonts.Sans, "", fonts.Sans+"/"
		}
		if !d.added[key] {
			data := pdfCuts.cutFace(face, d.blocks, d.covs[key])
			if data == nil {
				data = face.Data
			}
			d.f.AddUTF8FontFromBytes(face.Family, face.Style, data)
			d.added[key] = true
		}
	}
	d.family, d.style, d.size = family, base, size
	// fpdf writes a font change into the page on every call, even when
	// nothing changes; most calls here change nothing.
	if pt, _ := d.f.GetFontSize(); pt == size && strings.EqualFold(d.f.GetFontFamily(), family) && d.f.GetFontStyle() == base+extra {
		return
	}
	d.f.SetFont(family, base+extra, size)
}

func (d *pdfDoc) setColor(c rgb) {
	d.color = c
	d.f.SetTextColor(c.r, c.g, c.b)
}

// safe makes s printable with the current face.
func (d *pdfDoc) safe(s string, keepNewlines bool) string {
	return pdfSafe(s, d.covs[d.family+"/"+d.style], keepNewlines)
}

// plain makes s safe for metadata and bookmarks (regular Sans coverage).
func (d *pdfDoc) plain(s string) string {
	return pdfSafe(strings.Join(strings.Fields(s), " "), d.covs[fonts.Sans+"/"], false)
}

func (d *pdfDoc) header() {
	f := d.f
	if f.PageNo() == 1 {
		return
	}
	d.setFont(fonts.Sans, "", smallSize)
	d.setColor(colMuted)
	left := d.rep.Kind
	if d.rep.Branding.OrgName != "" {
		left = d.rep.Branding.OrgName + " · " + d.rep.Kind
	}
	left = d.safe(left, false)
	lw := f.GetStringWidth(left) + 4
	f.SetXY(marginL, 10)
	f.CellFormat(lw, 5, left, "", 0, "L", false, 0, "")
	title := d.fit(d.safe(d.rep.Title, false), d.cw-lw)
	f.CellFormat(d.cw-lw, 5, title, "", 0, "R", false, 0, "")
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.SetLineWidth(0.2)
	f.Line(marginL, 16, d.pw-marginR, 16)
	f.SetXY(marginL, marginT)
	d.setColor(colInk)
}

// fit shortens s with an ellipsis until it is at most w wide. It measures
// rune by rune, so a long string costs linear time.
func (d *pdfDoc) fit(s string, w float64) string {
	if d.f.GetStringWidth(s) <= w {
		return s
	}
	limit := w - d.f.GetStringWidth("…")
	width := 0.0
	for i, r := range s {
		width += d.f.GetStringWidth(string(r))
		if width > limit {
			return strings.TrimSpace(s[:i]) + "…"
		}
	}
	return s
}

// wrap splits text into lines at most w wide with the current font, keeping
// empty lines. fpdf's MultiCell does this in quadratic time, which long
// author text must not meet.
func (d *pdfDoc) wrap(text string, w float64) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		out = append(out, d.f.SplitText(para, w)...)
	}
	return out
}

// block writes already-safe text wrapped to the content width from the
// current left margin, one line at a time, breaking pages as needed.
func (d *pdfDoc) block(text string, lineH float64, fill bool) {
	f := d.f
	left, _, _, _ := f.GetMargins()
	w := d.pw - marginR - left
	for _, line := range d.wrap(text, w) {
		d.needSpace(lineH)
		f.SetX(left)
		f.CellFormat(w, lineH, line, "", 2, "L", fill, 0, "")
	}
}

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

var outlineCache sync.Map // face style + rune -> outline

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

func (d *pdfDoc) footer() {
	f := d.f
	if d.rep.Draft {
		// Drawn last, over the page, so table fills cannot hide it; it is
		// faint enough to read through.
		d.watermark()
	}
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.SetLineWidth(0.2)
	f.Line(marginL, d.ph-14, d.pw-marginR, d.ph-14)
	d.setFont(fonts.Sans, "", smallSize)
	d.setColor(colMuted)
	f.SetXY(marginL, d.ph-13)
	// The page count is filled in at the end, so "Page X of Y" goes left,
	// where its final width does not matter.
	page := strings.Replace(d.pageOfText, "\x00PAGE\x00", strconv.Itoa(f.PageNo()), 1)
	f.CellFormat(d.cw/2, 5, d.safe(page, false), "", 0, "L", false, 0, "")
	f.CellFormat(d.cw/2, 5, d.safe(d.rep.Labels.Generated, false), "", 0, "R", false, 0, "")
	d.setColor(colInk)
}

func (d *pdfDoc) render() {
	f := d.f
	f.AddPage()
	d.titleBlock()
	for _, s := range d.rep.Sections {
		if f.Err() {
			return
		}
		d.section(s)
	}
	d.closing()
}

func (d *pdfDoc) titleBlock() {
	f := d.f
	rep := d.rep
	y := marginT - 6
	x := marginL
	logoBottom := 0.0
	if logo := d.logo(); logo != "" {
		info := f.GetImageInfo(logo)
		h := 12.0
		w := h * info.Width() / info.Height()
		if w > 50 {
			w, h = 50, 50*info.Height()/info.Width()
		}
		f.ImageOptions(logo, marginL, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
		x = marginL + w + 4
		logoBottom = y + h + 3
		y += (h - 5) / 2
	}
	d.setFont(fonts.Sans, "B", 8.5)
	d.setColor(d.accent)
	kind := strings.ToUpper(rep.Kind)
	if rep.Branding.OrgName != "" {
		kind = rep.Branding.OrgName + " · " + kind
	}
	f.SetXY(x, y)
	f.CellFormat(d.pw-marginR-x, 5, d.fit(d.safe(kind, false), d.pw-marginR-x), "", 1, "L", false, 0, "")
	f.SetY(max(f.GetY(), marginT+2, logoBottom))
	f.SetX(marginL)
	d.setFont(fonts.Sans, "B", 20)
	d.setColor(colInk)
	d.block(d.safe(rep.Title, false), 9, false)
	f.Bookmark(d.plain(rep.Title), 0, -1)
	f.Ln(2)
	if rep.Draft {
		d.notice(rep.Labels.DraftNotice, colDraftBg, colDraftBar)
	}
	if rep.Audience == Internal {
		d.notice(rep.Labels.InternalNotice, colInternal, colImpact)
	}
	d.facts()
	f.Ln(2)
	f.SetDrawColor(d.accent.r, d.accent.g, d.accent.b)
	f.SetLineWidth(0.8)
	f.Line(marginL, f.GetY(), d.pw-marginR, f.GetY())
	f.SetLineWidth(0.2)
	f.Ln(6)
}

// logo registers the branding logo, re-encoded as a plain 8-bit PNG so any
// PNG the browser accepts also works in fpdf. It returns "" without one.
func (d *pdfDoc) logo() string {
	if len(d.rep.Branding.LogoPNG) == 0 {
		return ""
	}
	img, err := png.Decode(bytes.NewReader(d.rep.Branding.LogoPNG))
	if err != nil {
		return ""
	}
	b := img.Bounds()
	if b.Dx() <= 0 || b.Dy() <= 0 || b.Dx() > maxLogoSide || b.Dy() > maxLogoSide {
		return ""
	}
	nrgba := image.NewNRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(nrgba, nrgba.Bounds(), img, b.Min, draw.Src)
	var buf bytes.Buffer
	if err := png.Encode(&buf, nrgba); err != nil {
		return ""
	}
	d.f.RegisterImageOptionsReader("logo", fpdf.ImageOptions{ImageType: "PNG"}, &buf)
	if d.f.Err() {
		d.f.ClearError()
		return ""
	}
	return "logo"
}

func (d *pdfDoc) notice(text string, bg, bar rgb) {
	f := d.f
	d.setFont(fonts.Sans, "", 9.5)
	d.setColor(colInk)
	text = d.safe(text, false)
	f.SetFillColor(bg.r, bg.g, bg.b)
	f.SetCellMargin(3)
	y := f.GetY()
	f.SetX(marginL)
	d.block(text, 5, true)
	f.SetCellMargin(1)
	f.SetFillColor(bar.r, bar.g, bar.b)
	f.Rect(marginL, y, 1, f.GetY()-y, "F")
	f.Ln(2)
}

func (d *pdfDoc) facts() {
	f := d.f
	if len(d.rep.Facts) == 0 {
		return
	}
	labelW := 0.0
	d.setFont(fonts.Sans, "", 9.5)
	for _, fact := range d.rep.Facts {
		labelW = max(labelW, f.GetStringWidth(d.safe(fact.Label, false)))
	}
	labelW = min(labelW+6, 62)
	valueW := d.cw - labelW
	for _, fact := range d.rep.Facts {
		// Long labels ("Time to detect (median over 2 occurrences)") wrap
		// rather than being cut.
		d.setFont(fonts.Sans, "", 9.5)
		label := f.SplitText(d.safe(fact.Label, false), labelW-1)
		d.setFont(fonts.Sans, "B", 9.5)
		value := f.SplitText(d.safe(fact.Value, false), valueW)
		d.setFont(fonts.Sans, "", 9.5)
		var lines []string
		for _, l := range fact.Lines {
			lines = append(lines, f.SplitText(d.safe("• "+l, false), valueW-2)...)
		}
		h := float64(max(len(label), len(value)+len(lines), 1)) * 5
		if f.GetY()+h > d.ph-marginB {
			f.AddPage()
		}
		y := f.GetY()
		d.setFont(fonts.Sans, "", 9.5)
		d.setColor(colMuted)
		for i, line := range label {
			f.SetXY(marginL, y+float64(i)*5)
			f.CellFormat(labelW, 5, line, "", 0, "L", false, 0, "")
		}
		d.setFont(fonts.Sans, "B", 9.5)
		d.setColor(colInk)
		for i, line := range value {
			f.SetXY(marginL+labelW, y+float64(i)*5)
			f.CellFormat(valueW, 5, line, "", 0, "L", false, 0, fact.URL)
		}
		d.setFont(fonts.Sans, "", 9.5)
		for i, line := range lines {
			f.SetXY(marginL+labelW+2, y+float64(len(value)+i)*5)
			f.CellFormat(valueW-2, 5, line, "", 0, "L", false, 0, "")
		}
		f.SetXY(marginL, y+h)
	}
}

// closing prints the paragraph customers read last.
func (d *pdfDoc) closing() {
	if d.rep.Closing == "" {
		return
	}
	d.f.Ln(3)
	d.setFont(fonts.Sans, "", 10)
	d.setColor(colInk)
	d.needSpace(10)
	d.f.SetX(marginL)
	d.block(d.safe(oneParagraph(d.rep.Closing), false), 5, false)
}

// needSpace moves to a new page unless h millimetres fit on this one.
func (d *pdfDoc) needSpace(h float64) {
	if d.f.GetY()+h > d.ph-marginB {
		d.f.AddPage()
	}
}

// tableLead is the room a table's header and first two rows take, about.
const tableLead = 4*tableLine + 6*tablePad + 8

// sectionLead is the room a section heading needs below it on its page:
// its own lines and the first lines of what follows (three lines of text,
// or a table's header and two rows), so a heading never ends a page.
func (d *pdfDoc) sectionLead(s Section) float64 {
	d.setFont(fonts.Sans, "B", headingSize)
	lines := len(d.f.SplitText(d.safe(s.Title, false), d.cw-20))
	h := float64(max(lines, 1))*7 + 10.5
	if s.UntranslatedNote != "" {
		h += 6
	}
	body := strings.TrimSpace(s.Markdown)
	switch {
	case strings.HasPrefix(body, "|") || strings.HasPrefix(body, "```"):
		h += tableLead
	case body != "":
		h += 3*bodyLine + paraGap
	case s.WithTimeline && len(d.rep.Timeline.Entries) > 0, s.WithActions && len(d.rep.Actions.Items) > 0:
		h += tableLead
		if (s.WithTimeline && d.rep.Timeline.Heading != s.Title) || (s.WithActions && d.rep.Actions.Heading != s.Title) {
			h += 8 // the table's own subheading
		}
	}
	return min(h, d.ph-marginT-marginB)
}

func (d *pdfDoc) section(s Section) {
	f := d.f
	d.needSpace(d.sectionLead(s))
	f.SetX(marginL)
	f.Bookmark(d.plain(s.Title), 0, -1)
	d.setFont(fonts.Sans, "B", headingSize)
	d.setColor(colInk)
	title := d.safe(s.Title, false)
	tagW := 0.0
	tag := ""
	if s.Internal {
		d.setFont(fonts.Sans, "B", 7.5)
		tag = d.safe(strings.ToUpper(d.rep.Labels.InternalMarker), false)
		tagW = f.GetStringWidth(tag) + 4
		d.setFont(fonts.Sans, "B", headingSize)
	}
	lines := f.SplitText(title, d.cw-tagW-3)
	for i, line := range lines {
		f.SetX(marginL)
		f.CellFormat(f.GetStringWidth(line)+2, 7, line, "", 0, "L", false, 0, "")
		if i < len(lines)-1 {
			f.Ln(7)
		}
	}
	if tag != "" {
		d.setFont(fonts.Sans, "B", 7.5)
		d.setColor(colImpact)
		f.SetDrawColor(colImpact.r, colImpact.g, colImpact.b)
		f.SetX(f.GetX() + 2)
		f.CellFormat(tagW, 4.6, tag, "1", 0, "C", false, 0, "")
		d.setColor(colInk)
	}
	f.Ln(7.5)
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.SetLineWidth(0.2)
	f.Line(marginL, f.GetY(), d.pw-marginR, f.GetY())
	f.Ln(3)
	if s.UntranslatedNote != "" {
		d.setFont(fonts.Sans, "", 8.5) // not italic: a face of its own costs ~3 ms and 4 MB per document
		d.setColor(colMuted)
		f.SetX(marginL)
		d.block(d.safe(s.UntranslatedNote, false), 4.4, false)
		d.setColor(colInk)
		f.Ln(1.5)
	}
	if strings.TrimSpace(s.Markdown) != "" {
		d.markdown(s.Markdown)
	}
	if s.WithTimeline && len(d.rep.Timeline.Entries) > 0 {
		d.timeline(s)
	}
	if s.WithActions && len(d.rep.Actions.Items) > 0 {
		d.actions(s)
	}
	f.Ln(3)
}

// subheading heads a timeline or action table: it keeps the table's
// header and first rows with it.
func (d *pdfDoc) subheading(text string) {
	f := d.f
	d.needSpace(8 + tableLead)
	f.Bookmark(d.plain(text), 1, -1)
	d.setFont(fonts.Sans, "B", 11)
	d.setColor(colInk)
	f.SetX(marginL)
	d.block(d.safe(text, false), 6, false)
	f.Ln(1)
}

func (d *pdfDoc) timeline(s Section) {
	tl := d.rep.Timeline
	d.chart() // as in the HTML export: the chart, then the table
	if tl.Heading != s.Title {
		d.subheading(tl.Heading)
	}
	t := pdfTable{}
	if tl.MultiDay {
		t.header = append(t.header, tl.Labels.Date)
	}
	t.header = append(t.header, tl.Labels.Time, tl.Labels.Kind, tl.Labels.Event)
	for _, e := range tl.Entries {
		var row []pdfCell
		if tl.MultiDay {
			row = append(row, pdfCell{text: e.Date, nowrap: true})
		}
		event := trimRuns(markdownRuns(e.Markdown))
		if e.Internal {
			event = append([]pdfRun{{text: "[" + d.rep.Labels.InternalMarker + "] "}}, event...)
		}
		row = append(row, pdfCell{text: e.Time, nowrap: true}, pdfCell{text: e.KindLabel}, pdfCell{runs: event})
		t.rows = append(t.rows, row)
		t.fills = append(t.fills, e.Internal)
	}
	d.table(t)
}

func (d *pdfDoc) actions(s Section) {
	at := d.rep.Actions
	if at.Heading != s.Title {
		d.subheading(at.Heading)
	}
	t := pdfTable{header: []string{at.Labels.Title, at.Labels.Owner, at.Labels.Due, at.Labels.State}}
	for _, a := range at.Items {
		title := a.Title
		if a.Internal {
			title = "[" + d.rep.Labels.InternalMarker + "] " + title
		}
		t.rows = append(t.rows, []pdfCell{{text: title, link: a.TrackerURL}, {text: a.Owner}, {text: a.Due, nowrap: true}, {text: a.StateLabel}})
		t.fills = append(t.fills, a.Internal)
	}
	d.table(t)
}
