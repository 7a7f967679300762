package main

// Tests that build the real binary and run it as a process: the smoke test of
// a bare `serve`, graceful shutdown, the CLI working on the data folder of a
// running server, the demo, and crash safety under kill -9.

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// hindsightBinary builds the command once per test run and returns its path.
// It builds with the test's own settings so the go tool reuses the packages
// the test binary was compiled from: only the link is new. No VCS stamping:
// git refuses to read a checkout owned by another user, which would fail the
// build on some CI machines.
func hindsightBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("SKIPPED: builds and runs the hindsight binary; not in -short mode")
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "hindsight-bin-")
		if buildErr != nil {
			return
		}
		binPath = filepath.Join(buildDir, "hindsight")
		cmd := exec.Command("go", "build", "-buildvcs=false", "-o", binPath, ".")
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// syncBuffer collects a process's output while tests read it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// server is a running `hindsight serve` process.
type server struct {
	t      *testing.T
	cmd    *exec.Cmd
	url    string
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	err    error // the process's exit, once done is closed
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	_ = ln.Close()
	return addr
}

// startServer runs the binary with args in dir and waits until /healthz
// answers. env entries are added to the environment; addr is where it listens.
func startServer(t *testing.T, dir, addr string, env []string, args ...string) *server {
	t.Helper()
	bin := hindsightBinary(t)
	s := &server{t: t, url: "http://" + addr, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(bin, args...)
	s.cmd.Dir = dir
	s.cmd.Env = append(cleanEnv(), env...)
	s.cmd.Stdout, s.cmd.Stderr = s.stdout, s.stderr
	if err := s.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { s.err = s.cmd.Wait(); close(s.done) }()
	t.Cleanup(func() { s.kill() })

	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := http.Get(s.url + "/healthz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return s
			}
		}
		select {
		case <-s.done:
			t.Fatalf("server exited before it was healthy: %v\nstdout:\n%s\nstderr:\n%s", s.err, s.stdout, s.stderr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not healthy after 60s\nstderr:\n%s", s.stderr)
		}
	}
}

// cleanEnv is the test's environment without HINDSIGHT_ settings, so a
// developer's own configuration cannot leak into the tests.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "HINDSIGHT_") {
			out = append(out, kv)
		}
	}
	return out
}

// kill ends the process with SIGKILL, as a power cut or the OOM killer would.
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	_ = syscall.Kill(s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
}

// stop sends SIGTERM and waits for a graceful exit.
func (s *server) stop(timeout time.Duration) error {
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-s.done:
		return s.err
	case <-time.After(timeout):
		s.kill()
		return fmt.Errorf("no exit within %v after SIGTERM", timeout)
	}
}

