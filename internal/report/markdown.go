package report

import (
	"bufio"
	"io"
	"sort"
	"strings"
	"unicode"

	"github.com/yuin/goldmark/ast"

	"github.com/hindsight-rca/hindsight/internal/markdown"
)

// RenderMarkdown writes rep as GitHub-flavoured Markdown: a facts list
// under the title, the sections in template order, the timeline and action
// items as tables. Plain-text fields are escaped; section bodies are the
// author's Markdown as written.
func RenderMarkdown(w io.Writer, rep Report) error {
	b := bufio.NewWriter(w)
	p := func(ss ...string) {
		for _, s := range ss {
			_, _ = b.WriteString(s)
		}
	}
	p("# ", mdInline(rep.Title), "\n\n")
	if rep.Branding.OrgName != "" {
		p("*", mdInline(rep.Branding.OrgName), " · ", mdInline(rep.Kind), "*\n\n")
	}
	if rep.Draft {
		p("> ", mdInline(rep.Labels.DraftNotice), "\n\n")
	}
	if rep.Audience == Internal {
		p("> ", mdInline(rep.Labels.InternalNotice), "\n\n")
	}
	// reportpdf: the facts as a two-column table (no header text: the
	// labels say what each row is).
	if len(rep.Facts) > 0 {
		p("| | |\n| --- | --- |\n")
	}
	for _, f := range rep.Facts {
		value := mdCell(f.Value)
		if f.URL != "" {
			value = "<" + f.URL + ">" // metrics area: the status page link
		}
		p("| **", mdCell(f.Label), "** | ", value, " |\n")
		// metrics area: one row per occurrence under its fact.
		for _, line := range f.Lines {
			p("| | ", mdCell(line), " |\n")
		}
	}
	if len(rep.Facts) > 0 {
		p("\n")
	}
	for _, s := range rep.Sections {
		p("## ", mdInline(s.Title))
		if s.Internal {
			p(" (", mdInline(rep.Labels.InternalMarker), ")")
		}
		p("\n\n")
		if s.UntranslatedNote != "" {
			p("*", mdInline(s.UntranslatedNote), "*\n\n")
		}
		if body := strings.TrimSpace(mdImageFiles(mdNoHTML(normalizeNewlines(s.Markdown)), rep.Images)); body != "" {
			p(body, "\n\n")
		}
		if s.WithTimeline && len(rep.Timeline.Entries) > 0 {
			mdTimeline(p, rep)
		}
		if s.WithActions && len(rep.Actions.Items) > 0 {
			mdActions(p, rep)
		}
	}
	if rep.Closing != "" {
		p(mdInline(oneParagraph(rep.Closing)), "\n\n")
	}
	p("---\n\n*", mdInline(rep.Labels.Generated), "*\n")
	return b.Flush()
}

func mdTimeline(p func(...string), rep Report) {
	tl := rep.Timeline
	if tl.Heading != "" && !rep.HasSectionTitled(tl.Heading) {
		p("### ", mdInline(tl.Heading), "\n\n")
	}
	if tl.MultiDay {
		p("| ", mdCell(tl.Labels.Date), " ")
	}
	p("| ", mdCell(tl.Labels.Time), " | ", mdCell(tl.Labels.Kind), " | ", mdCell(tl.Labels.Event), " |\n")
	if tl.MultiDay {
		p("| --- ")
	}
	p("| --- | --- | --- |\n")
	for _, e := range tl.Entries {
		if tl.MultiDay {
			p("| ", mdCell(e.Date), " ")
		}
		event := mdCellMarkdown(mdNoHTML(e.Markdown))
		if e.Internal {
			event = "*(" + mdCell(rep.Labels.InternalMarker) + ")* " + event
		}
		p("| ", mdCell(e.Time), " | ", mdCell(e.KindLabel), " | ", event, " |\n")
	}
	p("\n")
}

