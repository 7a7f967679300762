package mongo

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// revisionBytes sums the BSON size of an RCA's revision documents.
func revisionBytes(t *testing.T, s *Store, rcaID string) (int64, int) {
	t.Helper()
	cur, err := s.c(colRevisions).Find(context.Background(), bson.D{{Key: "rca_id", Value: rcaID}})
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	docs := 0
	for cur.Next(context.Background()) {
		n += int64(len(cur.Current))
		docs++
	}
	if err := cur.Err(); err != nil {
		t.Fatal(err)
	}
	return n, docs
}

// TestAutosaveStorageBudget is the SQLite test's twin: 200 saves of a 45 KB
// RCA that never coalesce (two authors taking turns) store at most 10 KB
// of revision documents per save.
func TestAutosaveStorageBudget(t *testing.T) {
	s := openInternal(t)
	r := storetest.AutosaveRCA(t, s)
	before, _ := revisionBytes(t, s, r.ID)
	clock := time.Time{}
	s.SetClock(func() time.Time { return clock })
	storetest.Autosave(t, s, r, 200, []string{"u-ana", "u-ben"}, 10, 2*time.Second, func(at time.Time) { clock = at })
	after, docs := revisionBytes(t, s, r.ID)
	per := (after - before) / 200
	t.Logf("200 saves added %d bytes of revision documents (%.1f KB per save, %d documents)", after-before, float64(per)/1024, docs)
	if per > 10<<10 {
		t.Fatalf("%d bytes per save, budget %d", per, 10<<10)
	}
}

func BenchmarkAutosave45KB(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := Open(ctx, mongotest.Start(b))
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	storetest.BenchAutosave(b, s)
}
