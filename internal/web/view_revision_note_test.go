package web

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestHistoryNotesInTheReadersLanguage: the history's "Change" column words
// the stored notes ("section summary", "timeline add") in the reader's
// language (issue 12: history labels were English in German).
func TestHistoryNotesInTheReadersLanguage(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Queue backlog")
	c := e.as(domain.RoleAuthor)
	rev := strconv.FormatInt(rc.Section("summary").Revision, 10)
	c.post("/rcas/"+rc.ID+"/sections/summary", url.Values{"body": {"Queues backed up."}, "base_revision": {rev}}, http.StatusSeeOther)
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"UTC"}, "kind": {"note"}, "text": {"Alert fired"}}, http.StatusSeeOther)
	de := c.get("/rcas/"+rc.ID+"/history?lang=de", http.StatusOK)
	mustContain(t, de.body, "Abschnitt „Zusammenfassung“ bearbeitet", "Zeitablauf-Eintrag hinzugefügt")
	mustNotContain(t, de.body, "section summary", "timeline add")
	en := c.get("/rcas/"+rc.ID+"/history?lang=en", http.StatusOK)
	mustContain(t, en.body, "Section “Summary” edited", "Timeline entry added")

	loc := &uiLocale{l: e.srv.catalog.Localizer("fr"), zone: nil}
	r := e.getRCA(rc.ID)
	for note, want := range map[string]string{
		"state approved":  "État passé à « Approuvé »",
		"restored 3":      "Version 3 restaurée",
		"my own API note": "my own API note",
	} {
		if got := revisionNote(loc, r, note); got != want {
			t.Errorf("fr %q = %q, want %q", note, got, want)
		}
	}
}
