package importer

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// FuzzImportIdempotent: whatever a document holds, importing it never
// panics, and importing it a second time changes nothing.
func FuzzImportIdempotent(f *testing.F) {
	for _, name := range []string{"incidents.json", "summary.json"} {
		b, err := os.ReadFile("testdata/" + name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"incidents":[{"id":"x","name":"  spaced   name ","status":"RESOLVED","impact":"Major","created_at":"2024-01-01T00:00:00+14:00",
		"incident_updates":[{"body":"same","created_at":"2024-01-01T00:00:00Z"},{"body":"same","created_at":"2024-01-01T00:00:00Z"}]}]}`))
	f.Add([]byte(`{"incidents":[{"id":"y","resolved_at":"2024-01-01T00:00:00Z","started_at":"2024-01-02T00:00:00Z",
		"incident_updates":[{"status":"resolved","display_at":"2023-12-31T23:59:59.999999999Z","affected_components":[{"name":"A","new_status":"major_outage"},{"name":"a","new_status":"operational"}]}]}]}`))
	// The same incident twice in one document, with different content.
	f.Add([]byte(`{"incidents":[{"id":"d","name":"First","created_at":"2024-01-01T00:00:00Z"},{"id":"d","name":"Second","created_at":"2024-01-01T00:00:00Z"}]}`))
	// Unicode at the length limits and odd numbers as ids.
	f.Add([]byte(`{"incidents":[{"id":1e3,"name":"Überlast ✓","created_at":1704067200,"components":[{"name":"Ü"}],"impact":"minor"}]}`))
	// Under -fuzz this target is slow (the SQLite engine gets coverage
	// instrumentation); FuzzParse covers the parser at speed. In plain
	// `go test` the seeds above run as a property test.
	f.Fuzz(func(t *testing.T, doc []byte) {
		// t.TempDir names folders after the seed ("seed#3"), which SQLite's
		// file URI cannot hold.
		dir, err := os.MkdirTemp("", "fuzzimport")
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = os.RemoveAll(dir) }()
		st, err := sqlite.Open(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = st.Close() }()
		first, err := Import(context.Background(), st, bytes.NewReader(doc), Options{MaxSize: 1 << 16})
		if err != nil {
			return // refused as a whole: fine, as long as it did not panic
		}
		second, err := Import(context.Background(), st, bytes.NewReader(doc), Options{MaxSize: 1 << 16})
		if err != nil {
			t.Fatalf("second import failed: %v", err)
		}
		if second.Created != 0 || second.Updated != 0 || second.ComponentsCreated != 0 {
			t.Fatalf("second import changed data: first %+v, second %+v", first, second)
		}
	})
}
