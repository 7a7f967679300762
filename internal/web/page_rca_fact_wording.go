package web

// area report2: the facts form sets an author's wording of each header
// fact, for all languages and per language (domain.RCA.FactOverrides).

import (
	"maps"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// factWording is one row of the wording table: a fact, its wording for
// all languages and per language, and the wording for a language being
// added.
type factWording struct {
	Key, Label string
	Text       string
	Default    bool // false for the duration: its wording for all languages is the Duration field
	Langs      []langText
	New        string
}

type langText struct{ Tag, Text string }

// wordingLanguages are the columns of the table: the languages the RCA is
// translated into and those an override already names.
func wordingLanguages(r domain.RCA, overrides map[string]domain.FactOverride) []string {
	set := map[string]bool{}
	for tag := range r.Translations {
		set[tag] = true
	}
	for _, s := range r.Sections {
		for tag := range s.Translations {
			set[tag] = true
		}
	}
	delete(set, r.Language)
	for _, o := range overrides {
		for tag := range o.Translations {
			set[tag] = true
		}
	}
	return slices.Sorted(maps.Keys(set))
}

// wordingRows builds the table for overrides; news holds the wording of a
// language being added (after a failed save).
func wordingRows(langs []string, overrides map[string]domain.FactOverride, news map[string]string, loc *uiLocale) []factWording {
	rows := make([]factWording, 0, len(domain.FactKeys))
	for _, key := range domain.FactKeys {
		o := overrides[key]
		row := factWording{Key: key, Label: loc.l.T("report.fact." + key), Text: o.Text, Default: key != "duration", New: news[key]}
		for _, tag := range langs {
			row.Langs = append(row.Langs, langText{Tag: tag, Text: o.Translations[tag]})
		}
		rows = append(rows, row)
	}
	return rows
}

// factWordingForm reads the wording table of the facts form: "fact.KEY"
// for all languages, "fact.KEY@TAG" per language, and "fact.KEY@new" for
// the language named in fact_new_tag. keep is the RCA's current wording
// (the duration keeps its all-languages text, which the form does not
// show; withDuration adds it back). It returns nil, false when the form has no table (an older
// page), so the stored wording stays as it is.
func factWordingForm(c *gin.Context, ps *formProblems) (map[string]domain.FactOverride, string, map[string]string, bool) {
	if c.PostForm("fact_wording") == "" {
		return nil, "", nil, false
	}
	newTag := strings.TrimSpace(c.PostForm("fact_new_tag"))
	canonical := ""
	if newTag != "" {
		if t, err := language.Parse(newTag); err != nil {
			ps.add("fact_new_tag", domain.CodeInvalid)
		} else {
			canonical = t.String()
		}
	}
	out := map[string]domain.FactOverride{}
	news := map[string]string{}
	needTag := false
	set := func(key, tag, text string) {
		o := out[key]
		if tag == "" {
			o.Text = text
		} else {
			if o.Translations == nil {
				o.Translations = map[string]string{}
			}
			o.Translations[tag] = text
		}
		out[key] = o
	}
	_ = c.Request.ParseForm()
	for name, values := range c.Request.PostForm {
		rest, ok := strings.CutPrefix(name, "fact.")
		if !ok || len(values) == 0 {
			continue
		}
		key, tag, _ := strings.Cut(rest, "@")
		text := strings.TrimSpace(values[len(values)-1])
		if !slices.Contains(domain.FactKeys, key) {
			ps.add("fact_overrides."+key, domain.CodeUnknownEnum)
			continue
		}
		switch {
		case tag == "new":
			if text == "" {
				continue
			}
			news[key] = text
			if newTag == "" {
				needTag = true
			} else if canonical != "" {
				set(key, canonical, text)
			}
		case text == "":
		case tag == "" && key == "duration":
			// the Duration field holds it
		case tag == "":
			set(key, "", text)
		default:
			if _, err := language.Parse(tag); err != nil {
				ps.add("fact_overrides."+key+".translations."+tag, domain.CodeInvalid)
				continue
			}
			set(key, tag, text)
		}
	}
	if needTag {
		ps.add("fact_new_tag", domain.CodeRequired)
	}
	if len(out) == 0 {
		out = nil
	}
	return out, newTag, news, true
}

// withDuration returns overrides with the duration's wording for all
// languages kept from stored, which the form does not show.
func withDuration(overrides, stored map[string]domain.FactOverride) map[string]domain.FactOverride {
	o, ok := stored["duration"]
	if !ok || strings.TrimSpace(o.Text) == "" {
		return overrides
	}
	if overrides == nil {
		overrides = map[string]domain.FactOverride{}
	}
	d := overrides["duration"]
	d.Text = o.Text
	overrides["duration"] = d
	return overrides
}

// fillWording sets the wording table of the facts form: from what the
// user sent after a failed save, else from the RCA.
func (f *factsForm) fillWording(r domain.RCA, loc *uiLocale) {
	overrides := r.FactOverrides
	if f.wordingSent {
		overrides = f.overrides
	}
	f.Langs = wordingLanguages(r, overrides)
	f.Wording = wordingRows(f.Langs, overrides, f.news, loc)
}
