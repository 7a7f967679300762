package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// lockedBuffer is a bytes.Buffer safe to read while run writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// In-process serve: it answers, and cancelling its context (what SIGINT and
// SIGTERM do through signal.NotifyContext) shuts it down cleanly with exit 0.
func TestServeInProcessGracefulStop(t *testing.T) {
	addr := freeAddr(t)
	data := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errOut lockedBuffer
	code := make(chan int, 1)
	go func() {
		code <- run(ctx, []string{"serve", "--addr", addr, "--data", data, "--log-format", "json"}, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			_ = res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		select {
		case c := <-code:
			t.Fatalf("serve exited early with %d:\n%s", c, errOut.String())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("not ready:\n%s", errOut.String())
		}
	}
	cancel()
	select {
	case c := <-code:
		if c != 0 {
			t.Fatalf("exit %d after cancel:\n%s", c, errOut.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop after its context ended")
	}
	logs := errOut.String()
	for _, want := range []string{`"msg":"hindsight started"`, `"msg":"shutting down"`, `"msg":"stopped"`} {
		if !strings.Contains(logs, want) {
			t.Errorf("json logs lack %s:\n%s", want, logs)
		}
	}
	if _, err := net.Dial("tcp", addr); err == nil {
		t.Error("the port still accepts connections after shutdown")
	}
}

func TestServeStartFailures(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Close() }()
	file := filepath.Join(t.TempDir(), "not-a-folder")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	untouched := filepath.Join(t.TempDir(), "data")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"port in use", []string{"serve", "--demo", "--data", untouched, "--addr", busy.Addr().String()}, "listen on " + busy.Addr().String()},
		{"data folder is a file", []string{"serve", "--data", file, "--addr", freeAddr(t)}, "create data folder"},
		{"unreachable mongodb", []string{"serve", "--mongodb-uri", "mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=300&connectTimeoutMS=300", "--addr", freeAddr(t)}, "open mongodb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out, errOut lockedBuffer
			c := run(ctx, tt.args, strings.NewReader(""), &out, &errOut, func(string) string { return "" })
			if c != 1 || !strings.Contains(errOut.String(), tt.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant %q", c, errOut.String(), tt.want)
			}
		})
	}
	// A server that cannot take its port fails before it touches the store.
	if _, err := os.Stat(untouched); !os.IsNotExist(err) {
		t.Fatalf("the data folder was created by a server that could not listen: %v", err)
	}
}

// The first-admin hint names the data folder when it is not the default,
// so the printed command works as it is.
func TestFirstStartHintNamesFolder(t *testing.T) {
	for _, tt := range []struct {
		data, mongo, want string
	}{
		{"./data", "", "hindsight user add --email"},
		{"/srv/hindsight data", "", "hindsight --data '/srv/hindsight data' user add --email"},
		{"", "mongodb://db/x", "hindsight --mongodb-uri '<the same URI>' user add"},
	} {
		a := &app{cfg: configWith("127.0.0.1:8080", "")}
		a.cfg.DataDir, a.cfg.MongoDBURI = tt.data, tt.mongo
		if got := a.commandLine("user add --email"); !strings.HasPrefix(got, tt.want) {
			t.Errorf("data %q mongo %q: %q, want prefix %q", tt.data, tt.mongo, got, tt.want)
		}
	}
}

func TestHealthcheck(t *testing.T) {
	ok := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		_, _ = w.Write([]byte(`{"status":"ok"}`))
	}))
	defer ok.Close()
	sick := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusServiceUnavailable)
	}))
	defer sick.Close()
	_, okPort, _ := net.SplitHostPort(strings.TrimPrefix(ok.URL, "http://"))

	tests := []struct {
		name string
		env  map[string]string
		args []string
		code int
		want string
	}{
		{"healthy", nil, []string{"healthcheck", "--addr", strings.TrimPrefix(ok.URL, "http://")}, 0, "ok"},
		{"wildcard host asks loopback", nil, []string{"healthcheck", "--addr", "0.0.0.0:" + okPort}, 0, "ok"},
		{"address from the environment", map[string]string{"HINDSIGHT_ADDR": "0.0.0.0:" + okPort}, []string{"healthcheck"}, 0, "ok"},
		{"unhealthy answer", nil, []string{"healthcheck", "--addr", strings.TrimPrefix(sick.URL, "http://")}, 1, "503"},
		{"nothing listening", nil, []string{"healthcheck", "--addr", freeAddr(t), "--timeout", "2s"}, 1, "unhealthy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := cli(t, tt.env, "", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stdout+r.stderr, tt.want) {
				t.Fatalf("exit %d (want %d): %+v", r.code, tt.code, r)
			}
		})
	}
}
