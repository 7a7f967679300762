package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// Markers that must never leave Hindsight: they sit in internal content.
const (
	internalSectionMarker = "ZZ-INTERNAL-SECTION-7f3a"
	internalEntryMarker   = "ZZ-INTERNAL-ENTRY-91bc"
	internalActionMarker  = "ZZ-INTERNAL-ACTION-c40d"
)

// testRender is a stand-in for the report package: the external sections,
// entries and action items as Markdown, and an HTML echo of them.
func testRender(_ context.Context, r domain.RCA, incidents []domain.Incident, lang string) (Report, error) {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n\n", r.Title)
	for _, s := range r.ExternalSections() {
		fmt.Fprintf(&b, "## %s\n\n%s\n\n", s.Title, s.Body)
	}
	for _, e := range r.Timeline {
		if e.Visibility == domain.External {
			fmt.Fprintf(&b, "- %s %s\n", e.At.Format(time.RFC3339), e.Text)
		}
	}
	for _, a := range r.ActionItems {
		if a.Visibility == domain.External {
			fmt.Fprintf(&b, "- [ ] %s\n", a.Title)
		}
	}
	md := b.String()
	return Report{Title: r.Title, Markdown: md, HTML: "<pre>" + md + "</pre>"}, nil
}

type fixture struct {
	t        *testing.T
	dir      string
	mongoURI string // set: the store is MongoDB at this URI, else SQLite in dir
	st       store.Store
	clock    time.Time
	mu       sync.Mutex
	incident domain.Incident
	rca      domain.RCA
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOn(t, "")
}

// newFixtureOn builds the fixture on MongoDB at mongoURI, or on SQLite when empty.
func newFixtureOn(t *testing.T, mongoURI string) *fixture {
	t.Helper()
	f := &fixture{t: t, dir: t.TempDir(), mongoURI: mongoURI, clock: time.Date(2024, 9, 10, 12, 0, 0, 0, time.UTC)}
	f.open()
	ctx := context.Background()
	resolved := time.Date(2024, 9, 3, 15, 30, 0, 0, time.UTC)
	f.incident = domain.Incident{Title: "Upload API errors", Impact: domain.ImpactMajor, Status: domain.StatusResolved,
		StartedAt: time.Date(2024, 9, 3, 14, 0, 0, 0, time.UTC), ResolvedAt: &resolved,
		Source: &domain.Source{System: "statuspage", ID: "sp-inc-1", PageID: "pg1"}}
	f.incident.Normalize()
	if err := f.st.CreateIncident(ctx, &f.incident); err != nil {
		t.Fatal(err)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Upload API errors", tpl, "en", []string{f.incident.ID}, "u1", f.clock)
	for i := range r.Sections {
		s := &r.Sections[i]
		s.Body = "Public text for " + s.Key + "."
		if s.Visibility == domain.Internal {
			s.Body = "Secret notes " + internalSectionMarker
		}
	}
	r.Timeline = []domain.TimelineEntry{
		{At: f.incident.StartedAt, Kind: domain.KindImpactStart, Text: "Uploads began to fail."},
		{At: f.incident.StartedAt.Add(5 * time.Minute), Kind: domain.KindNote, Text: "Paged the wrong team " + internalEntryMarker, Visibility: domain.Internal},
	}
	r.ActionItems = []domain.ActionItem{
		{Title: "Add an upload canary", Owner: "storage"},
		{Title: "Fix the pager rota " + internalActionMarker, Visibility: domain.Internal},
	}
	r.State = domain.StatePublished
	at := f.clock
	r.PublishedAt = &at
	r.Normalize()
	if err := f.st.CreateRCA(ctx, &r, "u1"); err != nil {
		t.Fatal(err)
	}
	f.rca = r
	return f
}

func (f *fixture) open() {
	var st store.Store
	var err error
	if f.mongoURI != "" {
		st, err = mongo.Open(context.Background(), f.mongoURI)
	} else {
		st, err = sqlite.Open(context.Background(), f.dir)
	}
	if err != nil {
		f.t.Fatal(err)
	}
	f.st = st
	f.t.Cleanup(func() { _ = st.Close() })
}

// reopen simulates a restart: a new store on the same data folder.
func (f *fixture) reopen() {
	_ = f.st.Close()
	f.open()
}

func (f *fixture) now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.clock
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	f.clock = f.clock.Add(d)
	f.mu.Unlock()
}

