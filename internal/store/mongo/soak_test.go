package mongo_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestMixedWritersKeepEveryCommittedVersion races section saves (several
// writers per section) and whole-RCA updates. Conflicts are expected; what
// must hold is that every write reported as successful is one version, in
// order, with its own revision, and that nothing else is.
func TestMixedWritersKeepEveryCommittedVersion(t *testing.T) {
	if testing.Short() {
		t.Skip("races many writers against the in-process server; skipped with -short")
	}
	s := open(t)
	ctx := context.Background()
	r := createRCA(t, s, "Mixed writers")

	type success struct {
		version int64
		note    string
		check   func(domain.RCA) error
	}
	var (
		mu        sync.Mutex
		successes []success
		conflicts int
	)
	record := func(err error, sc success) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case err == nil:
			successes = append(successes, sc)
		case errors.Is(err, store.ErrConflict):
			conflicts++
		default:
			t.Errorf("unexpected error: %v", err)
		}
	}

	keys := []string{"summary", "impact", "root_cause"}
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			key := keys[g%len(keys)]
			for n := range 4 {
				cur, err := s.GetRCA(ctx, r.ID)
				if err != nil {
					t.Error(err)
					return
				}
				body := fmt.Sprintf("writer %d, edit %d", g, n)
				got, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: body, BaseRevision: cur.Section(key).Revision}, fmt.Sprint("u", g))
				record(err, success{got.Version, "section " + key, func(snap domain.RCA) error {
					if b := snap.Section(key).Body; b != body {
						return fmt.Errorf("section %s is %q, want %q", key, b, body)
					}
					return nil
				}})
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for n := range 4 {
			cur, err := s.GetRCA(ctx, r.ID)
			if err != nil {
				t.Error(err)
				return
			}
			tag := fmt.Sprint("pass-", n)
			cur.Tags = append(cur.Tags, tag)
			err = s.UpdateRCA(ctx, &cur, "u-editor", "tags")
			record(err, success{cur.Version, "tags", func(snap domain.RCA) error {
				for _, have := range snap.Tags {
					if have == tag {
						return nil
					}
				}
				return fmt.Errorf("tags %v lack %s", snap.Tags, tag)
			}})
		}
	}()
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	final, err := s.GetRCA(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d writes landed, %d conflicted", len(successes), conflicts)
	if want := int64(1 + len(successes)); final.Version != want {
		t.Fatalf("final version %d, want 1 + %d successful writes", final.Version, len(successes))
	}
	revs, err := s.ListRevisions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// One author's saves of one section within 10 minutes fold into one
	// revision: the listed versions are distinct, run up to the current one,
	// and every write not listed was folded into the next listed revision,
	// a save of the same section holding more than one save.
	listed := map[int64]store.RevisionInfo{}
	versions := make([]int64, 0, len(revs))
	for _, rv := range revs {
		if _, dup := listed[rv.Version]; dup {
			t.Fatalf("revision %d listed twice", rv.Version)
		}
		listed[rv.Version] = rv
		versions = append(versions, rv.Version)
	}
	slices.Sort(versions)
	if len(versions) == 0 || versions[0] != 1 || versions[len(versions)-1] != final.Version {
		t.Fatalf("revision versions %v do not run from 1 to the current %d", versions, final.Version)
	}
	seen := map[int64]bool{}
	for _, sc := range successes {
		if seen[sc.version] {
			t.Fatalf("two successful writes were both given version %d", sc.version)
		}
		seen[sc.version] = true
		if _, ok := listed[sc.version]; !ok {
			i, _ := slices.BinarySearch(versions, sc.version)
			if i == len(versions) || listed[versions[i]].Note != sc.note || listed[versions[i]].Saves < 2 {
				t.Fatalf("write at version %d (%q) is neither listed nor folded into a later save of its section", sc.version, sc.note)
			}
			continue
		}
		rev, err := s.GetRevision(ctx, r.ID, sc.version)
		if err != nil {
			t.Fatalf("revision %d: %v", sc.version, err)
		}
		if rev.Note != sc.note || rev.Snapshot.Version != sc.version {
			t.Fatalf("revision %d is %q at v%d, want %q", sc.version, rev.Note, rev.Snapshot.Version, sc.note)
		}
		if err := sc.check(rev.Snapshot); err != nil {
			t.Fatalf("revision %d: %v", sc.version, err)
		}
	}
	last, err := s.GetRevision(ctx, r.ID, final.Version)
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range keys {
		if last.Snapshot.Section(key).Body != final.Section(key).Body {
			t.Fatalf("stored RCA and its last revision differ in %s", key)
		}
	}
}
