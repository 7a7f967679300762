// Package mongotest gives tests a MongoDB wire-protocol server: an in-process
// FerretDB (SQLite handler, temporary folder) by default, or the real MongoDB
// named by HINDSIGHT_TEST_MONGODB_URI. It imports FerretDB, so only test code
// may import it; the product binary never links it.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EnvURI names the environment variable that points the tests at a real
// MongoDB instead of the in-process FerretDB.
const EnvURI = "HINDSIGHT_TEST_MONGODB_URI"

// Start returns the URI of a fresh, empty database for t. With EnvURI set it
// is a new randomly named database on that server, dropped when t ends;
// otherwise an in-process FerretDB in a temporary folder, stopped when t ends.
func Start(t testing.TB) string {
	t.Helper()
	if base := os.Getenv(EnvURI); base != "" {
		return externalDatabase(t, base)
	}
	return StartServer(t).URI()
}

// Server is an in-process FerretDB that a test can stop and restart on the
// same address and data folder, to simulate a storage outage.
//
// Clients reach FerretDB through a small TCP relay owned by the Server, so
// that Stop can cut every connection at once, as a crash or a network
// failure would. (FerretDB itself lets open connections finish their work
// for three more seconds when it is stopped.)
type Server struct {
	t    testing.TB
	dir  string
	addr string // the relay's host:port, fixed after the first start

	mu     sync.Mutex
	ln     net.Listener // nil while stopped
	conns  map[net.Conn]struct{}
	stopDB func()
	relays sync.WaitGroup
}

// StartServer starts an in-process FerretDB for t and stops it when t ends.
// It always uses FerretDB, even when EnvURI is set, because only an
// in-process server can be stopped and restarted by the test.
func StartServer(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, dir: t.TempDir(), addr: "127.0.0.1:0"}
	if err := s.start(); err != nil {
		t.Fatalf("mongotest: start ferretdb: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// StartServerIn is StartServer with its data in dir, which outlives t: a
// benchmark seeds a large store once and reuses it (area "scalesql").
func StartServerIn(t testing.TB, dir string) *Server {
	t.Helper()
	s := &Server{t: t, dir: dir, addr: "127.0.0.1:0"}
	if err := s.start(); err != nil {
		t.Fatalf("mongotest: start ferretdb in %s: %v", dir, err)
	}
	t.Cleanup(s.Stop)
	return s
}

// URI is the server's MongoDB URI, with no database in its path (the store
// then uses its default database name).
func (s *Server) URI() string { return "mongodb://" + s.addr + "/" }

// Stop closes every client connection and the listening port at once, then
// shuts FerretDB down. Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	if s.ln == nil {
		s.mu.Unlock()
		return
	}
	_ = s.ln.Close()
	for c := range s.conns {
		_ = c.Close()
	}
	s.ln, s.conns = nil, nil
	stopDB := s.stopDB
	s.mu.Unlock()

	s.relays.Wait()
	stopDB()
}

// Restart starts a stopped server again on the same address and folder, so
// the data written before Stop is still there. Restarting a running server
// does nothing.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	running := s.ln != nil
	s.mu.Unlock()
	if running {
		return
	}
	// The port was just released; another process could grab it in between,
	// so retry briefly before giving up.
	var err error
	for range 50 {
		if err = s.start(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	s.t.Fatalf("mongotest: restart on %s: %v", s.addr, err)
}

func (s *Server) start() error {
	backend, stopDB, err := runFerretDB(s.dir)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		stopDB()
		return err
	}
	s.mu.Lock()
	s.addr = ln.Addr().String()
	s.ln, s.conns, s.stopDB = ln, map[net.Conn]struct{}{}, stopDB
	s.mu.Unlock()
	s.relays.Add(1)
	go s.accept(ln, backend)
	return nil
}

// accept relays each client connection to FerretDB until ln is closed.
func (s *Server) accept(ln net.Listener, backend string) {
	defer s.relays.Done()
	for {
		client, err := ln.Accept()
		if err != nil {
			return // closed by Stop
		}
		server, err := net.Dial("tcp", backend)
		if err != nil {
			_ = client.Close()
			continue
		}
		if !s.track(ln, client, server) {
			return
		}
		s.relays.Add(2)
		go s.pipe(server, client)
		go s.pipe(client, server)
	}
}

