package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// The editor form takes untimed lines: a date only, or no time at all.
func TestTimelineFormTakesUntimedLines(t *testing.T) {
	e := newUIEnv(t)
	rc := e.rca("Untimed lines")
	c := e.as(domain.RoleAuthor)
	c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK)
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"at": {"2026-03-04T10:15"}, "tz": {"America/Los_Angeles"}, "precision": {"date"},
		"kind": {"note"}, "text": {"Partners informed"}, "visibility": {"external"}}, http.StatusSeeOther)
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"tz": {"UTC"}, "precision": {"none"},
		"kind": {"note"}, "text": {"Review held"}, "visibility": {"external"}}, http.StatusSeeOther)
	got := e.getRCA(rc.ID)
	if len(got.Timeline) != 2 {
		t.Fatalf("timeline = %+v", got.Timeline)
	}
	day, none := got.Timeline[0], got.Timeline[1]
	if day.Precision != domain.PrecisionDay || day.Day == nil || day.Day.String() != "2026-03-04" {
		t.Errorf("date-only line stored as %+v", day)
	}
	if none.Precision != domain.PrecisionNone || none.Text != "Review held" {
		t.Errorf("untimed line stored as %+v", none)
	}
	page := c.get("/rcas/"+rc.ID+"/edit?section=timeline", http.StatusOK).body
	mustContain(t, page, `value="2026-03-04T00:00"`, `<option value="none" selected>`)
	// A bad precision is refused and changes nothing.
	c.post("/rcas/"+rc.ID+"/timeline", url.Values{"tz": {"UTC"}, "precision": {"hour"}, "kind": {"note"}, "text": {"x"}}, 0)
	if n := len(e.getRCA(rc.ID).Timeline); n != 2 {
		t.Errorf("a bad precision added an entry: %d", n)
	}
}