// runCLI runs one command of the binary to completion.
func runCLI(t *testing.T, stdin string, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(hindsightBinary(t), args...)
	cmd.Env = cleanEnv()
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("hindsight %s: %v\nstderr:\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// api sends one JSON request with a bearer token and returns status and body.
func api(client *http.Client, method, url, token, body string) (int, []byte, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, r)
	if err != nil {
		return 0, nil, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// The product binary never links the test-only FerretDB (nor the browser
// driver of the UI tests).
func TestBinaryHasNoFerretDB(t *testing.T) {
	bin := hindsightBinary(t)
	out, err := exec.Command("go", "version", "-m", bin).CombinedOutput()
	if err != nil {
		t.Fatalf("go version -m: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "modernc.org/sqlite") {
		t.Fatalf("go version -m shows no module list (sqlite missing?):\n%s", out)
	}
	for _, testOnly := range []string{"github.com/FerretDB", "github.com/chromedp"} {
		if strings.Contains(string(out), testOnly) {
			t.Fatalf("the hindsight binary links the test-only %s:\n%s", testOnly, out)
		}
	}
}

// `serve` with no flags, in an empty folder, creates ./data, answers
// /healthz, says how to create the first admin, and stops cleanly on SIGTERM.
func TestServeSmokeNoFlags(t *testing.T) {
	dir := t.TempDir()
	addr := freeAddr(t)
	// The address comes from the environment only because 127.0.0.1:8080 may be
	// taken on a developer's machine; no flag and no other setting is given.
	s := startServer(t, dir, addr, []string{"HINDSIGHT_ADDR=" + addr}, "serve")

	if fi, err := os.Stat(filepath.Join(dir, "data")); err != nil || !fi.IsDir() {
		t.Fatalf("./data was not created: %v", err)
	}
	res, err := http.Get(s.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %d", res.StatusCode)
	}
	if want := "hindsight user add --email you@example.com --role admin --password-stdin"; !strings.Contains(s.stdout.String(), want) {
		t.Fatalf("first start does not print %q:\n%s", want, s.stdout)
	}
	if err := s.stop(20 * time.Second); err != nil {
		t.Fatalf("graceful stop: %v\nstderr:\n%s", err, s.stderr)
	}
	if !strings.Contains(s.stderr.String(), "shutting down") {
		t.Fatalf("no shutdown log line:\n%s", s.stderr)
	}
}

// list is the envelope of the API's list answers.
type list[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

type incidentDoc struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type sectionDoc struct {
	Key      string `json:"key"`
	Body     string `json:"body"`
	Revision int64  `json:"revision"`
}

type rcaDoc struct {
	ID       string       `json:"id"`
	State    string       `json:"state"`
	Template string       `json:"template"`
	Sections []sectionDoc `json:"sections"`
}

func (r rcaDoc) section(key string) sectionDoc {
	for _, s := range r.Sections {
		if s.Key == key {
			return s
		}
	}
	return sectionDoc{}
}

func decode[T any](t *testing.T, b []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, b)
	}
	return v
}

// adminToken creates an admin with the CLI on data and returns a write token for it.
func adminToken(t *testing.T, data, email string) string {
	t.Helper()
	runCLI(t, "a long test password\n", "user", "add", "--data", data, "--email", email, "--role", "admin", "--password-stdin")
	out, _ := runCLI(t, "", "token", "create", "--data", data, "--email", email)
	return strings.TrimSpace(out)
}

// Crash safety: API writes acknowledged before a kill -9 are all there after
// a restart on the same data folder. The CLI creates the user and token on
// the folder of the running server, and the token works against it at once.
func TestCrashSafetyKill9(t *testing.T) {
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	token := adminToken(t, data, "crash@example.com")
	client := &http.Client{Timeout: 10 * time.Second}

	code, body, err := api(client, "POST", s.url+"/api/v1/rcas", token, `{"title":"Crash test","template":"standard"}`)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create rca with the CLI's token: %d %v\n%s", code, err, body)
	}
	rca := decode[rcaDoc](t, body)

	var (
		mu          sync.Mutex
		acked       []incidentDoc // incidents whose creation was answered 201
		inFlight    int           // incident creations sent but not answered when the server died
		sectionRev  = rca.section("summary").Revision
		sectionBody string
		saves       int
	)
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	var wg sync.WaitGroup
	writeIncidents := func(w int) {
		for i := 0; ctx.Err() == nil; i++ {
			title := fmt.Sprintf("crash write %d.%d", w, i)
			doc := fmt.Sprintf(`{"title":%q,"impact":"minor","status":"investigating","started_at":%q}`,
				title, time.Now().UTC().Format(time.RFC3339))
			mu.Lock()
			inFlight++
			mu.Unlock()
			code, body, err := api(client, "POST", s.url+"/api/v1/incidents", token, doc)
			if err != nil {
				return // the server is gone
			}
			if code != http.StatusCreated {
				t.Errorf("create incident: %d %s", code, body)
				return
			}
			var in incidentDoc
			if err := json.Unmarshal(body, &in); err != nil || in.ID == "" {
				t.Errorf("create incident answer: %v %s", err, body)
				return
			}
			mu.Lock()
			inFlight--
			acked = append(acked, in)
			mu.Unlock()
		}
	}
	for w := range 3 { // three clients creating incidents side by side
		wg.Go(func() { writeIncidents(w) })
	}
	wg.Go(func() { // section saves of one RCA, each on the revision the last one returned
		for i := 0; ctx.Err() == nil; i++ {
			mu.Lock()
			base := sectionRev
			mu.Unlock()
			text := fmt.Sprintf("Summary, save %d.", i)
			code, body, err := api(client, "PUT", s.url+"/api/v1/rcas/"+rca.ID+"/sections/summary", token,
				fmt.Sprintf(`{"body":%q,"base_revision":%d}`, text, base))
			if err != nil {
				return
			}
			if code != http.StatusOK {
				t.Errorf("save section: %d %s", code, body)
				return
			}
			var r rcaDoc
			if err := json.Unmarshal(body, &r); err != nil {
				t.Errorf("save section answer: %v", err)
				return
			}
			sec := r.section("summary")
			if sec.Body != text || sec.Revision != base+1 {
				t.Errorf("save %d answered body %q revision %d, want revision %d", i, sec.Body, sec.Revision, base+1)
				return
			}
			mu.Lock()
			sectionRev, sectionBody, saves = sec.Revision, sec.Body, saves+1
			mu.Unlock()
		}
	})

	// Let the writes stream, then pull the plug while they are in flight.
	deadline := time.Now().Add(60 * time.Second)
	for {
		mu.Lock()
		n, m := len(acked), saves
		mu.Unlock()
		if n >= 150 && m >= 40 {
			break
		}
		if time.Now().After(deadline) || t.Failed() {
			t.Fatalf("writes too slow or failing: %d incidents, %d section saves in 60s\n%s", n, m, s.stderr)
		}
		time.Sleep(20 * time.Millisecond)
	}
	s.kill()
	wg.Wait()
	stop()
	if t.Failed() {
		return
	}
	t.Logf("killed after %d acknowledged incidents and %d section saves", len(acked), saves)

	// Restart on the same folder: every acknowledged write is there.
	s2 := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	for _, in := range acked {
		code, body, err := api(client, "GET", s2.url+"/api/v1/incidents/"+in.ID, token, "")
		if err != nil || code != http.StatusOK {
			t.Fatalf("acknowledged incident %s (%q) lost after kill -9: %d %v", in.ID, in.Title, code, err)
		}
		if got := decode[incidentDoc](t, body); got.Title != in.Title {
			t.Fatalf("incident %s came back as %q, want %q", in.ID, got.Title, in.Title)
		}
	}
	code, body, err = api(client, "GET", s2.url+"/api/v1/incidents?limit=500", token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("list incidents: %d %v", code, err)
	}
	if total := decode[list[incidentDoc]](t, body).Total; total < len(acked) || total > len(acked)+inFlight {
		t.Fatalf("%d incidents stored, want %d acknowledged (+%d in flight at most)", total, len(acked), inFlight)
	}
	code, body, err = api(client, "GET", s2.url+"/api/v1/rcas/"+rca.ID, token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("get rca after restart: %d %v", code, err)
	}
	sec := decode[rcaDoc](t, body).section("summary")
	switch {
	case sec.Revision == sectionRev && sec.Body != sectionBody:
		t.Fatalf("section at acknowledged revision %d holds %q, want %q", sec.Revision, sec.Body, sectionBody)
	case sec.Revision < sectionRev || sec.Revision > sectionRev+1:
		t.Fatalf("section revision %d after restart, last acknowledged %d (one more may have been in flight)", sec.Revision, sectionRev)
	}
}

// `serve --demo` fills an empty store and prints a sign-in that works; on a
// store with data it declines politely and serves what is there.
func TestServeDemo(t *testing.T) {
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--demo", "--data", data, "--addr", addr)
	out := s.stdout.String()
	_, pw, ok := strings.Cut(out, "password: ")
	if !ok || !strings.Contains(out, "demo-admin@example.com") {
		t.Fatalf("no demo sign-in printed:\n%s", out)
	}
	pw, _, _ = strings.Cut(pw, "\n")
	pw = strings.TrimSpace(pw)

	// The printed password signs the demo admin in, and the UI says it is a demo.
	client := &http.Client{Timeout: 10 * time.Second}
	if page := signedInPage(t, s.url, "demo-admin@example.com", pw); !strings.Contains(page, "Demo mode") {
		t.Fatalf("the dashboard of a demo does not say so:\n%s", page)
	}

	out2, _ := runCLI(t, "", "token", "create", "--data", data, "--email", "demo-admin@example.com", "--scope", "read")
	token := strings.TrimSpace(out2)
	code, body, err := api(client, "GET", s.url+"/api/v1/rcas", token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("list rcas: %d %v", code, err)
	}
	rcas := decode[list[rcaDoc]](t, body)
	if rcas.Total != 3 {
		t.Fatalf("demo has %d RCAs, want 3", rcas.Total)
	}
	if err := s.stop(20 * time.Second); err != nil {
		t.Fatal(err)
	}

	s2 := startServer(t, t.TempDir(), addr, nil, "serve", "--demo", "--data", data, "--addr", addr)
	if !strings.Contains(s2.stdout.String(), "already holds data") || strings.Contains(s2.stdout.String(), "password: ") {
		t.Fatalf("second --demo start should decline:\n%s", s2.stdout)
	}
	if page := signedInPage(t, s2.url, "demo-admin@example.com", pw); !strings.Contains(page, "Demo mode") {
		t.Fatal("a restarted demo no longer says it is one")
	}
	code, body, err = api(client, "GET", s2.url+"/api/v1/rcas", token, "")
	if err != nil || code != http.StatusOK || decode[list[rcaDoc]](t, body).Total != 3 {
		t.Fatalf("after a declined demo: %d %v %s", code, err, body)
	}
}

// `serve` runs the publish worker: publishing an RCA delivers it to a
// webhook target without any other process.
func TestServeDeliversToWebhook(t *testing.T) {
	type hit struct {
		id   string
		body string
	}
	hits := make(chan hit, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		hits <- hit{r.Header.Get("Webhook-Id"), string(b)}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer hook.Close()

	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--demo", "--data", data, "--addr", addr)
	out, _ := runCLI(t, "", "token", "create", "--data", data, "--email", "demo-admin@example.com", "--scope", "admin")
	token := strings.TrimSpace(out)
	client := &http.Client{Timeout: 10 * time.Second}

	secret := "whsec_" + base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{7}, 32))
	code, body, err := api(client, "POST", s.url+"/api/v1/targets", token,
		fmt.Sprintf(`{"name":"Test hook","kind":"webhook","url":%q,"secret":%q,"enabled":true,"allow_private":true}`, hook.URL, secret))
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create target: %d %v\n%s", code, err, body)
	}
	code, body, err = api(client, "GET", s.url+"/api/v1/rcas?state=published", token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("list published: %d %v", code, err)
	}
	published := decode[list[rcaDoc]](t, body)
	if published.Total != 1 {
		t.Fatalf("demo has %d published RCAs, want 1", published.Total)
	}
	rca := published.Items[0]
	code, body, err = api(client, "POST", s.url+"/api/v1/rcas/"+rca.ID+"/publish", token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("publish: %d %v\n%s", code, err, body)
	}
	select {
	case h := <-hits:
		if h.id == "" || !strings.Contains(h.body, rca.ID) {
			t.Fatalf("webhook got id %q body %s", h.id, h.body)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("no webhook delivery within 30s\n%s", s.stderr)
	}
}

// The team deployment: `serve --mongodb-uri` (what docker-compose.yml sets
// through HINDSIGHT_MONGODB_URI) stores in MongoDB, here the in-process
// FerretDB or the server named by HINDSIGHT_TEST_MONGODB_URI.
func TestServeMongo(t *testing.T) {
	uri := mongotest.Start(t)
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, []string{"HINDSIGHT_MONGODB_URI=" + uri}, "serve", "--addr", addr)
	if !strings.Contains(s.stdout.String(), "--mongodb-uri") {
		t.Fatalf("the first-admin hint should name the MongoDB store:\n%s", s.stdout)
	}
	runCLI(t, "a long test password\n", "user", "add", "--mongodb-uri", uri, "--email", "team@example.com", "--role", "admin", "--password-stdin")
	out, _ := runCLI(t, "", "token", "create", "--mongodb-uri", uri, "--email", "team@example.com")
	token := strings.TrimSpace(out)
	client := &http.Client{Timeout: 10 * time.Second}
	code, body, err := api(client, "POST", s.url+"/api/v1/incidents", token,
		`{"title":"Stored in MongoDB","impact":"minor","status":"investigating","started_at":"2026-11-01T10:00:00Z"}`)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create incident: %d %v\n%s", code, err, body)
	}
	in := decode[incidentDoc](t, body)
	if err := s.stop(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	s2 := startServer(t, t.TempDir(), addr, []string{"HINDSIGHT_MONGODB_URI=" + uri}, "serve", "--addr", addr)
	code, body, err = api(client, "GET", s2.url+"/api/v1/incidents/"+in.ID, token, "")
	if err != nil || code != http.StatusOK || decode[incidentDoc](t, body).Title != "Stored in MongoDB" {
		t.Fatalf("after restart: %d %v %s", code, err, body)
	}
	code, _, err = api(client, "GET", s2.url+"/readyz", "", "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("/readyz on MongoDB: %d %v", code, err)
	}
}

