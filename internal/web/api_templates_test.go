package web

// Custom templates and contributing factors over the API (tmpl area, issue 14).

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// tmplMatrixRows are the authorization matrix rows of the template and
// factor routes: everyone signed in reads, admins manage.
func tmplMatrixRows(e *env, f matrixFixtures) []matrixRow {
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("matrix"), 201, nil)
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("matrix-doomed"), 201, nil)
	e.must(domain.RoleAdmin, "POST", "/api/v1/factors", map[string]any{"key": "matrix_factor", "name": "Matrix"}, 201, nil)
	viewer, author, admin := domain.RoleViewer, domain.RoleAuthor, domain.RoleAdmin
	form := func(kv ...string) url.Values {
		v := url.Values{}
		for i := 0; i+1 < len(kv); i += 2 {
			v.Add(kv[i], kv[i+1])
		}
		return v
	}
	put := tmplBody("matrix")
	put["version"] = 1
	var exp map[string]any
	e.must(domain.RoleAdmin, "GET", "/api/v1/templates/matrix/export", nil, 200, &exp)
	exp["template"].(map[string]any)["key"] = "matrix-imported"
	return []matrixRow{
		{route: "POST /api/v1/templates", path: "/api/v1/templates", body: tmplBody("matrix-new"), need: admin},
		{route: "POST /api/v1/templates/import", path: "/api/v1/templates/import", body: exp, need: admin},
		{route: "GET /api/v1/templates/:key", path: "/api/v1/templates/matrix", need: viewer},
		{route: "PUT /api/v1/templates/:key", path: "/api/v1/templates/matrix", body: put, need: admin},
		{route: "DELETE /api/v1/templates/:key", path: "/api/v1/templates/matrix-doomed", need: admin},
		{route: "GET /api/v1/templates/:key/export", path: "/api/v1/templates/matrix/export", need: viewer},
		{route: "GET /api/v1/factors", path: "/api/v1/factors", need: viewer},
		{route: "POST /api/v1/factors", path: "/api/v1/factors", body: map[string]any{"key": "matrix_new", "name": "New"}, need: admin},
		{route: "GET /api/v1/factors/:key", path: "/api/v1/factors/deploy", need: viewer},
		{route: "PUT /api/v1/factors/:key", path: "/api/v1/factors/matrix_factor", body: map[string]any{"name": "Matrix 2", "version": 1}, need: admin},
		{route: "DELETE /api/v1/factors/:key", path: "/api/v1/factors/matrix_factor", need: admin},
		// Pages.
		{route: "GET /admin/templates", path: "/admin/templates", need: admin},
		{route: "GET /admin/templates/new", path: "/admin/templates/new", need: admin},
		{route: "POST /admin/templates", path: "/admin/templates", body: form("key", "page-new", "name", "Page", "rows", "1", "s.0.key", "summary", "s.0.title", "Summary", "s.0.visibility", "external"), need: admin},
		{route: "POST /admin/templates/import", path: "/admin/templates/import", body: form("json", "{}"), need: admin},
		{route: "GET /admin/templates/:key", path: "/admin/templates/matrix", need: admin},
		{route: "POST /admin/templates/:key", path: "/admin/templates/matrix", body: form("name", "Matrix", "version", "99", "rows", "1", "s.0.key", "summary", "s.0.title", "Summary", "s.0.visibility", "external"), need: admin},
		{route: "POST /admin/templates/:key/retire", path: "/admin/templates/matrix-doomed/retire", need: admin},
		{route: "POST /admin/templates/:key/restore", path: "/admin/templates/matrix-doomed/restore", need: admin},
		{route: "GET /admin/factors", path: "/admin/factors", need: admin},
		{route: "POST /admin/factors", path: "/admin/factors", body: form("key", "page_factor", "name", "Page factor"), need: admin},
		{route: "POST /admin/factors/:key", path: "/admin/factors/matrix_factor", body: form("name", "Matrix", "version", "99"), need: admin},
		{route: "POST /rcas/:id/factors", path: "/rcas/" + f.rca.ID + "/factors", body: form("factor", "deploy"), need: author},
	}
}

