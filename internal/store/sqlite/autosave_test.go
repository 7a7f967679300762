package sqlite

import (
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// usedBytes is the database's size in pages in use, after a checkpoint.
func usedBytes(t *testing.T, s *Store) int64 {
	t.Helper()
	var pages, free, size int64
	if _, err := s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	for q, v := range map[string]*int64{"PRAGMA page_count": &pages, "PRAGMA freelist_count": &free, "PRAGMA page_size": &size} {
		if err := s.w.QueryRow(q).Scan(v); err != nil {
			t.Fatal(err)
		}
	}
	return (pages - free) * size
}

// TestAutosaveStorageBudget saves a 45 KB RCA 200 times, a few words at a
// time, and holds the database's growth to 10 KB per save even when no
// save coalesces (two authors taking turns); one author's autosaves,
// which coalesce, cost far less. Before packed revisions a save cost the
// whole RCA again (about 60 KB).
func TestAutosaveStorageBudget(t *testing.T) {
	const saves, budget = 200, 10 << 10
	for _, tc := range []struct {
		name    string
		authors []string
		gap     time.Duration
	}{
		{"two authors taking turns, nothing coalesces", []string{"u-ana", "u-ben"}, 2 * time.Second},
		{"one author, autosaves 2 s apart", []string{"u-ana"}, 2 * time.Second},
		{"one author, saves 1 min apart", []string{"u-ana"}, time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(t.Context(), t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = s.Close() }()
			r := storetest.AutosaveRCA(t, s)
			doc, _ := encode(r)
			before := usedBytes(t, s)
			clock := time.Time{}
			s.SetClock(func() time.Time { return clock })
			storetest.Autosave(t, s, r, saves, tc.authors, 10, tc.gap, func(at time.Time) { clock = at })
			grew := usedBytes(t, s) - before
			revs, _ := s.ListRevisions(t.Context(), r.ID)
			t.Logf("RCA %d bytes of JSON; %d saves grew the database by %d bytes (%.1f KB per save), %d revisions listed",
				len(doc), saves, grew, float64(grew)/saves/1024, len(revs))
			if grew/saves > budget {
				t.Fatalf("%d bytes per save, budget %d", grew/saves, budget)
			}
		})
	}
}

func BenchmarkAutosave45KB(b *testing.B) {
	s, err := Open(b.Context(), b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	storetest.BenchAutosave(b, s)
}