// The CLI shares the data folder with a busy server: imports, exports and
// user commands succeed while API writes stream in, and neither side sees a
// "database is locked" error.
func TestCLIWhileServerWrites(t *testing.T) {
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--demo", "--data", data, "--addr", addr)
	token := adminToken(t, data, "busy@example.com")
	client := &http.Client{Timeout: 10 * time.Second}

	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var writes int
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			code, body, err := api(client, "POST", s.url+"/api/v1/incidents", token,
				fmt.Sprintf(`{"title":"busy %d","impact":"none","status":"investigating","started_at":"2026-11-01T10:00:00Z"}`, i))
			if err != nil || code != http.StatusCreated {
				t.Errorf("write %d during CLI use: %d %v %s", i, code, err, body)
				return
			}
			writes++
		}
	})

	doc := `{"incidents":[{"id":"sp-1","name":"Imported while busy","status":"resolved","impact":"minor",
	  "created_at":"2026-10-01T08:00:00Z","resolved_at":"2026-10-01T09:00:00Z",
	  "incident_updates":[{"id":"u1","status":"resolved","body":"Done.","created_at":"2026-10-01T09:00:00Z"}]}]}`
	file := filepath.Join(t.TempDir(), "incidents.json")
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		runCLI(t, "", "import", "statuspage", "--data", data, file)
		runCLI(t, "", "user", "list", "--data", data)
		runCLI(t, "", "export", "--data", data, "--all", "--format", "md", "--out", t.TempDir())
	}
	stop()
	wg.Wait()
	if writes == 0 {
		t.Fatal("no API write went through while the CLI ran")
	}
	code, body, err := api(client, "GET", s.url+"/api/v1/incidents?q=imported+while+busy", token, "")
	if err != nil || code != http.StatusOK {
		t.Fatalf("search: %d %v", code, err)
	}
	if got := decode[list[incidentDoc]](t, body); got.Total != 1 {
		t.Fatalf("the imported incident shows %d times through the server, want once", got.Total)
	}
	if strings.Contains(s.stderr.String(), "locked") || strings.Contains(s.stderr.String(), "SQLITE_BUSY") {
		t.Fatalf("the server logged lock errors:\n%s", s.stderr)
	}
}

