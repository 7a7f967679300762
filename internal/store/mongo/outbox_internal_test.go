package mongo

import (
	"context"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestPublishOutboxSurvivesAWriterThatStops leaves a publish as a writer
// that died right after claiming its version would: the revision document
// holds the published RCA and its deliveries, nothing else is written. The
// publish and its deliveries then land together (MoveOutbox, as the worker
// runs it), and only once however often it runs.
func TestPublishOutboxSurvivesAWriterThatStops(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	r := createInternal(t, s, "Published by a writer that died")

	next := r
	next.State = domain.StatePublished
	next.Version++
	next.UpdatedAt = s.clock().Add(-time.Minute)
	d := toRCADoc(&next)
	rev := newRevision(&d, "u-pub", "state published")
	dl := store.NewDelivery(domain.Delivery{TargetID: "tg-1", Event: "rca.published"}, r.ID, next.Version, next.UpdatedAt)
	rev.Outbox = []deliveryDoc{toDeliveryDoc(&dl)}
	if _, err := s.c(colRevisions).InsertOne(ctx, rev); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetRCA(ctx, r.ID); got.State == domain.StatePublished {
		t.Fatal("the claim alone published the RCA")
	}
	for i := range 3 {
		n, err := s.MoveOutbox(ctx, time.Now(), 0)
		if err != nil {
			t.Fatalf("MoveOutbox %d: %v", i+1, err)
		}
		if want := map[bool]int{true: 1, false: 0}[i == 0]; n != want {
			t.Fatalf("MoveOutbox %d moved %d deliveries, want %d", i+1, n, want)
		}
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil || got.State != domain.StatePublished || got.Version != next.Version {
		t.Fatalf("after MoveOutbox the RCA is %s at version %d (%v), want published at %d", got.State, got.Version, err, next.Version)
	}
	ds, err := s.ListDeliveries(ctx, r.ID)
	if err != nil || len(ds) != 1 || ds[0].ID != dl.ID || ds[0].State != domain.DeliveryPending || ds[0].RCAVersion != next.Version {
		t.Fatalf("deliveries after MoveOutbox: %+v (%v)", ds, err)
	}
}
