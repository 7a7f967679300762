package markdown

import (
	"regexp"
	"strings"
	"testing"
)

const testAttID = "0123456789abcdef0123456789abcdef"

func TestToHTMLWithImages(t *testing.T) {
	page := func(id string) string { return "/rcas/r1/attachments/" + id }
	for _, tc := range []struct {
		name, src string
		resolve   ImageResolver
		want      []string
		not       []string
	}{
		{"resolved attachment is an image with its caption", "See ![Error rate](attachment:" + testAttID + ").", page,
			[]string{`<img class="md-image" src="/rcas/r1/attachments/` + testAttID + `" alt="Error rate">`, `<span class="md-caption">Error rate</span>`}, nil},
		{"data URI", "![g](attachment:" + testAttID + ")", func(string) string { return "data:image/png;base64,iVBORw0KGgo=" },
			[]string{`src="data:image/png;base64,iVBORw0KGgo="`}, nil},
		{"unresolved attachment stays text", "![secret](attachment:" + testAttID + ")", func(string) string { return "" },
			[]string{"secret"}, []string{"<img"}},
		{"other images stay links", "![x](https://example.com/x.png)", page,
			[]string{`<a class="md-image"`}, []string{"<img"}},
		{"raw img tag dropped", `<img src="https://evil.example/x.png"> ![a](attachment:` + testAttID + `)`, page,
			[]string{`src="/rcas/r1/`}, []string{"evil.example"}},
		{"hostile resolver URL dropped", "![a](attachment:" + testAttID + ")", func(string) string { return "//evil.example/x" },
			nil, []string{"evil.example"}},
		{"svg data URI dropped", "![a](attachment:" + testAttID + ")", func(string) string { return "data:image/svg+xml;base64,PHN2Zz4=" },
			nil, []string{"svg"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(ToHTMLWith(tc.src, tc.resolve))
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("missing %q in %s", w, got)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("unexpected %q in %s", n, got)
				}
			}
		})
	}
	if got := string(ToHTML("![a](attachment:" + testAttID + ")")); strings.Contains(got, "<img") {
		t.Errorf("ToHTML made an image: %s", got)
	}
}

// imgTag is the one <img> ToHTMLWith may make, with a resolver that
// answers a same-origin path.
var imgTag = regexp.MustCompile(`^<img class="md-image" src="/attachments/[0-9a-f]{32}" alt="[^"<>]*">$`)

// FuzzToHTMLWith: with images resolved, the output holds no unsafe tag
// but the resolved images themselves.
func FuzzToHTMLWith(f *testing.F) {
	for _, s := range hostile {
		f.Add(s + " ![a](attachment:" + testAttID + ")")
	}
	f.Add(`![x" onerror="alert(1)](attachment:` + testAttID + `) ![<img src=x>](attachment:` + testAttID + `)`)
	f.Fuzz(func(t *testing.T, src string) {
		out := string(ToHTMLWith(src, func(id string) string { return "/attachments/" + id }))
		for _, tag := range tagRe.FindAllString(out, -1) {
			if forbidden.MatchString(tag) && !imgTag.MatchString(tag) {
				t.Fatalf("ToHTMLWith(%q) kept %q", src, tag)
			}
		}
	})
}
