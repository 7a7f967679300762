package web

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/auth"
	"github.com/hindsight-rca/hindsight/internal/demo"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/faulttest"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// EnvSoak turns the short soak of the normal suite into the long one:
// HINDSIGHT_SOAK=1 runs 60 s instead of 3 s.
const EnvSoak = "HINDSIGHT_SOAK"

// TestTrustSoakStatusAndExport loads the public status page, its JSON and
// the PDF and HTML exports from 32 clients over real HTTP on the demo data:
// no 5xx and no dropped connection, and the heap after the run (after GC)
// stays within 2x + 20 MiB of the heap after a warm-up.
func TestTrustSoakStatusAndExport(t *testing.T) {
	duration, warmup := 3*time.Second, time.Second
	if os.Getenv(EnvSoak) == "1" {
		duration, warmup = 60*time.Second, 5*time.Second
	}
	const clients = 32
	ctx := context.Background()
	st := openTestStore(t)
	if _, err := demo.Seed(ctx, st, time.Now()); err != nil {
		t.Fatalf("seed demo data: %v", err)
	}
	srv, err := New(Config{Version: "test", StatusPageName: "Soak status"}, st, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	token := soakToken(t, st)
	rcas, _, err := st.ListRCAs(ctx, store.RCAFilter{})
	if err != nil || len(rcas) == 0 {
		t.Fatalf("demo RCAs: %d %v", len(rcas), err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 60 * time.Second}

	type target struct {
		kind        string // for the per-kind figures
		path, token string
		want        string // a piece of the answer that proves it is the real thing
	}
	targets := []target{
		{kind: "status page", path: "/status", want: "Soak status"},
		{kind: "status page", path: "/status?lang=de", want: "Soak status"},
		{kind: "status json", path: "/api/v2/summary.json", want: `"components"`},
		{kind: "status json", path: "/api/v2/incidents.json", want: `"incidents"`},
	}
	for _, r := range rcas {
		targets = append(targets,
			target{kind: "export pdf", path: "/api/v1/rcas/" + r.ID + "/export?format=pdf", token: token, want: "%PDF-"},
			target{kind: "export html", path: "/api/v1/rcas/" + r.ID + "/export?format=html&lang=de&tz=Europe/Berlin", token: token, want: "<html"},
		)
	}

	kinds := map[string]*faulttest.Stats{}
	for _, tg := range targets {
		kinds[tg.kind] = faulttest.NewStats()
	}
	run := func(d time.Duration) *faulttest.Stats {
		stats := faulttest.NewStats()
		ctx, cancel := context.WithTimeout(ctx, d)
		defer cancel()
		faulttest.Run(ctx, clients, 0, func(ctx context.Context, _, _ int) {
			tg := targets[rand.IntN(len(targets))]
			// The request is not tied to ctx: the last ones finish normally.
			a := trustDo(context.Background(), hc, "GET", ts.URL+tg.path, tg.token, nil)
			stats.Record(a.status, a.took, a.err)
			kinds[tg.kind].Record(a.status, a.took, a.err)
			if a.err == nil && a.status == http.StatusOK && !strings.Contains(string(a.body), tg.want) {
				t.Errorf("GET %s: answer lacks %q", tg.path, tg.want)
			}
			if a.err == nil && a.status != http.StatusOK {
				t.Errorf("GET %s: %d %.300s", tg.path, a.status, a.body)
			}
		})
		return stats
	}

	warm := run(warmup)
	before := faulttest.HeapInuse()
	stats := run(duration)
	tr.CloseIdleConnections()
	after := faulttest.HeapInuse()
	t.Logf("warm-up %v: %v", warmup, warm)
	t.Logf("soak %v, %d clients: %v (%.0f req/s)", duration, clients, stats, float64(stats.Requests())/duration.Seconds())
	for _, k := range []string{"status page", "status json", "export pdf", "export html"} {
		t.Logf("  %s (warm-up included): %v", k, kinds[k])
	}
	t.Logf("heap in use after GC: %s after warm-up, %s after the soak", faulttest.MiB(before), faulttest.MiB(after))

	if n, errs := stats.TransportErrors(); n > 0 {
		t.Errorf("%d requests got no answer: %v", n, errs)
	}
	if n := stats.ServerErrors() + warm.ServerErrors(); n > 0 {
		t.Errorf("%d answers were 5xx", n)
	}
	if stats.Requests() < clients {
		t.Errorf("only %d requests in %v", stats.Requests(), duration)
	}
	if limit := 2*before + 20<<20; after > limit {
		t.Errorf("heap grew from %s to %s (limit %s): a leak?", faulttest.MiB(before), faulttest.MiB(after), faulttest.MiB(limit))
	}
}

// soakToken makes a read token for the demo admin.
func soakToken(t *testing.T, st store.Store) string {
	t.Helper()
	ctx := context.Background()
	u, err := st.GetUserByEmail(ctx, "demo-admin@example.com")
	if err != nil {
		t.Fatalf("demo admin: %v", err)
	}
	secret, hash := auth.NewToken()
	tok := domain.APIToken{UserID: u.ID, Name: "soak", Hash: hash, Scope: domain.ScopeRead}
	if err := st.CreateToken(ctx, &tok); err != nil {
		t.Fatal(err)
	}
	return secret
}
