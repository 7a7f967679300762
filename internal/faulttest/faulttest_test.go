package faulttest

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"
)

func TestStats(t *testing.T) {
	s := NewStats()
	for i := 1; i <= 100; i++ {
		status := 200
		switch {
		case i%10 == 0:
			status = 503
		case i%7 == 0:
			status = 409
		}
		s.Record(status, time.Duration(i)*time.Millisecond, nil)
	}
	s.Record(0, time.Second, errors.New("connection refused"))

	if got := s.Requests(); got != 101 {
		t.Errorf("Requests = %d, want 101", got)
	}
	if got := s.ServerErrors(); got != 10 {
		t.Errorf("ServerErrors = %d, want 10", got)
	}
	if got := s.Count(409); got != 13 {
		t.Errorf("Count(409) = %d, want 13", got)
	}
	if n, errs := s.TransportErrors(); n != 1 || len(errs) != 1 {
		t.Errorf("TransportErrors = %d %v", n, errs)
	}
	tests := []struct {
		p    float64
		want time.Duration
	}{
		{0, time.Millisecond},
		{0.5, 51 * time.Millisecond},
		{1, time.Second},
	}
	for _, tt := range tests {
		if got := s.Percentile(tt.p); got != tt.want {
			t.Errorf("Percentile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if NewStats().Percentile(0.5) != 0 {
		t.Error("Percentile of nothing is not 0")
	}
}

func TestRunBoundsCalls(t *testing.T) {
	var calls atomic.Int64
	Run(context.Background(), 4, 5, func(context.Context, int, int) { calls.Add(1) })
	if calls.Load() != 20 {
		t.Fatalf("4 workers x 5 calls made %d calls", calls.Load())
	}
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	Run(ctx, 3, 0, func(context.Context, int, int) { time.Sleep(time.Millisecond) })
	if time.Since(start) > 5*time.Second {
		t.Fatal("an unbounded Run did not stop with its context")
	}
}
