package web

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// TestStorageOutage stops a real MongoDB wire-protocol server (in-process
// FerretDB) under the API: reads, writes and readiness answer 503 with the
// usual error shape, and once the server is back nothing has changed.
func TestStorageOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("starts an in-process FerretDB; skipped with -short")
	}
	srv := mongotest.StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := mongo.Open(ctx, srv.URI())
	if err != nil {
		t.Fatalf("open mongo store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := newEnvWithStore(t, st)
	inc := e.incident("Before the outage")
	r := e.rca("Before the outage", "standard", inc.ID)
	was := e.snapshot()

	srv.Stop()
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"readyz", "GET", "/readyz", nil},
		{"list incidents", "GET", "/api/v1/incidents", nil},
		{"create incident", "POST", "/api/v1/incidents", map[string]any{"title": "During", "started_at": e.clock.Now()}},
		{"save section", "PUT", "/api/v1/rcas/" + r.ID + "/sections/summary", map[string]any{"body": "x", "base_revision": 1}},
		{"change state", "POST", "/api/v1/rcas/" + r.ID + "/state", map[string]any{"to": "in_review"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			w := e.as("admin", tt.method, tt.path, tt.body)
			if w.Code != http.StatusServiceUnavailable {
				t.Fatalf("status %d, want 503; body %s", w.Code, w.Body)
			}
			if decodeErr(t, w).Error.Code != codeUnavailable {
				t.Fatalf("code: %s", w.Body)
			}
			t.Logf("answered in %v", time.Since(start).Round(time.Millisecond))
		})
	}
	srv.Restart()
	if now := e.snapshot(); now != was {
		t.Fatal("requests during the outage changed the store")
	}
	if w := e.serve(req{method: "GET", path: "/readyz"}); w.Code != 200 {
		t.Fatalf("readyz after restart: %d", w.Code)
	}
}

// failingStore is the real SQLite store with its data methods answering
// ErrUnavailable while down is set (identity lookups keep working, so the
// request reaches the handler).
type failingStore struct {
	store.Store
	down atomic.Bool
}

func (f *failingStore) fail() error {
	if f.down.Load() {
		return fmt.Errorf("sqlite: disk gone: %w", store.ErrUnavailable)
	}
	return nil
}

func (f *failingStore) ListIncidents(ctx context.Context, fl store.IncidentFilter) ([]domain.Incident, int, error) {
	if err := f.fail(); err != nil {
		return nil, 0, err
	}
	return f.Store.ListIncidents(ctx, fl)
}

func (f *failingStore) CreateIncident(ctx context.Context, in *domain.Incident) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Store.CreateIncident(ctx, in)
}

func (f *failingStore) GetRCA(ctx context.Context, id string) (domain.RCA, error) {
	if err := f.fail(); err != nil {
		return domain.RCA{}, err
	}
	return f.Store.GetRCA(ctx, id)
}

func (f *failingStore) CreateRCA(ctx context.Context, r *domain.RCA, author string) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Store.CreateRCA(ctx, r, author)
}

func (f *failingStore) ListComponents(ctx context.Context) ([]domain.Component, error) {
	if err := f.fail(); err != nil {
		return nil, err
	}
	return f.Store.ListComponents(ctx)
}

// ListIncidentSummaries is what GET /api/v1/incidents reads (scalesql).
func (f *failingStore) ListIncidentSummaries(ctx context.Context, fl store.IncidentFilter) (store.IncidentPage, error) {
	if err := f.fail(); err != nil {
		return store.IncidentPage{}, err
	}
	return f.Store.ListIncidentSummaries(ctx, fl)
}

func (f *failingStore) CreateToken(ctx context.Context, t *domain.APIToken) error {
	if err := f.fail(); err != nil {
		return err
	}
	return f.Store.CreateToken(ctx, t)
}

func TestStorageErrorsAnswer503(t *testing.T) {
	fs := &failingStore{Store: openTestStore(t)}
	e := newEnvWithStore(t, fs)
	r := e.rca("Before", "standard")
	was := e.snapshot()
	fs.down.Store(true)
	tests := []struct {
		name, method, path string
		body               any
	}{
		{"list incidents", "GET", "/api/v1/incidents", nil},
		{"create incident", "POST", "/api/v1/incidents", map[string]any{"title": "x", "started_at": e.clock.Now()}},
		{"read rca", "GET", "/api/v1/rcas/" + r.ID, nil},
		{"create rca", "POST", "/api/v1/rcas", map[string]any{"title": "x"}},
		{"save section", "PUT", "/api/v1/rcas/" + r.ID + "/sections/summary", map[string]any{"body": "x", "base_revision": 1}},
		{"change state", "POST", "/api/v1/rcas/" + r.ID + "/state", map[string]any{"to": "in_review"}},
		{"list components", "GET", "/api/v1/components", nil},
		{"create token", "POST", "/api/v1/tokens", map[string]any{"name": "ci"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := e.as("admin", tt.method, tt.path, tt.body)
			if w.Code != http.StatusServiceUnavailable || decodeErr(t, w).Error.Code != codeUnavailable {
				t.Fatalf("status %d, want 503: %s", w.Code, w.Body)
			}
			if strings.Contains(w.Body.String(), "disk gone") {
				t.Fatal("internal error text leaked")
			}
		})
	}
	fs.down.Store(false)
	if e.snapshot() != was {
		t.Fatal("requests during the outage changed the store")
	}
}
