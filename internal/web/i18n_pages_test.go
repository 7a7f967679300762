package web

import (
	"encoding/json"
	"html"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestPagesHaveNoEnglishLeftInOtherLanguages renders the signed-in pages in
// every other language and fails on any English catalog text still on them
// (issue 12: the fr, es and pt-BR pages said <html lang="fr"> but every
// word was English). A catalog text counts when its translation differs.
func TestPagesHaveNoEnglishLeftInOtherLanguages(t *testing.T) {
	e := newUIEnv(t)
	comp := e.component("Checkout API")
	in := e.incident("Checkout Partial Service Disruption", comp)
	r := e.rca("Checkout Partial Service Disruption", in.ID)
	r.Timeline = timelineFromIncident(in, nil)
	due := domain.DateOf(uiT0.Add(30 * 24 * time.Hour))
	r.ActionItems = []domain.ActionItem{{Title: "Re-resolve the endpoint", Owner: "Payments", Due: &due}}
	r.Normalize()
	if err := e.st.UpdateRCA(t.Context(), &r, e.users[domain.RoleAuthor].ID, "fixture"); err != nil {
		t.Fatal(err)
	}
	pages := []string{
		"/", "/rcas/new?incident=" + in.ID, "/rcas/" + r.ID, "/rcas/" + r.ID + "/write",
		"/rcas/" + r.ID + "/edit?section=summary", "/rcas/" + r.ID + "/edit?section=timeline",
		"/rcas/" + r.ID + "/edit?section=preventive_measures", "/rcas/" + r.ID + "/edit?section=_facts",
		"/rcas/" + r.ID + "/history", "/incidents", "/incidents/" + in.ID, "/incidents/new",
		"/admin/components", "/admin/users", "/admin/audit", "/settings", "/my-work", // flow
		"/action-items", // area actions (issue 14)
		"/admin/report", // report2 area
	}
	english := catalogTexts(t, "en")
	delete(english, "lang.name") // each language is named in its own words on purpose
	// The fixture's own words (names, titles) are not catalog text.
	var fixture []string
	for _, u := range e.users {
		fixture = append(fixture, u.DisplayName())
	}
	fixture = append(fixture, in.Title, comp.Name)
	c := e.as(domain.RoleAdmin)
	for _, lang := range []string{"de", "fr", "es", "pt-BR"} {
		own := catalogTexts(t, lang)
		same := map[string]bool{} // words this language uses too ("Link", "Status")
		for _, v := range own {
			same[v] = true
		}
		for _, w := range ownWords[lang] {
			same[w] = true
		}
		var checks []leftover
		for key, en := range english {
			if _, ok := own[key]; ok && !same[en] && len(en) >= 4 && !strings.Contains(en, "{{") {
				checks = append(checks, leftover{key, en, regexp.MustCompile(`(?:^|[^\pL-])` + regexp.QuoteMeta(en) + `(?:$|[^\pL-])`)})
			}
		}
		for _, path := range pages {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			body := c.get(path+sep+"lang="+lang, http.StatusOK).body
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s in %s: not marked lang=%q", path, lang, lang)
			}
			text := visibleText(body)
			for _, f := range fixture {
				text = strings.ReplaceAll(text, f, " ")
			}
			var found []string
			for _, ch := range checks {
				if ch.re.MatchString(text) {
					found = append(found, ch.key+" ("+ch.en+")")
				}
			}
			sort.Strings(found)
			if len(found) > 0 {
				t.Errorf("%s in %s still shows English: %s", path, lang, strings.Join(found, "; "))
			}
		}
	}
}

// ownWords are English catalog texts that are also plain words of another
// language ("Comment ..." opens a French question).
var ownWords = map[string][]string{"fr": {"Comment"}}

type leftover struct {
	key, en string
	re      *regexp.Regexp
}

var (
	tagRe    = regexp.MustCompile(`(?s)<[^>]*>`)
	scriptRe = regexp.MustCompile(`(?s)<(script|style)\b.*?</(script|style)>`)
	attrRe   = regexp.MustCompile(`\s(?:title|aria-label|placeholder|alt)="([^"]*)"`)
)

// visibleText is what a reader (or a screen reader) gets from a page: the
// text between tags and the labelling attributes.
func visibleText(page string) string {
	page = scriptRe.ReplaceAllString(page, " ")
	var b strings.Builder
	for _, m := range attrRe.FindAllStringSubmatch(page, -1) {
		b.WriteString(html.UnescapeString(m[1]) + "\n")
	}
	b.WriteString(html.UnescapeString(tagRe.ReplaceAllString(page, "\n")))
	return b.String()
}

// catalogTexts reads the flat texts of one language's UI catalogs.
func catalogTexts(t *testing.T, lang string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, area := range []string{"ui", "common", "errors"} {
		raw, err := os.ReadFile(filepath.Join("..", "i18n", "locales", lang, area+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal(raw, &m); err != nil {
			t.Fatal(err)
		}
		for k, v := range m {
			if s, ok := v.(string); ok {
				out[k] = s
			}
		}
	}
	return out
}
