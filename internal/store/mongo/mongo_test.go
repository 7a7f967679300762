package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	driver "go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// open returns a store on a fresh database, closed when t ends.
func open(t testing.TB) *mongo.Store {
	t.Helper()
	return openURI(t, mongotest.Start(t))
}

func openURI(t testing.TB, uri string) *mongo.Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := mongo.Open(ctx, uri)
	if err != nil {
		t.Fatalf("open %s: %v", uri, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// rawClient connects the plain driver to uri, to look at stored documents.
func rawClient(t testing.TB, uri string) *driver.Client {
	t.Helper()
	c, err := driver.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(3 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

var t0 = time.Date(2026, 2, 3, 8, 12, 0, 0, time.UTC)

func newRCA(t testing.TB, title string, incidentIDs ...string) domain.RCA {
	t.Helper()
	tpl, ok := domain.BuiltinTemplate(domain.TemplateStandard)
	if !ok {
		t.Fatal("standard template missing")
	}
	return domain.NewRCA(title, tpl, "en", incidentIDs, "u-ana", t0)
}

func createRCA(t testing.TB, s store.Store, title string, incidentIDs ...string) domain.RCA {
	t.Helper()
	r := newRCA(t, title, incidentIDs...)
	if err := s.CreateRCA(context.Background(), &r, "u-ana"); err != nil {
		t.Fatalf("CreateRCA %q: %v", title, err)
	}
	return r
}

func createIncident(t testing.TB, s store.Store, title string, src *domain.Source) domain.Incident {
	t.Helper()
	in := domain.Incident{Title: title, Impact: domain.ImpactMinor, StartedAt: t0, Source: src}
	if err := s.CreateIncident(context.Background(), &in); err != nil {
		t.Fatalf("CreateIncident %q: %v", title, err)
	}
	return in
}

func TestOpenDatabaseFromURI(t *testing.T) {
	srv := mongotest.StartServer(t)
	ctx := context.Background()
	tests := []struct {
		name, uri, wantDB string
	}{
		{"default name", srv.URI(), "hindsight"},
		{"name from path", strings.TrimSuffix(srv.URI(), "/") + "/team_rcas", "team_rcas"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openURI(t, tc.uri)
			c := domain.Component{Name: "API " + tc.wantDB}
			if err := s.CreateComponent(ctx, &c); err != nil {
				t.Fatal(err)
			}
			n, err := rawClient(t, srv.URI()).Database(tc.wantDB).Collection("components").
				CountDocuments(ctx, bson.D{{Key: "_id", Value: c.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Fatalf("component not found in database %q", tc.wantDB)
			}
		})
	}
}

func TestOpenTwiceKeepsIndexes(t *testing.T) {
	uri := mongotest.Start(t)
	first := openURI(t, uri)
	u := domain.User{Email: "ana@example.com", Role: domain.RoleAdmin}
	if err := first.CreateUser(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	second := openURI(t, uri) // creates the same indexes again
	dup := domain.User{Email: "ANA@example.com ", Role: domain.RoleViewer}
	if err := second.CreateUser(context.Background(), &dup); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("duplicate email after reopening: got %v, want ErrDuplicate", err)
	}
}

func TestOpenBadURI(t *testing.T) {
	_, err := mongo.Open(context.Background(), "postgres://nope")
	if err == nil {
		t.Fatal("Open accepted a non-MongoDB URI")
	}
}

func TestOpenUnreachableIsUnavailable(t *testing.T) {
	srv := mongotest.StartServer(t)
	uri := srv.URI()
	srv.Stop()
	start := time.Now()
	_, err := mongo.Open(context.Background(), uri)
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("Open of a stopped server: got %v, want ErrUnavailable", err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("Open took %v to give up, want a few seconds", d)
	}
}

func TestTimesAreBSONDates(t *testing.T) {
	uri := mongotest.Start(t)
	s := openURI(t, uri)
	r := newRCA(t, "Checkout timeouts")
	// A calendar day is stored as its midnight UTC, a BSON date (as older
	// documents have it).
	r.IncidentDate = ptr(domain.NewDate(2026, 2, 3))
	if err := s.CreateRCA(context.Background(), &r, "u-ana"); err != nil {
		t.Fatal(err)
	}
	raw, err := rawClient(t, uri).Database(dbName(uri)).Collection("rcas").
		FindOne(context.Background(), bson.D{{Key: "_id", Value: r.ID}}).Raw()
	if err != nil {
		t.Fatal(err)
	}
	for _, field := range []string{"created_at", "updated_at", "incident_date"} {
		v, err := raw.LookupErr(field)
		if err != nil {
			t.Fatalf("%s: %v", field, err)
		}
		if v.Type != bson.TypeDateTime {
			t.Errorf("%s stored as %v, want a BSON date", field, v.Type)
		}
	}
	got, err := s.GetRCA(context.Background(), r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if *got.IncidentDate != *r.IncidentDate || !got.CreatedAt.Equal(r.CreatedAt) {
		t.Fatalf("read back %v / %v, want %v / %v", got.IncidentDate, got.CreatedAt, r.IncidentDate, r.CreatedAt)
	}
}

// dbName is the database a URI from mongotest.Start uses.
func dbName(uri string) string {
	rest := uri[strings.Index(uri, "://")+3:]
	if i := strings.Index(rest, "/"); i >= 0 {
		name := rest[i+1:]
		if j := strings.IndexByte(name, '?'); j >= 0 {
			name = name[:j]
		}
		if name != "" {
			return name
		}
	}
	return mongo.DefaultDatabase
}

func ptr[T any](v T) *T { return &v }

func sorted(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

func TestUpdateRCACompareAndSwap(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	r := createRCA(t, s, "Templates API Partial Service Disruption")
	stale := r

	r.Severity = domain.Sev2
	if err := s.UpdateRCA(ctx, &r, "u-ana", "severity"); err != nil {
		t.Fatal(err)
	}
	if r.Version != 2 {
		t.Fatalf("version after update = %d, want 2", r.Version)
	}

	stale.Title = "lost write"
	err := s.UpdateRCA(ctx, &stale, "u-bo", "title")
	var ce *store.ConflictError
	if !errors.As(err, &ce) || !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale UpdateRCA: got %v, want a *ConflictError", err)
	}
	if ce.Current.Version != 2 || ce.Current.Severity != domain.Sev2 {
		t.Fatalf("conflict carries version %d severity %q, want the stored 2 / sev2", ce.Current.Version, ce.Current.Severity)
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != r.Title || got.Version != 2 {
		t.Fatalf("stale write changed the RCA: %q v%d", got.Title, got.Version)
	}

	gone := domain.RCA{ID: "missing", Title: "x", Template: "standard", Version: 1}
	if err := s.UpdateRCA(ctx, &gone, "u-ana", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("UpdateRCA of a missing RCA: got %v, want ErrNotFound", err)
	}
}

func TestUpdateRCABumpsChangedSections(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	r := createRCA(t, s, "Cache stampede")
	r.Section("summary").Body = "The cache expired everywhere at once."
	if err := s.UpdateRCA(ctx, &r, "u-ana", "edit"); err != nil {
		t.Fatal(err)
	}
	if rev := r.Section("summary").Revision; rev != 2 {
		t.Fatalf("changed section revision = %d, want 2", rev)
	}
	if rev := r.Section("impact").Revision; rev != 1 {
		t.Fatalf("unchanged section revision = %d, want 1", rev)
	}
	// An edit opened before the replace is now stale.
	_, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "old tab", BaseRevision: 1}, "u-bo")
	if !errors.Is(err, store.ErrConflict) {
		t.Fatalf("section edit based on a replaced revision: got %v, want ErrConflict", err)
	}
}

func TestSaveSectionConflicts(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	r := createRCA(t, s, "Payment failover")

	// Two co-authors read version 1 and edit different sections.
	a, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "Ana's summary", BaseRevision: 1}, "u-ana")
	if err != nil {
		t.Fatalf("first section edit: %v", err)
	}
	b, err := s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "Bo's impact", BaseRevision: 1}, "u-bo")
	if err != nil {
		t.Fatalf("edit of another section based on the same read: %v", err)
	}
	if a.Version != 2 || b.Version != 3 {
		t.Fatalf("versions %d, %d; want 2, 3", a.Version, b.Version)
	}
	if b.Section("summary").Body != "Ana's summary" || b.Section("impact").Body != "Bo's impact" {
		t.Fatal("the second edit lost the first")
	}

	// The same section from the same read is a conflict.
	_, err = s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "Bo's summary", BaseRevision: 1}, "u-bo")
	var ce *store.ConflictError
	if !errors.As(err, &ce) {
		t.Fatalf("same-section edit from a stale revision: got %v, want *ConflictError", err)
	}
	if ce.Current.Section("summary").Body != "Ana's summary" || ce.Current.Version != 3 {
		t.Fatalf("conflict carries %q v%d", ce.Current.Section("summary").Body, ce.Current.Version)
	}

	tests := []struct {
		name string
		id   string
		key  string
		edit domain.SectionEdit
		want func(error) bool
	}{
		{"unknown section", r.ID, "no_such", domain.SectionEdit{Body: "x", BaseRevision: 1},
			func(err error) bool { return errors.Is(err, domain.ErrUnknownSection) }},
		{"unknown rca", "missing", "summary", domain.SectionEdit{Body: "x", BaseRevision: 1},
			func(err error) bool { return errors.Is(err, store.ErrNotFound) }},
		{"bad visibility", r.ID, "impact", domain.SectionEdit{Body: "x", Visibility: "secret", BaseRevision: 2},
			domain.IsValidation},
		{"body too long", r.ID, "impact", domain.SectionEdit{Body: strings.Repeat("x", domain.MaxBodyLen+1), BaseRevision: 2},
			domain.IsValidation},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SaveSection(ctx, tc.id, tc.key, tc.edit, "u-ana")
			if !tc.want(err) {
				t.Fatalf("got %v", err)
			}
		})
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 {
		t.Fatalf("rejected edits changed the version to %d", got.Version)
	}
}