// track registers a relayed pair so Stop can close it; false (and both
// closed) when Stop came first.
func (s *Server) track(ln net.Listener, a, b net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != ln {
		_ = a.Close()
		_ = b.Close()
		return false
	}
	s.conns[a], s.conns[b] = struct{}{}, struct{}{}
	return true
}

// pipe copies src to dst; when either side ends, both are closed.
func (s *Server) pipe(dst, src net.Conn) {
	defer s.relays.Done()
	_, _ = io.Copy(dst, src)
	_ = dst.Close()
	_ = src.Close()
	s.mu.Lock()
	delete(s.conns, dst)
	delete(s.conns, src)
	s.mu.Unlock()
}

// runFerretDB starts FerretDB on a free loopback port with its data in dir,
// and returns its address and a function that stops it and waits.
func runFerretDB(dir string) (addr string, stop func(), err error) {
	f, err := newFerretDB(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	stop = func() {
		cancel()
		<-done
	}
	u, err := url.Parse(f.MongoDBURI()) // blocks until the listener is up
	if err != nil {
		stop()
		return "", nil, err
	}
	return u.Host, stop, nil
}

// newMu serializes ferretdb.New, which writes package-level state (its
// version info) and would race when parallel tests start servers.
var newMu sync.Mutex

func newFerretDB(c *ferretdb.Config) (*ferretdb.FerretDB, error) {
	newMu.Lock()
	defer newMu.Unlock()
	return ferretdb.New(c)
}

// externalDatabase returns base with a fresh random database name as its
// path, and drops that database when t ends.
func externalDatabase(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "hindsight_test_" + hex.EncodeToString(b[:])
	uri, err := withDatabase(base, db)
	if err != nil {
		t.Fatalf("mongotest: %s: %v", EnvURI, err)
	}
	t.Cleanup(func() {
		if err := dropDatabase(uri, db); err != nil {
			t.Errorf("mongotest: drop %s: %v", db, err)
		}
	})
	return uri
}

// withDatabase returns the MongoDB URI uri with db as its database. A URI
// may list several hosts, which net/url cannot parse, so it is split by
// hand. The path of a URI with credentials is also where they are checked
// unless authSource says otherwise: authSource is then pinned to the old
// path (or "admin") so that changing the path does not break the login.
func withDatabase(uri, db string) (string, error) {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok || (scheme != "mongodb" && scheme != "mongodb+srv") {
		return "", fmt.Errorf("%q is not a mongodb:// or mongodb+srv:// URI", uri)
	}
	hosts, pathQuery, _ := strings.Cut(rest, "/")
	if hosts == "" {
		return "", fmt.Errorf("%q names no host", uri)
	}
	oldDB, rawQuery, _ := strings.Cut(pathQuery, "?")
	if h, _, ok := strings.Cut(hosts, "?"); ok { // "mongodb://host?x=1" without a slash
		return withDatabase(scheme+"://"+h+"/?"+hosts[len(h)+1:], db)
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return "", fmt.Errorf("query of %q: %w", uri, err)
	}
	if strings.Contains(hosts, "@") && q.Get("authSource") == "" {
		auth, err := url.PathUnescape(oldDB)
		if err != nil {
			return "", fmt.Errorf("database of %q: %w", uri, err)
		}
		if auth == "" {
			auth = "admin"
		}
		q.Set("authSource", auth)
	}
	out := scheme + "://" + hosts + "/" + db
	if len(q) > 0 {
		out += "?" + q.Encode()
	}
	return out, nil
}

func dropDatabase(uri, db string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(5 * time.Second))
	if err != nil {
		return err
	}
	defer func() { _ = c.Disconnect(ctx) }()
	if err := c.Database(db).Drop(ctx); err != nil {
		return fmt.Errorf("drop: %w", err)
	}
	return nil
}
