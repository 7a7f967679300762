package web

// Admin pages for templates and factors, the new-RCA page and the editor's
// factor multi-select (tmpl area, issue 14).

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

func templateForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// TestTemplateAdminPages: an admin creates a template through the form,
// adds, reorders and removes section rows without saving, translates it,
// saves it (a stale version is refused), retires and restores it; bad
// input is shown again with the problem named and nothing stored.
func TestTemplateAdminPages(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	c := e.as(domain.RoleAdmin)
	r := c.get("/admin/templates", http.StatusOK)
	mustContain(t, r.body, "Standard postmortem", "Read-only", "Import a template")
	r = c.get("/admin/templates/new", http.StatusOK)
	mustContain(t, r.body, `name="s.2.title"`, "Add section")

	base := templateForm("key", "sec-review", "name", "Security review", "rows", "2",
		"s.0.key", "summary", "s.0.title", "Summary", "s.0.guidance", "What happened?", "s.0.required", "on", "s.0.visibility", "external",
		"s.1.key", "exposure", "s.1.title", "Exposure", "s.1.visibility", "internal")
	// Row buttons re-render without saving.
	f := cloneValues(base)
	f.Set("op", "down:0")
	r = c.post("/admin/templates", f, http.StatusOK)
	if strings.Index(r.body, `value="exposure"`) > strings.Index(r.body, `value="summary"`) {
		t.Fatal("move down did not reorder the rows")
	}
	f.Set("op", "add")
	r = c.post("/admin/templates", f, http.StatusOK)
	mustContain(t, r.body, `name="s.2.key"`)
	f.Set("op", "remove:1")
	r = c.post("/admin/templates", f, http.StatusOK)
	mustNotContain(t, r.body, `value="exposure"`)
	if list, _ := e.st.ListTemplates(ctx); len(list) != 0 {
		t.Fatalf("a row button saved: %+v", list)
	}

	// Bad input: duplicate section key, shown again with input kept.
	bad := cloneValues(base)
	bad.Set("s.1.key", "summary")
	r = c.post("/admin/templates", bad, http.StatusUnprocessableEntity)
	mustContain(t, r.body, "form-errors", `value="Security review"`)
	bad = cloneValues(base)
	bad.Set("key", "standard")
	c.post("/admin/templates", bad, http.StatusUnprocessableEntity)
	if list, _ := e.st.ListTemplates(ctx); len(list) != 0 {
		t.Fatalf("an invalid template was stored: %+v", list)
	}

	// Save with a German translation; the moved order is kept.
	ok := cloneValues(base)
	ok.Set("s.0.key", "exposure")
	ok.Set("s.0.title", "Exposure")
	ok.Set("s.0.visibility", "internal")
	ok.Del("s.0.required")
	ok.Set("s.1.key", "summary")
	ok.Set("s.1.title", "Summary")
	ok.Set("s.1.required", "on")
	ok.Set("s.1.visibility", "external")
	ok.Set("tr.de.name", "Sicherheitsprüfung")
	ok.Set("tr.de.s.1.title", "Zusammenfassung")
	ok.Set("show_factors", "on")
	r = c.post("/admin/templates", ok, http.StatusSeeOther)
	if location(t, r) != "/admin/templates/sec-review" {
		t.Fatalf("redirect to %s", location(t, r))
	}
	tpl, err := e.st.GetTemplate(ctx, "sec-review")
	if err != nil || len(tpl.Sections) != 2 || tpl.Sections[0].Key != "exposure" || !tpl.Sections[1].Required || !tpl.ShowFactors ||
		tpl.Translations["de"].Name != "Sicherheitsprüfung" || tpl.Sections[1].Translations["de"].Title != "Zusammenfassung" {
		t.Fatalf("stored template %+v %v", tpl, err)
	}
	r = c.get("/admin/templates/sec-review", http.StatusOK)
	mustContain(t, r.body, `value="Zusammenfassung"`, `name="version" value="1"`)

	// Edit: stale version refused, right version saved.
	edit := cloneValues(ok)
	edit.Del("key")
	edit.Set("name", "Security review v2")
	edit.Set("version", "7")
	r = c.post("/admin/templates/sec-review", edit, http.StatusConflict)
	mustContain(t, r.body, "Someone else changed this meanwhile.")
	edit.Set("version", "1")
	c.post("/admin/templates/sec-review", edit, http.StatusSeeOther)
	if tpl, _ = e.st.GetTemplate(ctx, "sec-review"); tpl.Name != "Security review v2" || tpl.Version != 2 {
		t.Fatalf("edited %+v", tpl)
	}
	// Built-ins open no form.
	r = c.get("/admin/templates/standard", http.StatusSeeOther)

	// Retire and restore.
	c.post("/admin/templates/sec-review/retire", nil, http.StatusSeeOther)
	if tpl, _ = e.st.GetTemplate(ctx, "sec-review"); !tpl.Retired {
		t.Fatal("not retired")
	}
	r = c.get("/admin/templates", http.StatusOK)
	mustContain(t, r.body, "Retired", "/admin/templates/sec-review/restore")
	c.post("/admin/templates/sec-review/restore", nil, http.StatusSeeOther)
	if tpl, _ = e.st.GetTemplate(ctx, "sec-review"); tpl.Retired {
		t.Fatal("not restored")
	}

	// Import from pasted JSON; junk is refused with the input kept.
	r = c.post("/admin/templates/import", templateForm("json", "{not json"), http.StatusUnprocessableEntity)
	mustContain(t, r.body, "{not json")
	doc := `{"format":"hindsight-template/1","template":{"key":"imported","name":"Imported","sections":[{"key":"summary","title":"Summary","visibility":"external"}]}}`
	c.post("/admin/templates/import", templateForm("json", doc), http.StatusSeeOther)
	if _, err := e.st.GetTemplate(ctx, "imported"); err != nil {
		t.Fatalf("import: %v", err)
	}

	// Authors cannot open the pages.
	a := e.as(domain.RoleAuthor)
	a.get("/admin/templates", http.StatusForbidden)
	a.post("/admin/templates", cloneValues(base), http.StatusForbidden)
}

