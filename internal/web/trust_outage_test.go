package web

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// outageBound is the longest any request may take while storage is down:
// clients must get an answer, not a hang.
const outageBound = 5 * time.Second

// outageProbe is one request sent while MongoDB is down, and what it must answer.
type outageProbe struct {
	name, method, path string
	body               any
	browser            bool // sent with the session cookie and Accept: text/html
	// kind: "api" wants a 503 JSON error with code unavailable; "page" a 503
	// HTML error page; "public" a 200 from the status page's cache, which
	// was filled seconds before the outage (the public page is what people
	// read during an incident: it must not go down with the database).
	kind string
}

// TestTrustMongoOutage stops MongoDB (in-process FerretDB) under a running
// web server. /readyz turns 503 within seconds; API requests answer a 503
// JSON error, browser pages a 503 error page, all within outageBound, also
// when many arrive at once; the public status page and its JSON keep
// answering from the page cache, also once it has expired; nothing is written. When MongoDB comes back on
// the same port and folder, the same server and store serve again, without
// a restart: reads, writes, pages and the browser session all work.
func TestTrustMongoOutage(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED: starts an in-process FerretDB; not in -short mode")
	}
	db := mongotest.StartServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := mongo.Open(ctx, db.URI())
	if err != nil {
		t.Fatalf("open mongo store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	e := newEnvWithStore(t, st)
	// The server's clock runs from now and can jump, to expire the status
	// page's cache during the outage.
	clock := &testClock{now: time.Now().UTC()}
	e.srv.clock = clock.Now
	inc := e.incident("Checkout errors")
	r := e.rca("Checkout errors", "standard", inc.ID)
	ts := httptest.NewServer(e.srv.Handler())
	defer ts.Close()
	token := e.tokens[domain.RoleAuthor]

	// A browser signed in before the outage.
	jar, _ := cookiejar.New(nil)
	browser := &http.Client{Jar: jar, Timeout: 2 * outageBound,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	signIn := trustDo(ctx, browser, "POST", ts.URL+"/api/v1/session", "",
		map[string]string{"email": e.users[domain.RoleAuthor].Email, "password": testPassword})
	if signIn.status != http.StatusOK {
		t.Fatalf("sign in: %d %s", signIn.status, signIn.body)
	}
	api := &http.Client{Timeout: 2 * outageBound}
	pagePath := "/rcas/" + r.ID
	if a := trustPage(ctx, browser, ts.URL+pagePath); a.status != http.StatusOK {
		t.Fatalf("page before the outage: %d", a.status)
	}
	for _, p := range []string{"/status", "/api/v2/summary.json"} {
		if a := trustDo(ctx, api, "GET", ts.URL+p, "", nil); a.status != http.StatusOK {
			t.Fatalf("%s before the outage: %d", p, a.status)
		}
	}
	was := e.snapshot()

	db.Stop()
	stopped := time.Now()
	for {
		a := trustDo(ctx, api, "GET", ts.URL+"/readyz", "", nil)
		if a.status == http.StatusServiceUnavailable {
			t.Logf("/readyz answered 503 %v after the stop", time.Since(stopped).Round(time.Millisecond))
			break
		}
		if time.Since(stopped) > outageBound {
			t.Fatalf("/readyz still %d %v %v after storage stopped", a.status, a.err, time.Since(stopped))
		}
		time.Sleep(100 * time.Millisecond)
	}

	// API probes carry the author's token, as automation sends it on every
	// request, also to /readyz and the sign-in.
	probes := []outageProbe{
		{name: "readyz", method: "GET", path: "/readyz", kind: "api"},
		{name: "read rca", method: "GET", path: "/api/v1/rcas/" + r.ID, kind: "api"},
		{name: "list rcas", method: "GET", path: "/api/v1/rcas?q=checkout", kind: "api"},
		{name: "save section", method: "PUT", path: "/api/v1/rcas/" + r.ID + "/sections/summary",
			body: map[string]any{"body": "Written during the outage.", "base_revision": 1}, kind: "api"},
		{name: "create incident", method: "POST", path: "/api/v1/incidents",
			body: map[string]any{"title": "During the outage", "started_at": time.Now().UTC()}, kind: "api"},
		{name: "export", method: "GET", path: "/api/v1/rcas/" + r.ID + "/export?format=pdf", kind: "api"},
		{name: "sign in", method: "POST", path: "/api/v1/session",
			body: map[string]string{"email": "author@example.com", "password": testPassword}, kind: "api"},
		{name: "rca page", method: "GET", path: pagePath, browser: true, kind: "page"},
		{name: "dashboard page", method: "GET", path: "/", browser: true, kind: "page"},
		{name: "status page", method: "GET", path: "/status", kind: "public"},
		{name: "summary.json", method: "GET", path: "/api/v2/summary.json", kind: "public"},
	}
	// Each probe three times, all at once: a burst must not queue behind
	// the unreachable store either.
	var wg sync.WaitGroup
	var mu sync.Mutex
	var slowest time.Duration
	for rep := range 3 {
		for _, p := range probes {
			wg.Go(func() {
				a := p.send(ctx, ts.URL, token, api, browser)
				mu.Lock()
				slowest = max(slowest, a.took)
				mu.Unlock()
				if err := p.check(a); err != nil {
					t.Errorf("%s (round %d): %v", p.name, rep, err)
				}
				if p.kind == "public" && rep == 0 {
					t.Logf("%s during the outage: %d in %v", p.name, a.status, a.took.Round(time.Millisecond))
				}
			})
		}
	}
	wg.Wait()
	t.Logf("%d requests during the outage, slowest answered in %v", 3*len(probes), slowest.Round(time.Millisecond))

	// Later in the outage the cached answers are past their time to live:
	// the public page still shows the last good answer rather than an error.
	clock.Advance(time.Hour)
	for _, p := range []string{"/status", "/api/v2/summary.json"} {
		a := trustDo(ctx, api, "GET", ts.URL+p, "", nil)
		if a.err != nil || a.status != http.StatusOK || a.took > outageBound {
			t.Errorf("%s with an expired cache during the outage: %d %v after %v, want the last good answer", p, a.status, a.err, a.took)
		} else {
			t.Logf("%s with an expired cache during the outage: 200 in %v", p, a.took.Round(time.Millisecond))
		}
	}

	db.Restart()
	restarted := time.Now()
	for {
		a := trustDo(ctx, api, "GET", ts.URL+"/readyz", "", nil)
		if a.status == http.StatusOK {
			t.Logf("/readyz answered 200 %v after storage came back", time.Since(restarted).Round(time.Millisecond))
			break
		}
		if time.Since(restarted) > 20*time.Second {
			t.Fatalf("/readyz still %d %v 20s after storage came back", a.status, a.err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if now := e.snapshot(); now != was {
		t.Fatal("requests during the outage changed the store")
	}
	// The same server and store work again: a write, the page with the
	// old session, the public page.
	a := trustDo(ctx, api, "PUT", ts.URL+"/api/v1/rcas/"+r.ID+"/sections/summary", token,
		map[string]any{"body": "Written after the outage.", "base_revision": 1})
	if a.status != http.StatusOK {
		t.Fatalf("save after recovery: %d %s", a.status, a.body)
	}
	if got := decodeInto[domain.RCA](t, a); got.Version != r.Version+1 {
		t.Fatalf("save after recovery made version %d, want %d", got.Version, r.Version+1)
	}
	if a := trustPage(ctx, browser, ts.URL+pagePath); a.status != http.StatusOK || !strings.Contains(string(a.body), "Written after the outage.") {
		t.Fatalf("page after recovery: %d", a.status)
	}
	if a := trustDo(ctx, api, "GET", ts.URL+"/api/v2/summary.json", "", nil); a.status != http.StatusOK {
		t.Fatalf("summary.json after recovery: %d", a.status)
	}
}

// trustPage gets a page as a browser would.
func trustPage(ctx context.Context, hc *http.Client, url string) trustAnswer {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return trustAnswer{err: err}
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	start := time.Now()
	res, err := hc.Do(req)
	if err != nil {
		return trustAnswer{err: err, took: time.Since(start)}
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	return trustAnswer{status: res.StatusCode, header: res.Header, body: b, took: time.Since(start), err: err}
}

func (p outageProbe) send(ctx context.Context, base, token string, api, browser *http.Client) trustAnswer {
	if p.browser {
		return trustPage(ctx, browser, base+p.path)
	}
	return trustDo(ctx, api, p.method, base+p.path, token, p.body)
}

// check says what is wrong with an answer during the outage, if anything.
func (p outageProbe) check(a trustAnswer) error {
	if a.err != nil {
		return fmt.Errorf("no answer after %v: %w", a.took, a.err)
	}
	if a.took > outageBound {
		return fmt.Errorf("answered %d only after %v (bound %v)", a.status, a.took, outageBound)
	}
	ct := a.header.Get("Content-Type")
	switch p.kind {
	case "public":
		if a.status != http.StatusOK || a.took > time.Second {
			return fmt.Errorf("status %d after %v, want 200 from the page cache at once: %.300s", a.status, a.took, a.body)
		}
		return nil
	case "api":
		if a.status != http.StatusServiceUnavailable {
			return fmt.Errorf("status %d, want 503: %.300s", a.status, a.body)
		}
		var body struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal(a.body, &body); err != nil || body.Error.Code != codeUnavailable || body.Error.Message == "" {
			return fmt.Errorf("want a JSON error with code %q and a message, got %q (%v): %.300s", codeUnavailable, ct, err, a.body)
		}
	case "page":
		if a.status != http.StatusServiceUnavailable || !strings.HasPrefix(ct, "text/html") {
			return fmt.Errorf("status %d %q, want a 503 HTML page: %.300s", a.status, ct, a.body)
		}
		body := string(a.body)
		if !strings.Contains(body, "Temporarily unavailable") || !strings.Contains(body, "The storage cannot be reached right now.") {
			return fmt.Errorf("the error page does not say storage is unavailable: %.1000s", body)
		}
	}
	return nil
}
