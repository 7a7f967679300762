package report

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// joinHyphenated flattens pdftotext output and joins words a table broke
// across lines with a hyphen, so each cell's text can be found whole.
func joinHyphenated(text string) string {
	var b strings.Builder
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if strings.HasSuffix(line, "-") {
			b.WriteString(strings.TrimSuffix(line, "-"))
			continue
		}
		b.WriteString(line)
		b.WriteByte(' ')
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// TestPDFTablesFit: long owners, titles, one-word identifiers and dates,
// in every language, are never cut off: every word of every cell is in the
// PDF's text (words wider than their column break with a hyphen).
func TestPDFTablesFit(t *testing.T) {
	long := "Infrastructure-and-Reliability-Engineering-Platform-Operations-Team"
	id := "CONFIGURATIONCOMPONENTIDENTIFIERWITHOUTANYSPACESATALL1234567890"
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			r := sampleRCA()
			for i := range r.ActionItems {
				a := &r.ActionItems[i]
				a.Title = "Review " + id + " and the release checklist of every service with a very long title " + strings.Repeat("word ", i*6)
				a.Owner = long + " " + strings.Repeat("Ops ", i)
				a.Translations = nil
			}
			r.Timeline[1].Text = "Events for " + id + " and " + long
			rep := build(t, r, Options{Lang: lang, Audience: Internal, Now: fixedNow, Paper: Letter})
			pdf := renderPDF(t, rep)
			qpdfCheck(t, pdf)
			text := joinHyphenated(pdfText(t, pdf))
			nohy := strings.ReplaceAll(text, "-", "")
			for _, a := range rep.Actions.Items {
				for _, cell := range []string{a.Title, a.Owner, a.Due, a.StateLabel} {
					for _, w := range strings.Fields(cell) {
						if !strings.Contains(text, w) && !strings.Contains(nohy, strings.ReplaceAll(w, "-", "")) {
							t.Errorf("PDF text lacks %q of cell %q", w, cell)
						}
					}
				}
			}
			for _, e := range rep.Timeline.Entries {
				for _, cell := range []string{e.Date, e.Time, e.KindLabel} {
					if !strings.Contains(text, cell) && !strings.Contains(nohy, strings.ReplaceAll(cell, "-", "")) {
						t.Errorf("PDF text lacks the cell %q", cell)
					}
				}
			}
			if !strings.Contains(nohy, id) {
				t.Errorf("the long identifier is cut")
			}
			if strings.Contains(text, "…") {
				t.Error("a cell was shortened with an ellipsis")
			}
		})
	}
}

// TestPDFNoOrphanHeadings moves the headings down the pages step by step:
// no page ends with a section heading, and no page holds a single row of a
// longer table.
func TestPDFNoOrphanHeadings(t *testing.T) {
	para := "Connection pools are sized per instance, so a missed configuration change multiplies across the fleet. "
	for k := 0; k < 14; k++ {
		r := fivePageRCA()
		r.State = domain.StatePublished
		r.Section("summary").Body += "\n\n" + strings.Repeat(para, k*2)
		rep := build(t, r, Options{Audience: Internal, Now: fixedNow})
		pdf := renderPDF(t, rep)
		titles := map[string]bool{}
		for _, s := range rep.Sections {
			titles[s.Title] = true
		}
		titles[rep.Timeline.Heading] = true
		titles[rep.Actions.Heading] = true
		pages := strings.Split(pdfText(t, pdf), "\f")
		for p, page := range pages {
			var lines []string
			for _, l := range strings.Split(page, "\n") {
				l = strings.TrimSpace(l)
				if l == "" || strings.HasPrefix(l, "Page ") || strings.HasPrefix(l, "Generated on") {
					continue
				}
				lines = append(lines, l)
			}
			if len(lines) == 0 {
				continue
			}
			if last := lines[len(lines)-1]; titles[last] {
				t.Errorf("k=%d: page %d ends with the heading %q", k, p+1, last)
			}
			if n := strings.Count(page, "Review configuration component"); n == 1 {
				t.Errorf("k=%d: page %d holds a single action row", k, p+1)
			}
		}
	}
}

