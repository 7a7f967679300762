package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// switchHook is a webhook receiver that hangs (like a stuck partner) until
// it is switched to answering 204, and records the delivery ids it accepted.
type switchHook struct {
	*httptest.Server
	mu      sync.Mutex
	ok      bool
	release chan struct{}
	got     []string // Webhook-Id of accepted deliveries
	hung    int      // requests that arrived while hanging
}

func newSwitchHook(t *testing.T) *switchHook {
	h := &switchHook{release: make(chan struct{})}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h.mu.Lock()
		ok := h.ok
		if !ok {
			h.hung++
		}
		h.mu.Unlock()
		if !ok {
			select {
			case <-h.release:
			case <-r.Context().Done():
			}
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		h.mu.Lock()
		h.got = append(h.got, r.Header.Get("Webhook-Id"))
		h.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(h.Close)
	t.Cleanup(h.answer) // before Close: nothing left hanging
	return h
}

// answer switches the hook to accepting deliveries.
func (h *switchHook) answer() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.ok {
		h.ok = true
		close(h.release)
	}
}

func (h *switchHook) counts() (hung int, got []string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.hung, append([]string(nil), h.got...)
}

// TestTrustGracefulShutdown sends SIGTERM to the real binary while a request
// is in flight (a section save whose body is still arriving) and while the
// publish worker is stuck sending a delivery to a partner that does not
// answer. The in-flight save completes with 200 and is stored; the port
// refuses new connections at once; the process exits 0; both deliveries stay
// stored as pending and untouched; after a restart the worker sends them.
func TestTrustGracefulShutdown(t *testing.T) {
	hook := newSwitchHook(t)
	data := t.TempDir()
	addr := freeAddr(t)
	s := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	token := adminScopeToken(t, data, "shutdown@example.com")
	approver := adminScopeToken(t, data, "shutdown-approver@example.com")
	client := &http.Client{Timeout: 10 * time.Second}
	createWebhookTarget(t, client, s.url, token, hook.URL)

	// Two published RCAs: the worker hangs on the first delivery, the
	// second waits behind it.
	var published []publishedAck
	for i := range 2 {
		ack, ok, err := approveAndPublish(client, s.url, token, approver, i)
		if err != nil || !ok {
			t.Fatalf("publish %d: %v %v", i, ok, err)
		}
		published = append(published, ack)
	}
	waitFor(t, 20*time.Second, "the worker to reach the hanging partner", func() bool {
		hung, _ := hook.counts()
		return hung > 0
	})

	// The request in flight: headers and half the body sent, the rest held.
	code, body, err := api(client, "POST", s.url+"/api/v1/rcas", token, `{"title":"Saved during shutdown","template":"standard"}`)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("create rca: %d %v %s", code, err, body)
	}
	r := decode[trustRCA](t, body)
	text := "Written while the server was stopping."
	payload := fmt.Sprintf(`{"body":%q,"base_revision":%d}`, text, r.section("summary").Revision)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	if _, err := fmt.Fprintf(conn, "PUT /api/v1/rcas/%s/sections/summary HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"+
		"Content-Type: application/json\r\nContent-Length: %d\r\n\r\n%s", r.ID, addr, token, len(payload), payload[:10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the server has read the headers: the request is active

	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	// New connections are refused while the old one is still served.
	waitFor(t, 5*time.Second, "the port to refuse new connections", func() bool {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err != nil {
			return true
		}
		_ = c.Close()
		return false
	})
	t.Logf("new connections refused %v after SIGTERM", time.Since(signalled).Round(time.Millisecond))
	select {
	case <-s.done:
		t.Fatalf("the server exited with a request in flight: %v\n%s", s.err, s.stderr)
	default:
	}
	time.Sleep(500 * time.Millisecond) // the request stays in flight a while after the signal
	if _, err := io.WriteString(conn, payload[10:]); err != nil {
		t.Fatalf("finish the in-flight body: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the in-flight request got no answer: %v\n%s", err, s.stderr)
	}
	answer, _ := io.ReadAll(res.Body)
	_ = res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(answer), text) {
		t.Fatalf("in-flight save answered %d: %s", res.StatusCode, answer)
	}
	select {
	case <-s.done:
		if s.err != nil {
			t.Fatalf("exit after SIGTERM: %v\n%s", s.err, s.stderr)
		}
	case <-time.After(20 * time.Second):
		t.Fatalf("no exit within 20s of the last request\n%s", s.stderr)
	}
	t.Logf("exited %v after SIGTERM", time.Since(signalled).Round(time.Millisecond))

	// Stopped: the save is stored, and both deliveries are pending, untouched.
	ctx := context.Background()
	st, err := sqlite.Open(ctx, data)
	if err != nil {
		t.Fatal(err)
	}
	saved, err := st.GetRCA(ctx, r.ID)
	if err != nil || saved.Section("summary").Body != text {
		t.Fatalf("the save answered during shutdown is not stored: %v", err)
	}
	var pending []string
	for _, p := range published {
		ds, err := st.ListDeliveries(ctx, p.rcaID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ds) != 1 || ds[0].State != domain.DeliveryPending || ds[0].Attempts != 0 || ds[0].LastError != "" {
			t.Fatalf("rca %s: deliveries after shutdown %+v, want one pending and untouched", p.rcaID, ds)
		}
		pending = append(pending, ds[0].ID)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	// Restarted with the partner answering: the worker sends both.
	hook.answer()
	s2 := startServer(t, t.TempDir(), addr, nil, "serve", "--data", data, "--addr", addr)
	for _, p := range published {
		waitFor(t, 30*time.Second, "delivery of "+p.rcaID+" after restart", func() bool {
			code, body, err := api(client, "GET", s2.url+"/api/v1/rcas/"+p.rcaID+"/deliveries", token, "")
			if err != nil || code != http.StatusOK {
				return false
			}
			ds := decode[struct {
				Items []trustDelivery `json:"items"`
			}](t, body).Items
			return len(ds) == 1 && ds[0].State == "succeeded"
		})
	}
	_, got := hook.counts()
	for _, id := range pending {
		if !strings.Contains(strings.Join(got, " "), id) {
			t.Errorf("the partner never received delivery %s (got %v)", id, got)
		}
	}
}

// waitFor polls cond every 50 ms until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
