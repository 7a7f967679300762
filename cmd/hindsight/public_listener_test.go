package main

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// getStatus answers the status code of GET url, or 0 when nothing answers.
func getStatus(url string) int {
	res, err := http.Get(url)
	if err != nil {
		return 0
	}
	_ = res.Body.Close()
	return res.StatusCode
}

// TestServePublicListener: with --public-addr (or HINDSIGHT_PUBLIC_ADDR)
// serve answers the status page on a second port, where the API and the UI
// are 404, while the main port serves both; cancelling stops both.
func TestServePublicListener(t *testing.T) {
	for _, viaEnv := range []bool{false, true} {
		name := "flag"
		if viaEnv {
			name = "env"
		}
		t.Run(name, func(t *testing.T) {
			addr, pubAddr := freeAddr(t), freeAddr(t)
			args := []string{"serve", "--addr", addr, "--data", t.TempDir(), "--log-format", "json"}
			env := map[string]string{}
			if viaEnv {
				env["HINDSIGHT_PUBLIC_ADDR"] = pubAddr
				env["HINDSIGHT_TRUSTED_PROXIES"] = "10.0.0.0/8, 192.0.2.1"
			} else {
				args = append(args, "--public-addr", pubAddr, "--trusted-proxies", "10.0.0.0/8")
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var out, errOut lockedBuffer
			code := make(chan int, 1)
			go func() {
				code <- run(ctx, args, strings.NewReader(""), &out, &errOut, func(k string) string { return env[k] })
			}()
			deadline := time.Now().Add(30 * time.Second)
			for getStatus("http://"+pubAddr+"/healthz") != 200 || getStatus("http://"+addr+"/readyz") != 200 {
				select {
				case c := <-code:
					t.Fatalf("serve exited early with %d:\n%s", c, errOut.String())
				case <-time.After(20 * time.Millisecond):
				}
				if time.Now().After(deadline) {
					t.Fatalf("not ready:\n%s", errOut.String())
				}
			}
			for _, tc := range []struct {
				base, path string
				want       int
			}{
				{pubAddr, "/status", 200},
				{pubAddr, "/api/v2/summary.json", 200},
				{pubAddr, "/status/feed.atom", 200},
				{pubAddr, "/api/v1/me", 404},
				{pubAddr, "/signin", 404},
				{pubAddr, "/metrics", 404},
				{pubAddr, "/readyz", 404},
				{addr, "/status", 200},
				{addr, "/api/v2/summary.json", 200},
				{addr, "/api/v1/me", 401},
				{addr, "/signin", 200},
			} {
				if got := getStatus("http://" + tc.base + tc.path); got != tc.want {
					t.Errorf("GET %s%s = %d, want %d", tc.base, tc.path, got, tc.want)
				}
			}
			cancel()
			select {
			case c := <-code:
				if c != 0 {
					t.Fatalf("exit %d after cancel:\n%s", c, errOut.String())
				}
			case <-time.After(20 * time.Second):
				t.Fatal("serve did not stop")
			}
			for _, a := range []string{addr, pubAddr} {
				if conn, err := net.Dial("tcp", a); err == nil {
					_ = conn.Close()
					t.Errorf("%s still accepts connections after shutdown", a)
				}
			}
			if !strings.Contains(errOut.String(), "public status page listening") {
				t.Errorf("no log line for the public listener:\n%s", errOut.String())
			}
		})
	}
}

func TestServePublicOptionErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = busy.Close() }()
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		exit int
		want string
	}{
		{"bad public address", []string{"--public-addr", "nonsense"}, nil, 2, "public-addr"},
		{"bad proxy", []string{"--trusted-proxies", "10.0.0.0/8,not-an-ip"}, nil, 2, `"not-an-ip" is not an IP address or CIDR`},
		{"bad proxy from env", nil, map[string]string{"HINDSIGHT_TRUSTED_PROXIES": "300.1.1.1"}, 2, "trusted-proxies"},
		{"public port in use", []string{"--public-addr", busy.Addr().String()}, nil, 1, "listen on public address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			data := t.TempDir() + "/data"
			args := append([]string{"serve", "--addr", freeAddr(t), "--data", data}, tc.args...)
			var out, errOut lockedBuffer
			c := run(ctx, args, strings.NewReader(""), &out, &errOut, func(k string) string { return tc.env[k] })
			if c != tc.exit || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("exit %d, stderr:\n%s\nwant exit %d and %q", c, errOut.String(), tc.exit, tc.want)
			}
		})
	}
}
