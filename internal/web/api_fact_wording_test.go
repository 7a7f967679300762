package web

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// area report2: the API sets fact wording per language and refuses bad
// keys, tags and lengths with a 422 naming the member, changing nothing.
func TestAPIFactWording(t *testing.T) {
	e := newEnv(t)
	e.must("author", "POST", "/api/v1/rcas", map[string]any{"title": "Wording", "template": "standard", "language": "en"}, http.StatusCreated, nil)
	var list struct {
		Items []domain.RCA `json:"items"`
	}
	e.must("author", "GET", "/api/v1/rcas", nil, 200, &list)
	id := list.Items[0].ID
	var r map[string]any
	e.must("author", "GET", "/api/v1/rcas/"+id, nil, 200, &r)
	r["fact_overrides"] = map[string]any{"duration": map[string]any{"text": "~1 hour", "translations": map[string]any{"de": "ca. 1 Std.", "fr-CA": "environ 1 h"}}}
	var got domain.RCA
	e.must("author", "PUT", "/api/v1/rcas/"+id, r, 200, &got)
	if w, _ := got.FactWording("duration", "fr-CA"); w != "environ 1 h" {
		t.Fatalf("fr-CA wording %q (%#v)", w, got.FactOverrides)
	}
	var current map[string]any
	e.must("author", "GET", "/api/v1/rcas/"+id, nil, 200, &current)
	for _, c := range []struct {
		overrides map[string]any
		field     string
	}{
		{map[string]any{"mood": map[string]any{"text": "fine"}}, "fact_overrides.mood"},
		{map[string]any{"duration": map[string]any{"text": "x", "translations": map[string]any{"en_GB!": "y"}}}, "fact_overrides.duration.translations.en_GB!"},
		{map[string]any{"date": map[string]any{"text": strings.Repeat("x", domain.MaxNameLen+1)}}, "fact_overrides.date.text"},
	} {
		body := map[string]any{}
		for k, v := range current {
			body[k] = v
		}
		body["fact_overrides"] = c.overrides
		w := e.as("author", "PUT", "/api/v1/rcas/"+id, body)
		var ae apiErr
		_ = json.Unmarshal(w.Body.Bytes(), &ae)
		found := false
		for _, p := range ae.Error.Problems {
			found = found || p.Field == c.field
		}
		if w.Code != http.StatusUnprocessableEntity || !found {
			t.Errorf("%s: %d %s", c.field, w.Code, w.Body.String())
		}
	}
	var after domain.RCA
	e.must("author", "GET", "/api/v1/rcas/"+id, nil, 200, &after)
	if w, _ := after.FactWording("duration", "de"); w != "ca. 1 Std." || len(after.FactOverrides) != 1 {
		t.Errorf("a refused write changed the wording: %#v", after.FactOverrides)
	}
}
