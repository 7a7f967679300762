package markdown

import (
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
)

// hostile is Markdown an attacker might write into a section.
var hostile = []string{
	`<script>alert(1)</script>`,
	"<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
	`<img src=x onerror=alert(1)>`,
	`<svg onload=alert(1)><circle r=1/></svg>`,
	`<svg><script>alert(1)</script></svg>`,
	`[click](javascript:alert(1))`,
	`[click](JaVaScRiPt:alert(1))`,
	`[click](java&#x09;script:alert(1))`,
	`[click](vbscript:msgbox(1))`,
	`[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)`,
	`![pixel](data:image/svg+xml;base64,PHN2Zy8+)`,
	`![x](javascript:alert(1))`,
	`<a href="javascript:alert(1)">x</a>`,
	`<iframe src="https://evil.example"></iframe>`,
	`<div style="background:url(javascript:alert(1))">x</div>`,
	`<p onclick="alert(1)">x</p>`,
	"<b <i>broken</b> <a href='x",
	"<!-- comment --><![CDATA[x]]><?php echo 1 ?>",
	`<object data="x.swf"></object><embed src="x.swf">`,
	`<form action="https://evil.example"><input name=p></form>`,
	`<meta http-equiv="refresh" content="0;url=https://evil.example">`,
	`<style>body{display:none}</style>`,
	"[x]( javascript:alert(1) )",
	"[ref]\n\n[ref]: javascript:alert(1)",
	"<javascript:alert(1)>",
	"# heading {onclick=alert(1)}",
	"```html\n<script>alert(1)</script>\n```",
	"`<img src=x onerror=alert(1)>`",
}

var (
	forbidden = regexp.MustCompile(`(?i)<script|<svg|<iframe|<object|<embed|<form|<meta|<style|<img|<link|<base|\bon[a-z]+\s*=|javascript:|vbscript:|data:|style=`)
	tagRe     = regexp.MustCompile(`<[^>]*>`)
)

// unsafeTag returns the first tag in out that could run script, load
// anything or restyle the page; text between tags is escaped and harmless.
func unsafeTag(out string) string {
	for _, tag := range tagRe.FindAllString(out, -1) {
		if forbidden.MatchString(tag) {
			return tag
		}
	}
	return ""
}

func TestToHTMLHostile(t *testing.T) {
	for _, src := range hostile {
		t.Run(src, func(t *testing.T) {
			out := string(ToHTML(src))
			if tag := unsafeTag(out); tag != "" {
				t.Errorf("ToHTML(%q) kept %q:\n%s", src, tag, out)
			}
			if strings.Contains(out, "<") && strings.Count(out, "<") != strings.Count(out, ">") {
				t.Errorf("ToHTML(%q) left an unbalanced tag: %s", src, out)
			}
		})
	}
}

func TestToHTMLEscapesCodeContent(t *testing.T) {
	out := string(ToHTML("```html\n<script>alert(1)</script>\n```"))
	if !strings.Contains(out, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("code block content not shown escaped: %s", out)
	}
}

func TestToHTMLFeatures(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"emphasis", "*a* **b** ~~c~~", []string{"<em>a</em>", "<strong>b</strong>", "<del>c</del>"}},
		{"table", "| a | b |\n|:-|-:|\n| 1 | 2 |", []string{"<table>", `<th align="left">a</th>`, `<td align="right">2</td>`}},
		{"task list", "- [x] done\n- [ ] open", []string{`<input checked="" disabled="" type="checkbox"`, `<input disabled="" type="checkbox"`}},
		{"autolink", "see https://example.com/a?b=1", []string{`<a href="https://example.com/a?b=1" rel="nofollow noopener">`}},
		{"email autolink", "write to ops@example.com", []string{`href="mailto:ops@example.com"`}},
		{"link rel", "[docs](https://example.com)", []string{`<a href="https://example.com" rel="nofollow noopener">docs</a>`}},
		{"mailto link", "[mail](mailto:a@example.com)", []string{`href="mailto:a@example.com"`}},
		{"footnote", "text[^1]\n\n[^1]: the note", []string{`href="#fn:1"`, `id="fn:1"`, "the note"}},
		{"typographer", `"quoted" -- dash...`, []string{"“quoted”", "–", "…"}},
		{"code", "`x := 1`\n\n```go\nfunc f() {}\n```", []string{"<code>x := 1</code>", `<code class="language-go">func f() {}`}},
		{"image becomes link", "![the graph](https://example.com/g.png)", []string{`<a class="md-image" rel="nofollow noopener" href="https://example.com/g.png">the graph</a>`}},
		{"blockquote", "> quoted", []string{"<blockquote>", "quoted"}},
		{"ordered start", "3. three\n4. four", []string{`<ol start="3">`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := string(ToHTML(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("ToHTML(%q) lacks %q:\n%s", tt.src, w, out)
				}
			}
			if strings.Contains(out, "<img") {
				t.Errorf("ToHTML(%q) made an <img>: %s", tt.src, out)
			}
		})
	}
}

