package web

import (
	"encoding/json"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestTimelineGridAPI: rows are added (a wall time in a chosen zone is
// stored in UTC), edited against the row as read (a row changed since is a
// 409 with the current row, and nothing changes), reordered (untimed rows
// move, timed rows keep their time order) and deleted, one at a time.
func TestTimelineGridAPI(t *testing.T) {
	e := newEnv(t)
	r := e.rca("Grid", "standard")
	base := "/api/v1/rcas/" + r.ID + "/timeline"
	var a1, a2, a3 timelineAnswer
	e.must(domain.RoleAuthor, "POST", base, map[string]any{"local": "2024-09-25T15:10", "zone": "Europe/Berlin", "kind": "detected", "text": "Alerts fired"}, 201, &a1)
	if a1.Entry == nil || a1.Entry.At.UTC().Format("2006-01-02T15:04Z") != "2024-09-25T13:10Z" || a1.Entry.Kind != domain.KindDetected {
		t.Fatalf("added row: %+v", a1.Entry)
	}
	e.must(domain.RoleAuthor, "POST", base, map[string]any{"at": "2024-09-25T13:00:00Z", "text": "Deploy started"}, 201, &a2)
	e.must(domain.RoleAuthor, "POST", base, map[string]any{"precision": "none", "text": "Someone asked in chat"}, 201, &a3)
	if len(a3.Timeline) != 3 || a3.Timeline[0].Text != "Deploy started" || a3.Timeline[2].Text != "Someone asked in chat" {
		t.Fatalf("timeline after three adds: %+v", a3.Timeline)
	}
	w := e.as(domain.RoleAuthor, "POST", base, map[string]any{"local": "2024-09-25 15:10", "zone": "Mars/Base", "text": ""})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "zone") || !hasProblemOn(decodeErr(t, w), "text") {
		t.Fatalf("bad row: %d %s", w.Code, w.Body.String())
	}

	// Two editors read the same row; the first edit lands, the second is a 409.
	row := *a1.Entry
	var edited timelineAnswer
	e.must(domain.RoleAuthor, "PUT", base+"/"+row.ID, map[string]any{"at": "2024-09-25T13:12:00Z", "kind": "detected", "text": "Alerts fired (PagerDuty)", "base": row}, 200, &edited)
	was := e.snapshot()
	w = e.as(domain.RoleReviewer, "PUT", base+"/"+row.ID, map[string]any{"at": "2024-09-25T13:10:00Z", "kind": "detected", "text": "Alerts fired!", "base": row})
	if w.Code != 409 {
		t.Fatalf("stale row: %d %s", w.Code, w.Body.String())
	}
	var conflict struct {
		Error struct {
			Current domain.TimelineEntry `json:"current_entry"`
		} `json:"error"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &conflict); err != nil || conflict.Error.Current.Text != "Alerts fired (PagerDuty)" {
		t.Fatalf("409 without the current row: %s", w.Body.String())
	}
	if e.snapshot() != was {
		t.Fatal("a stale row edit changed the store")
	}
	if w := e.as(domain.RoleAuthor, "PUT", base+"/"+row.ID, map[string]any{"precision": "none", "text": "x"}); w.Code != 422 || !hasProblemOn(decodeErr(t, w), "base") {
		t.Fatalf("an edit without base: %d %s", w.Code, w.Body.String())
	}

	// The untimed row moves to the front; the timed rows keep their order.
	untimed := a3.Timeline[2].ID
	var ordered timelineAnswer
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID+"/timeline-order", map[string]any{"ids": []string{untimed, row.ID, a2.Entry.ID}}, 200, &ordered)
	got := []string{}
	for _, x := range ordered.Timeline {
		got = append(got, x.Text)
	}
	if len(got) != 3 || got[0] != "Someone asked in chat" || got[1] != "Deploy started" || got[2] != "Alerts fired (PagerDuty)" {
		t.Fatalf("order: %q", got)
	}

	var deleted timelineAnswer
	e.must(domain.RoleAuthor, "DELETE", base+"/"+untimed, nil, 200, &deleted)
	if len(deleted.Timeline) != 2 {
		t.Fatalf("after delete: %+v", deleted.Timeline)
	}
	if w := e.as(domain.RoleAuthor, "DELETE", base+"/"+untimed, nil); w.Code != 404 {
		t.Fatalf("deleting twice: %d", w.Code)
	}
	if w := e.as(domain.RoleViewer, "POST", base, map[string]any{"precision": "none", "text": "x"}); w.Code != 403 {
		t.Fatalf("viewer adds a row: %d", w.Code)
	}
}
