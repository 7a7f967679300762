package publish

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// secondStore opens another connection to the fixture's store, as a second
// Hindsight instance would: the same SQLite folder, or the same MongoDB.
func (f *fixture) secondStore() store.Store {
	f.t.Helper()
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
	f.t.Cleanup(func() { _ = st.Close() })
	return st
}

func onBothStores(t *testing.T, fn func(t *testing.T, f *fixture)) {
	t.Run("sqlite", func(t *testing.T) { fn(t, newFixture(t)) })
	t.Run("mongo", func(t *testing.T) { fn(t, newFixtureOn(t, mongotest.Start(t))) })
}

// webhookIDs counts the requests a receiver got per webhook-id.
func webhookIDs(srv *fakeServer) map[string]int {
	n := map[string]int{}
	for _, r := range srv.got() {
		n[r.Header.Get("webhook-id")]++
	}
	return n
}

// TestTwoInstancesSendEachDeliveryOnce runs two workers, each on its own
// connection to one store, at the same time over the same due deliveries:
// the one webhook receiver gets every delivery exactly once.
func TestTwoInstancesSendEachDeliveryOnce(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		srv := newFakeServer(t)
		for i := range 6 {
			f.target(domain.Target{Name: fmt.Sprintf("hook %d", i), Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
		}
		ds := f.enqueue(EventPublished)
		if len(ds) != 6 {
			t.Fatalf("%d deliveries queued, want 6", len(ds))
		}
		a := f.worker()
		a.Instance = "instance-a"
		b := f.worker()
		b.Store = f.secondStore()
		b.Instance = "instance-b"

		var wg sync.WaitGroup
		for _, w := range []*Worker{a, b, a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := w.RunOnce(context.Background()); err != nil {
					t.Errorf("%s: %v", w.Instance, err)
				}
			}()
		}
		wg.Wait()
		got := webhookIDs(srv)
		for _, d := range ds {
			if got[d.ID] != 1 {
				t.Errorf("delivery %s received %d times, want once", d.ID, got[d.ID])
			}
			if st := f.delivery(d.ID); st.State != domain.DeliverySucceeded || st.Attempts != 1 {
				t.Errorf("delivery %s stored %s after %d attempts", d.ID, st.State, st.Attempts)
			}
		}
		if len(got) != len(ds) {
			t.Errorf("the receiver got %d distinct deliveries, want %d", len(got), len(ds))
		}
	})
}

// TestCrashedInstanceLeaseIsTakenOver: an instance takes a delivery's lease
// and dies before sending. Another instance leaves it alone while the lease
// holds and sends it, once, after it expires.
func TestCrashedInstanceLeaseIsTakenOver(t *testing.T) {
	onBothStores(t, func(t *testing.T, f *fixture) {
		srv := newFakeServer(t)
		f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
		ds := f.enqueue(EventPublished)
		if _, _, err := f.st.LeaseDelivery(context.Background(), ds[0].ID, "crashed-instance", f.now(), 2*time.Minute); err != nil {
			t.Fatal(err)
		}
		w := f.worker()
		w.Store = f.secondStore()
		w.LeaseTTL = 2 * time.Minute
		if n := f.runOnce(w); n != 0 || len(srv.got()) != 0 {
			t.Fatalf("sent %d deliveries (%d requests) while another instance held the lease", n, len(srv.got()))
		}
		f.advance(3 * time.Minute)
		if n := f.runOnce(w); n != 1 {
			t.Fatalf("after the lease expired the worker ran %d deliveries, want 1", n)
		}
		if got := webhookIDs(srv); got[ds[0].ID] != 1 || len(srv.got()) != 1 {
			t.Fatalf("receiver got %v, want the delivery once", got)
		}
		if d := f.delivery(ds[0].ID); d.State != domain.DeliverySucceeded {
			t.Fatalf("delivery %+v", d)
		}
	})
}