// TestSaveSectionConcurrentEditors races one writer per section: every save
// must land (the store retries its compare-and-swap), none may be lost.
func TestSaveSectionConcurrentEditors(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	r := createRCA(t, s, "Queue backlog")
	var wg sync.WaitGroup
	errs := make([]error, len(r.Sections))
	for i, sec := range r.Sections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.SaveSection(ctx, r.ID, sec.Key, domain.SectionEdit{Body: "text of " + sec.Key, BaseRevision: 1}, "u-"+sec.Key)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("save of %s: %v", r.Sections[i].Key, err)
		}
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(1 + len(r.Sections)); got.Version != want {
		t.Errorf("version %d, want %d", got.Version, want)
	}
	for _, sec := range got.Sections {
		if sec.Body != "text of "+sec.Key || sec.Revision != 2 || sec.UpdatedBy != "u-"+sec.Key {
			t.Errorf("section %s: body %q revision %d by %q", sec.Key, sec.Body, sec.Revision, sec.UpdatedBy)
		}
	}
	revs, err := s.ListRevisions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1+len(r.Sections) {
		t.Errorf("%d revisions, want %d", len(revs), 1+len(r.Sections))
	}
	for i, rev := range revs {
		if want := got.Version - int64(i); rev.Version != want {
			t.Errorf("revision %d has version %d, want %d", i, rev.Version, want)
		}
	}
}

