package app

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
	"github.com/hindsight-rca/hindsight/internal/store/sqlite"
)

func newService(t testing.TB) (*Service, store.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	svc, err := New(Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	return svc, st
}

var (
	author = policy.Actor{UserID: "u-author", Role: domain.RoleAuthor}
	viewer = policy.Actor{UserID: "u-viewer", Role: domain.RoleViewer}
	rev    = policy.Actor{UserID: "u-reviewer", Role: domain.RoleReviewer}
)

// TestServiceEditionsAndSystemActor: the service answers the edition the
// actor may read, and the command line's system actor may do everything
// (the CLI exports the internal edition through the same call).
func TestServiceEditionsAndSystemActor(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	r, err := svc.CreateRCA(ctx, author, NewRCA{Title: "Disk full"})
	if err != nil {
		t.Fatal(err)
	}
	sec := r.Section("lessons_learned")
	if sec == nil || sec.Visibility != domain.Internal {
		t.Fatal("the standard template lost its internal section")
	}
	if _, err := svc.SaveSection(ctx, author, r.ID, "lessons_learned", domain.SectionEdit{Body: "secret words", BaseRevision: sec.Revision}); err != nil {
		t.Fatal(err)
	}
	got, err := svc.GetRCA(ctx, viewer, r.ID)
	if err != nil || got.Section("lessons_learned") != nil {
		t.Fatalf("viewer reads the internal section (err %v)", err)
	}
	if got, _ := svc.GetRCA(ctx, author, r.Slug); got.Section("lessons_learned") == nil {
		t.Fatal("author does not read the internal section")
	}
	if _, err := svc.ExportRCA(ctx, viewer, r.ID, ExportRequest{Format: "md", Audience: report.Internal, TimeZone: "UTC"}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("viewer internal export: %v", err)
	}
	out, err := svc.ExportRCA(ctx, policy.SystemActor(), r.ID, ExportRequest{Format: "md", Audience: report.Internal, TimeZone: "UTC"})
	if err != nil || !strings.Contains(string(out.Body), "secret words") {
		t.Fatalf("system internal export: %v", err)
	}
	if _, err := svc.CreateRCA(ctx, viewer, NewRCA{Title: "x"}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("viewer create: %v", err)
	}
	if _, err := svc.CreateRCA(ctx, policy.Actor{}, NewRCA{Title: "x"}); !errors.Is(err, policy.ErrUnauthenticated) {
		t.Fatalf("anonymous create: %v", err)
	}
}

// TestServiceStateChange: version required, stale refused, no
// self-approval, and delete refused while published.
func TestServiceStateChange(t *testing.T) {
	ctx := context.Background()
	svc, _ := newService(t)
	r, err := svc.CreateRCA(ctx, rev, NewRCA{Title: "Queue backlog"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeState(ctx, author, r.ID, StateChange{To: domain.StateInReview}); !domain.IsValidation(err) {
		t.Fatalf("no version: %v", err)
	}
	if _, err := svc.ChangeState(ctx, author, r.ID, StateChange{To: domain.StateInReview, Version: r.Version + 1}); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("stale version: %v", err)
	}
	r = completeForReview(t, svc, rev, r.ID) // flow: a submit needs the required sections
	if r, err = svc.ChangeState(ctx, author, r.ID, StateChange{To: domain.StateInReview, Version: r.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ChangeState(ctx, rev, r.ID, StateChange{To: domain.StateApproved, Version: r.Version}); !errors.Is(err, domain.ErrForbidden) {
		t.Fatalf("self-approval: %v", err)
	}
	other := policy.Actor{UserID: "u-reviewer-2", Role: domain.RoleReviewer}
	if r, err = svc.ChangeState(ctx, other, r.ID, StateChange{To: domain.StateApproved, Version: r.Version}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Publish(ctx, other, r.ID, r.Version); err != nil {
		t.Fatal(err)
	}
	admin := policy.Actor{UserID: "u-admin", Role: domain.RoleAdmin}
	if err := svc.DeleteRCA(ctx, admin, r.ID); !errors.Is(err, ErrPublished) {
		t.Fatalf("delete published: %v", err)
	}
}
