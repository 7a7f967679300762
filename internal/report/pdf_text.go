package report

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/hindsight-rca/hindsight/internal/fonts"
	"golang.org/x/text/unicode/norm"
)

// unshaped lists scripts the PDF cannot show correctly: they run right to
// left or need glyph shaping, which fpdf does not do. A run of such text is
// replaced by a readable note rather than printed backwards or broken.
var unshaped = []struct {
	name  string
	table *unicode.RangeTable
}{
	{"Arabic", unicode.Arabic},
	{"Hebrew", unicode.Hebrew},
	{"Syriac", unicode.Syriac},
	{"Thaana", unicode.Thaana},
	{"N'Ko", unicode.Nko},
	{"Samaritan", unicode.Samaritan},
	{"Mandaic", unicode.Mandaic},
	{"Devanagari", unicode.Devanagari},
	{"Bengali", unicode.Bengali},
	{"Tamil", unicode.Tamil},
	{"Thai", unicode.Thai},
	{"Khmer", unicode.Khmer},
	{"Myanmar", unicode.Myanmar},
	{"Tibetan", unicode.Tibetan},
}

func unshapedScript(r rune) string {
	if r < 0x0590 {
		return ""
	}
	for _, s := range unshaped {
		if unicode.Is(s.table, r) {
			return s.name
		}
	}
	return ""
}

// pdfSafe makes s printable by fpdf with a face of the given coverage:
// NFC-composed, control and invisible formatting characters removed, tabs
// expanded, and anything the face cannot draw (emoji and other runes above
// U+FFFF, which crash fpdf, CJK, private use) shown as "[U+1F525]". Runs of
// right-to-left or shaped scripts become "[Arabic text]". Newlines are kept
// when keepNewlines is set, else they become spaces.
func pdfSafe(s string, cov *fonts.Coverage, keepNewlines bool) string {
	return pdfSafeAlt(s, cov, keepNewlines, nil)
}

// pdfSafeAlt is pdfSafe that also keeps a rune cov lacks when alt says a
// fallback face can draw it.
func pdfSafeAlt(s string, cov *fonts.Coverage, keepNewlines bool, alt func(rune) bool) string {
	if isPlainASCII(s) && !strings.ContainsAny(s, "\t\r") && (keepNewlines || !strings.Contains(s, "\n")) {
		return s // the common case: nothing to do
	}
	s = norm.NFC.String(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	b.Grow(len(s))
	script := ""   // the unshaped script of the run being replaced
	space := false // the run swallowed a trailing space
	for _, r := range s {
		if sc := unshapedScript(r); sc != "" || (script != "" && (r == ' ' || unicode.Is(unicode.Mn, r))) {
			switch {
			case sc == "":
				space = space || r == ' '
			case sc != script:
				if script != "" {
					b.WriteString("] ")
				}
				b.WriteString("[" + sc + " text")
				script, space = sc, false
			default:
				space = false
			}
			continue
		}
		if script != "" {
			b.WriteString("]")
			if space {
				b.WriteByte(' ')
			}
			script, space = "", false
		}
		switch {
		case r == '\n':
			if keepNewlines {
				b.WriteByte('\n')
			} else {
				b.WriteByte(' ')
			}
		case r == '\t':
			b.WriteString("    ")
		case r == '\r':
		case r == '\u00A0' || r == '\u202F' || r == '\u2007':
			b.WriteByte(' ') // fpdf breaks lines only at plain spaces
		case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Variation_Selector, r):
			// controls, zero-width joiners, bidi marks, soft hyphens: invisible
		case r > 0xFFFF || (!cov.Has(r) && (alt == nil || !alt(r))):
			fmt.Fprintf(&b, "[U+%04X]", r)
		default:
			b.WriteRune(r)
		}
	}
	if script != "" {
		b.WriteString("]")
	}
	return b.String()
}

func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x7f || (c < 0x20 && c != '\n' && c != '\t') {
			return false
		}
	}
	return true
}
