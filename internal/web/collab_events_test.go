package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

// sseEvent is one server-sent event as a client reads it.
type sseEvent struct {
	name string
	data string
}

// openEvents opens an RCA's event stream with a bearer token and answers
// the events as they come; the stream closes when the test's context ends.
func openEvents(t *testing.T, ctx context.Context, base, rcaID, client, token string) <-chan sseEvent {
	t.Helper()
	req, err := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/rcas/"+rcaID+"/events?client="+client, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("events: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	out := make(chan sseEvent, 100)
	go func() {
		defer close(out)
		defer func() { _ = res.Body.Close() }()
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				out <- ev
				ev = sseEvent{}
			}
		}
	}()
	return out
}

// waitEvent reads events until one named name satisfies ok, or fails.
func waitEvent[T any](t *testing.T, ch <-chan sseEvent, name, what string, ok func(T) bool) T {
	t.Helper()
	deadline := time.After(15 * time.Second)
	for {
		select {
		case ev, open := <-ch:
			if !open {
				t.Fatalf("stream closed while waiting for %s", what)
			}
			if ev.name != name {
				continue
			}
			var v T
			if err := json.Unmarshal([]byte(ev.data), &v); err != nil {
				t.Fatalf("%s event %q: %v", name, ev.data, err)
			}
			if ok(v) {
				return v
			}
		case <-deadline:
			t.Fatalf("no %s event: %s", name, what)
		}
	}
}

func presenceOf(p app.PresenceEvent, client string) (app.Person, bool) {
	for _, x := range p.People {
		if x.Client == client {
			return x, true
		}
	}
	return app.Person{}, false
}

// TestCollabEventsAcrossInstances: two co-authors on two servers that share
// one store (a SQLite folder; MongoDB's wire protocol) see each other in the
// document, see which section the other edits, get the other's section save
// with its text and author's name without a reload, and hear of comments.
func TestCollabEventsAcrossInstances(t *testing.T) {
	for _, kind := range []string{"sqlite", "mongo"} {
		t.Run(kind, func(t *testing.T) {
			var stA, stB store.Store
			if kind == "sqlite" {
				dir := t.TempDir()
				var err error
				if stA, err = sqlite.Open(context.Background(), dir); err == nil {
					stB, err = sqlite.Open(context.Background(), dir)
				}
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = stA.Close(); _ = stB.Close() })
			} else {
				stA, stB = twoMongoStores(t, mongotest.Start(t))
			}
			poll := func(c *Config) { c.CollabPoll = 20 * time.Millisecond }
			a := newEnvWithStore(t, stA, poll)
			b, err := New(Config{Version: "test", CollabPoll: 20 * time.Millisecond}, stB, nil)
			if err != nil {
				t.Fatal(err)
			}
			srvA, srvB := httptest.NewServer(a.srv.Handler()), httptest.NewServer(b.Handler())
			defer srvA.Close()
			defer srvB.Close()
			r := a.rca("Shared document", "standard")
			author, reviewer := a.tokens[domain.RoleAuthor], a.tokens[domain.RoleReviewer]

			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			one := openEvents(t, ctx, srvA.URL, r.ID, "client-one", author)
			ctxTwo, leave := context.WithCancel(ctx)
			two := openEvents(t, ctxTwo, srvB.URL, r.ID, "client-two", reviewer)

			waitEvent(t, one, "presence", "A sees B's editor arrive", func(p app.PresenceEvent) bool {
				x, ok := presenceOf(p, "client-two")
				_, me := presenceOf(p, "client-one")
				return ok && me && x.Name == "reviewer"
			})
			// B says where it edits; A sees it.
			must := func(base, token, method, path string, body any, want int) trustAnswer {
				t.Helper()
				ans := trustDo(ctx, http.DefaultClient, method, base+path, token, body)
				if ans.err != nil || ans.status != want {
					t.Fatalf("%s %s: %d %v %s", method, path, ans.status, ans.err, ans.body)
				}
				return ans
			}
			must(srvB.URL, reviewer, "PUT", "/api/v1/rcas/"+r.ID+"/presence", map[string]any{"client": "client-two", "section": "root_cause"}, 204)
			waitEvent(t, one, "presence", "A sees B in root_cause", func(p app.PresenceEvent) bool {
				x, ok := presenceOf(p, "client-two")
				return ok && x.Section == "root_cause"
			})
			bad := trustDo(ctx, http.DefaultClient, "PUT", srvB.URL+"/api/v1/rcas/"+r.ID+"/presence", reviewer, map[string]any{"client": "client-two", "section": "nope"})
			if bad.status != 422 {
				t.Fatalf("presence in an unknown section: %d %s", bad.status, bad.body)
			}

			// B saves a section on its instance; A gets the text and B's name.
			sec := r.Section("summary")
			must(srvB.URL, reviewer, "PUT", "/api/v1/rcas/"+r.ID+"/sections/summary",
				map[string]any{"body": "Checkout failed for 47 minutes.", "visibility": "external", "base_revision": sec.Revision}, 200)
			got := waitEvent(t, one, "section", "A gets B's save", func(s app.SectionEvent) bool { return s.Key == "summary" })
			if got.Body != "Checkout failed for 47 minutes." || got.ByName != "reviewer" || got.Revision != sec.Revision+1 {
				t.Fatalf("section event on A: %+v", got)
			}

			// A comments on its instance; B hears of it.
			must(srvA.URL, author, "POST", "/api/v1/rcas/"+r.ID+"/comments", map[string]any{"section_key": "summary", "body": "Which region?", "quote": "47 minutes"}, 201)
			waitEvent(t, two, "comments", "B hears of A's comment", func(app.VersionEvent) bool { return true })

			// B closes its editor; A sees it leave.
			leave()
			waitEvent(t, one, "presence", "A sees B leave", func(p app.PresenceEvent) bool {
				_, ok := presenceOf(p, "client-two")
				return !ok
			})
		})
	}
}

// TestCollabEventsRefuseBadClients: a stream needs a client id and a
// reader who may edit.
func TestCollabEventsRefuseBadClients(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Guarded", "standard")
	if w := e.as(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID+"/events?client=bad", nil); w.Code != 422 {
		t.Fatalf("short client id: %d %s", w.Code, w.Body.String())
	}
	if w := e.as(domain.RoleViewer, "GET", "/api/v1/rcas/"+r.ID+"/events?client=client-viewer", nil); w.Code != 403 {
		t.Fatalf("viewer: %d %s", w.Code, w.Body.String())
	}
	if w := e.as(domain.RoleAuthor, "GET", "/api/v1/rcas/nope/events?client=client-author", nil); w.Code != 404 {
		t.Fatalf("unknown RCA: %d %s", w.Code, w.Body.String())
	}
}
