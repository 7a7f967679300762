package web

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func TestDashboardListsFiltersAndPages(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	linked := e.incident("Payments down")
	e.incident("Search slow") // no RCA: listed as needing one
	overdue := domain.DateOf(time.Now().Add(-72 * time.Hour))
	a := e.rca("Payments outage", linked.ID)
	a.AffectedServices, a.Tags = []string{"Payments"}, []string{"database"}
	a.ActionItems = []domain.ActionItem{{Title: "Add failover test", Owner: "SRE", Due: &overdue}}
	a.Normalize()
	if err := e.st.UpdateRCA(ctx, &a, "", "fixture"); err != nil {
		t.Fatal(err)
	}
	b := e.rca("Login glitch")
	b.AffectedServices = []string{"Auth"}
	if err := b.Transition(domain.StateInReview, "", domain.RoleAuthor, "", time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := e.st.UpdateRCA(ctx, &b, "", "fixture"); err != nil {
		t.Fatal(err)
	}
	c := e.as(domain.RoleViewer)

	r := c.get("/", http.StatusOK)
	mustContain(t, r.body, "Payments outage", "Login glitch", "Payments down", "1 overdue", "Author Person",
		"Incidents that need an RCA", "Search slow")
	mustNotContain(t, r.body, "<details open>")
	mustContain(t, c.get("/?tag=database", http.StatusOK).body, "<details open>")
	// Payments down has an RCA, so it is not among those needing one.
	needs := r.body[strings.Index(r.body, "Incidents that need an RCA"):]
	mustNotContain(t, needs, "Payments down")

	tests := []struct {
		query      string
		want, not  string
		wantStatus int
	}{
		{"state=in_review", "Login glitch", "Payments outage", http.StatusOK},
		{"service=Payments", "Payments outage", "Login glitch", http.StatusOK},
		{"tag=database", "Payments outage", "Login glitch", http.StatusOK},
		{"q=glitch", "Login glitch", "Payments outage", http.StatusOK},
		{"since=2000-01-01&until=2999-01-01", "Login glitch", "No RCAs match.", http.StatusOK},
		{"since=2999-01-01", "No RCAs match.", "Login glitch", http.StatusOK},
		{"since=yesterday", "This value is not valid.", "", http.StatusBadRequest},
		{"state=nonsense", "This value is not one of the allowed choices.", "", http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			r := c.get("/?"+tt.query, tt.wantStatus)
			mustContain(t, r.body, tt.want)
			if tt.not != "" {
				mustNotContain(t, r.body[strings.Index(r.body, "<main"):strings.Index(r.body, "Incidents that need an RCA")], tt.not)
			}
		})
	}
}

func TestDashboardPagination(t *testing.T) {
	e := newUIEnv(t)
	for i := 0; i < pageSize+3; i++ {
		e.rca("Numbered RCA")
	}
	c := e.as(domain.RoleViewer)
	r := c.get("/", http.StatusOK)
	// The next page is a cursor link (scalesql); offset links still work.
	mustContain(t, r.body, "Page 1 of 2", `&amp;page=2" rel="next"`)
	mustNotContain(t, r.body, `rel="prev"`)
	next := regexp.MustCompile(`href="([^"]*)" rel="next"`).FindStringSubmatch(r.body)
	r = c.get(html.UnescapeString(next[1]), http.StatusOK)
	mustContain(t, r.body, "Page 2 of 2", `rel="prev"`)
	if n := strings.Count(r.body, "Numbered RCA"); n != 3 {
		t.Errorf("second page shows %d RCAs, want 3", n)
	}
	r = c.get("/?offset=25", http.StatusOK)
	mustContain(t, r.body, "Page 2 of 2", `rel="prev"`)
	if n := strings.Count(r.body, "Numbered RCA"); n != 3 {
		t.Errorf("second offset page shows %d RCAs, want 3", n)
	}
}

