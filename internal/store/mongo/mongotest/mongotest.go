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
	"net/url"
	"os"
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
type Server struct {
	t    testing.TB
	dir  string
	addr string // host:port, fixed after the first start

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
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

// URI is the server's MongoDB URI, with no database in its path (the store
// then uses its default database name).
func (s *Server) URI() string { return "mongodb://" + s.addr + "/" }

// Stop shuts the server down and waits until every connection is closed.
// Stopping a stopped server does nothing.
func (s *Server) Stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cancel == nil {
		return
	}
	s.cancel()
	<-s.done
	s.cancel, s.done = nil, nil
}

// Restart starts a stopped server again on the same address and folder, so
// the data written before Stop is still there. Restarting a running server
// does nothing.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	running := s.cancel != nil
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
	s.t.Fatalf("mongotest: restart ferretdb on %s: %v", s.addr, err)
}

func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := newFerretDB(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: s.addr},
		Logger:    slog.New(slog.NewTextHandler(io.Discard, nil)),
		Handler:   "sqlite",
		SQLiteURL: "file:" + s.dir + "/",
	})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()
	u, err := url.Parse(f.MongoDBURI()) // blocks until the listener is up
	if err != nil {
		cancel()
		<-done
		return err
	}
	s.addr = u.Host
	s.cancel, s.done = cancel, done
	return nil
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
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("mongotest: %s: %v", EnvURI, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	db := "hindsight_test_" + hex.EncodeToString(b[:])
	u.Path = "/" + db
	uri := u.String()
	t.Cleanup(func() {
		if err := dropDatabase(uri, db); err != nil {
			t.Errorf("mongotest: drop %s: %v", db, err)
		}
	})
	return uri
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
