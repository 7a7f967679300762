package mongo_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/demo"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// BenchmarkScale times the list queries on the in-process FerretDB peer
// holding 10,000 generated RCAs, kept in
// HINDSIGHT_BENCH_MONGO_DIR so the seeding (minutes) happens once:
//
//	mkdir -p /tmp/hsferret && HINDSIGHT_BENCH_MONGO_DIR=/tmp/hsferret \
//	  go test -run '^$' -bench Scale -benchtime 20x -timeout 60m ./internal/store/mongo/
func BenchmarkScale(b *testing.B) {
	dir := os.Getenv("HINDSIGHT_BENCH_MONGO_DIR")
	if dir == "" {
		b.Skip("BenchmarkScale needs HINDSIGHT_BENCH_MONGO_DIR: a folder for the FerretDB data, seeded on the first run")
	}
	srv := mongotest.StartServerIn(b, dir)
	s, err := mongo.Open(b.Context(), srv.URI())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	marker := filepath.Join(dir, "seeded")
	if _, err := os.Stat(marker); err != nil {
		n := 10_000
		start := time.Now()
		if _, err := demo.SeedBulk(b.Context(), s, n, 1, time.Now(), nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded %d RCAs in %s", n, time.Since(start).Round(time.Second))
		if err := os.WriteFile(marker, nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	var st store.Store = s
	storetest.BenchScale(b, st)
}

// BenchmarkInsights times the insights (area insights, issue 14) on the
// FerretDB peer with 10,000 generated RCAs, seeded once into its own folder:
//
//	mkdir -p /tmp/hsferret-insights && HINDSIGHT_BENCH_MONGO_INSIGHTS_DIR=/tmp/hsferret-insights \
//	  go test -run '^$' -bench Insights -benchtime 10x -timeout 60m ./internal/store/mongo/
func BenchmarkInsights(b *testing.B) {
	dir := os.Getenv("HINDSIGHT_BENCH_MONGO_INSIGHTS_DIR")
	if dir == "" {
		b.Skip("BenchmarkInsights needs HINDSIGHT_BENCH_MONGO_INSIGHTS_DIR: a folder for the FerretDB data, seeded on the first run")
	}
	srv := mongotest.StartServerIn(b, dir)
	s, err := mongo.Open(b.Context(), srv.URI())
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	marker := filepath.Join(dir, "seeded")
	if _, err := os.Stat(marker); err != nil {
		start := time.Now()
		if _, err := demo.SeedBulk(b.Context(), s, 10_000, 1, time.Now(), nil); err != nil {
			b.Fatal(err)
		}
		b.Logf("seeded 10000 RCAs in %s", time.Since(start).Round(time.Second))
		if err := os.WriteFile(marker, nil, 0o600); err != nil {
			b.Fatal(err)
		}
	}
	storetest.BenchInsights(b, s)
}
