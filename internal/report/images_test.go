package report

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/imaging"
	"github.com/hindsight-rca/hindsight/internal/imaging/imagingtest"
)

const (
	extImageID = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
	intImageID = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"
	gifImageID = "ccccccccccccccccccccccccccccccc3"
	palImageID = "ddddddddddddddddddddddddddddddd4"
)

// palettedPNG is a PNG with a palette holding a transparent colour.
func palettedPNG(t testing.TB) []byte {
	t.Helper()
	p := image.NewPaletted(image.Rect(0, 0, 24, 12), color.Palette{color.Transparent, color.NRGBA{200, 0, 0, 255}})
	p.SetColorIndex(3, 3, 1)
	var buf bytes.Buffer
	if err := png.Encode(&buf, p); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// imageRCA is the sample RCA with a wide PNG and an animated GIF in an
// external section and a JPEG in an internal one.
func imageRCA() domain.RCA {
	r := sampleRCA()
	rc := r.Section("root_cause")
	rc.Body += "\n\n![Error rate during the outage](attachment:" + extImageID + ")\n\nThe pool filled up ![pool](attachment:" + gifImageID + ")" +
		"\n\n![Sketch](attachment:" + palImageID + ` "The pool, drawn")`
	det := r.Section("detection")
	det.Visibility = domain.Internal
	det.Body += "\n\n![Internal dashboard](attachment:" + intImageID + ")"
	return r
}

func testImages(t testing.TB) map[string]Image {
	t.Helper()
	mk := func(id, name string, raw []byte) Image {
		c, err := imaging.Sanitize(raw)
		if err != nil {
			t.Fatal(err)
		}
		return Image{Attachment: domain.Attachment{ID: id, RCAID: "rca-1", ContentType: c.ContentType, Name: name,
			Width: c.Width, Height: c.Height, Size: int64(len(c.Data))}, Data: c.Data}
	}
	return map[string]Image{
		extImageID: mk(extImageID, "rate.png", imagingtest.PNG(1600, 500)), // wider than the text
		intImageID: mk(intImageID, "dash.jpg", imagingtest.JPEGWithGPS()),
		gifImageID: mk(gifImageID, "pool.gif", imagingtest.AnimatedGIF(3)),
		palImageID: mk(palImageID, "sketch.png", palettedPNG(t)),
	}
}

// load keeps the images rep refers to, as the service does.
func load(rep Report, all map[string]Image) Report {
	rep.Images = map[string]Image{}
	for _, id := range rep.ImageIDs() {
		if img, ok := all[id]; ok {
			rep.Images[id] = img
		}
	}
	return rep
}

func TestImageIDsFollowAudience(t *testing.T) {
	ext := build(t, imageRCA(), Options{Audience: External})
	if got := ext.ImageIDs(); strings.Join(got, ",") != extImageID+","+gifImageID+","+palImageID {
		t.Fatalf("external report refers to %v", got)
	}
	in := build(t, imageRCA(), Options{Audience: Internal})
	if got := in.ImageIDs(); len(got) != 4 {
		t.Fatalf("internal report refers to %v", got)
	}
}

func TestImagesInHTMLAndMarkdown(t *testing.T) {
	rep := load(build(t, imageRCA(), Options{Audience: External}), testImages(t))
	var h bytes.Buffer
	if err := RenderHTML(&h, rep); err != nil {
		t.Fatal(err)
	}
	html := h.String()
	if n := strings.Count(html, `<img class="md-image" src="data:image/`); n != 3 {
		t.Errorf("HTML embeds %d images, want 3 (two PNGs and a GIF)", n)
	}
	if !strings.Contains(html, `src="data:image/gif;base64,`) || !strings.Contains(html, `<span class="md-caption">Error rate during the outage</span>`) {
		t.Error("HTML lacks the GIF or the caption")
	}
	if strings.Contains(html, "attachment:") || strings.Contains(html, "Internal dashboard") {
		t.Error("HTML keeps a reference or shows the internal image")
	}
	if regexp.MustCompile(`src="(https?:)?//`).MatchString(html) {
		t.Error("HTML refers to something outside the file")
	}

	var m bytes.Buffer
	if err := RenderMarkdown(&m, rep); err != nil {
		t.Fatal(err)
	}
	md := m.String()
	for _, want := range []string{"![Error rate during the outage](" + extImageID + ".png)", "![pool](" + gifImageID + ".gif)",
		"![Sketch](" + palImageID + `.png "The pool, drawn")`} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q", want)
		}
	}
	if strings.Contains(md, intImageID) || strings.Contains(md, "attachment:") {
		t.Error("Markdown keeps an attachment reference or the internal image")
	}
}

