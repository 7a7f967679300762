package markdown

// Images stored with an RCA (area images, issue 15). Author Markdown names
// them ![alt](attachment:ID); ToHTMLWith shows those the caller resolves
// as <img> elements with their alt text as a caption. Every other image
// stays a link, as ToHTML renders it.

import (
	"bytes"
	"html/template"
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/util"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// inlineImage marks an image node whose destination the resolver replaced.
const inlineImage = "hs-inline"

// ImageResolver answers the URL an attachment is shown from (a same-origin
// path or a data: URI), or "" to leave the reference a plain link.
type ImageResolver func(id string) string

// ToHTMLWith renders Markdown as ToHTML does, and shows the attachments
// resolve answers a URL for as images. The URL may be a path on this site
// or a data: URI of a PNG, JPEG or GIF; bluemonday drops any other.
func ToHTMLWith(src string, resolve ImageResolver) template.HTML {
	if resolve == nil || !strings.Contains(src, domain.AttachmentScheme) {
		return ToHTML(src)
	}
	b := []byte(src)
	doc := Parse(b)
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		img, ok := n.(*ast.Image)
		if !entering || !ok {
			return ast.WalkContinue, nil
		}
		if id, ok := domain.AttachmentID(string(img.Destination)); ok {
			if u := resolve(id); u != "" {
				img.Destination = []byte(u)
				img.SetAttributeString(inlineImage, true)
			}
		}
		return ast.WalkContinue, nil
	})
	var buf bytes.Buffer
	if err := md.Renderer().Render(&buf, b, doc); err != nil {
		return ""
	}
	return template.HTML(policy.SanitizeBytes(buf.Bytes())) // #nosec G203 -- sanitized by bluemonday
}

// renderInlineImage writes a resolved attachment: the image, then its alt
// text as a caption.
func renderInlineImage(w util.BufWriter, source []byte, n *ast.Image) {
	alt := strings.TrimSpace(PlainText(n, source))
	_, _ = w.WriteString(`<span class="md-figure"><img class="md-image" src="`)
	_, _ = w.Write(util.EscapeHTML(n.Destination))
	_, _ = w.WriteString(`" alt="`)
	_, _ = w.Write(util.EscapeHTML([]byte(alt)))
	_, _ = w.WriteString(`">`)
	if alt != "" {
		_, _ = w.WriteString(`<span class="md-caption">`)
		_, _ = w.Write(util.EscapeHTML([]byte(alt)))
		_, _ = w.WriteString(`</span>`)
	}
	_, _ = w.WriteString(`</span>`)
}

// imageSrc is what an <img src> may hold: a path on this site (never
// protocol-relative) or a base64 data: URI of a PNG, JPEG or GIF.
var imageSrc = regexp.MustCompile(`^(/[^/\\][^"<>\s]*|data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=]+)$`)

func allowImages(p *bluemonday.Policy) {
	p.AllowAttrs("src").Matching(imageSrc).OnElements("img")
	p.AllowAttrs("alt").OnElements("img")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^md-image$`)).OnElements("img")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(md-figure|md-caption)$`)).OnElements("span")
	p.AllowDataURIImages()
}
