package domain

import (
	"testing"
	"time"
)

// TestStampActionsDone: done_at is set when an item becomes done, kept
// while it stays done (a client's value is ignored), cleared otherwise.
func TestStampActionsDone(t *testing.T) {
	t0 := time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)
	forged := t0.Add(-time.Hour * 100)
	prev := RCA{ActionItems: []ActionItem{{ID: "a", State: ActionDone, DoneAt: &t0}, {ID: "b", State: ActionOpen}, {ID: "c", State: ActionDone, DoneAt: &t0}}}
	next := RCA{ActionItems: []ActionItem{
		{ID: "a", State: ActionDone, DoneAt: &forged}, // stays done: keeps t0
		{ID: "b", State: ActionDone, DoneAt: &forged}, // becomes done: now
		{ID: "c", State: ActionOpen, DoneAt: &t0},     // reopened: none
		{ID: "d", State: ActionDone},                  // new and done: now
	}}
	now := t0.Add(time.Hour)
	next.StampActionsDone(&prev, now)
	want := []*time.Time{&t0, &now, nil, &now}
	for i, a := range next.ActionItems {
		switch {
		case want[i] == nil && a.DoneAt != nil, want[i] != nil && (a.DoneAt == nil || !a.DoneAt.Equal(*want[i])):
			t.Errorf("item %s: done_at %v, want %v", a.ID, a.DoneAt, want[i])
		}
	}
	fresh := RCA{ActionItems: []ActionItem{{ID: "x", State: ActionDone}}}
	fresh.StampActionsDone(nil, now)
	if fresh.ActionItems[0].DoneAt == nil {
		t.Error("a new RCA's done item has no done_at")
	}
}
