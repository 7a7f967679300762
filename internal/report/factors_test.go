package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// TestFactorsSectionInternalOnly: Options.Factors becomes the last,
// internal section of the internal edition, with names written as plain
// text (Markdown syntax in a name stays literal); the external edition
// has no such section.
func TestFactorsSectionInternalOnly(t *testing.T) {
	cat, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	tpl, _ := domain.BuiltinTemplate(domain.TemplateStandard)
	r := domain.NewRCA("Outage", tpl, "en", nil, "u1", fixedNow)
	opt := Options{Lang: "en", Audience: Internal, Now: fixedNow,
		Factors: []FactorLine{{Name: "*Vendor* [lock-in](http://x)", Description: "No <b>way</b> out."}, {Name: "Capacity"}}}
	rep, err := Build(r, nil, nil, nil, cat, opt)
	if err != nil {
		t.Fatal(err)
	}
	last := rep.Sections[len(rep.Sections)-1]
	if last.Key != "contributing_factors" || !last.Internal || last.Title != "Contributing factors" {
		t.Fatalf("last section %+v", last)
	}
	var md bytes.Buffer
	if _, err := Render(&md, rep, "md"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), `\*Vendor\* \[lock\-in\]\(http://x\)`) || strings.Contains(md.String(), "<b>") {
		t.Fatalf("names not escaped:\n%s", md.String())
	}
	var html bytes.Buffer
	if _, err := Render(&html, rep, "html"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.String(), "*Vendor* [lock-in](http://x)") || strings.Contains(html.String(), `href="http://x"`) {
		t.Fatalf("html shows names as markup:\n%s", html.String())
	}
	opt.Audience = External
	rep, err = Build(r, nil, nil, nil, cat, opt)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Sections {
		if s.Key == "contributing_factors" {
			t.Fatal("external edition shows contributing factors")
		}
	}
}