func TestIncidentPages(t *testing.T) {
	e := newUIEnv(t)
	api := e.component("Public API")
	c := e.as(domain.RoleAuthor)

	r := c.get("/incidents/new", http.StatusOK)
	mustContain(t, r.body, "Public API", `name="component.`+api.ID+`"`)
	// Validation keeps the input.
	r = c.post("/incidents", url.Values{"title": {"API errors"}, "impact": {"major"}, "status": {"investigating"},
		"started_at": {"2026-03-04T10:00"}, "resolved_at": {"2026-03-04T09:00"}, "tz": {"Europe/Berlin"},
		"component." + api.ID: {"partial_outage"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="API errors"`, `value="2026-03-04T09:00"`, "The end must not be before the start.",
		`<option value="partial_outage" selected`)
	r = c.post("/incidents", url.Values{"title": {""}, "impact": {"major"}, "status": {"investigating"}, "started_at": {""}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This field is required.")

	r = c.post("/incidents", url.Values{"title": {"API errors"}, "impact": {"major"}, "status": {"investigating"},
		"started_at": {"2026-03-04T10:00"}, "tz": {"Europe/Berlin"}, "component." + api.ID: {"partial_outage"}}, http.StatusSeeOther)
	id := strings.TrimPrefix(location(t, r), "/incidents/")
	in, err := e.st.GetIncident(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !in.StartedAt.Equal(time.Date(2026, 3, 4, 9, 0, 0, 0, time.UTC)) || len(in.Components) != 1 || in.Components[0].Status != domain.ComponentPartialOutage {
		t.Errorf("stored incident = %+v", in)
	}
	r = c.get("/incidents/"+id, http.StatusOK)
	mustContain(t, r.body, "Incident created.", "API errors", "Partial outage", "needs an RCA")

	// Updates move the status; a resolved update resolves the incident.
	c.post("/incidents/"+id+"/updates", url.Values{"status": {"identified"}, "body": {"Bad deploy found"}, "at": {"2026-03-04T10:20"}, "tz": {"Europe/Berlin"}}, http.StatusSeeOther)
	c.post("/incidents/"+id+"/updates", url.Values{"status": {"resolved"}, "body": {"Rolled back"}, "at": {"2026-03-04T10:40"}, "tz": {"Europe/Berlin"}}, http.StatusSeeOther)
	r = c.post("/incidents/"+id+"/updates", url.Values{"status": {"resolved"}, "body": {""}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This field is required.")
	in, _ = e.st.GetIncident(context.Background(), id)
	if in.Status != domain.StatusResolved || in.ResolvedAt == nil || !in.ResolvedAt.Equal(time.Date(2026, 3, 4, 9, 40, 0, 0, time.UTC)) || len(in.Updates) != 2 {
		t.Errorf("after updates: %+v", in)
	}

	// Edit with a stale version: the form comes back with a conflict message.
	r = c.get("/incidents/"+id+"/edit", http.StatusOK)
	mustContain(t, r.body, `value="API errors"`)
	stale := strconv64(in.Version - 1)
	r = c.post("/incidents/"+id, url.Values{"title": {"API errors (edited)"}, "impact": {"minor"}, "status": {"resolved"},
		"started_at": {"2026-03-04T10:00"}, "tz": {"Europe/Berlin"}, "version": {stale}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Someone else changed this meanwhile.", `value="API errors (edited)"`)
	c.post("/incidents/"+id, url.Values{"title": {"API errors (edited)"}, "impact": {"minor"}, "status": {"resolved"},
		"started_at": {"2026-03-04T10:00"}, "resolved_at": {"2026-03-04T10:40"}, "tz": {"Europe/Berlin"}, "version": {strconv64(in.Version)}}, http.StatusSeeOther)
	in, _ = e.st.GetIncident(context.Background(), id)
	if in.Title != "API errors (edited)" || in.Impact != domain.ImpactMinor || len(in.Components) != 0 || len(in.Updates) != 2 {
		t.Errorf("after edit: %+v", in)
	}

	// Link and unlink an RCA from the incident page.
	rc := e.rca("API errors RCA")
	r = c.get("/incidents/"+id, http.StatusOK)
	mustContain(t, r.body, `<option value="`+rc.ID+`">API errors RCA</option>`)
	c.post("/incidents/"+id+"/rcas", url.Values{"rca": {rc.ID}}, http.StatusSeeOther)
	if got := e.getRCA(rc.ID).IncidentIDs; len(got) != 1 || got[0] != id {
		t.Fatalf("rca incidents = %v", got)
	}
	r = c.get("/incidents?without_rca=1", http.StatusOK)
	mustNotContain(t, r.body, "API errors (edited)")
	c.post("/incidents/"+id+"/rcas/"+rc.ID+"/unlink", nil, http.StatusSeeOther)
	if got := e.getRCA(rc.ID).IncidentIDs; len(got) != 0 {
		t.Fatalf("after unlink: %v", got)
	}
	r = c.get("/incidents?q=edited", http.StatusOK)
	mustContain(t, r.body, "API errors (edited)")
	e.as(domain.RoleViewer).get("/incidents/"+id+"/edit", http.StatusForbidden)
	c.get("/incidents/nosuch", http.StatusNotFound)
}

func TestComponentAdmin(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleAdmin)
	c.get("/admin/components", http.StatusOK)
	r := c.post("/admin/components", url.Values{"name": {""}, "group": {"Kept group"}, "status": {"operational"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This field is required.", `value="Kept group"`)
	c.post("/admin/components", url.Values{"name": {"Web app"}, "group": {"Frontend"}, "position": {"2"}, "status": {"operational"}}, http.StatusSeeOther)
	comps, _ := e.st.ListComponents(context.Background())
	if len(comps) != 1 || comps[0].Group != "Frontend" || comps[0].Position != 2 {
		t.Fatalf("components = %+v", comps)
	}
	id := comps[0].ID
	r = c.post("/admin/components/"+id, url.Values{"name": {"Web app"}, "status": {"major_outage"}, "version": {"999"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Someone else changed this meanwhile.")
	c.post("/admin/components/"+id, url.Values{"name": {"Web"}, "status": {"degraded_performance"}, "version": {strconv64(comps[0].Version)}}, http.StatusSeeOther)
	got, _ := e.st.GetComponent(context.Background(), id)
	if got.Name != "Web" || got.Status != domain.ComponentDegraded {
		t.Errorf("component = %+v", got)
	}
	c.post("/admin/components/"+id+"/delete", nil, http.StatusSeeOther)
	if comps, _ = e.st.ListComponents(context.Background()); len(comps) != 0 {
		t.Errorf("not deleted: %+v", comps)
	}
}

func TestUserAdmin(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleAdmin)
	c.get("/admin/users", http.StatusOK)
	r := c.post("/admin/users", url.Values{"email": {"not-an-email"}, "name": {"Kept Name"}, "role": {"reviewer"}, "password": {"short"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="Kept Name"`, `value="not-an-email"`, "This value is not valid.")
	c.post("/admin/users", url.Values{"email": {"new@example.com"}, "name": {"New Reviewer"}, "role": {"reviewer"}, "password": {"a long enough password"}}, http.StatusSeeOther)
	r = c.post("/admin/users", url.Values{"email": {"new@example.com"}, "role": {"reviewer"}, "password": {"a long enough password"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "This value is already used.")

	// The new user can sign in.
	nu := e.client()
	nu.signIn("new@example.com", "a long enough password", http.StatusSeeOther)
	u, err := e.st.GetUserByEmail(context.Background(), "new@example.com")
	if err != nil {
		t.Fatal(err)
	}
	c.post("/admin/users/"+u.ID, url.Values{"name": {"Renamed"}, "role": {"author"}, "disabled": {"1"}}, http.StatusSeeOther)
	u, _ = e.st.GetUser(context.Background(), u.ID)
	if u.Name != "Renamed" || u.Role != domain.RoleAuthor || !u.Disabled {
		t.Errorf("user = %+v", u)
	}
	nu.get("/", http.StatusSeeOther) // disabled: signed out

	// Admins cannot lock themselves out.
	self := e.users[domain.RoleAdmin]
	r = c.post("/admin/users/"+self.ID, url.Values{"name": {"Admin"}, "role": {"viewer"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "You cannot take the admin role from yourself")
}

func strconv64(v int64) string { return strconv.FormatInt(v, 10) }