func tmplBody(key string) map[string]any {
	return map[string]any{"key": key, "name": "Security review", "sections": []any{
		map[string]any{"key": "summary", "title": "Summary", "guidance": "What happened, in three sentences.", "required": true, "visibility": "external"},
		map[string]any{"key": "exposure", "title": "Exposure", "guidance": "Which data was exposed, to whom?", "required": true, "visibility": "internal"},
		map[string]any{"key": "follow_up", "title": "Follow-up", "guidance": "", "required": false, "visibility": "external"},
	}}
}

// TestTemplateCreateAndNewRCA: an admin creates a template (201); the list
// shows built-ins (read-only) and the custom one; a new RCA made from it has
// exactly its sections in order, with guidance and required flags.
func TestTemplateCreateAndNewRCA(t *testing.T) {
	e := newEnv(t)
	var tpl domain.Template
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("security"), 201, &tpl)
	if tpl.Version != 1 || tpl.BuiltIn || len(tpl.Sections) != 3 {
		t.Fatalf("created template: %+v", tpl)
	}
	var list struct{ Items []domain.Template }
	e.must(domain.RoleViewer, "GET", "/api/v1/templates", nil, 200, &list)
	var keys []string
	for _, x := range list.Items {
		keys = append(keys, x.Key)
		if x.BuiltIn != (x.Key != "security") {
			t.Errorf("template %s: built_in %v", x.Key, x.BuiltIn)
		}
	}
	if !slices.Equal(keys, []string{"standard", "partner", "third_party", "security"}) {
		t.Fatalf("list keys %v", keys)
	}
	var r domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Token leak", "template": "security"}, 201, &r)
	if r.Template != "security" || len(r.Sections) != 3 {
		t.Fatalf("rca from custom template: %+v", r.Sections)
	}
	for i, want := range []domain.Section{
		{Key: "summary", Title: "Summary", Guidance: "What happened, in three sentences.", Required: true, Visibility: domain.External},
		{Key: "exposure", Title: "Exposure", Guidance: "Which data was exposed, to whom?", Required: true, Visibility: domain.Internal},
		{Key: "follow_up", Title: "Follow-up", Visibility: domain.External},
	} {
		got := r.Sections[i]
		if got.Key != want.Key || got.Title != want.Title || got.Guidance != want.Guidance || got.Required != want.Required || got.Visibility != want.Visibility {
			t.Errorf("section %d: %+v, want %+v", i, got, want)
		}
	}
}

// TestTemplateValidation: each bad input is 422 naming the field, and
// nothing is stored.
func TestTemplateValidation(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name, field string
		change      func(b map[string]any)
	}{
		{"duplicate section keys", "sections[1].key", func(b map[string]any) { b["sections"].([]any)[1].(map[string]any)["key"] = "summary" }},
		{"empty title", "sections[0].title", func(b map[string]any) { b["sections"].([]any)[0].(map[string]any)["title"] = "  " }},
		{"unknown visibility", "sections[2].visibility", func(b map[string]any) { b["sections"].([]any)[2].(map[string]any)["visibility"] = "partners" }},
		{"bad key", "key", func(b map[string]any) { b["key"] = "Security Review!" }},
		{"built-in key", "key", func(b map[string]any) { b["key"] = "standard" }},
		{"no sections", "sections", func(b map[string]any) { b["sections"] = []any{} }},
		{"empty name", "name", func(b map[string]any) { b["name"] = "" }},
		{"bad section key", "sections[0].key", func(b map[string]any) { b["sections"].([]any)[0].(map[string]any)["key"] = "a/b" }},
		{"bad translation tag", "translations.not a tag", func(b map[string]any) {
			b["translations"] = map[string]any{"not a tag": map[string]any{"name": "x"}}
		}},
	}
	before := e.snapshot()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			b := tmplBody("tpl-" + strings.ReplaceAll(tc.name, " ", "-"))
			tc.change(b)
			w := e.as(domain.RoleAdmin, "POST", "/api/v1/templates", b)
			if w.Code != 422 || !hasProblemOn(decodeErr(t, w), tc.field) {
				t.Fatalf("status %d, want 422 on %s: %s", w.Code, tc.field, w.Body.String())
			}
		})
	}
	if list, _ := e.st.ListTemplates(context.Background()); len(list) != 0 || e.snapshot() != before {
		t.Fatalf("refused templates were stored: %+v", list)
	}
	// A taken custom key is 409.
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("taken"), 201, nil)
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("taken"), 409, nil)
	// Unknown members are refused, not ignored.
	b := tmplBody("typo")
	b["sectoins"] = []any{}
	if w := e.as(domain.RoleAdmin, "POST", "/api/v1/templates", b); w.Code/100 != 4 || w.Code == 201 {
		t.Fatalf("unknown member: %d", w.Code)
	}
}

