package importer

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// backends open each real store engine: SQLite in a temporary folder, and
// MongoDB's wire protocol (in-process FerretDB, or HINDSIGHT_TEST_MONGODB_URI).
var backends = []struct {
	name string
	open func(t *testing.T) store.Store
}{
	{"sqlite", func(t *testing.T) store.Store {
		st, err := sqlite.Open(context.Background(), t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}},
	{"mongo", func(t *testing.T) store.Store {
		st, err := mongo.Open(context.Background(), mongotest.Start(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}},
}

// onEachStore runs test against every backend.
func onEachStore(t *testing.T, test func(t *testing.T, st store.Store)) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) { test(t, b.open(t)) })
	}
}

func importFile(t *testing.T, st store.Store, name string) Result {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	res, err := Import(context.Background(), st, bytes.NewReader(b), Options{})
	if err != nil {
		t.Fatalf("import %s: %v", name, err)
	}
	return res
}

func bySource(t *testing.T, st store.Store, id string) domain.Incident {
	t.Helper()
	in, err := st.GetIncidentBySource(context.Background(), System, id)
	if err != nil {
		t.Fatalf("incident %s: %v", id, err)
	}
	return in
}

func TestImportIncidentsJSON(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		res := importFile(t, st, "incidents.json")
		if res.Created != 3 || res.Updated != 0 || res.Unchanged != 0 || res.ComponentsCreated != 2 || len(res.Skipped) != 0 {
			t.Fatalf("result = %+v", res)
		}
		api := bySource(t, st, "inc-api-2")
		if api.Title != "Upload API errors" || api.Impact != domain.ImpactMajor || api.Status != domain.StatusResolved {
			t.Errorf("api incident = %+v", api)
		}
		wantStart := time.Date(2024, 9, 3, 14, 0, 0, 0, time.UTC)
		if !api.StartedAt.Equal(wantStart) || api.ResolvedAt == nil || !api.ResolvedAt.Equal(time.Date(2024, 9, 3, 15, 30, 0, 0, time.UTC)) {
			t.Errorf("times %v .. %v", api.StartedAt, api.ResolvedAt)
		}
		var statuses []domain.UpdateStatus
		for _, u := range api.Updates {
			statuses = append(statuses, u.Status)
		}
		if len(statuses) != 3 || statuses[0] != domain.UpdateInvestigating || statuses[1] != domain.UpdateMonitoring || statuses[2] != domain.UpdateResolved {
			t.Errorf("updates out of order: %v", statuses)
		}
		if len(api.Components) != 1 || api.Components[0].Status != domain.ComponentPartialOutage ||
			api.Components[0].From == nil || !api.Components[0].From.Equal(time.Date(2024, 9, 3, 14, 5, 0, 0, time.UTC)) ||
			api.Components[0].To == nil || !api.Components[0].To.Equal(time.Date(2024, 9, 3, 15, 30, 0, 0, time.UTC)) {
			t.Errorf("components = %+v", api.Components)
		}
		if api.Source == nil || api.Source.PageID != "pg7x2k" || api.Source.URL != "https://stspg.example/api2" || api.Source.RawStatus != "" {
			t.Errorf("source = %+v", api.Source)
		}

		// Unknown enums are kept raw; the maintenance names no component.
		db := bySource(t, st, "inc-db-1")
		if db.Source.RawStatus != "completed" || db.Source.RawImpact != "maintenance" || db.Status != domain.StatusResolved || db.Impact != domain.ImpactNone {
			t.Errorf("maintenance = status %s impact %s source %+v", db.Status, db.Impact, db.Source)
		}
		if len(db.Components) != 0 || len(db.Updates) != 2 {
			t.Errorf("maintenance components %+v updates %d", db.Components, len(db.Updates))
		}
		cdn := bySource(t, st, "inc-cdn-3")
		if cdn.ResolvedAt != nil || cdn.Status != domain.StatusInvestigating {
			t.Errorf("open incident = %+v", cdn)
		}
	})
}

