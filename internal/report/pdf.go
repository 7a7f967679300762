package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"strings"
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

// plain makes s safe for metadata and bookmarks: the reader's viewer
// draws those, so any character fpdf can encode is kept.
func (d *pdfDoc) plain(s string) string {
	return pdfSafeAlt(strings.Join(strings.Fields(s), " "), d.covs[fonts.Sans+"/"], false, func(rune) bool { return true })
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

// needSpace moves to a new page unless h millimetres fit on this one.
func (d *pdfDoc) needSpace(h float64) {
	if d.f.GetY()+h > d.ph-marginB {
		d.f.AddPage()
	}
}
