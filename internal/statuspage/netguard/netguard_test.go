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
		// Issue 10, finding 9: ranges of the IANA special-purpose registries
		// that the first version let through.
		{"64:ff9b::7f00:1", false},   // NAT64 of 127.0.0.1
		{"64:ff9b::a00:1", false},    // NAT64 of 10.0.0.1
		{"64:ff9b::808:808", true},   // NAT64 of 8.8.8.8 is as public as 8.8.8.8
		{"2002:7f00:1::1", false},    // 6to4 of 127.0.0.1
		{"2002:a9fe:a9fe::1", false}, // 6to4 of 169.254.169.254
		{"2002:808:808::1", true},    // 6to4 of 8.8.8.8
		{"240.0.0.1", false},         // reserved
		{"255.255.255.255", false},
		{"192.0.2.1", false},          // TEST-NET-1
		{"198.51.100.7", false},       // TEST-NET-2
		{"203.0.113.9", false},        // TEST-NET-3
		{"192.88.99.1", false},        // 6to4 relay anycast
		{"192.0.0.8", false},          // IETF protocol assignments
		{"198.18.0.1", false},         // benchmarking
		{"2001:db8::1", false},        // documentation
		{"3fff::1", false},            // documentation (RFC 9637)
		{"2001::1", false},            // Teredo
		{"2001:2::1", false},          // benchmarking
		{"100::1", false},             // discard-only
		{"5f00::1", false},            // SRv6 SIDs
		{"fec0::1", false},            // site local
		{"ff02::1", false},            // multicast
		{"::7f00:1", false},           // IPv4-compatible
		{"4000::1", false},            // outside 2000::/3, unallocated
		{"64:ff9b:1::8.8.8.8", false}, // local-use NAT64
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
		{"http://[64:ff9b::7f00:1]/", false, false},
		{"http://[2002:7f00:1::1]/", false, false},
		{"http://240.0.0.1/", false, false},
		{"http://2130706433/", false, false}, // 127.0.0.1 as one number
		{"http://0x7f.1/", false, false},
		{"http://127.1/", false, false},
		{"http://8.8.8.8/", false, true},
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
			_ = resp.Body.Close()
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
	_ = resp.Body.Close()
}

func splitPort(u string) (string, string, error) {
	for i := len(u) - 1; i >= 0; i-- {
		if u[i] == ':' {
			return u[:i], u[i+1:], nil
		}
	}
	return u, "", nil
}