func TestIncidentRCAIDsAreDerived(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	a := createIncident(t, s, "Login errors", nil)
	b := createIncident(t, s, "Login errors again", nil)
	c := createIncident(t, s, "Unrelated blip", nil)

	r1 := createRCA(t, s, "Login outage", a.ID, b.ID)
	r2 := createRCA(t, s, "Session store", a.ID)

	check := func(when string, want map[string][]string) {
		t.Helper()
		for iid, ids := range want {
			got, err := s.GetIncident(ctx, iid)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(sorted(got.RCAIDs)) != fmt.Sprint(sorted(ids)) {
				t.Errorf("%s: GetIncident(%s).RCAIDs = %v, want %v", when, iid, got.RCAIDs, ids)
			}
		}
		list, _, err := s.ListIncidents(ctx, store.IncidentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, in := range list {
			if fmt.Sprint(sorted(in.RCAIDs)) != fmt.Sprint(sorted(want[in.ID])) {
				t.Errorf("%s: listed %s has RCAIDs %v, want %v", when, in.ID, in.RCAIDs, want[in.ID])
			}
		}
	}
	check("linked", map[string][]string{a.ID: {r1.ID, r2.ID}, b.ID: {r1.ID}, c.ID: {}})

	without, total, err := s.ListIncidents(ctx, store.IncidentFilter{WithoutRCA: true})
	if err != nil {
		t.Fatal(err)
	}
	if total != 1 || len(without) != 1 || without[0].ID != c.ID {
		t.Fatalf("WithoutRCA: %d total, %v", total, without)
	}

	// Writing RCAIDs through an incident does nothing.
	a.RCAIDs = []string{"forged"}
	a.Title = "Login errors (EU)"
	if err := s.UpdateIncident(ctx, &a); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(sorted(a.RCAIDs)) != fmt.Sprint(sorted([]string{r1.ID, r2.ID})) {
		t.Fatalf("UpdateIncident wrote back RCAIDs %v", a.RCAIDs)
	}

	r1.UnlinkIncident(b.ID)
	if err := s.UpdateRCA(ctx, &r1, "u-ana", "unlink"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteRCA(ctx, r2.ID); err != nil {
		t.Fatal(err)
	}
	check("after unlink and delete", map[string][]string{a.ID: {r1.ID}, b.ID: {}, c.ID: {}})
}

func TestSlugsGetSuffixes(t *testing.T) {
	s := open(t)
	var slugs []string
	for range 4 {
		slugs = append(slugs, createRCA(t, s, "Überlast im Zahlungsdienst").Slug)
	}
	want := "uberlast-im-zahlungsdienst,uberlast-im-zahlungsdienst-2,uberlast-im-zahlungsdienst-3,uberlast-im-zahlungsdienst-4"
	if got := strings.Join(slugs, ","); got != want {
		t.Fatalf("slugs %s, want %s", got, want)
	}
	// A title that is a prefix of a taken slug is not mistaken for it.
	if got := createRCA(t, s, "Überlast im").Slug; got != "uberlast-im" {
		t.Fatalf("slug %q, want uberlast-im", got)
	}
	// Renaming onto a taken slug is a duplicate, not a silent suffix.
	r := createRCA(t, s, "Another")
	r.Slug = "uberlast-im"
	if err := s.UpdateRCA(context.Background(), &r, "u-ana", "rename"); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("rename onto a taken slug: got %v, want ErrDuplicate", err)
	}
	// A taken id is a duplicate even though the slug would be free.
	dup := newRCA(t, "Fresh title")
	dup.ID = r.ID
	if err := s.CreateRCA(context.Background(), &dup, "u-ana"); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("create with a taken id: got %v, want ErrDuplicate", err)
	}
}