// TestTemplateAuthz: authors and reviewers get 403 on every write; viewers
// list and read.
func TestTemplateAuthz(t *testing.T) {
	e := newEnv(t)
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("mine"), 201, nil)
	for _, role := range []domain.Role{domain.RoleAuthor, domain.RoleReviewer, domain.RoleViewer} {
		e.must(role, "POST", "/api/v1/templates", tmplBody("theirs"), 403, nil)
		body := tmplBody("mine")
		body["version"] = 1
		e.must(role, "PUT", "/api/v1/templates/mine", body, 403, nil)
		e.must(role, "DELETE", "/api/v1/templates/mine", nil, 403, nil)
		e.must(role, "POST", "/api/v1/factors", map[string]any{"key": "x", "name": "X"}, 403, nil)
		e.must(role, "PUT", "/api/v1/factors/deploy", map[string]any{"name": "X", "version": 0}, 403, nil)
		e.must(role, "DELETE", "/api/v1/factors/deploy", nil, 403, nil)
		e.must(role, "GET", "/api/v1/templates/mine", nil, 200, nil)
		e.must(role, "GET", "/api/v1/factors", nil, 200, nil)
	}
	e.serveExpect(t, "GET", "/api/v1/templates", 401)
	e.serveExpect(t, "GET", "/api/v1/factors", 401)
}

func (e *env) serveExpect(t *testing.T, method, path string, want int) {
	t.Helper()
	if w := e.serve(req{method: method, path: path}); w.Code != want {
		t.Fatalf("%s %s anonymous: %d, want %d", method, path, w.Code, want)
	}
}

