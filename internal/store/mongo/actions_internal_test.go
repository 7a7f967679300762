package mongo

import (
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// TestBackfillDueKeys: RCA documents written before the action-item list
// (items without due_key) get their keys at start-up, so the overdue list
// finds them.
func TestBackfillDueKeys(t *testing.T) {
	s := openInternal(t)
	ctx := t.Context()
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Old one", tpl, "en", nil, "u", s.now())
	due := domain.Date{Year: 2020, Month: 1, Day: 1}
	r.ActionItems = []domain.ActionItem{{ID: "old", Title: "Old item", Due: &due, State: domain.ActionOpen, Visibility: domain.External}}
	if err := s.CreateRCA(ctx, &r, "u"); err != nil {
		t.Fatal(err)
	}
	old := bson.A{bson.D{{Key: "id", Value: "old"}, {Key: "title", Value: "Old item"}, {Key: "owner", Value: ""},
		{Key: "due", Value: due.In(time.UTC)}, {Key: "state", Value: "open"}, {Key: "tracker_url", Value: ""}, {Key: "visibility", Value: "external"}}}
	if _, err := s.c(colRCAs).UpdateOne(ctx, bson.D{{Key: "_id", Value: r.ID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "action_items", Value: old}}}}); err != nil {
		t.Fatal(err)
	}
	today := domain.Date{Year: 2026, Month: 1, Day: 1}
	p, err := s.ListActionItems(ctx, store.ActionItemFilter{OverdueBefore: &today})
	if err != nil || len(p.Items) != 0 {
		t.Fatalf("before the backfill the old item has no key: %+v %v", p.Items, err)
	}
	if err := s.backfillDueKeys(ctx); err != nil {
		t.Fatal(err)
	}
	p, err = s.ListActionItems(ctx, store.ActionItemFilter{OverdueBefore: &today})
	if err != nil || len(p.Items) != 1 || p.Items[0].ID != "old" {
		t.Fatalf("after the backfill: %+v %v", p.Items, err)
	}
	if got, _ := s.GetRCA(ctx, r.ID); got.Version != r.Version {
		t.Errorf("the backfill changed the version: %d", got.Version)
	}
}
