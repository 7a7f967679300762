package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestDiffPageWordsAndNames: the diff page shows each changed section word
// by word (inserted and deleted words marked, for screen readers too) with
// the names of who saved it in between, in the reader's language.
func TestDiffPageWordsAndNames(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	author, reviewer := e.users[domain.RoleAuthor], e.users[domain.RoleReviewer]
	r := e.rca("Diffed")
	save := func(key, body, who string) {
		t.Helper()
		cur := e.getRCA(r.ID)
		if _, err := e.st.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: body, BaseRevision: cur.Section(key).Revision}, who); err != nil {
			t.Fatal(err)
		}
	}
	save("summary", "Checkout failed for 47 minutes.", author.ID)
	from := e.getRCA(r.ID).Version
	save("summary", "Checkout failed for about 47 minutes in eu-west.", reviewer.ID)
	save("root_cause", "The cache was cold.", author.ID)
	to := e.getRCA(r.ID).Version

	c := e.as(domain.RoleAuthor)
	body := c.get(fmt.Sprintf("/rcas/%s/diff?from=%d&to=%d", r.ID, from, to), http.StatusOK).body
	mustContain(t, body, "Changes by section, word by word",
		`<ins><span class="sr-only">[added: </span>about <span class="sr-only">]</span></ins>`,
		"Changed by "+reviewer.Name, "Changed by "+author.Name,
		`<ins><span class="sr-only">[added: </span>The cache was cold.<span class="sr-only">]</span></ins>`)
	de := c.get(fmt.Sprintf("/rcas/%s/diff?from=%d&to=%d&lang=de", r.ID, from, to), http.StatusOK).body
	mustContain(t, de, "Änderungen je Abschnitt, Wort für Wort", "Geändert von "+reviewer.Name)
	c.get("/?lang=en", http.StatusOK)
}