func TestToHTMLDropsBadURLs(t *testing.T) {
	for _, src := range []string{"[x](javascript:alert(1))", "[x](data:text/plain,hi)", "[x](ftp://example.com/f)", "[x](file:///etc/passwd)"} {
		out := string(ToHTML(src))
		if strings.Contains(out, "href=") {
			t.Errorf("ToHTML(%q) kept a link target: %s", src, out)
		}
	}
}

func TestHeadingIDsKeepNonASCII(t *testing.T) {
	tests := []struct {
		src  string
		want []string
	}{
		{"# Übersicht", []string{`<h1 id="übersicht">Übersicht</h1>`}},
		{"## 概要", []string{`<h2 id="概要">`}},
		{"## Причина сбоя", []string{`<h2 id="причина-сбоя">`}},
		{"## Root cause\n\n## Root cause", []string{`id="root-cause"`, `id="root-cause-1"`}},
		{"## Mitigação & prevenção!", []string{`id="mitigação-prevenção"`}},
		{"## !!!", []string{`id="heading"`}},
	}
	for _, tt := range tests {
		out := string(ToHTML(tt.src))
		for _, w := range tt.want {
			if !strings.Contains(out, w) {
				t.Errorf("ToHTML(%q) lacks %q:\n%s", tt.src, w, out)
			}
		}
	}
}

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Übersicht":            "übersicht",
		"Root cause":           "root-cause",
		"  -- a  b --":         "a-b",
		"snake_case name":      "snake_case-name",
		"":                     "",
		"Zeitablauf (MEZ, +1)": "zeitablauf-mez-1",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseGivesTree(t *testing.T) {
	src := []byte("# Title\n\nSome *text* and a [link](https://example.com).\n\n| a |\n|---|\n| 1 |\n")
	doc := Parse(src)
	var kinds []string
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if entering {
			kinds = append(kinds, n.Kind().String())
		}
		return ast.WalkContinue, nil
	})
	got := strings.Join(kinds, " ")
	for _, k := range []string{"Heading", "Emphasis", "Link", "Table"} {
		if !strings.Contains(got, k) {
			t.Errorf("tree lacks %s: %s", k, got)
		}
	}
	h := doc.FirstChild()
	if id, ok := h.AttributeString("id"); !ok || string(id.([]byte)) != "title" {
		t.Errorf("heading id = %v, want title", id)
	}
	if got := PlainText(doc.FirstChild().NextSibling(), src); got != "Some text and a link." {
		t.Errorf("PlainText = %q", got)
	}
}

func FuzzToHTML(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("# Übersicht\n\n- [x] a\n  1. b\n\n| a | b |\n|---|---|\n| `c` | [d](https://e) |\n\n> q[^1]\n\n[^1]: n")
	f.Fuzz(func(t *testing.T, src string) {
		out := string(ToHTML(src))
		if tag := unsafeTag(out); tag != "" {
			t.Fatalf("ToHTML(%q) kept %q", src, tag)
		}
	})
}

func TestPlainTextResolvesEscapes(t *testing.T) {
	src := []byte(`"Quoted" -- AT&amp;T \*not emphasis\* &#x41; and ` + "`code`" + ` <b>raw</b>`)
	doc := Parse(src)
	got := PlainText(doc, src)
	want := "“Quoted” – AT&T *not emphasis* A and code raw"
	if got != want {
		t.Errorf("PlainText = %q, want %q", got, want)
	}
}
