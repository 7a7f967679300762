package report

// Sections: headings kept with their first lines, and the timeline and
// action tables under them.

import (
	"strings"

	"github.com/hindsight-rca/hindsight/internal/fonts"
)

// tableLead is the room a table's header and first two rows take, about.
const tableLead = 4*tableLine + 6*tablePad + 8

// sectionLead is the room a section heading needs below it on its page:
// its own lines and the first lines of what follows (three lines of text,
// or a table's header and two rows), so a heading never ends a page.
func (d *pdfDoc) sectionLead(s Section) float64 {
	d.setFont(fonts.Sans, "B", headingSize)
	lines := len(d.richLines(s.Title, d.cw-20))
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
	tagW := 0.0
	tag := ""
	if s.Internal {
		d.setFont(fonts.Sans, "B", 7.5)
		tag = d.richSafe(strings.ToUpper(d.rep.Labels.InternalMarker))
		tagW = d.richWidth(tag) + 4
		d.setFont(fonts.Sans, "B", headingSize)
	}
	lines := d.richLines(s.Title, d.cw-tagW-3)
	for i, line := range lines {
		f.SetX(marginL)
		d.richCell(d.richWidth(line)+2, 7, line, 0, "L", false, "")
		if i < len(lines)-1 {
			f.Ln(7)
		}
	}
	if tag != "" {
		d.setFont(fonts.Sans, "B", 7.5)
		d.setColor(colImpact)
		f.SetDrawColor(colImpact.r, colImpact.g, colImpact.b)
		f.SetX(f.GetX() + 2)
		f.Rect(f.GetX(), f.GetY(), tagW, 4.6, "D")
		d.richCell(tagW, 4.6, tag, 0, "C", false, "")
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
		d.richBlock(s.UntranslatedNote, 4.4, false)
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
	d.richBlock(text, 6, false)
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
