package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// TestTrustServeMongoOutage runs the real binary on MongoDB (in-process
// FerretDB, which the test can stop and restart on the same port) and
// takes the database away twice: /readyz turns 503 within seconds and the
// API answers 503; when the database is back the same process serves
// writes again; and a SIGTERM while the database is down still stops the
// process cleanly and promptly.
func TestTrustServeMongoOutage(t *testing.T) {
	hindsightBinary(t) // skips in -short mode before FerretDB starts
	db := mongotest.StartServer(t)
	uri := db.URI()
	addr := freeAddr(t)
	env := []string{"HINDSIGHT_MONGODB_URI=" + uri}
	s := startServer(t, t.TempDir(), addr, env, "serve", "--addr", addr)
	runCLI(t, "a long test password\n", "user", "add", "--mongodb-uri", uri, "--email", "ops@example.com", "--role", "admin", "--password-stdin")
	out, _ := runCLI(t, "", "token", "create", "--mongodb-uri", uri, "--email", "ops@example.com")
	token := strings.TrimSpace(out)
	client := &http.Client{Timeout: 15 * time.Second}
	incident := `{"title":"Written around an outage","impact":"minor","status":"investigating","started_at":"2026-11-01T10:00:00Z"}`

	db.Stop()
	stopped := time.Now()
	waitFor(t, 5*time.Second, "/readyz to answer 503", func() bool {
		code, _, err := api(client, "GET", s.url+"/readyz", "", "")
		return err == nil && code == http.StatusServiceUnavailable
	})
	t.Logf("/readyz 503 %v after the database stopped", time.Since(stopped).Round(time.Millisecond))
	start := time.Now()
	code, body, err := api(client, "POST", s.url+"/api/v1/incidents", token, incident)
	if err != nil || code != http.StatusServiceUnavailable || !strings.Contains(string(body), `"unavailable"`) {
		t.Fatalf("write during the outage: %d %v %s", code, err, body)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Fatalf("write during the outage took %v to answer", took)
	}

	db.Restart()
	waitFor(t, 20*time.Second, "/readyz to answer 200 again", func() bool {
		code, _, err := api(client, "GET", s.url+"/readyz", "", "")
		return err == nil && code == http.StatusOK
	})
	code, body, err = api(client, "POST", s.url+"/api/v1/incidents", token, incident)
	if err != nil || code != http.StatusCreated {
		t.Fatalf("write after the database came back: %d %v %s", code, err, body)
	}

	db.Stop()
	signalled := time.Now()
	if err := s.stop(25 * time.Second); err != nil {
		t.Fatalf("stop while the database is down: %v\n%s", err, s.stderr)
	}
	t.Logf("stopped %v after SIGTERM with the database down", time.Since(signalled).Round(time.Millisecond))
	if took := time.Since(signalled); took > 20*time.Second {
		t.Fatalf("stopping with the database down took %v", took)
	}
}
