package publish

import (
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// TestWorkerOnMongo runs the delivery life cycle on MongoDB's wire protocol:
// a rate-limited first attempt, a restart (a new connection and worker) with
// the delivery pending, and the retry that succeeds.
func TestWorkerOnMongo(t *testing.T) {
	f := newFixtureOn(t, mongotest.Start(t))
	srv := newFakeServer(t,
		fakeResponse{status: 429, body: `{"error":"slow down"}`},
		fakeResponse{status: 200, body: `{}`})
	statuspageTarget(f, srv.URL)
	ds := f.enqueue(EventPublished)
	f.runOnce(f.worker())
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryPending || d.Attempts != 1 || !strings.Contains(d.LastError, "slow down") {
		t.Fatalf("after 429: %+v", d)
	}
	f.reopen()
	w := f.worker()
	if n := f.runOnce(w); n != 0 {
		t.Fatalf("ran %d deliveries before they were due", n)
	}
	f.advance(time.Minute)
	if n := f.runOnce(w); n != 1 {
		t.Fatalf("ran %d deliveries after restart", n)
	}
	if d = f.delivery(ds[0].ID); d.State != domain.DeliverySucceeded || d.Attempts != 2 {
		t.Fatalf("after retry: %+v", d)
	}
	if got := len(srv.got()); got != 3 {
		t.Errorf("requests %d", got)
	}
	// Re-publishing reads the history on Mongo too: an update, not a duplicate.
	if ds = f.enqueue(EventPublished); len(ds) != 1 || ds[0].Event != EventUpdated {
		t.Errorf("re-publish %+v", ds)
	}
}