func TestImportTwiceChangesNothing(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		importFile(t, st, "incidents.json")
		before := map[string]int64{}
		for _, id := range []string{"inc-cdn-3", "inc-api-2", "inc-db-1"} {
			before[id] = bySource(t, st, id).Version
		}
		res := importFile(t, st, "incidents.json")
		if res.Created != 0 || res.Updated != 0 || res.Unchanged != 3 || res.ComponentsCreated != 0 {
			t.Fatalf("second import = %+v", res)
		}
		for id, v := range before {
			if got := bySource(t, st, id).Version; got != v {
				t.Errorf("%s version %d -> %d", id, v, got)
			}
		}
		comps, err := st.ListComponents(context.Background())
		if err != nil || len(comps) != 2 {
			t.Fatalf("components %d, %v", len(comps), err)
		}
	})
}

func TestImportNewerDocumentUpdatesWhatChanged(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		importFile(t, st, "incidents.json")
		b, _ := os.ReadFile("testdata/incidents.json")
		// inc-cdn-3 moves on: a new update, a new status, a later updated_at.
		doc := strings.Replace(string(b), `{"id": "upd-31"`,
			`{"id": "upd-32", "status": "identified", "body": "A cache node in Frankfurt is overloaded.", "display_at": "2024-09-20T09:20:00+02:00", "affected_components": null}, {"id": "upd-31"`, 1)
		doc = strings.Replace(doc, `"id": "inc-cdn-3", "name": "Image delivery slow in Europe", "status": "investigating"`,
			`"id": "inc-cdn-3", "name": "Image delivery slow in Europe", "status": "identified"`, 1)
		doc = strings.Replace(doc, `"updated_at": "2024-09-20T09:00:00.000+02:00",
      "monitoring_at"`, `"updated_at": "2024-09-20T09:20:00.000+02:00",
      "monitoring_at"`, 1)
		if strings.Count(doc, "upd-32") != 1 || strings.Count(doc, "09:20:00.000+02:00") != 1 || strings.Contains(doc, `"inc-cdn-3", "name": "Image delivery slow in Europe", "status": "investigating"`) {
			t.Fatal("fixture edit did not apply")
		}
		v := bySource(t, st, "inc-cdn-3").Version
		res, err := Import(context.Background(), st, strings.NewReader(doc), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Updated != 1 || res.Unchanged != 2 || res.Created != 0 {
			t.Fatalf("result = %+v", res)
		}
		cdn := bySource(t, st, "inc-cdn-3")
		if cdn.Version != v+1 || cdn.Status != domain.StatusIdentified || len(cdn.Updates) != 2 {
			t.Errorf("updated incident = v%d %s %d updates", cdn.Version, cdn.Status, len(cdn.Updates))
		}
		// The older document again: the source says it is stale, nothing moves back.
		res = importFile(t, st, "incidents.json")
		if res.Updated != 0 || res.Unchanged != 3 {
			t.Fatalf("stale import = %+v", res)
		}
		if got := bySource(t, st, "inc-cdn-3"); got.Status != domain.StatusIdentified {
			t.Errorf("stale document moved the incident back to %s", got.Status)
		}
	})
}

func TestImportSummaryJSONMatchesComponentsByName(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		ctx := context.Background()
		existing := domain.Component{Name: "upload api", Status: domain.ComponentOperational}
		if err := st.CreateComponent(ctx, &existing); err != nil {
			t.Fatal(err)
		}
		res := importFile(t, st, "summary.json")
		if res.Created != 1 || res.ComponentsCreated != 2 {
			t.Fatalf("result = %+v", res)
		}
		comps, err := st.ListComponents(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]domain.Component{}
		for _, c := range comps {
			got[c.Name] = c
		}
		if len(comps) != 3 || got["Image CDN"].Group != "Edge" || got["DNS"].Group != "Edge" || got["Image CDN"].Description != "Serves every image" {
			t.Fatalf("components = %+v", comps)
		}
		if got["Image CDN"].Status != domain.ComponentDegraded {
			t.Errorf("new component takes the document's status, got %s", got["Image CDN"].Status)
		}
		// incidents.json after summary.json: the same incident, same content, plus a shortlink.
		res = importFile(t, st, "incidents.json")
		if res.Created != 2 || res.ComponentsCreated != 0 {
			t.Fatalf("second import = %+v", res)
		}
	})
}

