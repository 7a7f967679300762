package sqlite

import (
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestActionItemsMigrationFills: a data folder from before the action-item
// list (RCAs with items, no side table) gets the table filled by the
// migration, so the list finds the old items at once.
func TestActionItemsMigrationFills(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	s, err := Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Old outage", tpl, "en", nil, "u", s.now())
	r.ActionItems = []domain.ActionItem{{ID: "old", Title: "Old item", Owner: "Ana", State: domain.ActionOpen, Visibility: domain.External}}
	if err := s.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	// Back to the schema before steps 50 and 51.
	for _, q := range []string{"DROP TABLE action_items", "DROP TABLE claims", "DELETE FROM schema_migrations WHERE version IN (50, 51)"} {
		if _, err := s.w.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	_ = s.Close()
	s, err = Open(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.Close() }()
	p, err := s.ListActionItems(ctx, store.ActionItemFilter{Owner: "Ana"})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != "old" || p.Items[0].RCATitle != "Old outage" {
		t.Fatalf("after the migration: %+v %v", p.Items, err)
	}
}