// TestTemplateUpdateVersionsAndRetire: PUT with the version read (the GET
// document is accepted back); a stale version is 409 with the current
// template; built-ins are read-only; DELETE retires: the template is no
// longer offered for new RCAs, existing RCAs keep their sections, and it
// can be brought back.
func TestTemplateUpdateVersionsAndRetire(t *testing.T) {
	e := newEnv(t)
	var v1 map[string]any
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("sec"), 201, &v1)
	var old domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Before the change", "template": "sec"}, 201, &old)

	// The GET document, changed: sections reordered, one removed, one added.
	var doc map[string]any
	e.must(domain.RoleViewer, "GET", "/api/v1/templates/sec", nil, 200, &doc)
	secs := doc["sections"].([]any)
	doc["sections"] = []any{secs[1], secs[0], map[string]any{"key": "lessons", "title": "Lessons", "visibility": "internal"}}
	doc["name"] = "Security review v2"
	var v2 domain.Template
	e.must(domain.RoleAdmin, "PUT", "/api/v1/templates/sec", doc, 200, &v2)
	if v2.Version != 2 || v2.Sections[0].Key != "exposure" || v2.Sections[2].Key != "lessons" {
		t.Fatalf("updated: %+v", v2)
	}
	// Stale: 409 with the current template, nothing changed.
	v1["name"] = "lost update"
	w := e.as(domain.RoleAdmin, "PUT", "/api/v1/templates/sec", v1)
	if w.Code != 409 || !strings.Contains(string(decodeErr(t, w).Error.Current), "Security review v2") {
		t.Fatalf("stale PUT: %d %s", w.Code, w.Body.String())
	}
	// Missing version: 422.
	nov := tmplBody("sec")
	if w := e.as(domain.RoleAdmin, "PUT", "/api/v1/templates/sec", nov); w.Code != 422 || !hasProblemOn(decodeErr(t, w), "version") {
		t.Fatalf("PUT without version: %d %s", w.Code, w.Body.String())
	}
	// Built-ins are read-only.
	std := tmplBody("standard")
	std["version"] = 1
	if w := e.as(domain.RoleAdmin, "PUT", "/api/v1/templates/standard", std); w.Code != 422 || !hasProblemOn(decodeErr(t, w), "key") {
		t.Fatalf("PUT of a built-in: %d %s", w.Code, w.Body.String())
	}
	if w := e.as(domain.RoleAdmin, "DELETE", "/api/v1/templates/standard", nil); w.Code != 422 {
		t.Fatalf("DELETE of a built-in: %d %s", w.Code, w.Body.String())
	}
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/templates/nope", nil, 404, nil)

	// The RCA made before keeps its sections.
	var again domain.RCA
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+old.ID, nil, 200, &again)
	if len(again.Sections) != 3 || again.Sections[0].Key != "summary" || again.Sections[2].Key != "follow_up" {
		t.Fatalf("existing RCA sections changed: %+v", again.Sections)
	}

	// Retire: gone from the list and from new RCAs; still readable.
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/templates/sec", nil, 204, nil)
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/templates/sec", nil, 204, nil) // idempotent
	var list struct{ Items []domain.Template }
	e.must(domain.RoleViewer, "GET", "/api/v1/templates", nil, 200, &list)
	if len(list.Items) != 3 {
		t.Fatalf("retired template still listed: %d items", len(list.Items))
	}
	e.must(domain.RoleViewer, "GET", "/api/v1/templates?include_retired=true", nil, 200, &list)
	if len(list.Items) != 4 || !list.Items[3].Retired {
		t.Fatalf("include_retired: %+v", list.Items)
	}
	w = e.as(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "After retiring", "template": "sec"})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "template") {
		t.Fatalf("new RCA from a retired template: %d %s", w.Code, w.Body.String())
	}
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+old.ID, nil, 200, &again)
	if len(again.Sections) != 3 {
		t.Fatalf("retiring changed an RCA: %+v", again.Sections)
	}
	// Brought back by PUT retired:false.
	var cur map[string]any
	e.must(domain.RoleAdmin, "GET", "/api/v1/templates/sec", nil, 200, &cur)
	cur["retired"] = false
	e.must(domain.RoleAdmin, "PUT", "/api/v1/templates/sec", cur, 200, nil)
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Back again", "template": "sec"}, 201, nil)
}

