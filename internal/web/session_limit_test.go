package web

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

func TestSignInThrottle(t *testing.T) {
	e := newEnv(t)
	signIn := func(email, pw string) (int, string) {
		w := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": email, "password": pw}})
		return w.Code, w.Header().Get("Retry-After")
	}
	for i := range signInMaxPerEmail {
		if code, _ := signIn("author@example.com", "wrong password "+strconv.Itoa(i)); code != 401 {
			t.Fatalf("failure %d: %d", i, code)
		}
	}
	// Now even the right password waits, and the answer says how long.
	code, retry := signIn("author@example.com", testPassword)
	if code != 429 {
		t.Fatalf("after %d failures: %d, want 429", signInMaxPerEmail, code)
	}
	if secs, err := strconv.Atoi(retry); err != nil || secs < 1 || secs > int(signInWindow.Seconds())+1 {
		t.Fatalf("Retry-After %q", retry)
	}
	// Other accounts are not locked by it.
	if code, _ := signIn("viewer@example.com", testPassword); code != 200 {
		t.Fatalf("other account: %d", code)
	}
	// The window passes.
	e.clock.Advance(signInWindow)
	if code, _ := signIn("author@example.com", testPassword); code != 200 {
		t.Fatalf("after the window: %d", code)
	}
}

func TestSignInThrottlePerAddress(t *testing.T) {
	e := newEnv(t)
	// Known accounts with wrong passwords keep the test fast (cheap hashes);
	// spread so that no single email reaches its own limit.
	const accounts = signInMaxPerIP/(signInMaxPerEmail-1) + 1
	for i := range accounts {
		e.addUser(fmt.Sprintf("u%d@example.com", i), "viewer")
	}
	for i := range signInMaxPerIP {
		w := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": fmt.Sprintf("u%d@example.com", i%accounts), "password": "whatever pw"}})
		if w.Code != 401 {
			t.Fatalf("failure %d: %d", i, w.Code)
		}
	}
	w := e.serve(req{method: "POST", path: "/api/v1/session", body: map[string]any{"email": "viewer@example.com", "password": testPassword}})
	if w.Code != 429 {
		t.Fatalf("spraying address not throttled: %d", w.Code)
	}
}

func TestSignInLimiterBounded(t *testing.T) {
	l := newSignInLimiter()
	now := time.Now()
	for i := range signInLimiterLimit + 10 {
		l.fail(strconv.Itoa(i), now)
	}
	if n := len(l.failures); n > signInLimiterLimit {
		t.Fatalf("limiter holds %d keys", n)
	}
	// Old entries are swept before anything recent is forgotten.
	l = newSignInLimiter()
	for i := range signInLimiterLimit {
		l.fail("old"+strconv.Itoa(i), now.Add(-signInWindow))
	}
	l.fail("new", now)
	if len(l.failures) != 1 {
		t.Fatalf("expired keys kept: %d", len(l.failures))
	}
}