// signedInPage signs in through the API and returns the dashboard's HTML.
func signedInPage(t *testing.T, base, email, password string) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Timeout: 10 * time.Second, Jar: jar}
	res, err := client.Post(base+"/api/v1/session", "application/json",
		strings.NewReader(fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("sign in as %s: %d %s", email, res.StatusCode, b)
	}
	res, err = client.Get(base + "/")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = res.Body.Close() }()
	b, _ = io.ReadAll(res.Body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("dashboard: %d", res.StatusCode)
	}
	return string(b)
}

// `serve --demo` on a store with real data adds nothing and does not call
// the real data a demo.
func TestServeDemoDeclinedOnRealData(t *testing.T) {
	data := t.TempDir()
	runCLI(t, "a real admin password\n", "user", "add", "--data", data, "--email", "real@example.com", "--role", "admin", "--password-stdin")
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--demo", "--data", data, "--addr", addr)
	if !strings.Contains(s.stdout.String(), "already holds data") {
		t.Fatalf("no polite refusal:\n%s", s.stdout)
	}
	if strings.Contains(s.stdout.String(), "user add") {
		t.Fatalf("a store with an admin needs no first-admin hint:\n%s", s.stdout)
	}
	if page := signedInPage(t, s.url, "real@example.com", "a real admin password"); strings.Contains(page, "Demo mode") {
		t.Fatal("real data is labelled as a demo")
	}
	out, _ := runCLI(t, "", "user", "list", "--data", data)
	if strings.Contains(out, "demo-admin@example.com") {
		t.Fatalf("demo users were added to real data:\n%s", out)
	}
}

