// Package markdown turns author-written Markdown into safe HTML and exposes the
// configured parser for renderers that walk the syntax tree themselves (PDF).
//
// Author text is untrusted. It passes two layers: goldmark never emits raw
// HTML (html.WithUnsafe is not set), then bluemonday keeps only the elements
// and attributes goldmark itself produces. ToHTML is the only function in
// Hindsight that turns author text into template.HTML.
package markdown

import (
	"bytes"
	"html"
	"html/template"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// LinkRel is the rel attribute every rendered link carries.
const LinkRel = "nofollow noopener"

var (
	md     = newMarkdown()
	policy = newPolicy()
)

func newMarkdown() goldmark.Markdown {
	return goldmark.New(
		goldmark.WithExtensions(
			// GFM, spelled out so tables can use the align attribute
			// (bluemonday drops style attributes).
			extension.Linkify,
			extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
			extension.Strikethrough,
			extension.TaskList,
			extension.Footnote,
			extension.Typographer,
		),
		goldmark.WithParserOptions(
			parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(linkRel{}, 100)),
		),
		goldmark.WithRendererOptions(
			// No html.WithUnsafe: raw HTML in the source is dropped.
			renderer.WithNodeRenderers(util.Prioritized(imageAsLink{}, 100)),
		),
	)
}

// Markdown returns the configured goldmark instance (GFM, footnotes,
// typographer, no raw HTML). Use Parse to get a tree with Unicode heading IDs.
func Markdown() goldmark.Markdown { return md }

// Parse parses src with the shared configuration. Headings get IDs that keep
// non-ASCII letters ("Übersicht" becomes "übersicht"). The returned tree's
// text segments point into src.
func Parse(src []byte) ast.Node {
	ctx := parser.NewContext(parser.WithIDs(newHeadingIDs()))
	return md.Parser().Parse(text.NewReader(src), parser.WithContext(ctx))
}

// ToHTML renders Markdown to sanitized HTML. Raw HTML in src is dropped,
// links carry rel="nofollow noopener" and only http, https and mailto URLs
// (or relative ones, for footnotes) survive. Images are shown as links to the
// image, so rendered author text never makes a request by itself.
func ToHTML(src string) template.HTML {
	b := []byte(src)
	doc := Parse(b)
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, b, doc); err != nil {
		// goldmark only fails on writer errors; a bytes.Buffer has none.
		return ""
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitized by bluemonday
}

// headingIDs generates heading IDs that keep letters and digits of every
// script, lowercased, with runs of anything else turned into one dash.
type headingIDs struct {
	used map[string]bool
}

func newHeadingIDs() *headingIDs { return &headingIDs{used: map[string]bool{}} }

// Generate implements parser.IDs.
func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	base := Slug(string(value))
	if base == "" {
		if kind == ast.KindHeading {
			base = "heading"
		} else {
			base = "id"
		}
	}
	id := base
	for i := 1; h.used[id]; i++ {
		id = base + "-" + itoa(i)
	}
	h.used[id] = true
	return []byte(id)
}

// Put implements parser.IDs.
func (h *headingIDs) Put(value []byte) { h.used[string(value)] = true }

// Slug lowercases s and keeps its letters and digits (any script); every run
// of other characters becomes a single dash. It is used for heading anchors.
func Slug(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Mc, r):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		case r == '_':
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
	}
	out := b.String()
	if len(out) > 100 {
		out = strings.ToValidUTF8(out[:100], "")
	}
	return out
}

func itoa(i int) string {
	var b [20]byte
	n := len(b)
	for i >= 10 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	n--
	b[n] = byte('0' + i)
	return string(b[n:])
}

// linkRel marks every link and autolink with rel="nofollow noopener".
type linkRel struct{}

func (linkRel) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n.Kind() {
		case ast.KindLink, ast.KindAutoLink:
			n.SetAttributeString("rel", []byte(LinkRel))
		}
		return ast.WalkContinue, nil
	})
}

// imageAsLink renders an image as a link to it, its alt text as the label.
type imageAsLink struct{}

