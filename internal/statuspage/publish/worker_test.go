package publish

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestRunWakesAndStops: Run sends a delivery as soon as it is woken (long
// before its poll interval) and returns when its context ends.
func TestRunWakesAndStops(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
	w := f.worker()
	w.PollInterval = time.Hour
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()

	ds := f.enqueue(EventPublished)
	w.Wake()
	deadline := time.Now().Add(5 * time.Second)
	for f.delivery(ds[0].ID).State != domain.DeliverySucceeded {
		if time.Now().After(deadline) {
			t.Fatal("the woken worker did not send the delivery")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run returned %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop when its context ended")
	}
}

// TestAttemptKeepsDeliveryWhenStopping: a shutdown in the middle of an
// attempt leaves the delivery pending and unchanged for the next start.
func TestAttemptKeepsDeliveryWhenStopping(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
	ds := f.enqueue(EventPublished)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	w := f.worker()
	if err := w.Attempt(ctx, ds[0]); err == nil {
		t.Fatal("Attempt with a cancelled context reported success")
	}
	d := f.delivery(ds[0].ID)
	if d.State != domain.DeliveryPending || d.Attempts != 0 {
		t.Fatalf("delivery changed: %+v", d)
	}
}

func TestDeletedTargetFailsDelivery(t *testing.T) {
	f := newFixture(t)
	srv := newFakeServer(t)
	tg := f.target(domain.Target{Kind: domain.TargetWebhook, URL: srv.URL, Secret: testSecret, AllowPrivate: true})
	ds := f.enqueue(EventPublished)
	if err := f.st.DeleteTarget(context.Background(), tg.ID); err != nil {
		t.Fatal(err)
	}
	f.runOnce(f.worker())
	if d := f.delivery(ds[0].ID); d.State != domain.DeliveryFailed || d.LastError != "the target was deleted" {
		t.Fatalf("delivery = %+v", d)
	}
}
