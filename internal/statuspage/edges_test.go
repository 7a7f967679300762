package statuspage

import (
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/templates"
)

// gateStore counts component reads and can hold the first one until
// released, then fail it with the caller's context error or panic.
type gateStore struct {
	store.Store
	calls   atomic.Int32
	hold    bool
	panics  bool
	entered chan struct{}
	release chan struct{}
}

func (g *gateStore) ListComponents(ctx context.Context) ([]domain.Component, error) {
	if g.calls.Add(1) == 1 && g.hold {
		close(g.entered)
		<-g.release
		if g.panics {
			panic("template exploded")
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return g.Store.ListComponents(ctx)
}

// edgeSite is the fixture's data served by a second Site through a gate.
func edgeSite(t *testing.T, cfg Config, g *gateStore) *Site {
	t.Helper()
	f := newSiteFixture(t)
	g.Store = f.st
	g.entered, g.release = make(chan struct{}), make(chan struct{})
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Now = func() time.Time { return siteNow }
	site, err := NewSite(g, cat, templates.FS, cfg, fakeRCAText, nil)
	if err != nil {
		t.Fatal(err)
	}
	return site
}

// serveSafe serves like net/http does: a panic ends that request only.
func serveSafe(h http.Handler, r *http.Request) (w *httptest.ResponseRecorder) {
	w = httptest.NewRecorder()
	defer func() {
		if recover() != nil {
			w.Code = -1
		}
	}()
	h.ServeHTTP(w, r)
	return w
}

// waiters starts n readers of path that join the render in progress, and
// returns their status codes once all answered (or fails after a minute:
// the old cache left them hanging forever).
func waiters(t *testing.T, site *Site, path string, n int, start func()) []int {
	t.Helper()
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { codes[i] = serveSafe(site.Handler(), httptest.NewRequest("GET", path, nil)).Code })
	}
	// Give the readers time to join the render in flight; the assertions
	// below do not depend on it, only on every reader answering.
	time.Sleep(100 * time.Millisecond)
	start()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("readers waiting on the shared render never got an answer")
	}
	return codes
}

// TestEdgesAbortedReaderFailsNoOne (issue 10, finding 1): the reader whose
// request started the shared render disconnects; everyone else waiting for
// that render still gets the page.
func TestEdgesAbortedReaderFailsNoOne(t *testing.T) {
	g := &gateStore{hold: true}
	site := edgeSite(t, Config{Name: "Lumen Cloud"}, g)
	ctx, cancel := context.WithCancel(context.Background())
	first := make(chan int, 1)
	go func() {
		first <- serveSafe(site.Handler(), httptest.NewRequest("GET", "/api/v2/components.json", nil).WithContext(ctx)).Code
	}()
	<-g.entered
	codes := waiters(t, site, "/api/v2/components.json", 4, func() {
		cancel() // the first reader is gone
		close(g.release)
	})
	<-first
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("reader %d: %d, want 200", i, c)
		}
	}
}

// TestEdgesRenderPanicReachesWaiters (issue 10, finding 1): a panic in the
// shared render answers every waiting reader with an error instead of
// leaving them hanging, and the next request renders afresh.
func TestEdgesRenderPanicReachesWaiters(t *testing.T) {
	g := &gateStore{hold: true, panics: true}
	site := edgeSite(t, Config{Name: "Lumen Cloud"}, g)
	first := make(chan int, 1)
	go func() {
		first <- serveSafe(site.Handler(), httptest.NewRequest("GET", "/api/v2/components.json", nil)).Code
	}()
	<-g.entered
	codes := waiters(t, site, "/api/v2/components.json", 4, func() { close(g.release) })
	codes = append(codes, <-first)
	for i, c := range codes {
		if c != http.StatusInternalServerError {
			t.Errorf("reader %d: %d, want 500", i, c)
		}
	}
	if w := serveSafe(site.Handler(), httptest.NewRequest("GET", "/api/v2/components.json", nil)); w.Code != 200 {
		t.Errorf("after the panic: %d", w.Code)
	}
}

