package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Calendar dates go through the API as "YYYY-MM-DD"; a bad one is a 422
// naming the field and changes nothing; an RCA sent back as read, metrics
// included, is accepted.
func TestAPICalendarDates(t *testing.T) {
	e := newEnv(t)
	var r map[string]any
	e.must("author", "POST", "/api/v1/rcas", map[string]any{"title": "Dates", "template": "standard", "language": "en"}, http.StatusCreated, nil)
	var list struct {
		Items []domain.RCA `json:"items"`
	}
	e.must("author", "GET", "/api/v1/rcas", nil, 200, &list)
	if len(list.Items) == 0 {
		t.Fatal("no RCA listed")
	}
	id := list.Items[0].ID
	e.must("author", "GET", "/api/v1/rcas/"+id, nil, 200, &r)
	if _, ok := r["metrics"]; !ok {
		t.Fatal("GET answers no metrics")
	}
	r["incident_date"] = "2026-03-09"
	r["action_items"] = []any{map[string]any{"title": "Fix it", "owner": "SRE", "due": "2026-04-01"}}
	var got map[string]any
	e.must("author", "PUT", "/api/v1/rcas/"+id, r, 200, &got)
	items := got["action_items"].([]any)
	if got["incident_date"] != "2026-03-09" || items[0].(map[string]any)["due"] != "2026-04-01" {
		t.Fatalf("dates answered as %v / %v", got["incident_date"], items[0])
	}

	got["action_items"].([]any)[0].(map[string]any)["due"] = "01/04/2026"
	w := e.as("author", "PUT", "/api/v1/rcas/"+id, got)
	var ae apiErr
	_ = json.Unmarshal(w.Body.Bytes(), &ae)
	if w.Code != http.StatusUnprocessableEntity || len(ae.Error.Problems) != 1 || ae.Error.Problems[0].Field != "action_items.due" ||
		!strings.Contains(ae.Error.Message, "action_items.due") {
		t.Fatalf("bad due: %d %s", w.Code, w.Body.String())
	}
	var after domain.RCA
	e.must("author", "GET", "/api/v1/rcas/"+id, nil, 200, &after)
	if after.ActionItems[0].Due.String() != "2026-04-01" {
		t.Fatalf("a refused write changed the due date: %v", after.ActionItems[0].Due)
	}
}
