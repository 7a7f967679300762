package report

import (
	"strings"
	"testing"

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
