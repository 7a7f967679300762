package report

// Images stored with an RCA (area images, issue 15). The caller loads the
// attachments the report's sections refer to (Report.ImageIDs) into
// Report.Images; each renderer then shows them its own way: the HTML file
// embeds them as data: URIs, the Markdown file names them by a relative
// file name written next to it, the PDF draws them at the text width with
// their caption. A reference to an image not loaded stays its alt text.

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"regexp"
	"strings"

	"codeberg.org/go-pdf/fpdf"
	"github.com/yuin/goldmark/ast"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging"
	"github.com/hindsight-rca/hindsight/internal/markdown"
)

// Image is an attachment a report shows.
type Image struct {
	domain.Attachment
	Data []byte
}

// ImageIDs lists the attachments the report's sections (those its audience
// reads, in its language) refer to.
func (r Report) ImageIDs() []string {
	texts := make([]string, 0, len(r.Sections))
	for _, s := range r.Sections {
		texts = append(texts, s.Markdown)
	}
	return domain.AttachmentRefs(texts...)
}

// mdWithImages is the HTML export's Markdown: loaded images inline as
// data: URIs, so the file stays self-contained.
func mdWithImages(src string, images map[string]Image) template.HTML {
	if len(images) == 0 {
		return markdown.ToHTML(src)
	}
	return markdown.ToHTMLWith(src, func(id string) string {
		img, ok := images[id]
		if !ok {
			return ""
		}
		return "data:" + img.ContentType + ";base64," + base64.StdEncoding.EncodeToString(img.Data)
	})
}

var attachmentDest = regexp.MustCompile(`\(\s*attachment:([0-9a-f]{32})(\s+"[^"\n]*")?\s*\)`)

// mdImageFiles points the Markdown export's image references at the files
// written next to it: (attachment:ID) becomes (ID.png).
func mdImageFiles(src string, images map[string]Image) string {
	if len(images) == 0 || !strings.Contains(src, domain.AttachmentScheme) {
		return src
	}
	return attachmentDest.ReplaceAllStringFunc(src, func(m string) string {
		sub := attachmentDest.FindStringSubmatch(m)
		if img, ok := images[sub[1]]; ok {
			return "(" + img.FileName() + sub[2] + ")"
		}
		return m
	})
}

// pdfImageMaxShare is the share of the page's text height an image may
// take at most, so it and its caption fit on one page.
const pdfImageMaxShare = 0.7

// image draws a loaded attachment as a block at the text width (smaller
// images keep their size at 96 dpi), its alt text below as a caption, both
// on the same page. It answers false for anything else.
func (w *mdWalker) image(n *ast.Image) bool {
	d, f := w.d, w.d.f
	id, ok := domain.AttachmentID(string(n.Destination))
	if !ok {
		return false
	}
	img, ok := d.rep.Images[id]
	if !ok || img.Width <= 0 || img.Height <= 0 {
		return false
	}
	name := "attachment-" + id
	if !d.added[name] {
		// Stored images were re-encoded by Go's encoders: 8-bit,
		// non-interlaced PNGs (alpha and palettes fpdf takes) and baseline
		// JPEGs. A GIF goes in as its first frame: PDF has no animation.
		data, typ := img.Data, "JPG"
		switch img.ContentType {
		case "image/png":
			typ = "PNG"
		case "image/gif":
			still, err := imaging.StillPNG(img.Data)
			if err != nil {
				return false
			}
			data, typ = still, "PNG"
		}
		f.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(data))
		if f.Err() {
			return false
		}
		d.added[name] = true
	}
	left, _, _, _ := f.GetMargins()
	maxW := d.pw - marginR - left
	wmm := float64(img.Width) * 25.4 / 96
	hmm := float64(img.Height) * 25.4 / 96
	if wmm > maxW {
		hmm, wmm = hmm*maxW/wmm, maxW
	}
	if maxH := (d.ph - marginT - marginB) * pdfImageMaxShare; hmm > maxH {
		wmm, hmm = wmm*maxH/hmm, maxH
	}
	alt := strings.TrimSpace(markdown.PlainText(n, w.src))
	captionSize := w.bodySize() * 0.85
	captionH := 0.0
	if alt != "" {
		d.applyStyle(captionSize)
		captionH = float64(len(f.SplitText(d.safe(alt, false), maxW))) * d.lineH
	}
	if f.GetX() > left+0.5 {
		f.Ln(d.lineH)
	}
	d.needSpace(hmm + 2 + captionH)
	y := f.GetY() + 1
	f.ImageOptions(name, left, y, wmm, hmm, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.SetXY(left, y+hmm+1)
	if alt != "" {
		prev := d.color
		d.italic++
		d.setColor(colMuted)
		w.text(alt, captionSize)
		d.italic--
		d.setColor(prev)
		d.applyStyle(w.bodySize())
	}
	f.Ln(d.lineH)
	f.SetX(left)
	return true
}
