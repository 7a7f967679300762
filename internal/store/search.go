package store

// Search helpers shared by the backends (area "scalesql").

import (
	"slices"
	"strings"
	"unicode"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// SearchWords splits what a person typed into the words a search looks for:
// runs of letters, digits and combining marks. Symbols and emoji are no
// words; a query made only of them is searched as plain text.
func SearchWords(q string) []string {
	return strings.FieldsFunc(q, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r) && !unicode.Is(unicode.Mn, r)
	})
}

// MakeSnippet cuts the part of text around the first place where the query
// matches (see SearchWords; q is used as plain text when it has no words),
// about width runes wide, with the match between SnippetOpen and
// SnippetClose. It is empty when nothing matches.
func MakeSnippet(text, q string, width int) string {
	lower := strings.ToLower(text)
	needle := strings.ToLower(strings.TrimSpace(q))
	if w := SearchWords(q); len(w) > 0 {
		needle = strings.ToLower(w[0])
	}
	if needle == "" {
		return ""
	}
	at := strings.Index(lower, needle)
	if at < 0 || len(lower) != len(text) { // case folding changed the length: no safe cut
		return ""
	}
	end := at + len(needle)
	for end < len(text) && isWordByte(text, end) {
		end++
	}
	start := at
	for n := 0; start > 0 && n < width/2; n++ {
		start--
		for start > 0 && !isRuneStart(text[start]) {
			start--
		}
	}
	stop := end
	for n := 0; stop < len(text) && n < width/2; n++ {
		stop++
		for stop < len(text) && !isRuneStart(text[stop]) {
			stop++
		}
	}
	var b strings.Builder
	if start > 0 {
		b.WriteString("…")
	}
	b.WriteString(text[start:at])
	b.WriteString(SnippetOpen + text[at:end] + SnippetClose)
	b.WriteString(text[end:stop])
	if stop < len(text) {
		b.WriteString("…")
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func isRuneStart(b byte) bool { return b&0xC0 != 0x80 }

func isWordByte(s string, i int) bool {
	r := rune(s[i])
	if r >= 0x80 {
		return !isRuneStart(s[i]) || unicode.IsLetter([]rune(s[i:min(i+4, len(s))])[0])
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// SearchText is the searchable text of r that pick lets through: the titles
// (the RCA's own and its translations; always readable) and the body
// (sections with their translations, timeline entries, action items,
// services and tags). Sections, entries and items whose visibility pick
// refuses are left out.
func SearchText(r *domain.RCA, pick func(domain.Visibility) bool) (title, body string) {
	titles := []string{r.Title}
	for _, t := range sortedKeys(r.Translations) {
		titles = append(titles, r.Translations[t].Title)
	}
	var b []string
	for _, sec := range r.Sections {
		if !pick(sec.Visibility) {
			continue
		}
		b = append(b, sec.Title, sec.Body)
		for _, t := range sortedKeys(sec.Translations) {
			b = append(b, sec.Translations[t].Title, sec.Translations[t].Body)
		}
	}
	for _, e := range r.Timeline {
		if !pick(e.Visibility) {
			continue
		}
		b = append(b, e.Text)
		for _, t := range sortedKeys(e.Translations) {
			b = append(b, e.Translations[t])
		}
	}
	for _, a := range r.ActionItems {
		if !pick(a.Visibility) {
			continue
		}
		b = append(b, a.Title)
		for _, t := range sortedKeys(a.Translations) {
			b = append(b, a.Translations[t])
		}
	}
	if pick(domain.External) {
		b = append(b, r.AffectedServices...)
		b = append(b, r.Tags...)
	}
	return strings.Join(titles, "\n"), strings.Join(b, "\n")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
