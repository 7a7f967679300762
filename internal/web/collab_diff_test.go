package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
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

// TestTranslationEditor: the source and its translation side by side; a
// saved translation is stored for its language, and marked outdated once
// the source changes after it (area collab).
func TestTranslationEditor(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	r := e.rca("Translated RCA")
	cur := e.getRCA(r.ID)
	if _, err := e.st.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "The cache was cold.", BaseRevision: cur.Section("summary").Revision}, e.users[domain.RoleAuthor].ID); err != nil {
		t.Fatal(err)
	}
	c := e.as(domain.RoleAuthor)
	page := c.get("/rcas/"+r.ID+"/translate?to=de", http.StatusOK).body
	mustContain(t, page, `<option value="de" selected>`, "The cache was cold.", "Not translated")
	fresh := func() *domain.Section { x := e.getRCA(r.ID); return x.Section("summary") }
	rev := fresh().Revision
	c.post("/rcas/"+r.ID+"/translate/summary", url.Values{"to": {"de"}, "base_revision": {fmt.Sprint(rev)}, "title": {"Zusammenfassung"}, "body": {"Der Cache war kalt."}}, http.StatusSeeOther)
	got := fresh()
	if got.Translations["de"].Body != "Der Cache war kalt." || got.Body != "The cache was cold." || got.TranslationOutdated("de") {
		t.Fatalf("after saving the translation: %+v", got)
	}
	// A stale form changes nothing.
	c.post("/rcas/"+r.ID+"/translate/summary", url.Values{"to": {"de"}, "base_revision": {fmt.Sprint(rev)}, "body": {"Überschrieben"}}, http.StatusSeeOther)
	if fresh().Translations["de"].Body != "Der Cache war kalt." {
		t.Fatal("a stale translation form overwrote the translation")
	}
	page = c.get("/rcas/"+r.ID+"/translate?to=de", http.StatusOK).body
	mustNotContain(t, page, "Outdated")
	now := fresh()
	if _, err := e.st.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "The cache was cold after the deploy.", Translations: now.Translations, BaseRevision: now.Revision}, e.users[domain.RoleAuthor].ID); err != nil {
		t.Fatal(err)
	}
	page = c.get("/rcas/"+r.ID+"/translate?to=de", http.StatusOK).body
	mustContain(t, page, `<span class="badge outdated">Outdated</span>`, "Der Cache war kalt.", "The cache was cold after the deploy.")
	de := c.get("/rcas/"+r.ID+"/translate?to=de&lang=de", http.StatusOK).body
	mustContain(t, de, "Veraltet")
	c.get("/?lang=en", http.StatusOK)
}
