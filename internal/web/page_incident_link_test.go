package web

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestIncidentLinkRCAPreselectsNothing: the "link an RCA" list on an
// incident starts at "Choose an RCA…" (issue 12: it preselected an
// unrelated RCA, one click from a wrong link); sending it unchosen links
// nothing and says why.
func TestIncidentLinkRCAPreselectsNothing(t *testing.T) {
	e := newUIEnv(t)
	in := e.incident("Search latency")
	other := e.rca("Unrelated checkout outage")
	c := e.as(domain.RoleAuthor)
	page := c.get("/incidents/"+in.ID, http.StatusOK)
	mustContain(t, page.body, `<select id="link-rca" name="rca" required><option value="" selected disabled>Choose an RCA…</option>`)
	r := c.post("/incidents/"+in.ID+"/rcas", url.Values{"rca": {""}}, http.StatusSeeOther)
	if got := location(t, r); got != "/incidents/"+in.ID {
		t.Errorf("redirect = %q", got)
	}
	mustContain(t, c.get("/incidents/"+in.ID, http.StatusOK).body, "Choose the RCA to link first.")
	if got := e.getRCA(other.ID); len(got.IncidentIDs) != 0 {
		t.Errorf("an unchosen link linked %v", got.IncidentIDs)
	}
}
