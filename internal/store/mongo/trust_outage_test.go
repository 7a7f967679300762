package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// trustAck is a section save that returned without error.
type trustAck struct {
	key, text string
	version   int64
}

// TestTrustOutageDuringSectionSaves cuts MongoDB (in-process FerretDB,
// every connection closed at once) three times while six writers save
// sections of one RCA, and brings it back on the same port and folder. Writes in flight
// when the connections drop can leave a claimed revision without its RCA
// update; the store must roll such claims forward, so that afterwards:
//   - every call made during the outage failed with ErrUnavailable (or a
//     conflict), within a bounded time;
//   - every acknowledged save is in the history at its version, with its text;
//   - the history holds exactly versions 1..V, V is the RCA's version, and
//     the RCA as stored equals the snapshot of V (it does not lag behind);
//   - saves work again on the same store, without reopening it.
func TestTrustOutageDuringSectionSaves(t *testing.T) {
	if testing.Short() {
		t.Skip("SKIPPED: starts an in-process FerretDB; not in -short mode")
	}
	srv := mongotest.StartServer(t)
	s := openURI(t, srv.URI())
	ctx := context.Background()
	r := createRCA(t, s, "Saved through an outage")
	keys := []string{"summary", "impact", "root_cause"}

	var (
		mu        sync.Mutex
		acks      []trustAck
		failures  = map[string]int{}
		slowest   time.Duration
		down      atomic.Bool
		callsDown atomic.Int64
	)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 6 {
		wg.Go(func() {
			key := keys[w%len(keys)]
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				wasDown := down.Load()
				start := time.Now()
				cur, err := s.GetRCA(ctx, r.ID)
				if err == nil {
					text := fmt.Sprintf("writer %d, save %d", w, i)
					var got domain.RCA
					got, err = s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: text, BaseRevision: cur.Section(key).Revision}, "u-ana")
					if err == nil {
						mu.Lock()
						acks = append(acks, trustAck{key: key, text: text, version: got.Version})
						mu.Unlock()
						continue
					}
				}
				took := time.Since(start)
				var ce *store.ConflictError
				class := "other"
				switch {
				case errors.Is(err, store.ErrUnavailable):
					class = "unavailable"
				case errors.As(err, &ce):
					class = "conflict"
				}
				mu.Lock()
				failures[class]++
				if wasDown {
					slowest = max(slowest, took)
				}
				mu.Unlock()
				if class == "other" {
					t.Errorf("writer %d: %v", w, err)
					return
				}
				if wasDown {
					callsDown.Add(1)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}

	// Three outages: each cut catches the writes in flight at a random
	// point, between a claim and its RCA update among them.
	for range 3 {
		time.Sleep(time.Second)
		down.Store(true)
		srv.Stop()
		time.Sleep(1500 * time.Millisecond)
		srv.Restart()
		deadline := time.Now().Add(20 * time.Second)
		for s.Ping(ctx) != nil {
			if time.Now().After(deadline) {
				t.Fatal("the store did not come back within 20s of the restart")
			}
			time.Sleep(100 * time.Millisecond)
		}
		down.Store(false)
	}
	mu.Lock()
	before := len(acks)
	mu.Unlock()
	time.Sleep(3 * time.Second) // writers carry on after the outage
	close(stop)
	wg.Wait()
	mu.Lock()
	t.Logf("%d saves acknowledged (%d after the outage), failures %v, %d failed calls while down, slowest failure %v",
		len(acks), len(acks)-before, failures, callsDown.Load(), slowest.Round(time.Millisecond))
	mu.Unlock()
	if t.Failed() {
		return
	}
	if callsDown.Load() == 0 {
		t.Fatal("no call failed while MongoDB was down: the outage was not exercised")
	}
	if slowest > 10*time.Second {
		t.Errorf("a call during the outage took %v to fail", slowest)
	}
	if len(acks) == before {
		t.Fatal("no save went through after MongoDB came back")
	}

	// One more save per section, after the claim grace, rolls forward any
	// claim a writer left when its connection dropped.
	time.Sleep(2500 * time.Millisecond)
	for _, key := range keys {
		cur, err := s.GetRCA(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: "final " + key, BaseRevision: cur.Section(key).Revision}, "u-ana")
		if err != nil {
			t.Fatalf("save after recovery: %v", err)
		}
		acks = append(acks, trustAck{key: key, text: "final " + key, version: got.Version})
	}

	final, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	revs, err := s.ListRevisions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// One author's saves of one section within 10 minutes fold into one
	// revision: the listed versions are distinct and run from 1 to the
	// current one; a save not listed was folded into the next listed
	// revision, a save of the same section (checked below).
	versions := make([]int64, len(revs))
	listed := map[int64]store.RevisionInfo{}
	for i, rv := range revs {
		versions[i] = rv.Version
		listed[rv.Version] = rv
	}
	sort.Slice(versions, func(i, j int) bool { return versions[i] < versions[j] })
	if len(listed) != len(versions) || len(versions) == 0 || versions[0] != 1 || versions[len(versions)-1] != final.Version {
		t.Fatalf("revision versions do not run from 1 to %d without repeats: %v", final.Version, versions)
	}
	last, err := s.GetRevision(ctx, r.ID, final.Version)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range keys {
		if a, b := final.Section(key), last.Snapshot.Section(key); a.Body != b.Body || a.Revision != b.Revision {
			t.Errorf("%s: the RCA holds revision %d %q, its newest snapshot %d %q", key, a.Revision, a.Body, b.Revision, b.Body)
		}
	}
	seen := map[int64]bool{}
	for _, a := range acks {
		if seen[a.version] {
			t.Errorf("two acknowledged saves produced version %d", a.version)
		}
		seen[a.version] = true
		if _, ok := listed[a.version]; !ok {
			i := sort.Search(len(versions), func(i int) bool { return versions[i] >= a.version })
			if i == len(versions) || listed[versions[i]].Note != "section "+a.key || listed[versions[i]].Saves < 2 {
				t.Errorf("acknowledged version %d (%s) is neither listed nor folded into a later save of its section", a.version, a.key)
			}
			continue
		}
		rev, err := s.GetRevision(ctx, r.ID, a.version)
		if err != nil {
			t.Errorf("acknowledged version %d: %v", a.version, err)
			continue
		}
		if sec := rev.Snapshot.Section(a.key); sec == nil || sec.Body != a.text {
			t.Errorf("acknowledged save %q of %s is not in revision %d", a.text, a.key, a.version)
		}
	}
}
