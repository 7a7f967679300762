package web

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// Real-browser tests: Debian's chromium driven by chromedp against the real
// server on 127.0.0.1:0. One browser process serves every subtest; each
// user gets its own browser context (its own cookies and localStorage).

// findChromium returns the browser to drive. Without one the test skips
// loudly, except in CI (CI=true), where a missing browser is a failure.
func findChromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("HINDSIGHT_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "SKIPPING real-browser test: no chromium found (install Debian's chromium package, or set HINDSIGHT_CHROMIUM)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + "; CI=true makes this a failure")
		return ""
	}
	t.Skip(msg)
	return ""
}

// e2eServer is the real server on a loopback port, with a switch that
// makes it unreachable (connections are dropped) to test offline editing.
type e2eServer struct {
	url   string
	st    store.Store
	down  atomic.Bool
	users map[domain.Role]domain.User
}

func startE2EServer(t *testing.T) *e2eServer {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	logs := &uiLogWriter{t: t}
	srv, err := New(Config{Version: "e2e"}, st, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelError})))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e := &e2eServer{url: "http://" + ln.Addr().String(), st: st, users: map[domain.Role]domain.User{}}
	h := srv.Handler()
	hs := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.down.Load() {
			if hj, ok := w.(http.Hijacker); ok {
				if conn, _, err := hj.Hijack(); err == nil {
					_ = conn.Close()
					return
				}
			}
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		h.ServeHTTP(w, r)
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }() // returns http.ErrServerClosed on Close
	t.Cleanup(func() { _ = hs.Close() })
	t.Cleanup(logs.stop)
	env := &uiEnv{t: t, st: st}
	for _, role := range domain.Roles {
		e.users[role] = env.addUser(string(role)+"@example.com", strings.ToUpper(string(role[:1]))+string(role[1:])+" Person", role)
	}
	return e
}

// startBrowser starts one headless chromium with a fresh profile.
func startBrowser(t *testing.T, exe string) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(exe),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancelBrowser(); cancelAlloc() })
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium %s: %v", exe, err)
	}
	return browser
}

// tab opens a tab in a browser context of its own: separate cookies and storage.
func tab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab: %v", err)
	}
	return ctx
}

// do runs steps with a time limit and fails the test on error.
func do(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(c, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression and returns its value.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(c, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func signInBrowser(t *testing.T, ctx context.Context, base, email string) {
	t.Helper()
	do(t, ctx, "sign in as "+email,
		chromedp.Navigate(base+"/signin"),
		chromedp.WaitVisible(chromedp.CSS("#email")),
		chromedp.SendKeys(chromedp.CSS("#email"), email),
		chromedp.SendKeys(chromedp.CSS("#password"), uiPassword),
		chromedp.Click(chromedp.CSS(`form[action="/signin"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form[action="/signout"]`)),
	)
}

// failureShots saves screenshots of the given tabs when the test failed,
// into a folder that outlives the test, and prints where.
func failureShots(t *testing.T, base string, tabs map[string]context.Context) {
	t.Cleanup(func() {
		if !t.Failed() && os.Getenv("HINDSIGHT_E2E_SHOTS") == "" {
			return
		}
		dir := os.Getenv("HINDSIGHT_E2E_SHOTS")
		if dir == "" {
			dir = filepath.Join(os.TempDir(), "hindsight-e2e-failures", fmt.Sprintf("%s-%d", t.Name(), time.Now().Unix()))
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Logf("screenshots: %v", err)
			return
		}
		for name, ctx := range tabs {
			shoot(t, ctx, filepath.Join(dir, name+".png"))
			c, cancel := context.WithTimeout(ctx, 10*time.Second)
			_ = chromedp.Do(c, chromedp.Navigate(base+"/"))
			cancel()
			shoot(t, ctx, filepath.Join(dir, name+"-dashboard.png"))
		}
		t.Logf("browser screenshots saved in %s", dir)
	})
}

func shoot(t *testing.T, ctx context.Context, path string) {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		t.Logf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", path, err)
	}
}

// shootViewport saves what the viewport shows, as a user first sees the page.
func shootViewport(t *testing.T, ctx context.Context, path string) {
	c, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(c, chromedp.CaptureScreenshot())
	if err != nil {
		t.Logf("screenshot %s: %v", path, err)
		return
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Logf("screenshot %s: %v", path, err)
	}
}