// SIGTERM lets a request in progress finish: the server stops accepting,
// answers the request whose body is still arriving, and then exits 0.
func TestServeGracefulShutdownFinishesRequests(t *testing.T) {
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	token := adminToken(t, data, "graceful@example.com")

	body := `{"title":"Sent across a shutdown","impact":"minor","status":"investigating","started_at":"2026-11-01T10:00:00Z"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	head := fmt.Sprintf("POST /api/v1/incidents HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n", addr, token, len(body))
	half := len(body) / 2
	if _, err := io.WriteString(conn, head+body[:half]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server is now reading the body

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// Shutdown has begun once the log says so; new connections are refused.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(s.stderr.String(), "shutting down") {
		if time.Now().After(deadline) {
			t.Fatalf("no shutdown started:\n%s", s.stderr)
		}
		time.Sleep(10 * time.Millisecond)
	}
	select {
	case <-s.done:
		t.Fatal("the server exited with a request in progress")
	case <-time.After(300 * time.Millisecond):
	}

	if _, err := io.WriteString(conn, body[half:]); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer to the request in progress: %v", err)
	}
	b, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusCreated {
		t.Fatalf("request in progress answered %d: %s", res.StatusCode, b)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Fatalf("exit after graceful shutdown: %v\n%s", s.err, s.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the server did not exit after its last request")
	}

	// The write made during shutdown is stored.
	s2 := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	client := &http.Client{Timeout: 10 * time.Second}
	code, got, err := api(client, "GET", s2.url+"/api/v1/incidents?q=across+a+shutdown", token, "")
	if err != nil || code != http.StatusOK || decode[list[incidentDoc]](t, got).Total != 1 {
		t.Fatalf("the answered write is missing: %d %v %s", code, err, got)
	}
}
