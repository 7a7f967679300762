package report

import (
	"strings"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// templateOf is the RCA's template: a built-in one, or custom when the
// caller passed it (tmpl area); false when neither is known.
func templateOf(r domain.RCA, custom *domain.Template) (domain.Template, bool) {
	if t, ok := domain.BuiltinTemplate(r.Template); ok {
		return t, true
	}
	if custom != nil && custom.Key == r.Template {
		return *custom, true
	}
	return domain.Template{}, false
}

// factorsSection is the internal section listing an RCA's contributing
// factors (tmpl area, issue 14): one list item per factor, its name in
// bold and its description after it. Names and descriptions are plain
// text, escaped for Markdown, so every renderer shows them as written.
func factorsSection(fs []FactorLine, l *i18n.Localizer, lang string) Section {
	var b strings.Builder
	for _, f := range fs {
		b.WriteString("- **")
		b.WriteString(mdText(f.Name))
		b.WriteString("**")
		if d := strings.TrimSpace(f.Description); d != "" {
			b.WriteString(": ")
			b.WriteString(mdText(d))
		}
		b.WriteString("\n")
	}
	return Section{Key: "contributing_factors", Anchor: "section-contributing-factors", Title: l.T("report.contributing_factors"),
		Markdown: b.String(), BodyLang: lang, Internal: true}
}

// mdText escapes every character Markdown could read as syntax, on one line.
func mdText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune("\\`*_{}[]()<>#+-.!|~&", r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
