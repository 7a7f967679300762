package sqlite

import (
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestPublishNeverWithoutDeliveries makes the deliveries table refuse
// every write: PublishRCA must then fail and leave the RCA as it was (no
// state change, no version, no revision), rather than publish without
// its deliveries.
func TestPublishNeverWithoutDeliveries(t *testing.T) {
	ctx := t.Context()
	s, err := Open(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Publish with a broken outbox", tpl, "en", nil, "u", s.now())
	if err := s.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.ExecContext(ctx, `CREATE TRIGGER deliveries_fail BEFORE INSERT ON deliveries
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	pub := r
	pub.State = domain.StatePublished
	if _, err := s.PublishRCA(ctx, &pub, "u", "state published", []domain.Delivery{{TargetID: "tg", Event: "rca.published"}}); err == nil {
		t.Fatal("PublishRCA succeeded although its delivery could not be written")
	}
	got, err := s.GetRCA(ctx, r.ID)
	if err != nil || got.State != r.State || got.Version != r.Version {
		t.Fatalf("RCA after the failed publish: %s at version %d (%v), want %s at %d", got.State, got.Version, err, r.State, r.Version)
	}
	if revs, _ := s.ListRevisions(ctx, r.ID); len(revs) != 1 {
		t.Fatalf("%d revisions after the failed publish, want 1", len(revs))
	}
	// Without deliveries, the same publish goes through.
	if _, err := s.PublishRCA(ctx, &pub, "u", "state published", nil); err != nil {
		t.Fatalf("PublishRCA without deliveries: %v", err)
	}
}
