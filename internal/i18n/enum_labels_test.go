package i18n_test

import (
	"testing"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/i18n"
)

// TestDomainLabels checks that every enum value, built-in section and
// validation code of the domain package has a label in every language.
func TestDomainLabels(t *testing.T) {
	c, err := i18n.Load()
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	add := func(prefix string, vals ...string) {
		for _, v := range vals {
			keys = append(keys, prefix+v)
		}
	}
	for _, v := range domain.Impacts {
		add("enum.impact.", string(v))
	}
	for _, v := range domain.IncidentStatuses {
		add("enum.incident_status.", string(v))
	}
	for _, v := range domain.UpdateStatuses {
		add("enum.update_status.", string(v))
	}
	for _, v := range domain.ComponentStatuses {
		add("enum.component_status.", string(v))
	}
	for _, v := range domain.RCAStates {
		add("enum.rca_state.", string(v))
	}
	for _, v := range domain.TimelineKinds {
		add("enum.timeline_kind.", string(v))
	}
	for _, v := range domain.ActionStates {
		add("enum.action_state.", string(v))
	}
	for _, v := range domain.Visibilities {
		add("enum.visibility.", string(v))
	}
	for _, v := range domain.Severities {
		add("enum.severity.", string(v))
	}
	add("enum.severity.", "none")
	for _, v := range domain.Roles {
		add("enum.role.", string(v))
	}
	for _, tpl := range domain.BuiltinTemplates() {
		for _, s := range tpl.Sections {
			add("report.section.", s.Key)
		}
	}
	add("error.validation.", domain.CodeRequired, domain.CodeTooLong, domain.CodeUnknownEnum, domain.CodeTimeOrder, domain.CodeDuplicate, domain.CodeInvalid)
	add("report.fact.", "date", "duration", "affected_services", "linked_incidents", "severity", "time_to_detect", "time_to_mitigate", "time_to_resolve")
	add("error.", "not_found", "conflict", "unavailable", "too_large", "bad_json", "unauthorized", "forbidden", "internal")
	for _, lang := range []string{"en", "de", "fr", "es", "pt-BR"} {
		for _, k := range keys {
			if !c.Has(lang, k) {
				t.Errorf("%s lacks %q", lang, k)
			}
		}
	}
	// The English section titles match the built-in templates' own titles.
	en := c.Localizer("en")
	for _, tpl := range domain.BuiltinTemplates() {
		for _, s := range tpl.Sections {
			if got := en.T("report.section." + s.Key); got != s.Title {
				t.Errorf("en report.section.%s = %q, template %s says %q", s.Key, got, tpl.Key, s.Title)
			}
		}
	}
}