// TestTemplateExportImport: an exported template imports elsewhere as the
// same template (sections, guidance, translations); a wrong format is 422,
// a taken key 409.
func TestTemplateExportImport(t *testing.T) {
	a, b := newEnv(t), newEnv(t)
	body := tmplBody("shared")
	body["translations"] = map[string]any{"de": map[string]any{"name": "Sicherheitsprüfung"}}
	body["sections"].([]any)[0].(map[string]any)["translations"] = map[string]any{"de": map[string]any{"title": "Zusammenfassung", "guidance": "Was ist passiert?"}}
	body["show_factors"] = true
	a.must(domain.RoleAdmin, "POST", "/api/v1/templates", body, 201, nil)
	w := a.as(domain.RoleViewer, "GET", "/api/v1/templates/shared/export", nil)
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Disposition"), "template-shared.json") {
		t.Fatalf("export: %d %v", w.Code, w.Header())
	}
	var exp map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &exp); err != nil {
		t.Fatal(err)
	}
	if exp["format"] != "hindsight-template/1" {
		t.Fatalf("export format %v", exp["format"])
	}
	if _, has := exp["template"].(map[string]any)["created_at"]; has {
		t.Errorf("export carries installation times: %s", w.Body.String())
	}
	var got domain.Template
	b.must(domain.RoleAdmin, "POST", "/api/v1/templates/import", exp, 201, &got)
	if got.Key != "shared" || got.Version != 1 || len(got.Sections) != 3 || !got.ShowFactors ||
		got.Translations["de"].Name != "Sicherheitsprüfung" || got.Sections[0].Translations["de"].Title != "Zusammenfassung" {
		t.Fatalf("imported: %+v", got)
	}
	b.must(domain.RoleAdmin, "POST", "/api/v1/templates/import", exp, 409, nil)
	b.must(domain.RoleAuthor, "POST", "/api/v1/templates/import", exp, 403, nil)
	exp["format"] = "something-else/9"
	if w := b.as(domain.RoleAdmin, "POST", "/api/v1/templates/import", exp); w.Code != 422 || !hasProblemOn(decodeErr(t, w), "format") {
		t.Fatalf("wrong format: %d %s", w.Code, w.Body.String())
	}
	// A built-in exports too, and imports only under a new key.
	var std map[string]any
	a.must(domain.RoleViewer, "GET", "/api/v1/templates/standard/export", nil, 200, &std)
	if w := b.as(domain.RoleAdmin, "POST", "/api/v1/templates/import", std); w.Code != 422 || !hasProblemOn(decodeErr(t, w), "key") {
		t.Fatalf("import of a built-in key: %d %s", w.Code, w.Body.String())
	}
	std["template"].(map[string]any)["key"] = "our-standard"
	b.must(domain.RoleAdmin, "POST", "/api/v1/templates/import", std, 201, nil)
}

// TestTemplateTranslatedRCA: a new RCA in German from a template with German
// translations gets the German titles and guidance.
func TestTemplateTranslatedRCA(t *testing.T) {
	e := newEnv(t)
	body := tmplBody("sec")
	body["sections"].([]any)[0].(map[string]any)["translations"] = map[string]any{"de": map[string]any{"title": "Zusammenfassung", "guidance": "Was ist passiert?"}}
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", body, 201, nil)
	var r domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Leck", "template": "sec", "language": "de"}, 201, &r)
	if r.Sections[0].Title != "Zusammenfassung" || r.Sections[0].Guidance != "Was ist passiert?" || r.Sections[1].Title != "Exposure" {
		t.Fatalf("german rca sections: %+v", r.Sections[:2])
	}
}

// TestFactorsListLocalized: GET /factors lists the built-in taxonomy with
// name and description in the request's language.
func TestFactorsListLocalized(t *testing.T) {
	e := newEnv(t)
	var list struct{ Items []factorView }
	e.must(domain.RoleViewer, "GET", "/api/v1/factors", nil, 200, &list)
	var keys []string
	for _, f := range list.Items {
		keys = append(keys, f.Key)
		if f.Name == "" || f.Description == "" || !f.BuiltIn {
			t.Errorf("factor %+v", f)
		}
	}
	for _, k := range []string{"third_party", "config_change", "deploy", "capacity", "dependency_failure", "monitoring_gap", "human_process", "software_bug", "infrastructure", "security"} {
		if !slices.Contains(keys, k) {
			t.Errorf("built-in factor %s missing", k)
		}
	}
	for lang, want := range map[string]string{"de": "Konfigurationsänderung", "fr": "Changement de configuration", "es": "Cambio de configuración", "pt-BR": "Mudança de configuração", "en": "Configuration change"} {
		w := e.serve(req{method: "GET", path: "/api/v1/factors", token: e.tokens[domain.RoleViewer], header: map[string]string{"Accept-Language": lang}})
		if !strings.Contains(w.Body.String(), `"name":"`+want+`"`) {
			t.Errorf("%s: %s not in %s", lang, want, w.Body.String()[:200])
		}
	}
	e.must(domain.RoleViewer, "GET", "/api/v1/factors?lang=de", nil, 200, &list)
	if list.Items[0].Name != "Drittanbieter" {
		t.Errorf("?lang=de: %+v", list.Items[0])
	}
}

