package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

var fuzzSeeds = []string{
	"<script>alert(1)</script>",
	"<img src=x onerror=alert(1)>",
	"[x](javascript:alert(1)) ![y](data:image/png;base64,AAAA)",
	"<svg onload=alert(1)>",
	"🔥🔥🔥 👨‍👩‍👧 \U0010FFFF \uFFFF \x00 \xff\xfe",
	"مرحبا שלום नमस्ते 你好",
	"| a | b |\n|---|---|\n| " + strings.Repeat("x", 300) + " | y |",
	"- [x] a\n  - [ ] b\n    1. c\n       > d\n       > ```\n       > e\n       > ```",
	"> " + strings.Repeat("> ", 60) + "deep",
	strings.Repeat("- ", 80) + "nested",
	"```\n" + strings.Repeat("code line\n", 120) + "```",
	"a[^1]\n\n[^1]: b[^2]\n\n[^2]: c",
	"# h1\n## h2\n### h3\n#### h4\n##### h5\n###### h6",
	"***bold italic*** ~~strike~~ `code` <https://example.com> mailto:a@b.c",
	"\t\ttabs\r\nand\rreturns",
	strings.Repeat("word ", 3000),
}

func fuzzReport(t *testing.T, src string) Report {
	r := domain.RCA{ID: "f", Title: src, Template: domain.TemplateStandard, Language: "en", State: domain.StateDraft,
		AffectedServices: []string{src}, DurationOverride: src,
		Sections: []domain.Section{{Key: "summary", Title: src, Body: src}, {Key: "timeline", Body: src}, {Key: "preventive_measures", Body: src}},
		Timeline: []domain.TimelineEntry{{At: time.Date(2026, 3, 9, 8, 0, 0, 0, time.UTC), Kind: domain.KindImpactStart, Text: src},
			{At: time.Date(2026, 3, 9, 9, 0, 0, 0, time.UTC), Kind: domain.KindResolved, Text: src}},
		ActionItems: []domain.ActionItem{{Title: src, Owner: src, TrackerURL: "https://example.com/" + src}},
	}
	r.Normalize()
	org := src
	if len(org) > maxOrgName {
		org = strings.ToValidUTF8(org[:maxOrgName], "")
	}
	rep, err := Build(r, nil, nil, nil, catalog(t), Options{Now: fixedNow, Branding: Branding{OrgName: org}})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return rep
}

// FuzzMarkdownToPDF: no Markdown (nor title, owner, service name) makes the
// PDF renderer fail or panic.
func FuzzMarkdownToPDF(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 20_000 {
			return // section bodies are capped far higher, but fuzzing wants speed
		}
		var buf bytes.Buffer
		if err := RenderPDF(&buf, fuzzReport(t, src)); err != nil {
			t.Fatalf("RenderPDF(%q): %v", src, err)
		}
	})
}

// FuzzMarkdownToHTML: the HTML export never fails and never lets author
// text open a tag.
func FuzzMarkdownToHTML(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		var buf bytes.Buffer
		if err := RenderHTML(&buf, fuzzReport(t, src)); err != nil {
			t.Fatalf("RenderHTML: %v", err)
		}
		for _, tag := range htmlTag.FindAllString(buf.String(), -1) {
			if unsafeInTag.MatchString(tag) {
				t.Fatalf("RenderHTML(%q) made the tag %q", src, tag)
			}
		}
		var md bytes.Buffer
		if err := RenderMarkdown(&md, fuzzReport(t, src)); err != nil {
			t.Fatalf("RenderMarkdown: %v", err)
		}
	})
}

var (
	htmlTag     = regexp.MustCompile(`<[^>]*>`)
	unsafeInTag = regexp.MustCompile(`(?i)<script|<img|<iframe|<object|<embed|<link|\bon[a-z]+\s*=|javascript:|vbscript:`)
)