// TestImagesInPDF: pdfimages lists the PNG and the GIF's first frame, not
// the internal JPEG; the wide PNG is scaled to the text width.
func TestImagesInPDF(t *testing.T) {
	tool := requireTool(t, "pdfimages")
	rep := load(build(t, imageRCA(), Options{Audience: External}), testImages(t))
	rows := pdfImages(t, tool, renderPDF(t, rep))
	var sizes []string
	for _, r := range rows {
		sizes = append(sizes, r.w+"x"+r.h)
	}
	got := strings.Join(sizes, " ")
	if !strings.Contains(got, "1600x500") || !strings.Contains(got, "16x16") || !strings.Contains(got, "24x12") || strings.Contains(got, "40x30") {
		t.Fatalf("pdfimages lists %q, want the 1600x500 PNG, the 16x16 GIF frame and the 24x12 paletted PNG, not the 40x30 JPEG", got)
	}
	for _, r := range rows {
		if r.w == "1600" {
			// x-ppi: 1600 px over the 170 mm text width of A4 is ~239 ppi.
			if ppi, _ := strconv.Atoi(r.xppi); ppi < 230 || ppi > 250 {
				t.Errorf("PNG drawn at %d ppi, want ~239 (scaled to the text width)", ppi)
			}
		}
	}
	in := load(build(t, imageRCA(), Options{Audience: Internal}), testImages(t))
	if rows := pdfImages(t, tool, renderPDF(t, in)); len(rows) != 4 {
		t.Fatalf("internal PDF has %d images, want 4", len(rows))
	}
}

// TestImageKeptWithCaption moves an image down the page line by line: the
// caption is always on the image's page.
func TestImageKeptWithCaption(t *testing.T) {
	tool := requireTool(t, "pdfimages")
	text := requireTool(t, "pdftotext")
	imgs := testImages(t)
	for lines := 0; lines < 40; lines += 3 {
		r := sampleRCA()
		r.Section("root_cause").Body = strings.Repeat("Filler line.\n\n", 30+lines) +
			"![Caption under the graph](attachment:" + extImageID + ")"
		rep := load(build(t, r, Options{Audience: External}), imgs)
		pdf := renderPDF(t, rep)
		rows := pdfImages(t, tool, pdf)
		if len(rows) != 1 {
			t.Fatalf("%d lines: %d images", lines, len(rows))
		}
		page, _ := strconv.Atoi(rows[0].page)
		in := filepath.Join(t.TempDir(), "r.pdf")
		if err := os.WriteFile(in, pdf, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(text, "-f", strconv.Itoa(page), "-l", strconv.Itoa(page), in, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(out), "Caption under the graph") {
			t.Errorf("%d filler lines: the caption is not on the image's page %d", lines, page)
		}
	}
}

type pdfImageRow struct{ page, w, h, xppi string }

func pdfImages(t *testing.T, tool string, pdf []byte) []pdfImageRow {
	t.Helper()
	in := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(in, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(tool, "-list", in).Output()
	if err != nil {
		t.Fatalf("pdfimages: %v", err)
	}
	var rows []pdfImageRow
	for i, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		if i < 2 || len(f) < 14 || f[2] != "image" {
			continue // the header, or a soft mask of a transparent image
		}
		rows = append(rows, pdfImageRow{page: f[0], w: f[3], h: f[4], xppi: f[12]})
	}
	return rows
}

// BenchmarkRenderPDFImages: the PDF of the sample RCA without and with its
// three external images (a 1600x500 PNG, a GIF, a paletted PNG).
func BenchmarkRenderPDFImages(b *testing.B) {
	imgs := testImages(b)
	for _, tc := range []struct {
		name   string
		images bool
	}{{"none", false}, {"three", true}} {
		rep := build(b, imageRCA(), Options{Audience: External})
		if tc.images {
			rep = load(rep, imgs)
		}
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				var buf bytes.Buffer
				if err := RenderPDF(&buf, rep); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
