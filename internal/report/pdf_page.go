package report

// The page frame and first page: running header and footer, title block,
// logo, notices, the facts and the closing paragraph.

import (
	"bytes"
	"image"
	"image/draw"
	"image/png"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

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
	left = d.richSafe(left)
	lw := d.richWidth(left) + 4
	f.SetXY(marginL, 10)
	d.richCell(lw, 5, left, 0, "L", false, "")
	title := d.richFit(d.rep.Title, d.cw-lw)
	d.richCell(d.cw-lw, 5, title, 0, "R", false, "")
	f.SetDrawColor(colLine.r, colLine.g, colLine.b)
	f.SetLineWidth(0.2)
	f.Line(marginL, 16, d.pw-marginR, 16)
	f.SetXY(marginL, marginT)
	d.setColor(colInk)
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
	d.richCell(d.cw/2, 5, d.richSafe(page), 0, "L", false, "")
	d.richCell(d.cw/2, 5, d.richFit(d.rep.Labels.Generated, d.cw/2), 0, "R", false, "")
	d.setColor(colInk)
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
	d.richCell(d.pw-marginR-x, 5, d.richFit(kind, d.pw-marginR-x), 1, "L", false, "")
	f.SetY(max(f.GetY(), marginT+2, logoBottom))
	f.SetX(marginL)
	d.setFont(fonts.Sans, "B", 20)
	d.setColor(colInk)
	d.richBlock(rep.Title, 9, false)
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
	f.SetFillColor(bg.r, bg.g, bg.b)
	f.SetCellMargin(3)
	y := f.GetY()
	f.SetX(marginL)
	d.richBlock(text, 5, true)
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
		labelW = max(labelW, d.richWidth(d.richSafe(fact.Label)))
	}
	labelW = min(labelW+6, 62)
	valueW := d.cw - labelW
	for _, fact := range d.rep.Facts {
		// Long labels ("Time to detect (median over 2 occurrences)") wrap
		// rather than being cut.
		d.setFont(fonts.Sans, "", 9.5)
		label := d.richLines(fact.Label, labelW-1)
		d.setFont(fonts.Sans, "B", 9.5)
		value := d.richLines(fact.Value, valueW)
		d.setFont(fonts.Sans, "", 9.5)
		var lines []string
		for _, l := range fact.Lines {
			lines = append(lines, d.richLines("• "+l, valueW-2)...)
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
			d.richCell(labelW, 5, line, 0, "L", false, "")
		}
		d.setFont(fonts.Sans, "B", 9.5)
		d.setColor(colInk)
		for i, line := range value {
			f.SetXY(marginL+labelW, y+float64(i)*5)
			d.richCell(valueW, 5, line, 0, "L", false, fact.URL)
		}
		d.setFont(fonts.Sans, "", 9.5)
		for i, line := range lines {
			f.SetXY(marginL+labelW+2, y+float64(len(value)+i)*5)
			d.richCell(valueW-2, 5, line, 0, "L", false, "")
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
	d.richBlock(oneParagraph(d.rep.Closing), 5, false)
}
