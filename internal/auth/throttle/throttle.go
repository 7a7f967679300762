// Package throttle is Hindsight's one rate limiter for authentication
// attempts: a token bucket (golang.org/x/time/rate) per key, the keys kept
// in a bounded LRU (github.com/hashicorp/golang-lru/v2) that forgets the
// least recently used key when full, never all of them at once.
//
// An attempt reserves its tokens before the work it guards (a password
// hash, a token exchange), so parallel attempts cannot all pass a check
// that is only updated after them.
package throttle

import (
	"sync"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"
	"golang.org/x/time/rate"
)

// Rule is one bucket shape: Burst attempts at once, refilled one per Every.
type Rule struct {
	Burst int
	Every time.Duration
}

// Limiter holds one bucket per key for one rule.
type Limiter struct {
	rule Rule
	mu   sync.Mutex // makes get-or-create atomic
	keys *lru.Cache[string, *rate.Limiter]
}

// New returns a limiter keeping at most size keys.
func New(rule Rule, size int) *Limiter {
	keys, err := lru.New[string, *rate.Limiter](size)
	if err != nil {
		panic("throttle: " + err.Error()) // size <= 0: a programming error
	}
	return &Limiter{rule: rule, keys: keys}
}

// Len is how many keys the limiter holds.
func (l *Limiter) Len() int { return l.keys.Len() }

func (l *Limiter) bucket(key string) *rate.Limiter {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.keys.Get(key)
	if !ok {
		b = rate.NewLimiter(rate.Every(l.rule.Every), l.rule.Burst)
		l.keys.Add(key, b)
	}
	return b
}

// Forget drops key's bucket, as after a successful sign-in.
func (l *Limiter) Forget(key string) { l.keys.Remove(key) }

// Check is one key under one limiter, for Reserve.
type Check struct {
	L   *Limiter
	Key string
}

// Reservation is the tokens an allowed attempt took; Refund gives them back.
type Reservation struct {
	at    time.Time
	taken []*rate.Reservation
}

// Refund returns the tokens, as when the attempt turned out legitimate.
func (r *Reservation) Refund() {
	for _, t := range r.taken {
		t.CancelAt(r.at)
	}
}

// Reserve takes one token from every check's bucket at now. When any bucket
// is empty nothing is taken, ok is false and wait says when to try again
// (the longest wait of the empty buckets).
func Reserve(now time.Time, checks ...Check) (res *Reservation, ok bool, wait time.Duration) {
	res = &Reservation{at: now}
	for _, c := range checks {
		r := c.L.bucket(c.Key).ReserveN(now, 1)
		if !r.OK() {
			res.Refund()
			return nil, false, time.Duration(1<<63 - 1)
		}
		if d := r.DelayFrom(now); d > 0 {
			r.CancelAt(now)
			wait = max(wait, d)
			continue
		}
		res.taken = append(res.taken, r)
	}
	if wait > 0 {
		res.Refund()
		return nil, false, wait
	}
	return res, true, 0
}