func (f *fixture) worker() *Worker {
	w := NewWorker(f.st, testRender, nil)
	w.Now = f.now
	w.BaseURL = "https://status.example.com"
	w.Backoff = 30 * time.Second
	w.MaxAttempts = 4
	w.Timeout = 5 * time.Second
	w.SetLimiter(NewKeyLimiter(10 * time.Millisecond))
	return w
}

func (f *fixture) target(t domain.Target) domain.Target {
	f.t.Helper()
	t.Enabled = true
	if t.Name == "" {
		t.Name = "target " + string(t.Kind)
	}
	if err := NormalizeTarget(&t, true); err != nil {
		f.t.Fatalf("target: %v", err)
	}
	if err := f.st.CreateTarget(context.Background(), &t); err != nil {
		f.t.Fatal(err)
	}
	return t
}

func (f *fixture) enqueue(event string) []domain.Delivery {
	f.t.Helper()
	ds, err := Enqueue(context.Background(), f.st, f.rca, event, f.now())
	if err != nil {
		f.t.Fatalf("enqueue: %v", err)
	}
	return ds
}

func (f *fixture) delivery(id string) domain.Delivery {
	f.t.Helper()
	d, err := f.st.GetDelivery(context.Background(), id)
	if err != nil {
		f.t.Fatal(err)
	}
	return d
}

func (f *fixture) runOnce(w *Worker) int {
	f.t.Helper()
	n, err := w.RunOnce(context.Background())
	if err != nil {
		f.t.Fatalf("run: %v", err)
	}
	return n
}

// recorded is one request a fake server received.
type recorded struct {
	Method, Path string
	Header       http.Header
	Body         []byte
	At           time.Time
}

// fakeServer answers with the queued responses in order (the last one
// repeats) and records every request.
type fakeServer struct {
	*httptest.Server
	mu        sync.Mutex
	requests  []recorded
	responses []fakeResponse
}

type fakeResponse struct {
	status int
	body   string
	header map[string]string
}

func newFakeServer(t *testing.T, responses ...fakeResponse) *fakeServer {
	fs := &fakeServer{responses: responses}
	fs.Server = httptest.NewServer(http.HandlerFunc(fs.handle))
	t.Cleanup(fs.Close)
	return fs
}

func (fs *fakeServer) handle(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	fs.mu.Lock()
	fs.requests = append(fs.requests, recorded{Method: r.Method, Path: r.URL.Path, Header: r.Header.Clone(), Body: body, At: time.Now()})
	resp := fakeResponse{status: 200, body: `{}`}
	if len(fs.responses) > 0 {
		resp = fs.responses[0]
		if len(fs.responses) > 1 {
			fs.responses = fs.responses[1:]
		}
	}
	fs.mu.Unlock()
	for k, v := range resp.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(resp.status)
	_, _ = io.WriteString(w, resp.body)
}

func (fs *fakeServer) got() []recorded {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return append([]recorded(nil), fs.requests...)
}

func decode(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body %s: %v", b, err)
	}
	return m
}

func assertNoInternal(t *testing.T, what string, b []byte) {
	t.Helper()
	for _, m := range []string{internalSectionMarker, internalEntryMarker, internalActionMarker} {
		if strings.Contains(string(b), m) {
			t.Errorf("%s leaks internal content %s", what, m)
		}
	}
}

// restartOn starts a fresh fake server on the address a closed one used.
func restartOn(t *testing.T, addr string, fs *fakeServer) {
	t.Helper()
	var l net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("listen again on %s: %v", addr, err)
	}
	fs.Server = httptest.NewUnstartedServer(http.HandlerFunc(fs.handle))
	_ = fs.Listener.Close()
	fs.Listener = l
	fs.Start()
	t.Cleanup(fs.Close)
}