// TestFactorsAdminEdit: admins add, rename, describe, translate and retire
// factors; versions are checked (0 for an unedited built-in); bad input is
// 422 naming the field.
func TestFactorsAdminEdit(t *testing.T) {
	e := newEnv(t)
	var f domain.Factor
	e.must(domain.RoleAdmin, "POST", "/api/v1/factors", map[string]any{"key": "vendor_lockin", "name": "Vendor lock-in",
		"description": "No way to switch providers.", "translations": map[string]any{"de": map[string]any{"name": "Anbieterbindung"}}}, 201, &f)
	if f.Version != 1 || f.BuiltIn {
		t.Fatalf("created %+v", f)
	}
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"key": "deploy", "name": "Deploys"}, "key"},
		{map[string]any{"key": "Bad Key", "name": "x"}, "key"},
		{map[string]any{"key": "ok_key", "name": ""}, "name"},
		{map[string]any{"key": "ok_key", "name": "x", "translations": map[string]any{"??": map[string]any{"name": "x"}}}, "translations.??"},
	} {
		if w := e.as(domain.RoleAdmin, "POST", "/api/v1/factors", bad.body); w.Code != 422 || !hasProblemOn(decodeErr(t, w), bad.field) {
			t.Errorf("%v: %d %s", bad.body, w.Code, w.Body.String())
		}
	}
	e.must(domain.RoleAdmin, "POST", "/api/v1/factors", map[string]any{"key": "vendor_lockin", "name": "again"}, 409, nil)

	// Rename a built-in: its GET says version 0; that PUT stores it at 1.
	var d domain.Factor
	e.must(domain.RoleViewer, "GET", "/api/v1/factors/deploy", nil, 200, &d)
	if d.Version != 0 || !d.BuiltIn {
		t.Fatalf("unedited built-in %+v", d)
	}
	var doc map[string]any
	e.must(domain.RoleViewer, "GET", "/api/v1/factors/deploy", nil, 200, &doc)
	doc["name"] = "Release"
	doc["translations"].(map[string]any)["de"] = map[string]any{"name": "Auslieferung", "description": "Ein Release."}
	e.must(domain.RoleAdmin, "PUT", "/api/v1/factors/deploy", doc, 200, &d)
	if d.Version != 1 || d.Name != "Release" || !d.BuiltIn {
		t.Fatalf("edited built-in %+v", d)
	}
	doc["name"] = "stale"
	if w := e.as(domain.RoleAdmin, "PUT", "/api/v1/factors/deploy", doc); w.Code != 409 {
		t.Fatalf("stale factor PUT: %d %s", w.Code, w.Body.String())
	}
	var list struct{ Items []factorView }
	e.must(domain.RoleViewer, "GET", "/api/v1/factors?lang=de", nil, 200, &list)
	if i := slices.IndexFunc(list.Items, func(v factorView) bool { return v.Key == "deploy" }); i < 0 || list.Items[i].Name != "Auslieferung" {
		t.Fatalf("renamed factor in german: %+v", list.Items)
	}
	e.must(domain.RoleAdmin, "PUT", "/api/v1/factors/ghost", map[string]any{"name": "x", "version": 1}, 404, nil)

	// Retire: gone from the default list, listed with include_retired.
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/factors/vendor_lockin", nil, 204, nil)
	e.must(domain.RoleViewer, "GET", "/api/v1/factors", nil, 200, &list)
	if slices.ContainsFunc(list.Items, func(v factorView) bool { return v.Key == "vendor_lockin" }) {
		t.Fatal("retired factor still listed")
	}
	e.must(domain.RoleViewer, "GET", "/api/v1/factors?include_retired=true", nil, 200, &list)
	if i := slices.IndexFunc(list.Items, func(v factorView) bool { return v.Key == "vendor_lockin" }); i < 0 || !list.Items[i].Retired {
		t.Fatal("retired factor not listed with include_retired")
	}
}

