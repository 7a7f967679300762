package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// twoMongoStores opens two connections to one MongoDB, as two instances would.
func twoMongoStores(t *testing.T, uri string) (store.Store, store.Store) {
	t.Helper()
	open := func() store.Store {
		st, err := mongo.Open(context.Background(), uri)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = st.Close() })
		return st
	}
	return open(), open()
}

// TestTwoInstancesSeeEachOthersPublish runs two servers on one store (SQLite
// folder and MongoDB's wire protocol): a publish on one shows on the other
// after its next poll of the change counter, although the other's page
// cache still held the page from before; and the running follower drops
// it again after an unpublish.
func TestTwoInstancesSeeEachOthersPublish(t *testing.T) {
	for _, kind := range []string{"sqlite", "mongo"} {
		t.Run(kind, func(t *testing.T) {
			var stA, stB store.Store
			if kind == "sqlite" {
				dir := t.TempDir()
				var err error
				if stA, err = sqlite.Open(context.Background(), dir); err == nil {
					stB, err = sqlite.Open(context.Background(), dir)
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = stA.Close(); _ = stB.Close() })
			} else {
				stA, stB = twoMongoStores(t, mongotest.Start(t))
			}
			a := newEnvWithStore(t, stA)
			b, err := New(Config{Version: "test"}, stB, nil)
			if err != nil {
				t.Fatal(err)
			}
			b.clock = a.clock.Now // one clock: B's cache never expires by itself here
			ctx := context.Background()

			inc, r := approvedRCA(t, a)
			page := "/status/incidents/" + inc.ID
			onB := func() string {
				t.Helper()
				w := httptest.NewRecorder()
				b.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, page, nil))
				if w.Code != http.StatusOK {
					t.Fatalf("GET %s on B: %d", page, w.Code)
				}
				return w.Body.String()
			}
			if _, err := b.SyncStatusPage(ctx); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(onB(), "PUBLICTEXT") {
				t.Fatal("B shows the RCA before it is published")
			}

			a.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, nil)
			if !strings.Contains(a.public(page), "PUBLICTEXT") {
				t.Fatal("A does not show the RCA it published")
			}
			if strings.Contains(onB(), "PUBLICTEXT") {
				t.Fatal("B's cache was expected to hold the page from before the publish")
			}
			moved, err := b.SyncStatusPage(ctx)
			if err != nil || !moved {
				t.Fatalf("B's poll after A's publish: moved %v, %v", moved, err)
			}
			if !strings.Contains(onB(), "PUBLICTEXT") {
				t.Fatal("B does not show the RCA A published after polling the change counter")
			}

			// The follower as serve runs it: A unpublishes, B drops the RCA.
			run, stop := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { defer close(done); _ = b.FollowChanges(run, 20*time.Millisecond) }()
			defer func() { stop(); <-done }()
			a.must(domain.RoleReviewer, "POST", "/api/v1/rcas/"+r.ID+"/unpublish", map[string]any{"comment": "wrong numbers"}, 200, nil)
			deadline := time.Now().Add(10 * time.Second)
			for strings.Contains(onB(), "PUBLICTEXT") {
				if time.Now().After(deadline) {
					t.Fatal("B still shows the RCA A unpublished")
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}
