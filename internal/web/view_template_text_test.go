package web

import (
	"net/http"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestTemplateTextsFollowTheUILanguage: built-in template names, section
// headings, guidance and examples are read from the catalog (issue 12: the
// German UI showed them in English), and a heading the author changed is
// shown as written.
func TestTemplateTextsFollowTheUILanguage(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	de := c.get("/rcas/"+rc.ID+"/write?lang=de", http.StatusOK)
	mustContain(t, de.body, "Zusammenfassung", "Vorbeugende Maßnahmen", "In drei oder vier Sätzen", "Alle Zeiten in UTC.")
	mustNotContain(t, de.body, ">Summary<", "Preventive measures", "In three or four sentences")
	en := c.get("/rcas/"+rc.ID+"/write?lang=en", http.StatusOK)
	mustContain(t, en.body, ">Summary<", "In three or four sentences")
	nw := c.get("/rcas/new?lang=de", http.StatusOK)
	mustContain(t, nw.body, "Standard-Postmortem", "Ursache bei Drittanbieter", "Problembeschreibung und Auswirkungen")
	mustNotContain(t, nw.body, "Standard postmortem", "Third-party cause")

	r := e.getRCA(rc.ID)
	r.Section("summary").Title = "Overview for the board"
	if err := e.st.UpdateRCA(t.Context(), &r, e.users[domain.RoleAuthor].ID, "rename"); err != nil {
		t.Fatal(err)
	}
	de = c.get("/rcas/"+rc.ID+"/write?lang=de", http.StatusOK)
	mustContain(t, de.body, "Overview for the board")
}
