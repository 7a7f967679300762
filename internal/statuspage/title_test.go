package statuspage

import (
	"testing"

	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// TestPageTitleSaysStatusOnce: a status page named "Acme Status" is titled
// "Acme Status", not "Acme Status status" (issue 12), in every language;
// a plain name still gets the language's wording.
func TestPageTitleSaysStatusOnce(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct{ lang, name, want string }{
		{"en", "Status", "Status"},
		{"en", "Acme Status", "Acme Status"},
		{"de", "Acme-Status", "Acme-Status"},
		{"fr", "État des services Acme", "État des services Acme"},
		{"en", "Acme", "Acme status"},
		{"de", "Acme", "Status von Acme"},
		{"en", "Statusfy", "Statusfy status"},
	}
	for _, c := range cases {
		if got := pageTitle(cat.Localizer(c.lang), c.name); got != c.want {
			t.Errorf("%s %q: title %q, want %q", c.lang, c.name, got, c.want)
		}
	}
}