func (imageAsLink) RegisterFuncs(reg renderer.NodeRendererFuncRegisterer) {
	reg.Register(ast.KindImage, renderImage)
}

func renderImage(w util.BufWriter, source []byte, node ast.Node, entering bool) (ast.WalkStatus, error) {
	if !entering {
		return ast.WalkContinue, nil
	}
	n := node.(*ast.Image)
	if _, ok := n.AttributeString(inlineImage); ok { // images (issue 15)
		renderInlineImage(w, source, n)
		return ast.WalkSkipChildren, nil
	}
	dest := util.URLEscape(n.Destination, true)
	_, _ = w.WriteString(`<a class="md-image" rel="` + LinkRel + `" href="`)
	if !gmhtml.IsDangerousURL(dest) {
		_, _ = w.Write(util.EscapeHTML(dest))
	}
	_, _ = w.WriteString(`">`)
	alt := strings.TrimSpace(PlainText(n, source))
	if alt == "" {
		alt = string(n.Destination)
	}
	_, _ = w.Write(util.EscapeHTML([]byte(alt)))
	_, _ = w.WriteString(`</a>`)
	return ast.WalkSkipChildren, nil
}

// PlainText returns the text of n's descendants without any markup, with
// escapes and entities resolved as a reader would see them.
func PlainText(n ast.Node, source []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := c.(type) {
		case *ast.Text, *ast.String:
			b.WriteString(TextValue(t, source))
			if tx, ok := t.(*ast.Text); ok && (tx.SoftLineBreak() || tx.HardLineBreak()) {
				b.WriteByte(' ')
			}
		case *ast.AutoLink:
			b.Write(t.Label(source))
		case *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// TextValue returns what a reader sees of a Text or String node: backslash
// escapes, entities and typographer substitutions resolved. Other nodes
// give "".
func TextValue(n ast.Node, source []byte) string {
	switch t := n.(type) {
	case *ast.Text:
		v := t.Segment.Value(source)
		if !t.IsRaw() {
			v = util.UnescapePunctuations(v)
			v = util.ResolveNumericReferences(v)
			v = util.ResolveEntityNames(v)
		}
		return string(v)
	case *ast.String:
		if t.IsCode() {
			// The typographer stores its substitutions as HTML entities.
			return html.UnescapeString(string(t.Value))
		}
		return string(t.Value)
	}
	return ""
}

var (
	idPattern    = regexp.MustCompile(`^[\p{L}\p{N}\p{M}_:.-]{1,120}$`)
	alignPattern = regexp.MustCompile(`^(left|right|center)$`)
)

// newPolicy allows exactly what goldmark with our extensions emits.
func newPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements("p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "s",
		"ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6",
		"table", "thead", "tbody", "tr", "th", "td", "sup", "div", "span")
	p.AllowAttrs("id").Matching(idPattern).OnElements("h1", "h2", "h3", "h4", "h5", "h6", "li", "sup")
	p.AllowAttrs("start").Matching(bluemonday.Integer).OnElements("ol")
	p.AllowAttrs("align").Matching(alignPattern).OnElements("th", "td")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^language-[\w+#.-]{1,40}$`)).OnElements("code")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(footnote-ref|footnote-backref|md-image)$`)).OnElements("a")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^footnotes$`)).OnElements("div")
	p.AllowAttrs("role").Matching(regexp.MustCompile(`^doc-(noteref|backlink|endnotes)$`)).OnElements("a", "div")
	// Task lists: goldmark emits disabled checkboxes.
	p.AllowAttrs("type").Matching(regexp.MustCompile(`^checkbox$`)).OnElements("input")
	p.AllowAttrs("checked", "disabled").Matching(regexp.MustCompile(`^$`)).OnElements("input")
	// Links.
	p.AllowAttrs("href").OnElements("a")
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^nofollow noopener$`)).OnElements("a")
	p.AllowURLSchemes("http", "https", "mailto")
	p.AllowRelativeURLs(true)
	allowImages(p) // images (issue 15)
	p.RequireParseableURLs(true)
	p.RequireNoFollowOnLinks(true)
	return p
}
