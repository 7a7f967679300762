package netguard

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestPublic(t *testing.T) {
	tests := []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true},
		{"2606:4700:4700::1111", true},
		{"127.0.0.1", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fc00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"100.64.0.1", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"224.0.0.1", false},
	}
	for _, tt := range tests {
		t.Run(tt.ip, func(t *testing.T) {
			if got := Public(netip.MustParseAddr(tt.ip)); got != tt.want {
				t.Errorf("Public(%s) = %v, want %v", tt.ip, got, tt.want)
			}
		})
	}
}

func TestCheckURL(t *testing.T) {
	tests := []struct {
		url          string
		allowPrivate bool
		ok           bool
	}{
		{"https://hooks.example.com/x", false, true},
		{"ftp://example.com", false, false},
		{"https://user:pw@example.com", false, false},
		{"https://", false, false},
		{"http://localhost:8080", false, false},
		{"http://127.0.0.1:9000", false, false},
		{"http://[::1]/", false, false},
		{"http://127.0.0.1:9000", true, true},
		{"not a url at all", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			err := CheckURL(tt.url, tt.allowPrivate)
			if (err == nil) != tt.ok {
				t.Errorf("CheckURL(%q, %v) = %v", tt.url, tt.allowPrivate, err)
			}
		})
	}
}

// TestClientRefusesLoopbackAtDial proves the check runs on the resolved
// address: "localhost" passes no URL filter here, the dialer refuses it.
func TestClientRefusesLoopbackAtDial(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) }))
	defer srv.Close()
	_, port, _ := splitPort(srv.URL)
	for _, u := range []string{srv.URL, "http://localhost:" + port + "/"} {
		resp, err := Client(false, 5*time.Second).Get(u)
		if err == nil {
			resp.Body.Close()
			t.Fatalf("GET %s: want refusal, got %d", u, resp.StatusCode)
		}
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("GET %s: error %v does not wrap ErrPrivateAddress", u, err)
		}
	}
	resp, err := Client(true, 5*time.Second).Get(srv.URL)
	if err != nil {
		t.Fatalf("allowPrivate client: %v", err)
	}
	resp.Body.Close()
}

func splitPort(u string) (string, string, error) {
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == ':' {
			return u[:i], u[i+1:], nil
		}
	}
	return u, "", nil
}
