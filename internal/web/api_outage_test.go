package web

import (
	"context"
	"net/http"
	"testing"
	"time"

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