// TestTemplatePagesLocalized: the admin pages render in every UI language
// without untranslated keys (the harness fails on any).
func TestTemplatePagesLocalized(t *testing.T) {
	e := newUIEnv(t)
	c := e.as(domain.RoleAdmin)
	for lang, want := range map[string]string{"de": "Vorlagen", "fr": "Modèles", "es": "Plantillas", "pt-BR": "Modelos", "en": "Templates"} {
		c.lang = lang
		r := c.get("/admin/templates?lang="+lang, http.StatusOK)
		mustContain(t, r.body, want)
		c.get("/admin/templates/new?lang="+lang, http.StatusOK)
		c.get("/admin/factors?lang="+lang, http.StatusOK)
	}
}

// TestNewRCAPageOffersCustomTemplates: the new-RCA page offers custom
// templates (not retired ones), and an RCA made there gets exactly the
// template's sections in order.
func TestNewRCAPageOffersCustomTemplates(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	for _, key := range []string{"sec-review", "old-one"} {
		tpl := domain.Template{Key: key, Name: "Tpl " + key, Sections: []domain.SectionDef{
			{Key: "exposure", Title: "Exposure", Guidance: "Which data?", Required: true, Visibility: domain.Internal},
			{Key: "summary", Title: "Summary", Visibility: domain.External}}}
		if err := e.st.CreateTemplate(ctx, &tpl); err != nil {
			t.Fatal(err)
		}
	}
	old, _ := e.st.GetTemplate(ctx, "old-one")
	old.Retired = true
	if err := e.st.UpdateTemplate(ctx, &old); err != nil {
		t.Fatal(err)
	}
	c := e.as(domain.RoleAuthor)
	r := c.get("/rcas/new", http.StatusOK)
	mustContain(t, r.body, `value="sec-review"`, "Tpl sec-review", "Exposure")
	mustNotContain(t, r.body, `value="old-one"`)
	r = c.post("/rcas", templateForm("title", "Key leak", "template", "sec-review", "language", "en"), http.StatusSeeOther)
	id := strings.TrimSuffix(strings.TrimPrefix(location(t, r), "/rcas/"), "/edit")
	got := e.getRCA(id)
	if got.Template != "sec-review" || len(got.Sections) != 2 || got.Sections[0].Key != "exposure" || got.Sections[0].Guidance != "Which data?" ||
		!got.Sections[0].Required || got.Sections[0].Visibility != domain.Internal || got.Sections[1].Key != "summary" {
		t.Fatalf("rca from custom template: %+v", got.Sections)
	}
	r = c.post("/rcas", templateForm("title", "Old", "template", "old-one", "language", "en"), http.StatusUnprocessableEntity)
	mustContain(t, r.body, "form-errors")
	// The editor opens the custom sections.
	c.get("/rcas/"+id+"/edit", http.StatusOK)
	r = c.get("/rcas/"+id+"/write", http.StatusOK)
	mustContain(t, r.body, `id="s-exposure"`, `id="s-summary"`)
}

