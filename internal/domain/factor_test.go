package domain

import (
	"errors"
	"slices"
	"testing"
	"time"
)

// TestBuiltinFactorsComplete: the ten required factors, each named and
// described in all five languages.
func TestBuiltinFactorsComplete(t *testing.T) {
	want := []string{"third_party", "config_change", "deploy", "capacity", "dependency_failure", "monitoring_gap",
		"human_process", "software_bug", "infrastructure", "security"}
	var keys []string
	for _, f := range BuiltinFactors() {
		keys = append(keys, f.Key)
		if err := f.Validate(); err != nil {
			t.Errorf("%s: %v", f.Key, err)
		}
		for _, lang := range []string{"de", "fr", "es", "pt-BR"} {
			tr := f.Translations[lang]
			if tr.Name == "" || tr.Description == "" || tr.Description == f.Description {
				t.Errorf("%s: %s translation missing or English: %+v", f.Key, lang, tr)
			}
		}
	}
	if !slices.Equal(keys, want) {
		t.Fatalf("keys %v", keys)
	}
	// The copies are the caller's own.
	a := BuiltinFactors()
	a[0].Translations["de"] = FactorTranslation{Name: "changed"}
	if BuiltinFactors()[0].Translations["de"].Name == "changed" {
		t.Fatal("BuiltinFactors shares its maps")
	}
}

func TestFactorLocalized(t *testing.T) {
	f, _ := BuiltinFactor(FactorDeploy)
	for lang, want := range map[string]string{"en": "Deployment", "de": "Bereitstellung", "de-AT": "Bereitstellung",
		"pt-BR": "Implantação", "fr-CA": "Déploiement", "ja": "Deployment"} {
		if got, _ := f.Localized(lang); got != want {
			t.Errorf("%s: %q, want %q", lang, got, want)
		}
	}
}

// TestMergeFactors: built-ins first in their order, an override replaces
// its built-in in place (still built in), custom ones follow.
func TestMergeFactors(t *testing.T) {
	got := MergeFactors([]Factor{{Key: "aaa_custom", Name: "A"}, {Key: FactorCapacity, Name: "Load"}})
	if len(got) != 11 || got[3].Key != FactorCapacity || got[3].Name != "Load" || !got[3].BuiltIn || got[10].Key != "aaa_custom" {
		t.Fatalf("merged %+v", got)
	}
}

// TestCheckFactorKeys: unknown keys are refused; a retired key only when
// it is newly chosen.
func TestCheckFactorKeys(t *testing.T) {
	tax := MergeFactors([]Factor{{Key: "old", Name: "Old", Retired: true}})
	var ve *ValidationError
	if err := CheckFactorKeys(tax, nil, []string{"deploy", "nope"}); !errors.As(err, &ve) || ve.Problems[0].Field != "contributing_factors[1]" {
		t.Fatalf("unknown: %v", err)
	}
	if err := CheckFactorKeys(tax, nil, []string{"old"}); !errors.As(err, &ve) || ve.Problems[0].Field != "contributing_factors[0]" {
		t.Fatalf("retired, new: %v", err)
	}
	if err := CheckFactorKeys(tax, []string{"old"}, []string{"deploy", "old"}); err != nil {
		t.Fatalf("retired, kept: %v", err)
	}
}

// TestRCAFactorShape: duplicates, malformed and too many keys are problems
// naming the entry.
func TestRCAFactorShape(t *testing.T) {
	tpl, _ := BuiltinTemplate(TemplateStandard)
	r := NewRCA("x", tpl, "en", nil, "u", time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC))
	r.ContributingFactors = []string{"deploy", "deploy", "Bad Key", ""}
	err := r.Validate()
	for _, f := range []string{"contributing_factors[1]", "contributing_factors[2]", "contributing_factors[3]"} {
		if !hasProblem(err, f) {
			t.Errorf("no problem on %s: %v", f, err)
		}
	}
	r.ContributingFactors = make([]string, MaxFactorsPerRCA+1)
	for i := range r.ContributingFactors {
		r.ContributingFactors[i] = "k" + string(rune('a'+i%26)) + string(rune('a'+i/26))
	}
	if !hasProblem(r.Validate(), "contributing_factors") {
		t.Error("too many factors accepted")
	}
}

// TestTemplateLocalized: translations replace name, titles and guidance;
// untranslated text stays; the base language matches a regional tag.
func TestTemplateLocalized(t *testing.T) {
	tpl := Template{Key: "k", Name: "Review", Translations: map[string]TemplateTranslation{"pt-BR": {Name: "Revisão"}},
		Sections: []SectionDef{
			{Key: "a", Title: "Summary", Guidance: "What?", Translations: map[string]SectionDefTranslation{"de": {Title: "Zusammenfassung"}}},
			{Key: "b", Title: "Impact"}}}
	de := tpl.Localized("de-CH")
	if de.Name != "Review" || de.Sections[0].Title != "Zusammenfassung" || de.Sections[0].Guidance != "What?" || de.Sections[1].Title != "Impact" {
		t.Fatalf("de-CH: %+v", de)
	}
	if tpl.Localized("pt-BR").Name != "Revisão" || tpl.Sections[0].Title != "Summary" {
		t.Fatal("pt-BR, or the original changed")
	}
}

func hasProblem(err error, field string) bool {
	var ve *ValidationError
	if !errors.As(err, &ve) {
		return false
	}
	for _, p := range ve.Problems {
		if p.Field == field {
			return true
		}
	}
	return false
}

// BenchmarkCheckFactorKeys: checking five keys against a taxonomy of 60.
func BenchmarkCheckFactorKeys(b *testing.B) {
	var stored []Factor
	for i := range 50 {
		stored = append(stored, Factor{Key: "custom_" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Name: "x"})
	}
	keys := []string{"deploy", "capacity", "custom_aa", "custom_bb", "security"}
	for b.Loop() {
		if err := CheckFactorKeys(MergeFactors(stored), nil, keys); err != nil {
			b.Fatal(err)
		}
	}
}
