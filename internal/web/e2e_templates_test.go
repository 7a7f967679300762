package web

// Browser checks of the template and factor pages (tmpl area, issue 14).

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// TestE2ETemplatePages opens the template list, the template form, a
// custom template's edit page, the factors page and an RCA's factor
// multi-select at 1280 px and 375 px (German too at 375 px): nothing
// overflows the viewport, every field has a label, and axe finds no
// serious or critical violation. With HINDSIGHT_SCREENSHOTS=<dir> it saves
// screenshots (docs/screenshots holds the committed ones).
func TestE2ETemplatePages(t *testing.T) {
	exe := findChromium(t)
	srv := startE2EServer(t)
	ctx := context.Background()
	tpl := domain.Template{Key: "security-review", Name: "Security incident review", ShowFactors: true,
		Description:  "For incidents where data or credentials may have been exposed.",
		Translations: map[string]domain.TemplateTranslation{"de": {Name: "Sicherheitsvorfall"}},
		Sections: []domain.SectionDef{
			{Key: "summary", Title: "Summary", Guidance: "What happened, in three sentences.", Required: true, Visibility: domain.External,
				Translations: map[string]domain.SectionDefTranslation{"de": {Title: "Zusammenfassung"}}},
			{Key: "exposure", Title: "Exposure", Guidance: "Which data was exposed, to whom, for how long?", Required: true, Visibility: domain.Internal},
			{Key: "timeline", Title: "Timeline", Visibility: domain.External, Rules: []string{domain.RuleTimeline}},
		}}
	if err := srv.st.CreateTemplate(ctx, &tpl); err != nil {
		t.Fatal(err)
	}
	env := &uiEnv{t: t, st: srv.st, users: srv.users}
	r := env.rca("Leaked deploy token")
	r.ContributingFactors = []string{domain.FactorSecurity, domain.FactorHumanProcess}
	if err := srv.st.UpdateRCA(ctx, &r, srv.users[domain.RoleAuthor].ID, "fixture"); err != nil {
		t.Fatal(err)
	}
	browser := startBrowser(t, exe)
	admin := tab(t, browser)
	failureShots(t, srv.url, map[string]context.Context{"admin": admin})
	signInBrowser(t, admin, srv.url, "admin@example.com")
	shots := os.Getenv("HINDSIGHT_SCREENSHOTS")
	pages := map[string]string{
		"templates":     "/admin/templates",
		"template-new":  "/admin/templates/new",
		"template-edit": "/admin/templates/security-review",
		"factors":       "/admin/factors",
		"rca-factors":   "/rcas/" + r.ID + "/edit?section=_facts",
	}
	for _, size := range []struct {
		name, lang string
		w, h       int64
	}{{"1280", "en", 1280, 800}, {"375", "en", 375, 812}, {"375-de", "de", 375, 812}} {
		do(t, admin, "viewport and language", chromedp.EmulateViewport(size.w, size.h), chromedp.Navigate(srv.url+"/settings?lang="+size.lang))
		for name, path := range pages {
			t.Run(size.name+"/"+name, func(t *testing.T) {
				do(t, admin, "open "+path, chromedp.Navigate(srv.url+path), chromedp.WaitVisible(chromedp.CSS("main")))
				if over := eval[int](t, admin, `document.documentElement.scrollWidth - window.innerWidth`); over > 0 {
					t.Errorf("%s overflows the %dpx viewport by %dpx", path, size.w, over)
				}
				unlabelled := eval[[]string](t, admin, `Array.from(document.querySelectorAll("input:not([type=hidden]), select, textarea"))
					.filter(el => !(el.labels && el.labels.length) && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
					.map(el => el.id || el.name)`)
				if len(unlabelled) > 0 {
					t.Errorf("%s: fields without a label: %v", path, unlabelled)
				}
				if size.name == "375" {
					do(t, admin, "load axe", chromedp.Evaluate[chromedp.Void](axeSource))
					c, cancel := context.WithTimeout(admin, 60*time.Second)
					defer cancel()
					raw, err := chromedp.Run(c, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(
					r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
					 .map(v => ({id: v.id, help: v.help, nodes: v.nodes.map(n => n.target.join(" ")).slice(0, 5)}))))`, chromedp.EvalAwaitPromise))
					if err != nil {
						t.Fatalf("axe: %v", err)
					}
					var vs []axeViolation
					if err := json.Unmarshal([]byte(raw), &vs); err != nil {
						t.Fatalf("axe answer %q: %v", raw, err)
					}
					for _, v := range vs {
						t.Errorf("%s: %s (%s) at %s", path, v.ID, v.Help, strings.Join(v.Nodes, " | "))
					}
				}
				if shots != "" {
					shoot(t, admin, filepath.Join(shots, name+"-"+size.name+".png"))
				}
			})
		}
	}
}