func TestIncidentSourceIsUnique(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	// Incidents without a source never collide.
	createIncident(t, s, "Manual one", nil)
	createIncident(t, s, "Manual two", nil)
	createIncident(t, s, "Imported", &domain.Source{System: "statuspage", ID: "abc"})
	createIncident(t, s, "Same id, other system", &domain.Source{System: "instatus", ID: "abc"})
	// Half a source is kept as written but is no key: never a duplicate.
	half := createIncident(t, s, "No id from the source", &domain.Source{System: "statuspage", URL: "https://status.example.com/x"})
	createIncident(t, s, "No id from the source either", &domain.Source{System: "statuspage"})
	if got, err := s.GetIncident(ctx, half.ID); err != nil || got.Source == nil || got.Source.URL != "https://status.example.com/x" {
		t.Fatalf("half a source did not round-trip: %+v, %v", got.Source, err)
	}
	if _, err := s.GetIncidentBySource(ctx, "statuspage", ""); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("GetIncidentBySource without an id: got %v, want ErrNotFound", err)
	}

	dup := domain.Incident{Title: "Imported again", StartedAt: t0, Source: &domain.Source{System: "statuspage", ID: "abc"}}
	if err := s.CreateIncident(ctx, &dup); !errors.Is(err, store.ErrDuplicate) {
		t.Fatalf("second import of statuspage/abc: got %v, want ErrDuplicate", err)
	}
	got, err := s.GetIncidentBySource(ctx, "statuspage", "abc")
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Imported" {
		t.Fatalf("GetIncidentBySource: %q", got.Title)
	}
	// Dropping the source on update frees it.
	got.Source = nil
	if err := s.UpdateIncident(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if _, err := s.GetIncidentBySource(ctx, "statuspage", "abc"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("source still found after removing it: %v", err)
	}
	if err := s.CreateIncident(ctx, &dup); err != nil {
		t.Fatalf("import after the source was freed: %v", err)
	}
}

