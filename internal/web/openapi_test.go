package web

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

// TestOpenAPICoversEveryRoute walks the engine's routes under /api/v1 and
// fails when one is missing from the document (or the document names a
// route that does not exist).
func TestOpenAPICoversEveryRoute(t *testing.T) {
	e := newEnv(t)
	w := e.serve(req{method: "GET", path: "/api/v1/openapi.json"})
	if w.Code != 200 {
		t.Fatalf("openapi.json: %d", w.Code)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Fatalf("openapi version %q", doc.OpenAPI)
	}
	param := regexp.MustCompile(`:([A-Za-z_]+)`)
	served := map[string]bool{}
	for _, rt := range e.srv.engine.Routes() {
		if !strings.HasPrefix(rt.Path, "/api/v1/") {
			continue
		}
		p := param.ReplaceAllString(strings.TrimPrefix(rt.Path, "/api/v1"), "{$1}")
		key := strings.ToLower(rt.Method) + " " + p
		served[key] = true
		if _, ok := doc.Paths[p][strings.ToLower(rt.Method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", rt.Method, rt.Path)
		}
	}
	for p, item := range doc.Paths {
		for m, op := range item {
			if !served[m+" "+p] {
				t.Errorf("openapi.json describes %s %s, which is not served", m, p)
			}
			if op["summary"] == "" || op["responses"] == nil || op["operationId"] == "" {
				t.Errorf("%s %s lacks summary, responses or operationId", m, p)
			}
		}
	}
	if len(served) < 30 {
		t.Fatalf("only %d API routes found; the walk is broken", len(served))
	}
	// Every $ref points at a defined schema.
	refs := regexp.MustCompile(`"#/components/schemas/([A-Za-z]+)"`).FindAllStringSubmatch(w.Body.String(), -1)
	for _, m := range refs {
		if _, ok := doc.Components.Schemas[m[1]]; !ok {
			t.Errorf("dangling $ref to %s", m[1])
		}
	}
	// Schemas follow the Go types: the RCA has its sections, enums are listed.
	rca, _ := json.Marshal(doc.Components.Schemas["RCA"])
	for _, want := range []string{`"sections"`, `"incident_ids"`, `"in_review"`, `"date-time"`} {
		if !strings.Contains(string(rca), want) {
			t.Errorf("RCA schema lacks %s", want)
		}
	}
	if strings.Contains(string(rca), "PasswordHash") || strings.Contains(w.Body.String(), `"password_hash"`) {
		t.Error("hidden fields leaked into the schema")
	}
}

func TestOperationID(t *testing.T) {
	tests := map[[2]string]string{
		{"GET", "/rcas/{id}/revisions/{version}"}:        "getRcasIdRevisionsVersion",
		{"POST", "/import/statuspage"}:                   "postImportStatuspage",
		{"GET", "/openapi.json"}:                         "getOpenapiJson",
		{"DELETE", "/rcas/{id}/incidents/{incident_id}"}: "deleteRcasIdIncidentsIncidentId",
	}
	for in, want := range tests {
		if got := operationID(in[0], in[1]); got != want {
			t.Errorf("operationID(%v) = %q, want %q", in, got, want)
		}
	}
}