func mdActions(p func(...string), rep Report) {
	at := rep.Actions
	if !rep.HasSectionTitled(at.Heading) {
		p("### ", mdInline(at.Heading), "\n\n")
	}
	p("| ", mdCell(at.Labels.Title), " | ", mdCell(at.Labels.Owner), " | ", mdCell(at.Labels.Due), " | ", mdCell(at.Labels.State), " |\n")
	p("| --- | --- | --- | --- |\n")
	for _, a := range at.Items {
		title := mdCell(a.Title)
		if a.TrackerURL != "" {
			title = "[" + title + "](" + mdURL(a.TrackerURL) + ")"
		}
		if a.Internal {
			title = "*(" + mdCell(rep.Labels.InternalMarker) + ")* " + title
		}
		p("| ", title, " | ", mdCell(a.Owner), " | ", mdCell(a.Due), " | ", mdCell(a.StateLabel), " |\n")
	}
	p("\n")
}

func normalizeNewlines(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// mdInline escapes plain text so Markdown shows it literally, on one line.
// It escapes only what could start markup, so the text stays readable.
func mdInline(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	rs := []rune(s)
	tildes := strings.Count(s, "~") > 1
	var b strings.Builder
	for i, r := range rs {
		prev, next := rune(' '), rune(' ')
		if i > 0 {
			prev = rs[i-1]
		}
		if i+1 < len(rs) {
			next = rs[i+1]
		}
		switch {
		case strings.ContainsRune("\\`*[]<>|", r):
			b.WriteByte('\\')
		case r == '_' && (!isWordRune(prev) || !isWordRune(next)):
			b.WriteByte('\\')
		case r == '~' && tildes:
			b.WriteByte('\\')
		case r == '#' && i == 0:
			b.WriteByte('\\')
		case r == '!' && next == '[':
			b.WriteByte('\\')
		case r == '&' && (unicode.IsLetter(next) || next == '#'):
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// mdCell escapes plain text for a table cell.
func mdCell(s string) string { return mdInline(s) }

// mdCellMarkdown keeps author Markdown in a table cell: one line, pipes escaped.
func mdCellMarkdown(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		if r == '|' && prev != '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// mdURL makes a URL safe as a plain link destination, [text](url):
// spaces, brackets and parentheses percent-encoded.
func mdURL(s string) string {
	r := strings.NewReplacer("<", "%3C", ">", "%3E", " ", "%20", "(", "%28", ")", "%29", "\n", "", "\r", "", "|", "%7C")
	return r.Replace(s)
}

// HasSectionTitled reports whether a section already carries heading, so a
// table below it needs no heading of its own.
func (r Report) HasSectionTitled(heading string) bool {
	for _, s := range r.Sections {
		if s.Title == heading {
			return true
		}
	}
	return false
}

// mdNoHTML returns author Markdown with every raw HTML block and inline
// tag shown as text ("<" written "&lt;"), so no HTML passes through the
// export into whatever renders it next. Everything else, line breaks
// included, stays as the author wrote it.
func mdNoHTML(src string) string {
	if !strings.Contains(src, "<") {
		return src
	}
	b := []byte(src)
	doc := markdown.Parse(b)
	type span struct{ start, stop int }
	var spans []span
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.HTMLBlock:
			for i := 0; i < n.Lines().Len(); i++ {
				seg := n.Lines().At(i)
				spans = append(spans, span{seg.Start, seg.Stop})
			}
			if n.HasClosure() {
				spans = append(spans, span{n.ClosureLine.Start, n.ClosureLine.Stop})
			}
		case *ast.RawHTML:
			for i := 0; i < n.Segments.Len(); i++ {
				seg := n.Segments.At(i)
				spans = append(spans, span{seg.Start, seg.Stop})
			}
		}
		return ast.WalkContinue, nil
	})
	if len(spans) == 0 {
		return src
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	var out strings.Builder
	last := 0
	for _, s := range spans {
		if s.start < last || s.stop > len(b) {
			continue
		}
		out.Write(b[last:s.start])
		out.WriteString(strings.ReplaceAll(string(b[s.start:s.stop]), "<", "&lt;"))
		last = s.stop
	}
	out.Write(b[last:])
	return out.String()
}
