package web

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// TestSessionMaxAge: a session kept alive by daily use still ends
// sessionMaxAge after sign-in.
func TestSessionMaxAge(t *testing.T) {
	e := newEnv(t)
	cookie, _ := e.signInAPI("author@example.com")
	me := func() int {
		return e.serve(req{method: "GET", path: "/api/v1/me", cookies: []*http.Cookie{cookie}}).Code
	}
	used := time.Duration(0)
	for used+24*time.Hour < sessionMaxAge {
		e.clock.Advance(24 * time.Hour)
		used += 24 * time.Hour
		if code := me(); code != 200 {
			t.Fatalf("session used daily refused after %v: %d", used, code)
		}
	}
	e.clock.Advance(sessionMaxAge - used)
	if code := me(); code != 401 {
		t.Fatalf("session older than %v still works: %d", sessionMaxAge, code)
	}
	// It is gone from the store, not just refused.
	if code := me(); code != 401 {
		t.Fatalf("second try: %d", code)
	}
	if sessionMaxAge <= sessionTTL {
		t.Fatalf("sessionMaxAge %v must exceed the idle timeout %v", sessionMaxAge, sessionTTL)
	}
}

// TestPagePublishAuditsTheClientAddress: the Publish button calls the API
// in-process; the audit event still names the client behind the proxy.
func TestPagePublishAuditsTheClientAddress(t *testing.T) {
	e := auditEnv(t)
	_, r := approvedRCA(t, e)
	cookie, csrf := e.signInAPI("reviewer@example.com")
	form := url.Values{csrfField: {csrf}}
	w := e.serve(req{method: "POST", path: "/rcas/" + r.ID + "/publish", body: form.Encode(), cookies: []*http.Cookie{cookie},
		header: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "X-Forwarded-For": clientIP}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("publish button: %d %s", w.Code, w.Body)
	}
	wantAudit(t, e, "rca.publish", e.users["reviewer"].ID, "rca:"+r.ID)
}
