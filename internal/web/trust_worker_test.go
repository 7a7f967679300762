package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// flakyPartner is a webhook receiver that answers 503 until it is told to
// accept, and records what it saw.
type flakyPartner struct {
	*httptest.Server
	mu       sync.Mutex
	accept   bool
	refused  int
	accepted []string // Webhook-Id of accepted calls
}

func newFlakyPartner(t *testing.T) *flakyPartner {
	p := &flakyPartner{}
	p.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		defer p.mu.Unlock()
		if !p.accept {
			p.refused++
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		p.accepted = append(p.accepted, r.Header.Get("Webhook-Id"))
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(p.Close)
	return p
}

func (p *flakyPartner) state() (refused int, accepted []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused, append([]string(nil), p.accepted...)
}

// TestTrustDeliveryWorkerSurvivesOutage runs the publish worker on MongoDB
// while a delivery is being retried (the partner answers 503), stops
// MongoDB for a few seconds, and brings it back: the worker keeps running
// through the outage, loses nothing, and delivers once storage and the
// partner are back, without a restart.
func TestTrustDeliveryWorkerSurvivesOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED: starts an in-process FerretDB; not in -short mode")
	}
	db := mongotest.StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := mongo.Open(ctx, db.URI())
	if err != nil {
		t.Fatalf("open mongo store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := newEnvWithStore(t, st)
	e.srv.clock = time.Now // retries are scheduled on the real clock
	w := e.srv.status().worker
	w.PollInterval, w.Backoff, w.MaxBackoff = 100*time.Millisecond, 50*time.Millisecond, 200*time.Millisecond
	// An attempt the outage cuts off cannot release its lease, so the
	// delivery waits for the lease to expire (5 minutes by default); a short
	// lease lets the test see that path end within its wait.
	w.LeaseTTL = 2 * time.Second

	partner := newFlakyPartner(t)
	var target domain.Target
	e.must(domain.RoleAdmin, "POST", "/api/v1/targets", map[string]any{"name": "Partner", "kind": "webhook",
		"url": partner.URL, "secret": hookSecret, "enabled": true, "allow_private": true}, 201, &target)
	r := e.rca("Delivered through an outage", "standard")
	for _, to := range []string{"in_review", "approved"} {
		e.must(domain.RoleAdmin, "POST", "/api/v1/rcas/"+r.ID+"/state", map[string]any{"to": to, "override_reason": "test: an unfinished draft"}, 200, nil)
	}

	runCtx, stopWorker := context.WithCancel(context.Background())
	defer stopWorker()
	workerDone := make(chan error, 1)
	go func() { workerDone <- e.srv.RunDeliveries(runCtx) }()

	var res app.Published
	e.must(domain.RoleAdmin, "POST", "/api/v1/rcas/"+r.ID+"/publish", nil, 200, &res)
	if len(res.Deliveries) != 1 {
		t.Fatalf("publish queued %d deliveries, want 1", len(res.Deliveries))
	}
	delivery := res.Deliveries[0].ID
	trustWait(t, 10*time.Second, "the worker's first attempts", func() bool {
		refused, _ := partner.state()
		return refused >= 2
	})

	db.Stop()
	time.Sleep(3 * time.Second) // several polls fail while storage is down
	select {
	case err := <-workerDone:
		t.Fatalf("the worker stopped during the outage: %v", err)
	default:
	}
	partner.mu.Lock()
	partner.accept = true
	partner.mu.Unlock()
	db.Restart()

	trustWait(t, 30*time.Second, "the delivery to succeed after the outage", func() bool {
		d, err := st.GetDelivery(context.Background(), delivery)
		return err == nil && d.State == domain.DeliverySucceeded
	})
	refused, accepted := partner.state()
	if len(accepted) != 1 || accepted[0] != delivery {
		t.Fatalf("partner accepted %v, want delivery %s once", accepted, delivery)
	}
	d, err := st.GetDelivery(context.Background(), delivery)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("delivered after %d refused attempts; stored attempts %d", refused, d.Attempts)
	if d.Attempts < 2 || d.Attempts > refused+1 {
		t.Errorf("stored attempts %d, partner saw %d refusals and one success", d.Attempts, refused)
	}
	stopWorker()
	select {
	case err := <-workerDone:
		if err != nil {
			t.Fatalf("worker ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the worker did not stop within 10s")
	}
}

// trustWait polls cond every 50 ms until it holds or d passes.
func trustWait(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
