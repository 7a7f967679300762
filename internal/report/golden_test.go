package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"
	extast "github.com/yuin/goldmark/extension/ast"
	"golang.org/x/net/html"

	"github.com/hindsight-rca/hindsight/internal/markdown"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

var languages = []string{"en", "de", "fr", "es", "pt-BR"}

// golden compares got with testdata/golden/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test -update to create it): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./internal/report -run Golden -update after checking the change.\n%s", name, firstDiff(string(want), string(got)))
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\n  want: " + w + "\n  got:  " + g
		}
	}
	return ""
}

func goldenOptions(lang string) Options {
	opt := Options{Lang: lang, TimeZone: "UTC", Audience: External, Now: fixedNow}
	if lang == "de" {
		opt.TimeZone = "Europe/Berlin"
	}
	if lang == "pt-BR" {
		opt.TimeZone = "America/Sao_Paulo"
	}
	return opt
}

func TestGoldenMarkdown(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			rep := build(t, sampleRCA(), goldenOptions(lang))
			var buf bytes.Buffer
			if err := RenderMarkdown(&buf, rep); err != nil {
				t.Fatal(err)
			}
			golden(t, "report-"+lang+".md", buf.Bytes())
		})
	}
}

func TestGoldenHTML(t *testing.T) {
	for _, lang := range languages {
		t.Run(lang, func(t *testing.T) {
			rep := build(t, sampleRCA(), goldenOptions(lang))
			var buf bytes.Buffer
			if err := RenderHTML(&buf, rep); err != nil {
				t.Fatal(err)
			}
			golden(t, "report-"+lang+".html", buf.Bytes())
		})
	}
}

// TestMarkdownRoundTrip parses the Markdown export with goldmark and finds
// the document's structure again: title, one heading per section, the
// timeline and action tables with all their rows.
func TestMarkdownRoundTrip(t *testing.T) {
	for _, lang := range languages {
		rep := build(t, sampleRCA(), Options{Lang: lang, Audience: Internal, Now: fixedNow})
		var buf bytes.Buffer
		if err := RenderMarkdown(&buf, rep); err != nil {
			t.Fatal(err)
		}
		src := buf.Bytes()
		doc := markdown.Parse(src)
		var h1 []string
		var h2 []string
		var tables []*extast.Table
		_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.Heading:
				text := markdown.PlainText(n, src)
				switch n.Level {
				case 1:
					h1 = append(h1, text)
				case 2:
					h2 = append(h2, text)
				}
			case *extast.Table:
				tables = append(tables, n)
			}
			return ast.WalkContinue, nil
		})
		if len(h1) != 1 || h1[0] != rep.Title {
			t.Errorf("%s: level-1 headings %q, want only the title %q", lang, h1, rep.Title)
		}
		if len(h2) != len(rep.Sections) {
			t.Fatalf("%s: %d section headings, want %d: %q", lang, len(h2), len(rep.Sections), h2)
		}
		for i, s := range rep.Sections {
			want := s.Title
			if s.Internal {
				want += " (" + rep.Labels.InternalMarker + ")"
			}
			if h2[i] != want {
				t.Errorf("%s: heading %d = %q, want %q", lang, i, h2[i], want)
			}
		}
		// The facts, impact's own table, the timeline and the action items.
		if len(tables) != 4 {
			t.Fatalf("%s: %d tables, want 4", lang, len(tables))
		}
		// One row per fact, and one per occurrence line under its fact.
		factRows := len(rep.Facts)
		for _, f := range rep.Facts {
			factRows += len(f.Lines)
		}
		if rows := tables[0].ChildCount() - 1; rows != factRows {
			t.Errorf("%s: facts table has %d rows, want %d", lang, rows, factRows)
		}
		if rows := tables[2].ChildCount() - 1; rows != len(rep.Timeline.Entries) {
			t.Errorf("%s: timeline table has %d rows, want %d", lang, rows, len(rep.Timeline.Entries))
		}
		if rows := tables[3].ChildCount() - 1; rows != len(rep.Actions.Items) {
			t.Errorf("%s: action table has %d rows, want %d", lang, rows, len(rep.Actions.Items))
		}
	}
}

// TestMarkdownEscapesPlainText keeps a hostile title literal.
func TestMarkdownEscapesPlainText(t *testing.T) {
	r := sampleRCA()
	r.Title = "# Not *bold* [link](javascript:x) <b>tag</b> | pipe"
	r.AffectedServices = []string{"API | Web", "a_b_c"}
	rep := build(t, r, Options{Lang: "en", Now: fixedNow})
	var buf bytes.Buffer
	if err := RenderMarkdown(&buf, rep); err != nil {
		t.Fatal(err)
	}
	src := buf.Bytes()
	doc := markdown.Parse(src)
	title := doc.FirstChild()
	if h, ok := title.(*ast.Heading); !ok || h.Level != 1 {
		t.Fatalf("first block is %T, want the title heading", title)
	}
	if got := markdown.PlainText(title, src); got != r.Title {
		t.Errorf("title reads %q, want %q", got, r.Title)
	}
	out := string(markdown.ToHTML(buf.String()))
	head := out[:strings.Index(out, "</h1>")]
	for _, bad := range []string{"<strong>", "<em>", "<b>", "<a "} {
		if strings.Contains(head, bad) {
			t.Errorf("escaped title still renders %q: %s", bad, head)
		}
	}
	if !strings.Contains(buf.String(), "a_b_c") {
		t.Error("underscores inside words should stay unescaped for readability")
	}
}

// TestHTMLSelfContained parses the HTML export and finds nothing that would
// load from elsewhere: no scripts, stylesheets, frames, remote images or
// CSS imports.
func TestHTMLSelfContained(t *testing.T) {
	r := sampleRCA()
	r.Section("summary").Body += "\n\n![graph](https://cdn.example.com/graph.png) <img src=https://evil.example/x.png> <script src=https://evil.example/x.js></script>"
	rep := build(t, r, Options{Lang: "de", Audience: Internal, Now: fixedNow, Branding: Branding{OrgName: "Acme", LogoPNG: testPNG(t), Accent: "#0a7"}})
	var buf bytes.Buffer
	if err := RenderHTML(&buf, rep); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	var lang string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "script", "link", "iframe", "object", "embed", "base":
				t.Errorf("element <%s> in a self-contained export", n.Data)
			case "html":
				for _, a := range n.Attr {
					if a.Key == "lang" {
						lang = a.Val
					}
				}
			case "style":
				if css := textOf(n); strings.Contains(css, "@import") || strings.Contains(css, "url(") {
					t.Error("the stylesheet loads something")
				}
			}
			for _, a := range n.Attr {
				if (a.Key == "src" || a.Key == "srcset" || a.Key == "poster" || a.Key == "data") && !strings.HasPrefix(a.Val, "data:image/png;base64,") {
					t.Errorf("<%s %s=%q> loads from elsewhere", n.Data, a.Key, a.Val)
				}
				if a.Key == "style" {
					t.Errorf("inline style attribute on <%s>", n.Data)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if lang != "de" {
		t.Errorf(`<html lang=%q>, want "de"`, lang)
	}
	out := buf.String()
	for _, want := range []string{"@media print", "<svg", `class="impact"`, "Vorkommen 2", "--accent: #0a7", "data:image/png;base64,", "Acme"} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
