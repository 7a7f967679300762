package sqlite

import (
	"reflect"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// A database made before the insights (no migration 100) gets its insight
// rows filled from the stored RCAs and incidents when it is opened.
func TestInsightsMigrationFillsExistingRCAs(t *testing.T) {
	dir := t.TempDir()
	s := openDir(t, dir)
	w, _, _ := storetest.InsightFixture(t, s)
	want, err := s.Insights(t.Context(), w)
	if err != nil {
		t.Fatal(err)
	}
	if want.Months[1].Count != 3 {
		t.Fatalf("fixture: %+v", want)
	}
	for _, q := range []string{"DROP TABLE insight_occurrences", "DROP TABLE insight_factors", "DROP TABLE insight_items",
		"DELETE FROM schema_migrations WHERE version = 100"} {
		if _, err := s.w.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_ = s.Close()
	s = openDir(t, dir)
	got, err := s.Insights(t.Context(), w)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("after the migration:\n got %+v\nwant %+v", got, want)
	}
}
