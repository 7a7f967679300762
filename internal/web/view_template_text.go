package web

import (
	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/quality"
)

// Built-in templates carry English texts in the domain; the UI shows them in
// the reader's language from ui.template.<template>.<section>.<field> keys
// (area "ui"). A text the author changed (a renamed section) is shown as
// written.

// templateText returns the localized built-in text for field ("title",
// "guidance", "example") of section key, when own is still the template's
// English default; otherwise own.
func templateText(loc *uiLocale, tpl domain.Template, key, field, own string) string {
	def, ok := tpl.Definition(key)
	if !ok || !tpl.BuiltIn {
		return own
	}
	english := map[string]string{"title": def.Title, "guidance": def.Guidance, "example": def.Example}[field]
	if own != "" && own != english {
		return own
	}
	k := "ui.template." + tpl.Key + "." + key + "." + field
	if got := loc.T(k); got != k {
		return got
	}
	return english
}

// templateName returns a built-in template's localized name and description.
func templateName(loc *uiLocale, tpl domain.Template) (name, description string) {
	name, description = tpl.Name, tpl.Description
	if !tpl.BuiltIn {
		return
	}
	if k := "ui.template." + tpl.Key + ".name"; loc.T(k) != k {
		name = loc.T(k)
	}
	if k := "ui.template." + tpl.Key + ".description"; loc.T(k) != k {
		description = loc.T(k)
	}
	return
}

// localizedTemplates are the built-in templates with names, descriptions and
// section titles in the reader's language, for the template chooser.
func localizedTemplates(loc *uiLocale) []domain.Template {
	out := domain.BuiltinTemplates()
	for i := range out {
		t := &out[i]
		orig := *t
		t.Name, t.Description = templateName(loc, orig)
		t.Sections = append([]domain.SectionDef(nil), orig.Sections...)
		for j := range t.Sections {
			s := &t.Sections[j]
			s.Title = templateText(loc, orig, s.Key, "title", s.Title)
			s.Guidance = templateText(loc, orig, s.Key, "guidance", s.Guidance)
			s.Example = templateText(loc, orig, s.Key, "example", s.Example)
		}
	}
	return out
}

// newRCATemplates are the templates offered for a new RCA: the built-in
// ones, then the custom ones that are not retired (tmpl area), all in the
// reader's language where a translation exists.
func (p *pages) newRCATemplates(c *gin.Context) ([]domain.Template, error) {
	loc := p.localeOf(c)
	all, err := p.s.app.Templates(c.Request.Context(), actorOf(c), false)
	if err != nil {
		return nil, err
	}
	out := localizedTemplates(loc)
	for _, t := range all {
		if !t.BuiltIn {
			out = append(out, t.Localized(loc.Lang()))
		}
	}
	return out, nil
}

// localizeFindings names the sections in quality findings the way the page
// heads them (a built-in heading in the reader's language).
func localizeFindings(rc *rcaContext, loc *uiLocale) {
	for i := range rc.Checks.Checks {
		fs := append([]quality.Finding(nil), rc.Checks.Checks[i].Findings...)
		for j, f := range fs {
			if s := rc.RCA.Section(f.SectionKey); s != nil && f.Subject == s.Title {
				fs[j].Subject = templateText(loc, rc.Template, s.Key, "title", s.Title)
			}
		}
		rc.Checks.Checks[i].Findings = fs
	}
}
