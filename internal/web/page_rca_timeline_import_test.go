package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestTimelineImportByTickingNeverTwice: the editor lists the linked
// incidents' updates with a box each; only ticked ones are added, and an
// update already imported stays out, even after its entry's text was edited
// (issue 12: importing twice duplicated entries).
func TestTimelineImportByTickingNeverTwice(t *testing.T) {
	e := newUIEnv(t)
	in := e.incident("Search latency")
	in.Updates = []domain.IncidentUpdate{
		{Status: domain.UpdateInvestigating, Body: "Looking into slow searches.", At: uiT0.Add(5 * time.Minute)},
		{Status: domain.UpdateResolved, Body: "Searches are fast again.", At: uiT0.Add(40 * time.Minute)},
	}
	if err := e.st.UpdateIncident(context.Background(), &in); err != nil {
		t.Fatal(err)
	}
	rc := e.rca("Search latency", in.ID)
	c := e.as(domain.RoleAuthor)
	page := c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	start := importedEntryID(in.ID, in.StartedAt, "start")
	investigating := importedEntryID(in.ID, in.Updates[0].At, string(domain.UpdateInvestigating))
	mustContain(t, page.body, `id="timeline-import"`, `value="`+investigating+`"`, "Looking into slow searches.")

	// Tick one: only it is added.
	c.post("/rcas/"+rc.ID+"/timeline/import", url.Values{"update": {investigating}}, http.StatusSeeOther)
	got := e.getRCA(rc.ID)
	if len(got.Timeline) != 1 || got.Timeline[0].ID != investigating {
		t.Fatalf("timeline after ticking one = %+v", got.Timeline)
	}
	// The author rewrites it; importing it again (and everything) adds the
	// other two only.
	got.Timeline[0].Text = "We saw slow searches in the EU."
	if err := e.st.UpdateRCA(context.Background(), &got, e.users[domain.RoleAuthor].ID, "edit"); err != nil {
		t.Fatal(err)
	}
	page = c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	mustContain(t, page.body, `value="`+investigating+`" checked disabled`, "already in the timeline")
	c.post("/rcas/"+rc.ID+"/timeline/import", url.Values{"update": {investigating, start}}, http.StatusSeeOther)
	c.post("/rcas/"+rc.ID+"/timeline/import", nil, http.StatusSeeOther)
	c.post("/rcas/"+rc.ID+"/timeline/import", nil, http.StatusSeeOther)
	got = e.getRCA(rc.ID)
	if len(got.Timeline) != 3 {
		t.Fatalf("timeline has %d entries, want 3: %+v", len(got.Timeline), got.Timeline)
	}
}
