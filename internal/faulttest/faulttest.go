// Package faulttest holds small helpers for Hindsight's fault, load and
// soak tests: a bounded load loop, answer statistics and a heap probe. Only
// test code imports it.
package faulttest

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Stats counts answers by HTTP status and keeps every latency. It is safe
// for concurrent use.
type Stats struct {
	mu        sync.Mutex
	byStatus  map[int]int
	failures  []string // transport errors, the first few kept
	failed    int
	latencies []time.Duration
}

// NewStats returns empty statistics.
func NewStats() *Stats { return &Stats{byStatus: map[int]int{}} }

// Record adds one request: its status (0 when err is set), how long it took
// and its transport error, if any.
func (s *Stats) Record(status int, took time.Duration, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latencies = append(s.latencies, took)
	if err != nil {
		s.failed++
		if len(s.failures) < 5 {
			s.failures = append(s.failures, err.Error())
		}
		return
	}
	s.byStatus[status]++
}

// Requests is the number of requests recorded, answered or not.
func (s *Stats) Requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.latencies)
}

// Count is the number of answers with exactly this status.
func (s *Stats) Count(status int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.byStatus[status]
}

// ServerErrors is the number of 5xx answers.
func (s *Stats) ServerErrors() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for st, c := range s.byStatus {
		if st >= 500 {
			n += c
		}
	}
	return n
}

// TransportErrors is the number of requests that got no answer, and the
// first few of their errors.
func (s *Stats) TransportErrors() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.failed, slices.Clone(s.failures)
}

// Percentile returns the latency below which p (0..1) of the requests fell.
func (s *Stats) Percentile(p float64) time.Duration {
	s.mu.Lock()
	l := slices.Clone(s.latencies)
	s.mu.Unlock()
	if len(l) == 0 {
		return 0
	}
	slices.Sort(l)
	i := int(p*float64(len(l)-1) + 0.5)
	return l[min(max(i, 0), len(l)-1)]
}

// Max is the longest latency recorded.
func (s *Stats) Max() time.Duration { return s.Percentile(1) }

// String summarizes the statistics on one line, for test logs and reports.
func (s *Stats) String() string {
	s.mu.Lock()
	codes := make([]int, 0, len(s.byStatus))
	for c := range s.byStatus {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	var parts []string
	for _, c := range codes {
		parts = append(parts, fmt.Sprintf("%d:%d", c, s.byStatus[c]))
	}
	failed := s.failed
	s.mu.Unlock()
	return fmt.Sprintf("requests %d, statuses {%s}, no answer %d, latency p50 %v p99 %v max %v",
		s.Requests(), strings.Join(parts, " "), failed,
		s.Percentile(0.5).Round(time.Microsecond), s.Percentile(0.99).Round(time.Microsecond), s.Max().Round(time.Microsecond))
}

// Run calls fn from workers goroutines, each in a loop, until ctx is done
// or every worker has made perWorker calls (perWorker <= 0: no bound), and
// waits for them. fn gets the worker number and its call number.
func Run(ctx context.Context, workers, perWorker int, fn func(ctx context.Context, worker, call int)) {
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; perWorker <= 0 || i < perWorker; i++ {
				if ctx.Err() != nil {
					return
				}
				fn(ctx, w, i)
			}
		})
	}
	wg.Wait()
}

// HeapInuse collects garbage twice (so finalizers and freed spans settle)
// and returns runtime.MemStats.HeapInuse.
func HeapInuse() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

// MiB formats a byte count in mebibytes.
func MiB(n uint64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