// TestRCAContributingFactors: an RCA carries factor keys; unknown keys and
// newly chosen retired ones are 422 naming the entry; a factor retired after
// it was chosen stays, and every PUT still accepts its GET.
func TestRCAContributingFactors(t *testing.T) {
	e := newEnv(t)
	w := e.as(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Bad", "contributing_factors": []string{"deploy", "cosmic_rays"}})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "contributing_factors[1]") {
		t.Fatalf("unknown factor on create: %d %s", w.Code, w.Body.String())
	}
	e.must(domain.RoleAdmin, "POST", "/api/v1/factors", map[string]any{"key": "old_one", "name": "Old"}, 201, nil)
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/factors/old_one", nil, 204, nil)
	w = e.as(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Bad", "contributing_factors": []string{"old_one"}})
	if w.Code != 422 || !hasProblemOn(decodeErr(t, w), "contributing_factors[0]") {
		t.Fatalf("retired factor on create: %d %s", w.Code, w.Body.String())
	}
	e.must(domain.RoleAdmin, "POST", "/api/v1/factors", map[string]any{"key": "soon_old", "name": "Soon old"}, 201, nil)
	var r domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Good", "contributing_factors": []string{"deploy", "soon_old"}}, 201, &r)
	if !slices.Equal(r.ContributingFactors, []string{"deploy", "soon_old"}) {
		t.Fatalf("created factors %v", r.ContributingFactors)
	}
	e.must(domain.RoleAdmin, "DELETE", "/api/v1/factors/soon_old", nil, 204, nil)

	// Every PUT accepts its GET, also with a factor retired since.
	var doc map[string]any
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &doc)
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, doc, 200, &r)
	// Adding an unknown or a retired key is refused, nothing changes.
	for _, keys := range [][]string{{"deploy", "soon_old", "nope"}, {"deploy", "soon_old", "old_one"}, {"deploy", "deploy"}} {
		e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &doc)
		doc["contributing_factors"] = keys
		if w := e.as(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, doc); w.Code != 422 || !hasProblemOn(decodeErr(t, w), "contributing_factors[2]") && !hasProblemOn(decodeErr(t, w), "contributing_factors[1]") {
			t.Fatalf("PUT %v: %d %s", keys, w.Code, w.Body.String())
		}
	}
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &doc)
	doc["contributing_factors"] = []string{"capacity"}
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r.ID, doc, 200, &r)
	if !slices.Equal(r.ContributingFactors, []string{"capacity"}) {
		t.Fatalf("replaced factors %v", r.ContributingFactors)
	}
}

