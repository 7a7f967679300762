package web

// Helpers of the trust tests (outage, concurrency, soak): they drive the
// server over real HTTP, through httptest.NewServer, like a client would.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// trustAnswer is one HTTP answer with how long it took.
type trustAnswer struct {
	status int
	header http.Header
	body   []byte
	took   time.Duration
	err    error // no answer at all
}

// trustDo sends one request to base+path with a bearer token (when set) and
// a JSON body (when not nil), and reads the whole answer.
func trustDo(ctx context.Context, hc *http.Client, method, url, token string, body any) trustAnswer {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return trustAnswer{err: err}
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return trustAnswer{err: err}
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	start := time.Now()
	res, err := hc.Do(req)
	if err != nil {
		return trustAnswer{err: err, took: time.Since(start)}
	}
	defer func() { _ = res.Body.Close() }()
	b, err := io.ReadAll(res.Body)
	return trustAnswer{status: res.StatusCode, header: res.Header, body: b, took: time.Since(start), err: err}
}

// decodeInto decodes a JSON answer or fails the test.
func decodeInto[T any](t testing.TB, a trustAnswer) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(a.body, &v); err != nil {
		t.Fatalf("decode %T: %v; body %.500s", v, err, a.body)
	}
	return v
}

// openFerretStore starts an in-process FerretDB (or uses the MongoDB named by
// HINDSIGHT_TEST_MONGODB_URI) and opens the Mongo store on it.
func openFerretStore(t testing.TB) store.Store {
	t.Helper()
	uri := mongotest.Start(t)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := mongo.Open(ctx, uri)
	if err != nil {
		t.Fatalf("open mongo store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}
