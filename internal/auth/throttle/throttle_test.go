package throttle

import (
	"strconv"
	"sync"
	"testing"
	"time"
)

var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

func TestReserveStopsAtBurstAndRefills(t *testing.T) {
	l := New(Rule{Burst: 3, Every: time.Minute}, 10)
	for i := range 3 {
		if _, ok, _ := Reserve(t0, Check{l, "k"}); !ok {
			t.Fatalf("attempt %d refused", i)
		}
	}
	_, ok, wait := Reserve(t0, Check{l, "k"})
	if ok || wait <= 0 || wait > time.Minute {
		t.Fatalf("4th attempt: ok %v wait %v", ok, wait)
	}
	if _, ok, _ := Reserve(t0.Add(time.Minute), Check{l, "k"}); !ok {
		t.Fatal("not refilled after Every")
	}
}

// TestReserveAllOrNothing: an attempt refused by one bucket takes nothing
// from the others; a refund gives the tokens back.
func TestReserveAllOrNothing(t *testing.T) {
	a := New(Rule{Burst: 2, Every: time.Hour}, 10)
	b := New(Rule{Burst: 1, Every: time.Hour}, 10)
	if _, ok, _ := Reserve(t0, Check{a, "x"}, Check{b, "y"}); !ok {
		t.Fatal("first refused")
	}
	if _, ok, _ := Reserve(t0, Check{a, "x"}, Check{b, "y"}); ok {
		t.Fatal("b is empty: want refusal")
	}
	res, ok, _ := Reserve(t0, Check{a, "x"})
	if !ok {
		t.Fatal("the refused attempt took a's token")
	}
	res.Refund()
	if _, ok, _ := Reserve(t0, Check{a, "x"}); !ok {
		t.Fatal("refund did not give the token back")
	}
}

// TestParallelReservationsAreAtomic: of many parallel attempts exactly the
// burst passes.
func TestParallelReservationsAreAtomic(t *testing.T) {
	l := New(Rule{Burst: 5, Every: time.Hour}, 10)
	var mu sync.Mutex
	passed := 0
	var wg sync.WaitGroup
	for range 200 {
		wg.Go(func() {
			if _, ok, _ := Reserve(t0, Check{l, "k"}); ok {
				mu.Lock()
				passed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if passed != 5 {
		t.Fatalf("%d of 200 parallel attempts passed, want 5", passed)
	}
}

// TestKeysBoundedNeverWiped: past its size the limiter forgets the least
// recently used keys, never all: a key in use stays throttled however many
// other keys arrive (the old limiter forgot everything at 10,000 keys).
func TestKeysBoundedNeverWiped(t *testing.T) {
	const size = 10_000
	l := New(Rule{Burst: 1, Every: time.Hour}, size)
	Reserve(t0, Check{l, "attacker"})
	for i := range 3 * size {
		Reserve(t0, Check{l, "k" + strconv.Itoa(i)})
		if i%1000 == 0 {
			if _, ok, _ := Reserve(t0, Check{l, "attacker"}); ok { // also keeps it recent
				t.Fatalf("attacker's bucket forgotten after %d other keys", i)
			}
		}
	}
	if n := l.Len(); n != size {
		t.Fatalf("holds %d keys, want %d", n, size)
	}
	if _, ok, _ := Reserve(t0, Check{l, "k0"}); !ok {
		t.Fatal("the oldest key was not evicted")
	}
}