// TestRCAFactorsForm: the editor (write page and the facts view) shows the
// factor multi-select; ticking saves the keys; a retired factor the RCA
// still carries stays shown and kept; an unknown key changes nothing.
func TestRCAFactorsForm(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	r0 := e.rca("Checkout down")
	c := e.as(domain.RoleAuthor)
	r := c.get("/rcas/"+r0.ID+"/write", http.StatusOK)
	mustContain(t, r.body, `action="/rcas/`+r0.ID+`/factors"`, `value="config_change"`, "Configuration change")
	r = c.get("/rcas/"+r0.ID+"/edit?section=_facts", http.StatusOK)
	mustContain(t, r.body, `id="factors"`, `value="monitoring_gap"`)

	f := url.Values{"factor": {"deploy", "monitoring_gap"}, "from": {"write"}}
	r = c.post("/rcas/"+r0.ID+"/factors", f, http.StatusSeeOther)
	if !strings.HasPrefix(location(t, r), "/rcas/"+r0.ID+"/write") {
		t.Fatalf("back to %s", location(t, r))
	}
	if got := e.getRCA(r0.ID).ContributingFactors; !slices.Equal(got, []string{"deploy", "monitoring_gap"}) {
		t.Fatalf("factors %v", got)
	}
	// Retire one: still shown (ticked) on this RCA, not offered elsewhere.
	fac, _ := domain.BuiltinFactor("monitoring_gap")
	fac.Retired = true
	if err := e.st.CreateFactor(ctx, &fac); err != nil {
		t.Fatal(err)
	}
	r = c.get("/rcas/"+r0.ID+"/write", http.StatusOK)
	mustContain(t, r.body, `value="monitoring_gap" checked`)
	other := e.rca("Other")
	r = c.get("/rcas/"+other.ID+"/write", http.StatusOK)
	mustNotContain(t, r.body, `value="monitoring_gap"`)
	// Keeping it is fine; unknown keys change nothing.
	c.post("/rcas/"+r0.ID+"/factors", url.Values{"factor": {"deploy", "monitoring_gap", "capacity"}}, http.StatusSeeOther)
	if got := e.getRCA(r0.ID).ContributingFactors; len(got) != 3 {
		t.Fatalf("factors %v", got)
	}
	c.post("/rcas/"+r0.ID+"/factors", url.Values{"factor": {"cosmic_rays"}}, http.StatusSeeOther)
	if got := e.getRCA(r0.ID).ContributingFactors; len(got) != 3 {
		t.Fatalf("unknown factor changed the RCA: %v", got)
	}
	r = c.get("/rcas/"+r0.ID+"/edit?section=_facts", http.StatusOK)
	mustContain(t, r.body, "unknown or retired")
	// Viewers cannot post.
	e.as(domain.RoleViewer).post("/rcas/"+r0.ID+"/factors", url.Values{"factor": {"deploy"}}, http.StatusForbidden)
}

// TestFactorAdminPages: admins add, rename, translate and retire factors on
// the page; bad input is shown again; a stale version is refused.
func TestFactorAdminPages(t *testing.T) {
	e := newUIEnv(t)
	ctx := context.Background()
	c := e.as(domain.RoleAdmin)
	r := c.get("/admin/factors", http.StatusOK)
	mustContain(t, r.body, `id="factor-third_party"`, "Third party", "Built-in")
	r = c.post("/admin/factors", templateForm("key", "Bad Key", "name", "Kept name"), http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="Kept name"`, "form-errors")
	c.post("/admin/factors", templateForm("key", "deploy", "name", "Again"), http.StatusUnprocessableEntity)
	c.post("/admin/factors", templateForm("key", "vendor_lockin", "name", "Vendor lock-in", "description", "No way out."), http.StatusSeeOther)
	if f, err := e.st.GetFactor(ctx, "vendor_lockin"); err != nil || f.Name != "Vendor lock-in" {
		t.Fatalf("added %+v %v", f, err)
	}
	// Rename and translate a built-in (version 0: never edited).
	c.post("/admin/factors/deploy", templateForm("name", "Release", "version", "0", "tr.de.name", "Auslieferung"), http.StatusSeeOther)
	f, err := e.st.GetFactor(ctx, "deploy")
	if err != nil || f.Name != "Release" || f.Translations["de"].Name != "Auslieferung" || !f.BuiltIn {
		t.Fatalf("edited built-in %+v %v", f, err)
	}
	r = c.post("/admin/factors/deploy", templateForm("name", "Stale", "version", "0"), http.StatusUnprocessableEntity)
	mustContain(t, r.body, "Someone else changed this meanwhile.")
	c.post("/admin/factors/deploy", templateForm("name", "Release", "version", "1", "retired", "on"), http.StatusSeeOther)
	if f, _ = e.st.GetFactor(ctx, "deploy"); !f.Retired {
		t.Fatal("not retired")
	}
	e.as(domain.RoleAuthor).get("/admin/factors", http.StatusForbidden)
}

// TestRCAViewShowsFactors: the RCA page names the factors, in the reader's
// language, for authors; viewers (external edition) see none.
func TestRCAViewShowsFactors(t *testing.T) {
	e := newUIEnv(t)
	r0 := e.rca("Checkout down")
	r := e.getRCA(r0.ID)
	r.ContributingFactors = []string{"deploy", "capacity"}
	if err := e.st.UpdateRCA(context.Background(), &r, e.users[domain.RoleAuthor].ID, "factors"); err != nil {
		t.Fatal(err)
	}
	a := e.as(domain.RoleAuthor)
	mustContain(t, a.get("/rcas/"+r.ID, http.StatusOK).body, "Contributing factors", "Deployment, Capacity")
	a.lang = "de"
	mustContain(t, a.get("/rcas/"+r.ID+"?lang=de", http.StatusOK).body, "Bereitstellung, Kapazität")
	mustNotContain(t, e.as(domain.RoleViewer).get("/rcas/"+r.ID, http.StatusOK).body, "Deployment")
}
