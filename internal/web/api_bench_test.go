package web

import (
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Benchmarks through the whole engine: middleware, token lookup, handler
// and the SQLite store in a temporary folder.

func BenchmarkAPIGetRCA(b *testing.B) {
	e := newEnv(b)
	r := e.rca("Bench", "standard")
	path := "/api/v1/rcas/" + r.ID
	b.ResetTimer()
	for b.Loop() {
		if w := e.as("viewer", "GET", path, nil); w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}

func BenchmarkAPISectionSave(b *testing.B) {
	e := newEnv(b)
	r := e.rca("Bench", "standard")
	path := "/api/v1/rcas/" + r.ID + "/sections/summary"
	rev := int64(1)
	b.ResetTimer()
	for b.Loop() {
		var got domain.RCA
		e.must("author", "PUT", path, map[string]any{"body": "Some text " + time.Now().String(), "base_revision": rev}, 200, &got)
		rev = got.Section("summary").Revision
	}
}

func BenchmarkAPIListIncidents(b *testing.B) {
	e := newEnv(b)
	for range 200 {
		e.incident("Bench incident")
	}
	b.ResetTimer()
	for b.Loop() {
		if w := e.as("viewer", "GET", "/api/v1/incidents?limit=50", nil); w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}
