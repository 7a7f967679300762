package mongo_test

import (
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// TestContract runs the shared store contract suite over MongoDB's wire
// protocol: an in-process FerretDB, or HINDSIGHT_TEST_MONGODB_URI.
func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return open(t) })
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) store.Store { return open(b) })
}
