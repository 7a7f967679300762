package web

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// area report2: the facts form sets each fact's wording for all languages
// and per language.

func wordingRCA(t *testing.T, e *uiEnv) domain.RCA {
	t.Helper()
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	author := e.users[domain.RoleAuthor]
	r := domain.NewRCA("Recurring outage", tpl, "en", nil, author.ID, time.Now())
	r.Sections[0].Translations = map[string]domain.SectionTranslation{"de": {Title: "Zusammenfassung", Body: "Text"}}
	r.FactOverrides = map[string]domain.FactOverride{"duration": {Text: "about an hour, twice"}}
	if err := e.st.CreateRCA(context.Background(), &r, author.ID); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestFactWordingPerLanguage(t *testing.T) {
	e := newUIEnv(t)
	rc := wordingRCA(t, e)
	c := e.as(domain.RoleAuthor)
	// The RCA is translated into German: the table has a German column.
	r := c.get("/rcas/"+rc.ID+"/edit?section=_facts", http.StatusOK)
	mustContain(t, r.body, "Wording of the facts", `name="fact.date"`, `name="fact.duration@de"`, `name="fact.time_to_detect@new"`, `name="fact_new_tag"`)

	form := url.Values{"title": {"Recurring outage"}, "severity": {""}, "fact_wording": {"1"},
		"fact.date":           {"Early March"},
		"fact.date@de":        {"Anfang März"},
		"fact.duration@de":    {"zweimal etwa eine Stunde"},
		"fact_new_tag":        {"fr-ca"},
		"fact.duration@new":   {"environ une heure, deux fois"},
		"fact.severity":       {""},
		"fact.time_to_detect": {"  "},
	}
	c.post("/rcas/"+rc.ID+"/facts", form, http.StatusSeeOther)
	got := e.getRCA(rc.ID).FactOverrides
	want := map[string]domain.FactOverride{
		"date":     {Text: "Early March", Translations: map[string]string{"de": "Anfang März"}},
		"duration": {Text: "about an hour, twice", Translations: map[string]string{"de": "zweimal etwa eine Stunde", "fr-CA": "environ une heure, deux fois"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("fact overrides = %#v\nwant %#v", got, want)
	}
	// The added language is a column now, with its wording.
	r = c.get("/rcas/"+rc.ID+"/edit?section=_facts", http.StatusOK)
	mustContain(t, r.body, `name="fact.duration@fr-CA" value="environ une heure, deux fois"`, `name="fact.date" value="Early March"`)
	// The RCA page in German shows the German wording.
	rcaDE := e.getRCA(rc.ID)
	if w, _ := rcaDE.FactWording("duration", "de-AT"); w != "zweimal etwa eine Stunde" {
		t.Errorf("de-AT wording %q", w)
	}
	// Clearing a field removes that wording.
	form.Set("fact.date@de", "")
	form.Set("fact_new_tag", "")
	form.Del("fact.duration@new")
	form.Set("fact.duration@fr-CA", "environ une heure, deux fois")
	c.post("/rcas/"+rc.ID+"/facts", form, http.StatusSeeOther)
	if got := e.getRCA(rc.ID).FactOverrides["date"]; got.Translations != nil || got.Text != "Early March" {
		t.Errorf("after clearing: %#v", got)
	}
}

func TestFactWordingRejectsBadInput(t *testing.T) {
	e := newUIEnv(t)
	rc := wordingRCA(t, e)
	c := e.as(domain.RoleAuthor)
	before := e.getRCA(rc.ID)
	for name, form := range map[string]url.Values{
		"bad tag":      {"fact_new_tag": {"en_GB!"}, "fact.date@new": {"early March"}},
		"missing tag":  {"fact.date@new": {"early March"}},
		"unknown fact": {"fact.mood": {"fine"}},
		"bad column":   {"fact.date@x_y!": {"early March"}},
		"too long":     {"fact.date": {longText(domain.MaxNameLen + 1)}},
	} {
		form.Set("title", "Changed title")
		form.Set("fact_wording", "1")
		r := c.post("/rcas/"+rc.ID+"/facts", form, http.StatusUnprocessableEntity)
		mustContain(t, r.body, "Wording of the facts")
		after := e.getRCA(rc.ID)
		if after.Title != before.Title || !reflect.DeepEqual(after.FactOverrides, before.FactOverrides) {
			t.Errorf("%s: a refused form changed the RCA: %q %#v", name, after.Title, after.FactOverrides)
		}
	}
	r := c.post("/rcas/"+rc.ID+"/facts", url.Values{"title": {"T"}, "fact_wording": {"1"}, "fact_new_tag": {"en_GB!"}, "fact.date@new": {"early March"}}, http.StatusUnprocessableEntity)
	mustContain(t, r.body, `value="en_GB!"`, `value="early March"`, "Added language")
	// A form without the table (an older page) leaves the wording alone.
	c.post("/rcas/"+rc.ID+"/facts", url.Values{"title": {"Recurring outage"}}, http.StatusSeeOther)
	if got := e.getRCA(rc.ID).FactOverrides; !reflect.DeepEqual(got, before.FactOverrides) {
		t.Errorf("a form without the table changed the wording: %#v", got)
	}
}

func longText(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'x'
	}
	return string(b)
}
