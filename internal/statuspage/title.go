package statuspage

import (
	"strings"
	"unicode"

	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// statusWords are the words for "status" in the catalog's languages; a page
// name that already has one is not wrapped again ("Status status", issue 12).
var statusWords = []string{"status", "statut", "état", "etat", "estado"}

// pageTitle is the overview's title: the status page's name, plus the
// language's "… status" wording unless the name already says so.
func pageTitle(l *i18n.Localizer, name string) string {
	words := strings.FieldsFunc(strings.ToLower(name), func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range words {
		for _, s := range statusWords {
			if w == s {
				return name
			}
		}
	}
	return l.T("status.page.title", map[string]any{"Value": name})
}
