package web

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Sign-in throttling: after too many failures for one email or from one
// address within the window, sign-in answers 429 until the window passes.
// Counting by email stops password guessing against one account from many
// addresses; counting by address stops one client spraying many accounts.
const (
	signInWindow       = 15 * time.Minute
	signInMaxPerEmail  = 10
	signInMaxPerIP     = 50
	signInLimiterLimit = 10_000 // keys kept before old ones are dropped
)

const codeTooManyRequests = "too_many_requests"

func init() {
	defaultMessages[codeTooManyRequests] = "Too many failed sign-ins. Wait a few minutes and try again."
}

// signInLimiter counts recent failed sign-ins per key.
type signInLimiter struct {
	mu       sync.Mutex
	failures map[string][]time.Time
}

func newSignInLimiter() *signInLimiter {
	return &signInLimiter{failures: map[string][]time.Time{}}
}

// blocked reports whether key has max or more failures within the window,
// and when the oldest of them leaves it.
func (l *signInLimiter) blocked(key string, max int, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.prune(key, now)
	if len(recent) < max {
		return false, 0
	}
	return true, recent[len(recent)-max].Add(signInWindow).Sub(now)
}

func (l *signInLimiter) fail(key string, now time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) >= signInLimiterLimit {
		for k := range l.failures {
			if len(l.prune(k, now)) == 0 {
				delete(l.failures, k)
			}
		}
		if len(l.failures) >= signInLimiterLimit {
			l.failures = map[string][]time.Time{} // under attack: forget rather than grow
		}
	}
	l.failures[key] = append(l.prune(key, now), now)
}

func (l *signInLimiter) reset(key string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.failures, key)
}

// prune drops failures older than the window; the caller holds mu.
func (l *signInLimiter) prune(key string, now time.Time) []time.Time {
	list := l.failures[key]
	i := 0
	for i < len(list) && now.Sub(list[i]) >= signInWindow {
		i++
	}
	list = list[i:]
	if len(list) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = list
	return list
}

// tooManySignIns is the 429 answer, with the wait in seconds.
func tooManySignIns(wait time.Duration) error {
	secs := int(wait.Seconds()) + 1
	return &httpError{Status: http.StatusTooManyRequests, Code: codeTooManyRequests,
		Extra: map[string]any{"retry_after": secs}}
}

// retryAfterHeader sets Retry-After for a 429 error.
func retryAfterHeader(h http.Header, he *httpError) {
	if secs, ok := he.Extra["retry_after"].(int); ok && he.Status == http.StatusTooManyRequests {
		h.Set("Retry-After", strconv.Itoa(secs))
	}
}