// TestEdgesStatusCacheKeys (issue 10, finding 6): nothing a client chooses
// freely (Host, a month, a language) makes a new cache entry. With a base
// URL, other hosts get 421; without one, links are relative and every host
// shares one render.
func TestEdgesStatusCacheKeys(t *testing.T) {
	t.Run("configured base URL", func(t *testing.T) {
		g := &gateStore{}
		site := edgeSite(t, Config{Name: "Lumen Cloud", BaseURL: "https://status.lumen.example"}, g)
		for _, host := range []string{"evil.example", "random-123.lumen.example", "status.lumen.example.evil"} {
			r := httptest.NewRequest("GET", "/status", nil)
			r.Host = host
			if w := serveSafe(site.Handler(), r); w.Code != http.StatusMisdirectedRequest {
				t.Errorf("Host %s: %d, want 421", host, w.Code)
			}
		}
		if n := g.calls.Load(); n != 0 {
			t.Errorf("misdirected requests rendered %d times", n)
		}
		for _, host := range []string{"status.lumen.example", "STATUS.lumen.example:8443"} {
			r := httptest.NewRequest("GET", "/api/v2/summary.json", nil)
			r.Host = host
			w := serveSafe(site.Handler(), r)
			if w.Code != 200 || !strings.Contains(w.Body.String(), "https://status.lumen.example/status") {
				t.Errorf("Host %s: %d", host, w.Code)
			}
		}
	})
	t.Run("no base URL", func(t *testing.T) {
		g := &gateStore{}
		site := edgeSite(t, Config{Name: "Lumen Cloud"}, g)
		var bodies []string
		for _, host := range []string{"a.example", "b.example", "c.example:81"} {
			r := httptest.NewRequest("GET", "/api/v2/summary.json", nil)
			r.Host = host
			w := serveSafe(site.Handler(), r)
			if w.Code != 200 || strings.Contains(w.Body.String(), host) {
				t.Errorf("Host %s: %d, host in the answer: %v", host, w.Code, strings.Contains(w.Body.String(), host))
			}
			bodies = append(bodies, w.Body.String())
		}
		if n := g.calls.Load(); n != 1 || bodies[0] != bodies[1] || bodies[1] != bodies[2] {
			t.Errorf("three hosts rendered %d times (want 1 shared render)", n)
		}
	})
	t.Run("months and languages", func(t *testing.T) {
		g := &gateStore{}
		site := edgeSite(t, Config{Name: "Lumen Cloud"}, g)
		for _, p := range []string{"/status/history?month=2031-01", "/status/history?month=2024-13", "/status/history?month=1800-01",
			"/status/history?month=2024-9", "/status?lang=xx-evil", "/status/history?lang=zz", "/status/feed.atom?lang=qq-1",
			"/status/incidents/abc?lang=nope"} {
			if w := serveSafe(site.Handler(), httptest.NewRequest("GET", p, nil)); w.Code != http.StatusBadRequest {
				t.Errorf("%s: %d, want 400", p, w.Code)
			}
		}
		if n := g.calls.Load(); n != 0 {
			t.Errorf("refused requests rendered %d times", n)
		}
		for _, p := range []string{"/status/history?month=2024-09&lang=de", "/status/history?month=2024-08", "/status/feed.atom?lang=fr"} {
			if w := serveSafe(site.Handler(), httptest.NewRequest("GET", p, nil)); w.Code != http.StatusOK {
				t.Errorf("%s: %d, want 200", p, w.Code)
			}
		}
	})
	t.Run("vary", func(t *testing.T) {
		site := edgeSite(t, Config{Name: "Lumen Cloud"}, &gateStore{})
		for p, want := range map[string]string{
			"/status":                 "Accept-Encoding, Accept-Language",
			"/status?lang=de":         "Accept-Encoding, Accept-Language",
			"/api/v2/status.json":     "Accept-Encoding",
			"/api/v2/components.json": "Accept-Encoding",
			"/status/feed.atom":       "Accept-Encoding",
		} {
			w := serveSafe(site.Handler(), httptest.NewRequest("GET", p, nil))
			got := strings.Split(w.Header().Get("Vary"), ", ")
			slices.Sort(got)
			if strings.Join(got, ", ") != want {
				t.Errorf("%s: Vary %q, want %q", p, got, want)
			}
		}
	})
}

// BenchmarkEdgesRandomHosts reads /status with a new Host header each time
// and no base URL configured: every host shares the one cached render.
func BenchmarkEdgesRandomHosts(b *testing.B) {
	f := newSiteFixture(b)
	cat, _ := i18n.Load()
	site, err := NewSite(f.st, cat, templates.FS, Config{Name: "Lumen Cloud", Now: func() time.Time { return siteNow }}, fakeRCAText, nil)
	if err != nil {
		b.Fatal(err)
	}
	h := site.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		r := httptest.NewRequest("GET", "/status", nil)
		r.Host = "h" + strconv.Itoa(i) + ".example"
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		if w.Code != 200 {
			b.Fatal(w.Code)
		}
	}
}
