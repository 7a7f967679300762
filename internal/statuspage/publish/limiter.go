package publish

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"
)

// KeyLimiter spaces requests made with the same API key at least Interval
// apart, across every target and goroutine sharing the limiter.
type KeyLimiter struct {
	Interval time.Duration
	mu       sync.Mutex
	next     map[[32]byte]time.Time
}

// NewKeyLimiter returns a limiter allowing one request per interval per key.
func NewKeyLimiter(interval time.Duration) *KeyLimiter {
	return &KeyLimiter{Interval: interval, next: map[[32]byte]time.Time{}}
}

// Wait blocks until a request with key may go, or ctx ends. Keys are held
// only as hashes.
func (l *KeyLimiter) Wait(ctx context.Context, key string) error {
	h := sha256.Sum256([]byte(key))
	l.mu.Lock()
	now := time.Now()
	at := l.next[h]
	if at.Before(now) {
		at = now
	}
	l.next[h] = at.Add(l.Interval)
	l.mu.Unlock()
	if d := time.Until(at); d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
	return nil
}