func TestImportLenientDocument(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		doc := `{"incidents":[
		  {"id": 991, "name": "", "status": "weird_state", "impact": "catastrophic",
		   "created_at": "2024-05-01 10:00:00 +0000", "incident_updates": [
		     {"status": "investigating", "body": "first", "created_at": "2024-05-01T12:00:00+02:00"},
		     {"status": "teleported", "body": "second", "created_at": "2024-05-01T10:30:00Z", "affected_components": [{"name": "Search", "new_status": "sideways"}]}
		   ]},
		  {"id": "no-time", "name": "Nothing dated"},
		  {"name": "no id"}
		]}`
		res, err := Import(context.Background(), st, strings.NewReader(doc), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if res.Created != 1 || len(res.Skipped) != 2 || res.ComponentsCreated != 1 {
			t.Fatalf("result = %+v", res)
		}
		in := bySource(t, st, "991")
		if in.Title != "Incident 991" || in.Source.RawStatus != "weird_state" || in.Source.RawImpact != "catastrophic" {
			t.Errorf("incident = %+v source %+v", in, in.Source)
		}
		if len(in.Updates) != 2 || in.Updates[0].Body != "first" || in.Updates[1].Status != domain.UpdateProgress {
			t.Errorf("updates = %+v", in.Updates)
		}
		if len(in.Components) != 1 || in.Components[0].Status != domain.ComponentDegraded {
			t.Errorf("components = %+v", in.Components)
		}
		// Derived update ids are stable: the same document is unchanged.
		res, err = Import(context.Background(), st, strings.NewReader(doc), Options{})
		if err != nil || res.Unchanged != 1 || res.Updated != 0 {
			t.Fatalf("second import = %+v, %v", res, err)
		}
	})
}

func TestImportComponentsWithoutUpdates(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		doc := `{"incidents":[{"id":"a1","name":"Queue backlog","status":"identified","impact":"critical","started_at":"2024-06-01T10:00:00Z",
		  "components":[{"id":"c1","name":"Queue","status":"under_maintenance"},{"id":"c2","name":"Mailer","status":"operational"}]}]}`
		res, err := Import(context.Background(), st, strings.NewReader(doc), Options{})
		if err != nil || res.Created != 1 || res.ComponentsCreated != 2 {
			t.Fatalf("import = %+v, %v", res, err)
		}
		in := bySource(t, st, "a1")
		comps, _ := st.ListComponents(context.Background())
		names := map[string]string{}
		for _, c := range comps {
			names[c.ID] = c.Name
		}
		got := map[string]domain.ComponentStatus{}
		for _, ac := range in.Components {
			got[names[ac.ComponentID]] = ac.Status
		}
		if got["Queue"] != domain.ComponentMaintenance || got["Mailer"] != domain.ComponentMajorOutage {
			t.Errorf("components = %v (own state when shown, else from the critical impact)", got)
		}
	})
}

func TestImportDuplicateIDsInOneDocument(t *testing.T) {
	onEachStore(t, func(t *testing.T, st store.Store) {
		doc := `{"incidents":[
		  {"id":"d","name":"Newer title","updated_at":"2024-01-02T00:00:00Z","created_at":"2024-01-01T00:00:00Z"},
		  {"id":"d","name":"Older title","updated_at":"2024-01-01T00:00:00Z","created_at":"2024-01-01T00:00:00Z"}]}`
		for i := 0; i < 2; i++ {
			res, err := Import(context.Background(), st, strings.NewReader(doc), Options{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Created+res.Unchanged != 1 || res.Updated != 0 || len(res.Skipped) != 1 || res.Skipped[0].SourceID != "d" {
				t.Fatalf("import %d = %+v", i+1, res)
			}
		}
		if got := bySource(t, st, "d"); got.Title != "Newer title" {
			t.Errorf("title %q: the copy changed last must win", got.Title)
		}
	})
}
