package sqlite_test

import (
	"os"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
	"github.com/hindsight-rca/hindsight/internal/store/storetest"
)

// BenchmarkScale times the list queries on a store seeded once, outside the
// repository, with
//
//	hindsight --data /tmp/hs100k demo --rcas 100000
//	HINDSIGHT_BENCH_DIR=/tmp/hs100k go test -run '^$' -bench Scale -benchtime 50x ./internal/store/sqlite/
func BenchmarkScale(b *testing.B) {
	dir := os.Getenv("HINDSIGHT_BENCH_DIR")
	if dir == "" {
		b.Skip("BenchmarkScale needs HINDSIGHT_BENCH_DIR: a data folder seeded with hindsight demo --rcas N")
	}
	s, err := sqlite.Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	storetest.BenchScale(b, s)
}

// BenchmarkActionItems times the action-item list across RCAs (area
// actions, issue 14) on the same seeded folder:
//
//	HINDSIGHT_BENCH_DIR=/tmp/hs100k go test -run '^$' -bench ActionItems -benchtime 50x ./internal/store/sqlite/
func BenchmarkActionItems(b *testing.B) {
	dir := os.Getenv("HINDSIGHT_BENCH_DIR")
	if dir == "" {
		b.Skip("BenchmarkActionItems needs HINDSIGHT_BENCH_DIR: a data folder seeded with hindsight demo --rcas N")
	}
	s, err := sqlite.Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	storetest.BenchActionItems(b, s)
}

// BenchmarkInsights times the insights (area insights, issue 14) on the
// same seeded folder:
//
//	HINDSIGHT_BENCH_DIR=/tmp/hs100k go test -run '^$' -bench Insights -benchtime 30x -count 3 ./internal/store/sqlite/
func BenchmarkInsights(b *testing.B) {
	dir := os.Getenv("HINDSIGHT_BENCH_DIR")
	if dir == "" {
		b.Skip("BenchmarkInsights needs HINDSIGHT_BENCH_DIR: a data folder seeded with hindsight demo --rcas N")
	}
	s, err := sqlite.Open(b.Context(), dir)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	storetest.BenchInsights(b, s)
}
