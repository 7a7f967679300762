package mongotest

import (
	"context"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

func connect(t *testing.T, uri string) *mongo.Client {
	t.Helper()
	c, err := mongo.Connect(options.Client().ApplyURI(uri).SetServerSelectionTimeout(2 * time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Disconnect(context.Background()) })
	return c
}

func TestStartServesWireProtocol(t *testing.T) {
	uri := Start(t)
	ctx := context.Background()
	coll := connect(t, uri).Database("probe").Collection("things")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "a"}, {Key: "n", Value: 1}}); err != nil {
		t.Fatalf("insert: %v", err)
	}
	var got struct{ N int }
	if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: "a"}}).Decode(&got); err != nil {
		t.Fatalf("find: %v", err)
	}
	if got.N != 1 {
		t.Fatalf("n = %d, want 1", got.N)
	}
}

func TestTwoServersAreIndependent(t *testing.T) {
	a, b := StartServer(t), StartServer(t)
	if a.URI() == b.URI() {
		t.Fatalf("both servers at %s", a.URI())
	}
	ctx := context.Background()
	if _, err := connect(t, a.URI()).Database("probe").Collection("c").InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
		t.Fatal(err)
	}
	n, err := connect(t, b.URI()).Database("probe").Collection("c").CountDocuments(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 0 {
		t.Fatalf("second server sees %d documents of the first", n)
	}
}

func TestStopRestartKeepsDataAndAddress(t *testing.T) {
	s := StartServer(t)
	uri := s.URI()
	ctx := context.Background()
	c := connect(t, uri)
	coll := c.Database("probe").Collection("c")
	if _, err := coll.InsertOne(ctx, bson.D{{Key: "_id", Value: "kept"}}); err != nil {
		t.Fatal(err)
	}

	s.Stop()
	s.Stop() // idempotent
	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := c.Ping(short, nil); err == nil {
		t.Fatal("ping succeeded while the server was stopped")
	}

	s.Restart()
	if s.URI() != uri {
		t.Fatalf("restarted at %s, want %s", s.URI(), uri)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		n, err := coll.CountDocuments(ctx, bson.D{{Key: "_id", Value: "kept"}})
		if err == nil {
			if n != 1 {
				t.Fatalf("after restart found %d documents, want 1", n)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server not reachable after restart: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestStartWithExternalURI points EnvURI at a server (here an in-process
// one standing in for a real MongoDB) and checks that each test gets its own
// database there, dropped when the test ends.
func TestStartWithExternalURI(t *testing.T) {
	srv := StartServer(t)
	t.Setenv(EnvURI, srv.URI()+"?appName=external")
	ctx := context.Background()
	admin := connect(t, srv.URI())

	var names []string
	for i := range 2 {
		t.Run("test"+string(rune('A'+i)), func(t *testing.T) {
			uri := Start(t)
			u, err := url.Parse(uri)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimPrefix(u.Path, "/")
			if !strings.HasPrefix(name, "hindsight_test_") || u.Query().Get("appName") != "external" {
				t.Fatalf("Start returned %s, want a fresh hindsight_test_ database with the query kept", uri)
			}
			names = append(names, name)
			if _, err := connect(t, uri).Database(name).Collection("c").InsertOne(ctx, bson.D{{Key: "x", Value: 1}}); err != nil {
				t.Fatal(err)
			}
			dbs, err := admin.ListDatabaseNames(ctx, bson.D{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(dbs, name) {
				t.Fatalf("database %s not created: %v", name, dbs)
			}
		})
	}
	if len(names) != 2 || names[0] == names[1] {
		t.Fatalf("database names %v, want two different ones", names)
	}
	dbs, err := admin.ListDatabaseNames(ctx, bson.D{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if slices.Contains(dbs, n) {
			t.Errorf("database %s still exists after its test ended", n)
		}
	}
}

func TestWithDatabase(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"bare host", "mongodb://db.example.com", "mongodb://db.example.com/hs_x"},
		{"path replaced", "mongodb://db.example.com:27017/prod", "mongodb://db.example.com:27017/hs_x"},
		{"query kept", "mongodb://127.0.0.1:27017/?appName=ci&w=majority", "mongodb://127.0.0.1:27017/hs_x?appName=ci&w=majority"},
		{"query without slash", "mongodb://127.0.0.1:27017?replicaSet=rs0", "mongodb://127.0.0.1:27017/hs_x?replicaSet=rs0"},
		{"several hosts", "mongodb://a:27017,b:27017,c:27017/app?replicaSet=rs0", "mongodb://a:27017,b:27017,c:27017/hs_x?replicaSet=rs0"},
		{"credentials keep their database", "mongodb://ci:s3cret@a:27017/app", "mongodb://ci:s3cret@a:27017/hs_x?authSource=app"},
		{"credentials without database use admin", "mongodb://ci:s3cret@a:27017/", "mongodb://ci:s3cret@a:27017/hs_x?authSource=admin"},
		{"explicit authSource wins", "mongodb://ci:pw@a/app?authSource=users", "mongodb://ci:pw@a/hs_x?authSource=users"},
		{"srv", "mongodb+srv://ci:pw@cluster0.example.net/?retryWrites=true", "mongodb+srv://ci:pw@cluster0.example.net/hs_x?authSource=admin&retryWrites=true"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := withDatabase(tc.in, "hs_x")
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("withDatabase(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
	for _, bad := range []string{"postgres://x/y", "db.example.com:27017", "mongodb://", "mongodb://h/db?%zz"} {
		if got, err := withDatabase(bad, "hs_x"); err == nil {
			t.Errorf("withDatabase(%q) = %q, want an error", bad, got)
		}
	}
}
