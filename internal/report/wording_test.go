package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestNoticesSayItOnce: a draft's notice does not repeat "Draft", the
// internal notice does not repeat "Internal", notes have a type, and the
// "not yet translated" notice shows once, naming the language in the
// reader's language.
func TestNoticesSayItOnce(t *testing.T) {
	r := sampleRCA()
	r.State = domain.StateDraft
	rep := build(t, r, Options{Lang: "de", Audience: Internal, Now: fixedNow})
	if n := strings.Count(rep.Labels.DraftNotice, "Entwurf"); n != 1 {
		t.Errorf("draft notice %q says Entwurf %d times", rep.Labels.DraftNotice, n)
	}
	var notes int
	for _, s := range rep.Sections {
		if s.UntranslatedNote != "" {
			notes++
			if !strings.Contains(s.UntranslatedNote, "Englisch") {
				t.Errorf("notice %q does not name Englisch", s.UntranslatedNote)
			}
		}
	}
	if notes != 1 {
		t.Errorf("%d untranslated notices, want 1", notes)
	}
	for _, e := range rep.Timeline.Entries {
		if e.Kind == domain.KindNote && e.KindLabel != "Notiz" {
			t.Errorf("a note's type reads %q", e.KindLabel)
		}
	}
	for format, render := range map[string]func(*bytes.Buffer, Report) error{
		"md":   func(b *bytes.Buffer, r Report) error { return RenderMarkdown(b, r) },
		"html": func(b *bytes.Buffer, r Report) error { return RenderHTML(b, r) },
	} {
		var b bytes.Buffer
		if err := render(&b, rep); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(b.String(), "Intern:") || strings.Contains(b.String(), "Intern</strong>") {
			t.Errorf("%s: the internal notice repeats its marker", format)
		}
	}
	text := strings.Join(strings.Fields(pdfText(t, renderPDF(t, rep))), " ")
	if strings.Contains(text, "Intern: Interne Fassung") || strings.Count(text, "Noch nicht übersetzt") != 1 {
		t.Errorf("PDF notices repeat themselves: %q", text[:min(len(text), 600)])
	}
	rev := sampleRCA() // in review: the state is named
	if got := build(t, rev, Options{Lang: "en", Now: fixedNow}).Labels.DraftNotice; !strings.Contains(got, "(In review)") {
		t.Errorf("in-review notice %q lacks its state", got)
	}
}

// TestMarkdownExportSafe: raw HTML never passes through the Markdown
// export, line breaks are kept, links read [text](url), facts are a table.
func TestMarkdownExportSafe(t *testing.T) {
	r := sampleRCA()
	r.Section("summary").Body = "First line\nsecond line\\\nthird <b onclick=x>bold</b>\n\n<script>alert(1)</script>\n\n<div>\nblock\n</div>"
	r.Timeline[0].Text = "Entry <img src=x onerror=alert(1)>"
	rep := build(t, r, Options{Audience: Internal, Now: fixedNow})
	var b bytes.Buffer
	if err := RenderMarkdown(&b, rep); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	for _, bad := range []string{"<b", "<script", "<div", "<img"} {
		if strings.Contains(md, bad) {
			t.Errorf("Markdown passes %q through", bad)
		}
	}
	if !strings.Contains(md, "First line\nsecond line\\\nthird") {
		t.Error("line breaks of the body are not kept")
	}
	if !strings.Contains(md, "[Add configuration components to the release checklist](https://tracker.example.com/PLAT-101)") {
		t.Error("the tracker link is not [text](url)")
	}
	if !strings.Contains(md, "| **"+rep.Facts[0].Label+"** | "+rep.Facts[0].Value+" |") {
		t.Error("the facts are not a table")
	}
}
