package web

import (
	"context"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// openTestStore opens the real embedded store in a temporary folder.
func openTestStore(t testing.TB) store.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
