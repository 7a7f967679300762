package web

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/importer"
)

// TestImportRoundTrip imports a Statuspage document and reads it back from
// our own /api/v2/incidents.json: same names, statuses, impacts and update counts.
func TestImportRoundTrip(t *testing.T) {
	e := newEnv(t)
	doc, err := os.ReadFile("../statuspage/importer/testdata/incidents.json")
	if err != nil {
		t.Fatal(err)
	}
	if w := e.as(domain.RoleViewer, "POST", "/api/v1/import/statuspage", doc); w.Code != 403 {
		t.Fatalf("viewer import: %d", w.Code)
	}
	// An admin's import also creates the components the incidents name (an
	// author's brings incidents only: TestAuthorImportBringsIncidentsOnly).
	var res importer.Result
	e.must(domain.RoleAdmin, "POST", "/api/v1/import/statuspage", doc, 200, &res)
	if res.Created != 3 || res.ComponentsCreated != 2 {
		t.Fatalf("import = %+v", res)
	}

	type inc struct {
		ID, Name, Status, Impact string
		IncidentUpdates          []struct{ Status, Body string } `json:"incident_updates"`
	}
	var src struct{ Incidents []inc }
	if err := json.Unmarshal(doc, &src); err != nil {
		t.Fatal(err)
	}
	var ours struct{ Incidents []inc }
	if err := json.Unmarshal([]byte(e.public("/api/v2/incidents.json")), &ours); err != nil {
		t.Fatal(err)
	}
	if len(ours.Incidents) != len(src.Incidents) {
		t.Fatalf("%d incidents, want %d", len(ours.Incidents), len(src.Incidents))
	}
	for i, want := range src.Incidents {
		got := ours.Incidents[i]
		if got.Name != want.Name || got.Status != want.Status || got.Impact != want.Impact || len(got.IncidentUpdates) != len(want.IncidentUpdates) {
			t.Errorf("incident %d: got %s/%s/%s/%d updates, want %s/%s/%s/%d", i,
				got.Name, got.Status, got.Impact, len(got.IncidentUpdates), want.Name, want.Status, want.Impact, len(want.IncidentUpdates))
		}
	}
	// Newest first, as Statuspage lists them.
	if u := ours.Incidents[1].IncidentUpdates; u[0].Status != "resolved" || u[2].Status != "investigating" {
		t.Errorf("updates not newest first: %+v", u)
	}
	// The public page shows the raw value it does not know.
	page := e.public("/status/incidents/" + firstID(t, e, "Scheduled database upgrade"))
	if !strings.Contains(page, "completed") || !strings.Contains(page, "maintenance") {
		t.Error("raw status and impact not shown as sent")
	}

	e.must(domain.RoleAuthor, "POST", "/api/v1/import/statuspage", doc, 200, &res)
	if res.Unchanged != 3 || res.Created+res.Updated != 0 {
		t.Errorf("second import = %+v", res)
	}
}

func firstID(t *testing.T, e *env, name string) string {
	t.Helper()
	var v2 struct{ Incidents []struct{ ID, Name string } }
	if err := json.Unmarshal([]byte(e.public("/api/v2/incidents.json")), &v2); err != nil {
		t.Fatal(err)
	}
	for _, in := range v2.Incidents {
		if in.Name == name {
			return in.ID
		}
	}
	t.Fatalf("no incident %q", name)
	return ""
}

func TestImportRejects(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name string
		role domain.Role
		body any
		want int
	}{
		{"not a statuspage document", domain.RoleAuthor, `{"hello":"world"}`, 422},
		{"not json", domain.RoleAuthor, `<html>`, 422},
		{"url as author", domain.RoleAuthor, `{"url":"https://status.example.com/api/v2/incidents.json"}`, 403},
		{"url to loopback", domain.RoleAdmin, `{"url":"http://127.0.0.1:8080/api/v2/incidents.json"}`, 422},
		{"url to metadata", domain.RoleAdmin, `{"url":"http://169.254.169.254/latest"}`, 422},
		{"url not http", domain.RoleAdmin, `{"url":"file:///etc/passwd"}`, 422},
		{"too large", domain.RoleAuthor, `{"incidents":[]}` + strings.Repeat(" ", importer.MaxDocumentSize), 413},
		// over the 1 MiB default for other routes, under the import's own limit
		{"two MiB is fine", domain.RoleAuthor, `{"incidents":[]}` + strings.Repeat(" ", 2<<20), 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := e.snapshot()
			w := e.as(tt.role, "POST", "/api/v1/import/statuspage", tt.body)
			if w.Code != tt.want {
				t.Fatalf("status %d, want %d: %s", w.Code, tt.want, w.Body.String())
			}
			if tt.want < 400 {
				return // accepted: an empty document imports nothing but is audited
			}
			decodeErr(t, w)
			if e.snapshot() != before {
				t.Error("a refused import changed data")
			}
		})
	}
}

// TestImportThenPublishToStatuspage: an RCA of an incident imported from a
// Statuspage page is published to that page's incident, found through the
// import's source ids, with the external report as the postmortem.
func TestImportThenPublishToStatuspage(t *testing.T) {
	e := newEnv(t)
	doc, err := os.ReadFile("../statuspage/importer/testdata/incidents.json")
	if err != nil {
		t.Fatal(err)
	}
	e.must(domain.RoleAuthor, "POST", "/api/v1/import/statuspage", doc, 200, nil)
	var got []string
	var bodies [][]byte
	var mu sync.Mutex
	sp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, r.Method+" "+r.URL.Path+" "+r.Header.Get("Authorization"))
		bodies = append(bodies, b)
		mu.Unlock()
		_, _ = io.WriteString(w, `{}`)
	}))
	defer sp.Close()
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "Lumen Statuspage", "kind": "statuspage",
		"url": sp.URL, "page_id": "pg7x2k", "secret": "oauth-key-1", "allow_private": true, "notify_subscribers": true}, 201, nil)

	id := firstID(t, e, "Upload API errors")
	_, r := approvedRCAFor(t, e, id)
	e.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, nil)
	e.runDeliveries()
	mu.Lock()
	defer mu.Unlock()
	want := []string{
		"PUT /v1/pages/pg7x2k/incidents/inc-api-2/postmortem OAuth oauth-key-1",
		"PUT /v1/pages/pg7x2k/incidents/inc-api-2/postmortem/publish OAuth oauth-key-1",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("requests:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var pm struct {
		Postmortem struct {
			BodyDraft string `json:"body_draft"`
		} `json:"postmortem"`
	}
	if err := json.Unmarshal(bodies[0], &pm); err != nil || !strings.Contains(pm.Postmortem.BodyDraft, "PUBLICTEXT") {
		t.Errorf("postmortem body %s (%v)", bodies[0], err)
	}
	assertNoLeak(t, "statuspage postmortem", string(bodies[0]))
	// Our own status page now says postmortem for it, as Statuspage would.
	var v2 struct{ Incidents []struct{ ID, Status string } }
	_ = json.Unmarshal([]byte(e.public("/api/v2/incidents.json")), &v2)
	for _, in := range v2.Incidents {
		if in.ID == id && in.Status != "postmortem" {
			t.Errorf("status %s", in.Status)
		}
	}
}