// TestReportShowsFactorsInternalOnly: a template with show_factors puts the
// RCA's factors (named in the report's language) into the internal
// Markdown, HTML and PDF reports, never into the external editions; a
// template without it shows none.
func TestReportShowsFactorsInternalOnly(t *testing.T) {
	e := newEnv(t)
	body := tmplBody("with-factors")
	body["show_factors"] = true
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", body, 201, nil)
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", tmplBody("without"), 201, nil)
	var r, plain domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Checkout down", "template": "with-factors",
		"contributing_factors": []string{"deploy", "monitoring_gap"}}, 201, &r)
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Search down", "template": "without",
		"contributing_factors": []string{"deploy"}}, 201, &plain)
	get := func(id, q string) string {
		t.Helper()
		w := e.as(domain.RoleAuthor, "GET", "/api/v1/rcas/"+id+"/export?"+q, nil)
		if w.Code != 200 {
			t.Fatalf("export %s: %d %s", q, w.Code, w.Body.String())
		}
		return w.Body.String()
	}
	exe, skipPDF := pdftotext(t)
	for _, tc := range []struct{ lang, name, label string }{
		{"en", "Deployment", "Contributing factors"},
		{"de", "Bereitstellung", "Beitragende Faktoren"},
		{"pt-BR", "Implantação", "Fatores contribuintes"},
	} {
		for _, format := range []string{"md", "html", "pdf"} {
			if format == "pdf" && exe == "" {
				continue
			}
			read := func(id, audience string) string {
				out := get(id, "format="+format+"&lang="+tc.lang+"&audience="+audience)
				if format == "pdf" {
					return pdfText(t, exe, []byte(out))
				}
				return out
			}
			in := read(r.ID, "internal")
			if !strings.Contains(in, tc.label) || !strings.Contains(in, tc.name) {
				t.Errorf("%s %s internal: factors missing", tc.lang, format)
			}
			if out := read(r.ID, "external"); strings.Contains(out, tc.label) || strings.Contains(out, tc.name) {
				t.Errorf("%s %s external: factors leaked", tc.lang, format)
			}
			if out := read(plain.ID, "internal"); strings.Contains(out, tc.label) {
				t.Errorf("%s %s: a template without show_factors shows them", tc.lang, format)
			}
		}
	}
	if skipPDF != "" {
		t.Skip(skipPDF)
	}
}

// TestCustomTemplateRulesReachEditorAndReport: a custom template's section
// rules work like a built-in's: the timeline table follows the section
// carrying the timeline rule in the report, and the editor's timeline form
// returns to that section.
func TestCustomTemplateRulesReachEditorAndReport(t *testing.T) {
	e := newEnv(t)
	e.must(domain.RoleAdmin, "POST", "/api/v1/templates", map[string]any{"key": "story", "name": "Story", "sections": []any{
		map[string]any{"key": "what", "title": "What happened", "visibility": "external", "rules": []string{"timeline"}},
		map[string]any{"key": "next", "title": "What we change", "visibility": "external"},
	}}, 201, nil)
	var r map[string]any
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Queue stalled", "template": "story"}, 201, &r)
	r["timeline"] = []any{map[string]any{"at": "2026-03-01T10:00:00Z", "kind": "detected", "text": "Alert QZX fired", "visibility": "external"}}
	r["sections"].([]any)[1].(map[string]any)["body"] = "Alerts page the owner."
	e.must(domain.RoleAuthor, "PUT", "/api/v1/rcas/"+r["id"].(string), r, 200, nil)
	w := e.as(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r["id"].(string)+"/export?format=md&audience=internal", nil)
	md := w.Body.String()
	what, entry, next := strings.Index(md, "## What happened"), strings.Index(md, "Alert QZX fired"), strings.Index(md, "## What we change")
	if w.Code != 200 || what < 0 || entry < what || next < entry {
		t.Fatalf("timeline not placed after the rule's section (%d %d %d):\n%s", what, entry, next, md)
	}
}

// TestFactorsHiddenFromExternalEdition: viewers read the external edition,
// which carries no contributing factors; authors see them.
func TestFactorsHiddenFromExternalEdition(t *testing.T) {
	e := newEnv(t)
	var r domain.RCA
	e.must(domain.RoleAuthor, "POST", "/api/v1/rcas", map[string]any{"title": "Checkout down", "contributing_factors": []string{"deploy"}}, 201, &r)
	var got domain.RCA
	e.must(domain.RoleViewer, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &got)
	if got.ContributingFactors == nil || len(got.ContributingFactors) != 0 {
		t.Fatalf("viewer sees factors: %v", got.ContributingFactors)
	}
	e.must(domain.RoleAuthor, "GET", "/api/v1/rcas/"+r.ID, nil, 200, &got)
	if !slices.Equal(got.ContributingFactors, []string{"deploy"}) {
		t.Fatalf("author: %v", got.ContributingFactors)
	}
}