// TestPDFChart: the PDF shows the HTML export's timeline chart: each
// occurrence's label with its date, and the marked moments with their
// times (and dates when they fall on another day).
func TestPDFChart(t *testing.T) {
	r := sampleRCA()
	rep := build(t, r, Options{Audience: External, Now: fixedNow})
	if len(rep.Cycles) < 2 {
		t.Fatalf("%d cycles", len(rep.Cycles))
	}
	// A moment on the next day carries its date.
	c := rep.Cycles[0]
	late := c.Marks[len(c.Marks)-1]
	late.At = late.At.Add(24 * time.Hour)
	if got := markWhen(rep, c, late); !strings.Contains(got, rep.Localizer().ShortDate(late.At, late.At.Location())) {
		t.Errorf("a mark on another day reads %q, without its date", got)
	}
	text := strings.Join(strings.Fields(pdfText(t, renderPDF(t, rep))), " ")
	var html strings.Builder
	if err := RenderHTML(&html, rep); err != nil {
		t.Fatal(err)
	}
	for _, cy := range rep.Cycles {
		if !strings.Contains(text, cy.Label) {
			t.Errorf("PDF lacks the chart row %q", cy.Label)
		}
		for _, m := range cy.Marks {
			label := m.Label + " " + markWhen(rep, cy, m)
			if !strings.Contains(text, label) {
				t.Errorf("PDF lacks the chart mark %q", label)
			}
			if !strings.Contains(html.String(), label) {
				t.Errorf("HTML lacks the chart mark %q", label)
			}
		}
	}
	for _, w := range []string{rep.Labels.Impact, rep.Labels.Recovering} {
		if !strings.Contains(text, w) {
			t.Errorf("PDF lacks the legend %q", w)
		}
	}
}

// TestHTMLPrintsLikePDF prints the HTML export with headless Chromium
// (skipped loudly without it, failing under CI=true): on A4 and on Letter
// it takes about as many pages as the PDF (at most one more or less).
func TestHTMLPrintsLikePDF(t *testing.T) {
	chromium := requireTool(t, "chromium")
	for _, lang := range []string{"en-GB", "en-US", "de"} {
		rep := build(t, fivePageRCA(), Options{Lang: lang, Audience: Internal, Now: fixedNow})
		var html strings.Builder
		if err := RenderHTML(&html, rep); err != nil {
			t.Fatal(err)
		}
		dir := t.TempDir()
		in := writeTemp(t, "r.html", []byte(html.String()))
		out := filepath.Join(dir, "printed.pdf")
		ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
		cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
			"--user-data-dir="+filepath.Join(dir, "profile"), "--print-to-pdf="+out, "file://"+in)
		msg, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("chromium: %v\n%s", err, msg)
		}
		printed, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		a, b := strings.Count(pdfText(t, printed), "\f"), strings.Count(pdfText(t, renderPDF(t, rep)), "\f")
		if a < b-1 || a > b+1 {
			t.Errorf("%s: the HTML prints on %d pages, the PDF has %d", lang, a, b)
		}
	}
}

// TestPDFCellMarkdown: Markdown in a timeline cell keeps its emphasis
// (italics slanted, bold in the bold face, code in the mono face) and a
// link is on its own text, not on the whole cell.
func TestPDFCellMarkdown(t *testing.T) {
	r := sampleRCA()
	for i := range r.Sections {
		r.Sections[i].Body = "Plain text only."
	}
	r.Timeline[1].Text = "Rate *slanted words* with `pool_size` and **strong** text, see [it](https://ex.example/doc) here."
	r.ActionItems[1].Title = "Fix"
	r.ActionItems[1].TrackerURL = "https://tracker.example.com/FIX-1"
	rep := build(t, r, Options{Audience: External, Now: fixedNow})
	pdf := renderPDF(t, rep)
	raw := inflated(t, pdf)
	if n := strings.Count(raw, " 0.19438 1.00000 "); n < 1 {
		t.Error("the italic words of the cell are not slanted")
	}
	if !strings.Contains(raw, "/BaseFont /utf8dejavusansmono") {
		t.Error("the code span of the cell is not in the mono face")
	}
	text := strings.Join(strings.Fields(pdfText(t, pdf)), " ")
	if !strings.Contains(text, "Rate slanted words with pool_size and strong text, see it here.") {
		t.Errorf("cell text reads %q", text)
	}
	for _, u := range []string{"https://tracker.example.com/FIX-1", "https://ex.example/doc"} {
		m := regexp.MustCompile(`/Rect \[([0-9.]+) [0-9.]+ ([0-9.]+) [0-9.]+\] /Border \[0 0 0\] /A <</S /URI /URI \(` + regexp.QuoteMeta(u) + `\)`).FindStringSubmatch(raw)
		if m == nil {
			t.Errorf("no link to %s", u)
			continue
		}
		x1, _ := strconv.ParseFloat(m[1], 64)
		x2, _ := strconv.ParseFloat(m[2], 64)
		if w := x2 - x1; w <= 0 || w > 30 {
			t.Errorf("the link to %s is %.1f pt wide: not on its text alone", u, w)
		}
	}
}
