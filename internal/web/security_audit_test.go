package web

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// clientIP is the address every request of the audit tests comes from,
// forwarded by a trusted proxy: the log must name the client, not the proxy.
const clientIP = "198.51.100.23"

// auditEnv is an env behind a trusted proxy.
func auditEnv(t *testing.T) *env {
	return newEnv(t, func(c *Config) { c.TrustedProxies = []string{"192.0.2.0/24"} })
}

// doAs sends a request as role's admin-scope token from clientIP.
func (e *env) doAs(role domain.Role, method, path string, body any) int {
	e.t.Helper()
	return e.serve(req{method: method, path: path, token: e.tokens[role], body: body,
		header: map[string]string{"X-Forwarded-For": clientIP}}).Code
}

// auditEvents lists the events with action, newest first, from the store.
func auditEvents(t *testing.T, e *env, action string) []domain.AuditEvent {
	t.Helper()
	items, _, err := e.st.ListAudit(context.Background(), store.AuditFilter{Action: action, Page: store.Page{Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	var out []domain.AuditEvent
	for _, ev := range items {
		if ev.Action == action {
			out = append(out, ev)
		}
	}
	return out
}

// wantAudit checks that the newest event with action names actor, target
// and the client address, and has a time.
func wantAudit(t *testing.T, e *env, action, actor, target string) domain.AuditEvent {
	t.Helper()
	evs := auditEvents(t, e, action)
	if len(evs) == 0 {
		t.Fatalf("no %s event in the audit log", action)
	}
	ev := evs[0]
	if ev.Actor != actor || ev.Target != target || ev.IP != clientIP || ev.At.IsZero() {
		t.Fatalf("%s event %+v; want actor %q, target %q, ip %s", action, ev, actor, target, clientIP)
	}
	return ev
}

// TestAuditLogIsComplete performs every audited kind of action and finds
// its event: who, what, when and from where.
func TestAuditLogIsComplete(t *testing.T) {
	e := auditEnv(t)
	admin, author, reviewer, viewer := e.users["admin"], e.users["author"], e.users["reviewer"], e.users["viewer"]
	fwd := map[string]string{"X-Forwarded-For": clientIP}

	t.Run("sign-in success and failure, sign-out", func(t *testing.T) {
		w := e.serve(req{method: "POST", path: "/api/v1/session", header: fwd,
			body: map[string]any{"email": author.Email, "password": testPassword}})
		if w.Code != 200 {
			t.Fatalf("sign in: %d", w.Code)
		}
		wantAudit(t, e, "user.signin", author.ID, "user:"+author.ID)
		cookie := sessionCookieOf(t, w)
		var out struct {
			CSRF string `json:"csrf_token"`
		}
		_ = jsonUnmarshal(w.Body.Bytes(), &out)

		if w := e.serve(req{method: "POST", path: "/api/v1/session", header: fwd,
			body: map[string]any{"email": viewer.Email, "password": "not the password"}}); w.Code != 401 {
			t.Fatalf("wrong password: %d", w.Code)
		}
		wantAudit(t, e, "user.signin_failed", viewer.ID, "user:"+viewer.ID)
		if w := e.serve(req{method: "POST", path: "/api/v1/session", header: fwd,
			body: map[string]any{"email": "nobody@example.com", "password": "not the password"}}); w.Code != 401 {
			t.Fatalf("unknown email: %d", w.Code)
		}
		wantAudit(t, e, "user.signin_failed", "", "email:nobody@example.com")

		h := map[string]string{"X-Forwarded-For": clientIP, csrfHeader: out.CSRF}
		if w := e.serve(req{method: "DELETE", path: "/api/v1/session", header: h, cookies: []*http.Cookie{cookie}}); w.Code != 204 {
			t.Fatalf("sign out: %d %s", w.Code, w.Body)
		}
		wantAudit(t, e, "user.signout", author.ID, "user:"+author.ID)

		// The sign-in page too.
		form := url.Values{"email": {reviewer.Email}, "password": {testPassword}, "next": {"/"}}
		if w := e.serve(req{method: "POST", path: "/signin", body: form.Encode(), header: map[string]string{
			"X-Forwarded-For": clientIP, "Content-Type": "application/x-www-form-urlencoded"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("page sign in: %d", w.Code)
		}
		wantAudit(t, e, "user.signin", reviewer.ID, "user:"+reviewer.ID)
	})

	inc, r := approvedRCA(t, e)
	_ = inc
	t.Run("state change, publish, unpublish", func(t *testing.T) {
		draft := e.rca("Another", "standard")
		if code := e.doAs("author", "POST", "/api/v1/rcas/"+draft.ID+"/state", map[string]any{"to": "in_review", "override_reason": "test: an unfinished draft"}); code != 200 {
			t.Fatalf("state: %d", code)
		}
		ev := wantAudit(t, e, "rca.state", author.ID, "rca:"+draft.ID)
		if ev.Detail["from"] != "draft" || ev.Detail["to"] != "in_review" {
			t.Fatalf("state detail %v", ev.Detail)
		}
		if code := e.doAs("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/publish", nil); code != 200 {
			t.Fatalf("publish: %d", code)
		}
		wantAudit(t, e, "rca.publish", reviewer.ID, "rca:"+r.ID)
		if code := e.doAs("reviewer", "POST", "/api/v1/rcas/"+r.ID+"/unpublish", map[string]any{"comment": "wrong numbers"}); code != 200 {
			t.Fatalf("unpublish: %d", code)
		}
		wantAudit(t, e, "rca.unpublish", reviewer.ID, "rca:"+r.ID)
	})

	t.Run("incident created and its status changed, API and page", func(t *testing.T) {
		var in domain.Incident
		w := e.serve(req{method: "POST", path: "/api/v1/incidents", token: e.tokens["author"], header: fwd,
			body: map[string]any{"title": "Login errors", "impact": "minor", "status": "investigating", "started_at": e.clock.Now().Add(-time.Hour)}})
		if w.Code != 201 || jsonUnmarshal(w.Body.Bytes(), &in) != nil {
			t.Fatalf("create incident: %d %s", w.Code, w.Body)
		}
		if ev := wantAudit(t, e, "incident.create", author.ID, "incident:"+in.ID); ev.Detail["status"] != "investigating" {
			t.Fatalf("incident.create detail %v", ev.Detail)
		}
		if code := e.doAs("author", "POST", "/api/v1/incidents/"+in.ID+"/updates", map[string]any{"status": "identified", "body": "A bad deploy."}); code != 201 {
			t.Fatalf("add update: %d", code)
		}
		if ev := wantAudit(t, e, "incident.update", author.ID, "incident:"+in.ID); ev.Detail["status"] != "investigating -> identified" || ev.Detail["updates"] != "1 added" {
			t.Fatalf("incident.update detail %v", ev.Detail)
		}
		cur, err := e.st.GetIncident(context.Background(), in.ID)
		if err != nil {
			t.Fatal(err)
		}
		if code := e.doAs("author", "PUT", "/api/v1/incidents/"+in.ID, map[string]any{"title": cur.Title, "impact": "major",
			"status": cur.Status, "started_at": cur.StartedAt, "updates": cur.Updates, "version": cur.Version}); code != 200 {
			t.Fatalf("replace: %d", code)
		}
		if ev := wantAudit(t, e, "incident.update", author.ID, "incident:"+in.ID); ev.Detail["impact"] != "minor -> major" {
			t.Fatalf("replace detail %v", ev.Detail)
		}
		cookie, csrf := e.signInAPI(author.Email)
		form := url.Values{"status": {"resolved"}, "body": {"Fixed."}, "tz": {"UTC"}, csrfField: {csrf}}
		if w := e.serve(req{method: "POST", path: "/incidents/" + in.ID + "/updates", body: form.Encode(), cookies: []*http.Cookie{cookie},
			header: map[string]string{"X-Forwarded-For": clientIP, "Content-Type": "application/x-www-form-urlencoded"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("page update: %d %s", w.Code, w.Body)
		}
		if ev := wantAudit(t, e, "incident.update", author.ID, "incident:"+in.ID); ev.Detail["status"] != "identified -> resolved" {
			t.Fatalf("page update detail %v", ev.Detail)
		}
	})

	t.Run("export", func(t *testing.T) {
		if code := e.doAs("viewer", "GET", "/api/v1/rcas/"+r.ID+"/export?format=md&lang=de", nil); code != 200 {
			t.Fatalf("export: %d", code)
		}
		ev := wantAudit(t, e, "rca.export", viewer.ID, "rca:"+r.ID)
		if ev.Detail["format"] != "md" || ev.Detail["lang"] != "de" || ev.Detail["audience"] != "external" {
			t.Fatalf("export detail %v", ev.Detail)
		}
		if code := e.doAs("viewer", "GET", "/rcas/"+r.ID+"/report?lang=fr", nil); code != 200 {
			t.Fatalf("report preview: %d", code)
		}
		ev = wantAudit(t, e, "rca.export", viewer.ID, "rca:"+r.ID)
		if ev.Detail["via"] != "preview" || ev.Detail["lang"] != "fr" {
			t.Fatalf("preview detail %v", ev.Detail)
		}
	})

	t.Run("role change, API and page", func(t *testing.T) {
		if code := e.doAs("admin", "PUT", "/api/v1/users/"+viewer.ID, map[string]any{"role": "author"}); code != 200 {
			t.Fatalf("role change: %d", code)
		}
		if ev := wantAudit(t, e, "user.update", admin.ID, "user:"+viewer.ID); ev.Detail["role"] != "viewer -> author" {
			t.Fatalf("role detail %v", ev.Detail)
		}
		cookie, csrf := e.signInAPI(admin.Email)
		form := url.Values{"name": {"Viewer Again"}, "role": {"viewer"}, csrfField: {csrf}}
		if w := e.serve(req{method: "POST", path: "/admin/users/" + viewer.ID, body: form.Encode(), cookies: []*http.Cookie{cookie},
			header: map[string]string{"X-Forwarded-For": clientIP, "Content-Type": "application/x-www-form-urlencoded"}}); w.Code != http.StatusSeeOther {
			t.Fatalf("page role change: %d %s", w.Code, w.Body)
		}
		if ev := wantAudit(t, e, "user.update", admin.ID, "user:"+viewer.ID); ev.Detail["role"] != "author -> viewer" {
			t.Fatalf("page role detail %v", ev.Detail)
		}
	})

	t.Run("token create, use, revoke", func(t *testing.T) {
		var made tokenCreated
		w := e.serve(req{method: "POST", path: "/api/v1/tokens", token: e.tokens["author"], header: fwd,
			body: map[string]any{"name": "ci", "scope": "read"}})
		if w.Code != 201 || jsonUnmarshal(w.Body.Bytes(), &made) != nil {
			t.Fatalf("create token: %d %s", w.Code, w.Body)
		}
		if ev := wantAudit(t, e, "token.create", author.ID, "token:"+made.Token.ID); ev.Detail["scope"] != "read" || ev.Detail["name"] != "ci" {
			t.Fatalf("token.create detail %v", ev.Detail)
		}
		use := func() int {
			t.Helper()
			w := e.serve(req{method: "GET", path: "/api/v1/rcas", token: made.Secret, header: fwd})
			if w.Code != 200 {
				t.Fatalf("use token: %d", w.Code)
			}
			n := 0
			for _, ev := range auditEvents(t, e, "token.use") {
				if ev.Target == "token:"+made.Token.ID {
					n++
				}
			}
			return n
		}
		if n := use(); n != 1 {
			t.Fatalf("%d token.use events after the first use, want 1", n)
		}
		ev := wantAudit(t, e, "token.use", author.ID, "token:"+made.Token.ID)
		if ev.Detail["request"] != "GET /api/v1/rcas" {
			t.Fatalf("token.use detail %v", ev.Detail)
		}
		for range 5 {
			if n := use(); n != 1 {
				t.Fatalf("%d token.use events within a minute, want 1 (throttled)", n)
			}
		}
		e.clock.Advance(tokenUseEvery + time.Second)
		if n := use(); n != 2 {
			t.Fatalf("%d token.use events after a minute, want 2", n)
		}
		if code := e.doAs("author", "DELETE", "/api/v1/tokens/"+made.Token.ID, nil); code != 204 {
			t.Fatalf("revoke: %d", code)
		}
		wantAudit(t, e, "token.revoke", author.ID, "token:"+made.Token.ID)
	})
}

func TestUseThrottle(t *testing.T) {
	th := newUseThrottle(time.Minute)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	steps := []struct {
		key  string
		at   time.Duration
		want bool
	}{
		{"a", 0, true}, {"a", time.Second, false}, {"b", time.Second, true}, {"a", 59 * time.Second, false},
		{"a", time.Minute, true}, {"a", time.Minute + time.Second, false}, {"b", 2 * time.Minute, true},
	}
	for i, s := range steps {
		if got := th.allow(s.key, t0.Add(s.at)); got != s.want {
			t.Fatalf("step %d (%s at %v): %v, want %v", i, s.key, s.at, got, s.want)
		}
	}
	// A clock that steps back does not silence a token for good.
	if !th.allow("a", t0.Add(-time.Hour)) {
		t.Fatal("a clock step backwards blocks the key")
	}
	// The map stays bounded: stale keys are swept.
	for i := range 3 * maxThrottleKeys {
		th.allow(string(rune('A'+i%26))+time.Duration(i).String(), t0.Add(time.Duration(i)*time.Minute))
	}
	if len(th.last) > maxThrottleKeys+1 {
		t.Fatalf("%d keys kept", len(th.last))
	}
}

// TestTokenUseAuditedOnceUnderConcurrency: a burst of parallel requests
// with one token writes one token.use event.
func TestTokenUseAuditedOnceUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	secret := e.addToken(e.users["author"], domain.ScopeRead, nil)
	const n = 24
	codes := make(chan int, n)
	for range n {
		go func() { codes <- e.serve(req{method: "GET", path: "/api/v1/me", token: secret}).Code }()
	}
	for range n {
		if code := <-codes; code != 200 {
			t.Fatalf("request: %d", code)
		}
	}
	toks, err := e.st.ListTokens(context.Background(), e.users["author"].ID)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, tk := range toks {
		if tk.Scope == domain.ScopeRead {
			id = tk.ID
		}
	}
	uses := 0
	for _, ev := range auditEvents(t, e, "token.use") {
		if ev.Target == "token:"+id {
			uses++
		}
	}
	if uses != 1 {
		t.Fatalf("%d token.use events for a burst of %d requests, want 1", uses, n)
	}
}

func BenchmarkTokenUseThrottle(b *testing.B) {
	th := newUseThrottle(time.Minute)
	now := time.Now()
	for b.Loop() {
		th.allow("token-id", now)
	}
}
