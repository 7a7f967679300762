package report

import (
	"errors"
	"strings"
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// report2 area: header defaults come from the organisation and the
// template; the template's win over the organisation's and an export's
// own options over both. Default facts shape the external edition only.
func TestHeaderDefaultsPrecedence(t *testing.T) {
	d := domain.DateOf(fixedNow)
	org := domain.HeaderDefaults{Facts: []string{"date", "duration"}, Contact: "org@example.com", DocVersion: "org-1",
		StatusURL: "https://status.example.com", Closing: "Org closing.", IssueDate: &d}
	tpl := &domain.HeaderDefaults{Contact: "tpl@example.com", Closing: "Template closing."}
	value := func(rep Report, key string) string {
		for _, f := range rep.Facts {
			if f.Key == key {
				return f.Value
			}
		}
		return ""
	}
	keys := func(rep Report) string {
		var ks []string
		for _, f := range rep.Facts {
			ks = append(ks, f.Key)
		}
		return strings.Join(ks, ",")
	}

	// The organisation's defaults alone (the standard template has none).
	rep := build(t, sampleRCA(), Options{Now: fixedNow, OrgHeader: org})
	if got := keys(rep); got != "date,duration,issue_date,document_version,contact,status_page" {
		t.Errorf("org facts %s", got)
	}
	if value(rep, "contact") != "org@example.com" || rep.Closing != "Org closing." || value(rep, "document_version") != "org-1" {
		t.Errorf("org defaults not applied: %+v / %q", rep.Facts, rep.Closing)
	}
	// The template's win where it has a value; the organisation's fill the rest.
	rep = build(t, sampleRCA(), Options{Now: fixedNow, OrgHeader: org, TemplateHeader: tpl})
	if value(rep, "contact") != "tpl@example.com" || rep.Closing != "Template closing." || value(rep, "document_version") != "org-1" {
		t.Errorf("template over org: %+v / %q", rep.Facts, rep.Closing)
	}
	// The export's own options win over both.
	rep = build(t, sampleRCA(), Options{Now: fixedNow, OrgHeader: org, TemplateHeader: tpl,
		Header: Header{Facts: []string{"severity"}, Contact: "me@example.com", Closing: "Mine."}})
	if value(rep, "contact") != "me@example.com" || rep.Closing != "Mine." || strings.HasPrefix(keys(rep), "date") {
		t.Errorf("explicit options lost: %s / %q", keys(rep), rep.Closing)
	}
	// The internal edition shows every fact whatever the defaults say.
	rep = build(t, sampleRCA(), Options{Now: fixedNow, OrgHeader: org, Audience: Internal})
	if !strings.Contains(keys(rep), "severity") {
		t.Errorf("internal edition facts %s", keys(rep))
	}
	// A built-in template's defaults still apply without TemplateHeader.
	r := sampleRCA()
	r.Template = domain.TemplatePartner
	rep = build(t, r, Options{Now: fixedNow, OrgHeader: domain.HeaderDefaults{Facts: []string{"severity"}}})
	if strings.Contains(keys(rep), "severity") {
		t.Errorf("the partner template's facts lost to the organisation's: %s", keys(rep))
	}
}

func TestCheckHeaderDefaults(t *testing.T) {
	ok := domain.HeaderDefaults{Facts: []string{"date"}, Contact: "  a@example.com ", StatusURL: "https://s.example.com"}
	if err := CheckHeaderDefaults(&ok); err != nil || ok.Contact != "a@example.com" {
		t.Errorf("valid defaults: %v %q", err, ok.Contact)
	}
	for field, d := range map[string]domain.HeaderDefaults{
		"facts":      {Facts: []string{"mood"}},
		"status_url": {StatusURL: "javascript:alert(1)"},
		"closing":    {Closing: strings.Repeat("x", maxClosing+1)},
		"contact":    {Contact: strings.Repeat("x", maxHeaderText+1)},
	} {
		var ve *domain.ValidationError
		if err := CheckHeaderDefaults(&d); !errors.As(err, &ve) || ve.Problems[0].Field != field {
			t.Errorf("%s: %v", field, err)
		}
	}
}