func TestAuditDetailKeysWithDots(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	e := domain.AuditEvent{Action: "settings.update", Actor: "u-ana", Detail: map[string]string{"status.page.name": "new", "$where": "x"}}
	if err := s.AppendAudit(ctx, &e); err != nil {
		t.Fatal(err)
	}
	list, _, err := s.ListAudit(ctx, store.AuditFilter{Action: "settings."})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].Detail["status.page.name"] != "new" || list[0].Detail["$where"] != "x" {
		t.Fatalf("ListAudit: %+v", list)
	}
}

// TestOutage stops the server under an open Store: calls fail fast with
// ErrUnavailable, and the same Store works again once the server is back.
func TestOutage(t *testing.T) {
	srv := mongotest.StartServer(t)
	s := openURI(t, srv.URI())
	ctx := context.Background()
	r := createRCA(t, s, "Before the outage")

	srv.Stop()
	// The calls run side by side, like requests arriving during an outage;
	// each must give up within a few seconds.
	var wg sync.WaitGroup
	for _, call := range []struct {
		name string
		fn   func(context.Context) error
	}{
		{"Ping", s.Ping},
		{"GetRCA", func(ctx context.Context) error { _, err := s.GetRCA(ctx, r.ID); return err }},
		{"ListIncidents", func(ctx context.Context) error { _, _, err := s.ListIncidents(ctx, store.IncidentFilter{}); return err }},
		{"SaveSection", func(ctx context.Context) error {
			_, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "x", BaseRevision: 1}, "u-ana")
			return err
		}},
	} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start := time.Now()
			err := call.fn(ctx)
			if !errors.Is(err, store.ErrUnavailable) {
				t.Errorf("%s while stopped: got %v, want ErrUnavailable", call.name, err)
			}
			if d := time.Since(start); d > 8*time.Second {
				t.Errorf("%s took %v to fail, want a few seconds", call.name, d)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	srv.Restart()
	deadline := time.Now().Add(20 * time.Second)
	for {
		err := s.Ping(ctx)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("store did not recover after restart: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatalf("GetRCA after restart: %v", err)
	}
	if got.Title != "Before the outage" {
		t.Fatalf("GetRCA after restart: %q", got.Title)
	}
	if _, err := s.SaveSection(ctx, r.ID, "summary", domain.SectionEdit{Body: "after", BaseRevision: 1}, "u-ana"); err != nil {
		t.Fatalf("SaveSection after restart: %v", err)
	}
}

// An RCA within every field limit can still exceed MongoDB's 16 MiB
// document limit (many long translations): that is a validation error,
// and nothing is stored.
func TestRCATooLargeForADocument(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	long := strings.Repeat("Ausfall der Vorlagen-API. ", domain.MaxBodyLen/30)
	huge := func(r *domain.RCA) {
		for i := range r.Sections {
			r.Sections[i].Translations = map[string]domain.SectionTranslation{}
			for _, lang := range []string{"de", "fr", "es", "it", "nl", "pt-BR", "pl", "sv", "da", "fi", "cs", "hu", "ro", "tr"} {
				r.Sections[i].Translations[lang] = domain.SectionTranslation{Body: long}
			}
		}
	}

	r := newRCA(t, "Huge")
	huge(&r)
	if err := s.CreateRCA(ctx, &r, "u-ana"); !domain.IsValidation(err) {
		t.Fatalf("CreateRCA of a huge RCA: got %v, want a validation error", err)
	}
	if _, err := s.GetRCABySlug(ctx, "huge"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a refused RCA was stored: %v", err)
	}

	small := createRCA(t, s, "Grows later")
	grown := small
	huge(&grown)
	if err := s.UpdateRCA(ctx, &grown, "u-ana", "translate"); !domain.IsValidation(err) {
		t.Fatalf("UpdateRCA to a huge RCA: got %v, want a validation error", err)
	}
	got, err := s.GetRCA(ctx, small.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 1 {
		t.Fatalf("refused update changed the version to %d", got.Version)
	}
	if _, err := s.SaveSection(ctx, small.ID, "summary", domain.SectionEdit{Body: "still writable", BaseRevision: 1}, "u-ana"); err != nil {
		t.Fatalf("SaveSection after a refused update: %v", err)
	}
}

// Translation keys that cannot be BSON field names are a validation error
// with the offending field, not a server error.
func TestTranslationKeysMustBeFieldNames(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	tests := []struct {
		name, key, field string
		set              func(r *domain.RCA, key string)
	}{
		{"dot in a timeline translation", "de.CH", "timeline[0].translations.de.CH", func(r *domain.RCA, key string) {
			r.Timeline = []domain.TimelineEntry{{At: t0, Kind: domain.KindDetected, Text: "Alert.", Translations: map[string]string{key: "Alarm."}}}
		}},
		{"dollar in an action item translation", "$where", "action_items[0].translations.$where", func(r *domain.RCA, key string) {
			r.ActionItems = []domain.ActionItem{{Title: "Add a probe", Translations: map[string]string{key: "x"}}}
		}},
		{"NUL in a timeline translation", "d\x00e", "timeline[0].translations.d\x00e", func(r *domain.RCA, key string) {
			r.Timeline = []domain.TimelineEntry{{At: t0, Kind: domain.KindNote, Text: "Note.", Translations: map[string]string{key: "x"}}}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newRCA(t, "Keys: "+tc.name)
			tc.set(&r, tc.key)
			err := s.CreateRCA(ctx, &r, "u-ana")
			var ve *domain.ValidationError
			if !errors.As(err, &ve) || len(ve.Problems) != 1 || ve.Problems[0].Field != tc.field || ve.Problems[0].Code != domain.CodeInvalid {
				t.Fatalf("CreateRCA: got %v, want one invalid problem on %s", err, tc.field)
			}

			ok := createRCA(t, s, "Fine at first: "+tc.name)
			tc.set(&ok, tc.key)
			if err := s.UpdateRCA(ctx, &ok, "u-ana", "translate"); !domain.IsValidation(err) {
				t.Fatalf("UpdateRCA: got %v, want a validation error", err)
			}
		})
	}
}

func TestRevokeTokenKeepsTheFirstTime(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	tok := domain.APIToken{UserID: "u-ana", Name: "ci", Hash: "9f86d081884c7d65", Scope: domain.ScopeWrite}
	if err := s.CreateToken(ctx, &tok); err != nil {
		t.Fatal(err)
	}
	first := t0.Add(time.Hour)
	for _, when := range []time.Time{first, first.Add(time.Hour)} {
		if err := s.RevokeToken(ctx, tok.ID, when); err != nil {
			t.Fatalf("RevokeToken at %v: %v", when, err)
		}
	}
	got, err := s.GetTokenByHash(ctx, tok.Hash)
	if err != nil {
		t.Fatal(err)
	}
	if got.RevokedAt == nil || !got.RevokedAt.Equal(first) {
		t.Fatalf("RevokedAt %v, want the first revocation %v", got.RevokedAt, first)
	}
	if err := s.RevokeToken(ctx, "nope", first); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("RevokeToken unknown: got %v, want ErrNotFound", err)
	}
}

func TestUpdateDeliveryValidates(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	d := domain.Delivery{TargetID: "tg-1", RCAID: "r-1", RCAVersion: 3, Event: "rca.published", NextAttemptAt: t0}
	if err := s.CreateDelivery(ctx, &d); err != nil {
		t.Fatal(err)
	}
	if d.State != domain.DeliveryPending {
		t.Fatalf("new delivery state %q, want pending", d.State)
	}
	blank := d
	blank.TargetID = ""
	if err := s.UpdateDelivery(ctx, &blank); !domain.IsValidation(err) {
		t.Fatalf("UpdateDelivery without a target: got %v, want a validation error", err)
	}
	bad := d
	bad.State = "lost"
	if err := s.UpdateDelivery(ctx, &bad); !domain.IsValidation(err) {
		t.Fatalf("UpdateDelivery with an unknown state: got %v, want a validation error", err)
	}
	d.RCAVersion, d.Event, d.State = 4, "rca.updated", domain.DeliverySucceeded
	if err := s.UpdateDelivery(ctx, &d); err != nil {
		t.Fatal(err)
	}
	got, err := s.GetDelivery(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.TargetID != "tg-1" || got.RCAVersion != 4 || got.Event != "rca.updated" || got.State != domain.DeliverySucceeded {
		t.Fatalf("after update: %+v", got)
	}
}

// A write never changes memory the caller shares with other copies of the
// RCA (a struct copy shares its slices): seen as a data race when several
// goroutines update copies of one RCA.
func TestUpdateRCALeavesSharedSlicesAlone(t *testing.T) {
	s := open(t)
	r := createRCA(t, s, "Shared slices")
	r.Timeline = []domain.TimelineEntry{
		{ID: "b", At: t0.Add(time.Hour), Kind: domain.KindResolved, Text: "Fixed."},
		{ID: "a", At: t0, Kind: domain.KindDetected, Text: "Alert."},
	}
	c := r // shares Sections and Timeline with r
	c.Section("summary").Body = "changed through the copy"
	shared := r.Section("summary").Revision
	if err := s.UpdateRCA(context.Background(), &c, "u-ana", "edit"); err != nil {
		t.Fatal(err)
	}
	if got := r.Section("summary").Revision; got != shared {
		t.Fatalf("UpdateRCA bumped the caller's shared section revision to %d", got)
	}
	if r.Timeline[0].ID != "b" {
		t.Fatal("UpdateRCA sorted the caller's shared timeline in place")
	}
	if c.Section("summary").Revision != shared+1 || c.Timeline[0].ID != "a" {
		t.Fatalf("the written copy was not filled in: revision %d, first entry %s", c.Section("summary").Revision, c.Timeline[0].ID)
	}
}

func TestCreateIncidentLeavesSharedSlicesAlone(t *testing.T) {
	s := open(t)
	in := domain.Incident{Title: "Shared updates", StartedAt: t0, Updates: []domain.IncidentUpdate{
		{ID: "b", Status: domain.UpdateResolved, Body: "Fixed.", At: t0.Add(time.Hour)},
		{Status: domain.UpdateInvestigating, Body: "Looking.", At: t0},
	}}
	c := in // shares Updates with in
	if err := s.CreateIncident(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	if in.Updates[0].ID != "b" || in.Updates[1].ID != "" {
		t.Fatalf("CreateIncident changed the caller's shared updates: %+v", in.Updates)
	}
	if c.Updates[0].At != t0 || c.Updates[0].ID == "" {
		t.Fatalf("the written copy was not normalized: %+v", c.Updates)
	}
}

func TestIncidentTooLargeForADocument(t *testing.T) {
	s := open(t)
	ctx := context.Background()
	in := domain.Incident{Title: "Chatty incident", StartedAt: t0}
	body := strings.Repeat("Still investigating the elevated error rates. ", domain.MaxBodyLen/50)
	for i := range 100 {
		in.Updates = append(in.Updates, domain.IncidentUpdate{Status: domain.UpdateProgress, Body: body, At: t0.Add(time.Duration(i) * time.Minute)})
	}
	if err := s.CreateIncident(ctx, &in); !domain.IsValidation(err) {
		t.Fatalf("CreateIncident of a %d-update incident: got %v, want a validation error", len(in.Updates), err)
	}
	small := createIncident(t, s, "Quiet incident", nil)
	small.Updates = in.Updates
	if err := s.UpdateIncident(ctx, &small); !domain.IsValidation(err) {
		t.Fatalf("UpdateIncident to a huge incident: got %v, want a validation error", err)
	}
}
