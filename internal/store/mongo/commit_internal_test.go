package mongo

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/mongo/mongotest"
)

// These tests reach inside commitRCA's protocol: they leave a claimed but
// unapplied revision behind, as a writer that died between its two steps
// (or lost the server) would, and check that the next writer repairs it.

func openInternal(t *testing.T) *Store {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	s, err := Open(ctx, mongotest.Start(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	s.claimGrace = 0 // claims left by claimOnly are abandoned at once
	return s
}

func createInternal(t *testing.T, s *Store, title string) domain.RCA {
	t.Helper()
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA(title, tpl, "en", nil, "u-ana", time.Date(2026, 1, 5, 10, 0, 0, 0, time.UTC))
	if err := s.CreateRCA(context.Background(), &r, "u-ana"); err != nil {
		t.Fatal(err)
	}
	return r
}

// claimOnly performs the first step of commitRCA only.
func claimOnly(t *testing.T, s *Store, next domain.RCA, author, note string) {
	t.Helper()
	next.Version++
	next.UpdatedAt = s.clock()
	d := toRCADoc(&next)
	if _, err := s.c(colRevisions).InsertOne(context.Background(), newRevision(&d, author, note)); err != nil {
		t.Fatal(err)
	}
}

func TestAbandonedClaimIsRolledForward(t *testing.T) {
	tests := []struct {
		name  string
		write func(s *Store, r domain.RCA) (domain.RCA, error)
		// wantConflict: the write named version 1 and must lose to the
		// claimed version 2; otherwise it must land on top of it.
		wantConflict bool
	}{
		{"section save of another section", func(s *Store, r domain.RCA) (domain.RCA, error) {
			return s.SaveSection(context.Background(), r.ID, "impact", domain.SectionEdit{Body: "Bo's impact", BaseRevision: 1}, "u-bo")
		}, false},
		{"section save of the same section", func(s *Store, r domain.RCA) (domain.RCA, error) {
			return s.SaveSection(context.Background(), r.ID, "summary", domain.SectionEdit{Body: "Bo's summary", BaseRevision: 1}, "u-bo")
		}, true},
		{"whole update from version 1", func(s *Store, r domain.RCA) (domain.RCA, error) {
			r.Title = "Bo's title"
			err := s.UpdateRCA(context.Background(), &r, "u-bo", "title")
			return r, err
		}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := openInternal(t)
			ctx := context.Background()
			r := createInternal(t, s, "Disk full on the build cache")

			claimed := r
			claimed.Sections = append([]domain.Section(nil), r.Sections...)
			if err := claimed.ApplySectionEdit("summary", domain.SectionEdit{Body: "Ana's summary"}, "u-ana", s.now()); err != nil {
				t.Fatal(err)
			}
			claimOnly(t, s, claimed, "u-ana", "section summary")
			if got, _ := s.GetRCA(ctx, r.ID); got.Version != 1 {
				t.Fatalf("setup: RCA at version %d, want 1", got.Version)
			}

			got, err := tc.write(s, r)
			if tc.wantConflict {
				var ce *store.ConflictError
				if !errors.As(err, &ce) {
					t.Fatalf("got %v, want a *ConflictError", err)
				}
				if ce.Current.Version != 2 || ce.Current.Section("summary").Body != "Ana's summary" {
					t.Fatalf("conflict carries v%d %q, want the claimed v2", ce.Current.Version, ce.Current.Section("summary").Body)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if got.Version != 3 || got.Section("summary").Body != "Ana's summary" || got.Section("impact").Body != "Bo's impact" {
					t.Fatalf("after the write: v%d summary %q impact %q", got.Version, got.Section("summary").Body, got.Section("impact").Body)
				}
			}
			stored, err := s.GetRCA(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if stored.Section("summary").Body != "Ana's summary" {
				t.Fatal("the claimed version was lost")
			}
			revs, err := s.ListRevisions(ctx, r.ID)
			if err != nil {
				t.Fatal(err)
			}
			if len(revs) != int(stored.Version) || revs[0].Version != stored.Version {
				t.Fatalf("revisions %+v for stored version %d", revs, stored.Version)
			}
		})
	}
}

// A claim whose snapshot can never be applied (its slug was taken since) is
// dropped, so it cannot block the RCA forever.
func TestUnappliableClaimIsDropped(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	r := createInternal(t, s, "Certificate expiry")
	createInternal(t, s, "Taken slug")

	bad := r
	bad.Slug = "taken-slug"
	claimOnly(t, s, bad, "u-ana", "rename")

	got, err := s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "Browsers refused the API.", BaseRevision: 1}, "u-bo")
	if err != nil {
		t.Fatalf("SaveSection behind an unappliable claim: %v", err)
	}
	if got.Slug != "certificate-expiry" || got.Version != 2 {
		t.Fatalf("after the save: slug %q version %d", got.Slug, got.Version)
	}
	rev, err := s.GetRevision(ctx, r.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	if rev.Note != "section impact" {
		t.Fatalf("revision 2 is %q, want the section save", rev.Note)
	}
}

// Writing a revision again (a retried create) is harmless.
func TestPutRevisionIsIdempotent(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	r := createInternal(t, s, "Retry storm")
	d := toRCADoc(&r)
	for range 2 {
		if err := s.putRevision(ctx, &d, "u-ana", "created"); err != nil {
			t.Fatal(err)
		}
	}
	revs, err := s.ListRevisions(ctx, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(revs) != 1 {
		t.Fatalf("%d revisions after writing version 1 three times", len(revs))
	}
}

// A fresh claim belongs to its owner, who is presumably applying it: other
// writers wait instead of applying it too, and only take over once it is
// older than the grace period.
func TestFreshClaimIsLeftToItsOwner(t *testing.T) {
	s := openInternal(t)
	s.claimGrace = time.Hour
	r := createInternal(t, s, "Slow owner")
	claimed := r
	claimed.Title = "Owner's title"
	claimOnly(t, s, claimed, "u-ana", "title")

	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, err := s.SaveSection(ctx, r.ID, "impact", domain.SectionEdit{Body: "waiting", BaseRevision: 1}, "u-bo")
	if err == nil {
		t.Fatal("SaveSection went past a fresh claim")
	}
	if got, _ := s.GetRCA(context.Background(), r.ID); got.Version != 1 {
		t.Fatalf("a fresh claim was applied by another writer: version %d", got.Version)
	}

	s.claimGrace = 0
	got, err := s.SaveSection(context.Background(), r.ID, "impact", domain.SectionEdit{Body: "after", BaseRevision: 1}, "u-bo")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 3 || got.Title != "Owner's title" {
		t.Fatalf("after taking over: version %d title %q", got.Version, got.Title)
	}
}

// TestLaggingRCAIsRepaired puts an old snapshot back over the stored RCA,
// as a late non-atomic write on FerretDB could: the next writer brings it
// up to the newest claimed revision before adding its own edit.
func TestLaggingRCAIsRepaired(t *testing.T) {
	s := openInternal(t)
	ctx := context.Background()
	r := createInternal(t, s, "Lagging document")
	for i, key := range []string{"summary", "impact"} {
		if _, err := s.SaveSection(ctx, r.ID, key, domain.SectionEdit{Body: "edit " + key, BaseRevision: 1}, "u-ana"); err != nil {
			t.Fatalf("save %d: %v", i, err)
		}
	}
	v1 := toRCADoc(&r)
	if _, err := s.c(colRCAs).ReplaceOne(ctx, id(r.ID), v1); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.GetRCA(ctx, r.ID); got.Version != 1 {
		t.Fatalf("setup: stored version %d, want 1", got.Version)
	}

	got, err := s.SaveSection(ctx, r.ID, "resolution", domain.SectionEdit{Body: "edit resolution", BaseRevision: 1}, "u-bo")
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != 4 {
		t.Fatalf("version %d after repair and save, want 4", got.Version)
	}
	for _, key := range []string{"summary", "impact", "resolution"} {
		if b := got.Section(key).Body; b != "edit "+key {
			t.Errorf("section %s is %q after the repair", key, b)
		}
	}
}
