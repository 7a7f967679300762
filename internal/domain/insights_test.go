package domain

import (
	"errors"
	"testing"
	"time"
)

func TestInsightMonths(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	bounds, months, err := InsightMonths(NewDate(2024, 9, 15), NewDate(2024, 11, 10), berlin)
	if err != nil {
		t.Fatal(err)
	}
	wantBounds := []time.Time{
		time.Date(2024, 9, 14, 22, 0, 0, 0, time.UTC),  // 15 September, midnight in Berlin (CEST)
		time.Date(2024, 9, 30, 22, 0, 0, 0, time.UTC),  // 1 October (CEST)
		time.Date(2024, 10, 31, 23, 0, 0, 0, time.UTC), // 1 November (CET: the clocks went back)
		time.Date(2024, 11, 10, 23, 0, 0, 0, time.UTC), // the end of 10 November
	}
	if len(bounds) != len(wantBounds) {
		t.Fatalf("bounds %v", bounds)
	}
	for i := range bounds {
		if !bounds[i].Equal(wantBounds[i]) {
			t.Errorf("bound %d: %s, want %s", i, bounds[i], wantBounds[i])
		}
	}
	if len(months) != 3 || months[0] != NewDate(2024, 9, 1) || months[2] != NewDate(2024, 11, 1) {
		t.Errorf("months %v", months)
	}
	w := InsightWindow{Bounds: bounds}
	for at, want := range map[time.Time]int{
		wantBounds[0].Add(-time.Second): -1, wantBounds[0]: 0, wantBounds[1].Add(-time.Second): 0, wantBounds[1]: 1,
		wantBounds[2]: 2, wantBounds[3].Add(-time.Second): 2, wantBounds[3]: -1,
	} {
		if got := w.Bucket(at); got != want {
			t.Errorf("Bucket(%s) = %d, want %d", at, got, want)
		}
	}
	if _, _, err := InsightMonths(NewDate(2024, 9, 2), NewDate(2024, 9, 1), nil); !errors.Is(err, ErrInsightOrder) {
		t.Errorf("from after to: %v", err)
	}
	if _, _, err := InsightMonths(NewDate(2020, 1, 31), NewDate(2024, 12, 1), nil); err != nil {
		t.Errorf("60 months: %v", err)
	}
	if _, _, err := InsightMonths(NewDate(2020, 1, 31), NewDate(2025, 1, 1), nil); !errors.Is(err, ErrInsightRange) {
		t.Errorf("61 months: %v", err)
	}
}

func TestInsightItemDoneOnTime(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Fatal(err)
	}
	due := NewDate(2024, 10, 1)
	at := time.Date(2024, 10, 1, 16, 0, 0, 0, time.UTC) // 2 October 01:00 in Tokyo
	it := InsightItem{State: ActionDone, Due: &due, DoneAt: &at}
	if !it.DoneOnTime(nil) || it.DoneOnTime(tokyo) {
		t.Errorf("on time in UTC, late in Tokyo: %v %v", it.DoneOnTime(nil), it.DoneOnTime(tokyo))
	}
	for _, x := range []InsightItem{{State: ActionDone, DoneAt: &at}, {State: ActionDone, Due: &due}, {State: ActionOpen, Due: &due, DoneAt: &at}} {
		if x.DoneOnTime(nil) {
			t.Errorf("%+v counted on time", x)
		}
	}
}
