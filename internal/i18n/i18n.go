// Package i18n holds Hindsight's message catalogs and formats dates,
// durations and time zones for a language.
//
// # Catalog files
//
// Catalogs are JSON files embedded from locales/<lang>/<area>.json, where
// <lang> is a BCP 47 tag (en, de, fr, es, pt-BR) and <area> groups keys by
// owner: common.json (enum labels, durations, formats), report.json
// (exports), errors.json (API and validation errors), ui.json (the browser
// UI) and status.json (the public status page). Every file is one flat JSON
// object with dotted keys. report.json keys start with "report.", errors.json
// with "error.", ui.json with "ui.", status.json with "status."; common.json
// holds "enum.", "duration.", "format.", "zone." and "lang." keys:
//
//	{
//	  "report.section.root_cause": "Root cause",
//	  "report.page_of": "Page {{.Page}} of {{.Total}}",
//	  "duration.hour": {"one": "{{.Count}} hour", "other": "{{.Count}} hours"}
//	}
//
// A value is either a string or, for a message that depends on a count, an
// object with exactly the CLDR plural forms of that language: en and de use
// "one" and "other"; fr, es and pt-BR use "one", "many" (millions) and
// "other". Placeholders are Go text/template fields ({{.Name}}); N sets
// {{.Count}}. A key must appear in only one area of a language.
//
// The tests fail on a key missing from a required language, an empty value,
// a wrong set of plural forms, a key defined twice, and a key used in Go code
// or templates (T("key"), N("key", ...)) that no catalog has. Every area is
// required in all five languages except ui.json, required in en and de only;
// a key missing from an optional language falls back to English.
//
// Labels for domain enums live in common.json as enum.<type>.<value>
// (enum.impact.major, enum.component_status.partial_outage, enum.severity.none
// for an unset severity), validation problems as error.validation.<code>.
package i18n

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"

	// Zones must work on machines without a time zone database.
	_ "time/tzdata"
)

//go:embed locales
var localesFS embed.FS

// DefaultLanguage is used when nothing better matches.
const DefaultLanguage = "en"

// Areas lists the catalog areas and the languages each must be complete in
// (nil: every language).
var Areas = map[string][]string{
	"common":   nil,
	"report":   nil,
	"errors":   nil,
	"status":   nil,
	"ui":       nil, // area "ui": every language (issue 12)
	"facts":    nil, // metrics area: occurrence and header-fact wording
	"actions":  nil, // area actions (issue 14): action items, tracker hooks, reminders
	"insights": nil, // area insights (issue 14): the insights page and its errors
	"subs":     nil, // subs: status-page subscription, its pages and e-mail
	"images":   nil, // images (issue 15): upload errors, editor hints
	"collab":   nil, // area collab (issue 12): co-authors, comments, timeline grid, diffs
}

// pluralForms are the CLDR plural categories a message object may use.
var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// Catalog is the set of loaded message catalogs. It is safe for concurrent use.
type Catalog struct {
	bundle  *goi18n.Bundle
	langs   []string
	tags    []language.Tag
	matcher language.Matcher
	// messages[lang][key] is the raw message: a string or a map of plural forms.
	messages map[string]map[string]any
	// area[lang][key] is the file area the key came from.
	area map[string]map[string]string
	// locs caches one Localizer per language.
	locs sync.Map
	// same caches, per regional localizer, whether it formats like its
	// catalog language (Resolve).
	same sync.Map
}

// Load reads the embedded catalogs.
func Load() (*Catalog, error) { return loadFS(localesFS, "locales") }

func loadFS(fsys fs.FS, root string) (*Catalog, error) {
	c := &Catalog{
		bundle:   goi18n.NewBundle(language.English),
		messages: map[string]map[string]any{},
		area:     map[string]map[string]string{},
	}
	dirs, err := fs.ReadDir(fsys, root)
	if err != nil {
		return nil, fmt.Errorf("i18n: read catalogs: %w", err)
	}
	for _, d := range dirs {
		if !d.IsDir() {
			continue
		}
		lang := d.Name()
		tag, err := language.Parse(lang)
		if err != nil || tag.String() != lang {
			return nil, fmt.Errorf("i18n: catalog folder %q is not a canonical BCP 47 tag", lang)
		}
		files, err := fs.ReadDir(fsys, path.Join(root, lang))
		if err != nil {
			return nil, fmt.Errorf("i18n: read %s: %w", lang, err)
		}
		c.messages[lang] = map[string]any{}
		c.area[lang] = map[string]string{}
		for _, f := range files {
			if f.IsDir() || path.Ext(f.Name()) != ".json" {
				continue
			}
			area := strings.TrimSuffix(f.Name(), ".json")
			if _, ok := Areas[area]; !ok {
				return nil, fmt.Errorf("i18n: %s/%s: unknown area %q", lang, f.Name(), area)
			}
			if err := c.loadFile(fsys, path.Join(root, lang, f.Name()), lang, area, tag); err != nil {
				return nil, err
			}
		}
		c.langs = append(c.langs, lang)
	}
	if _, ok := c.messages[DefaultLanguage]; !ok {
		return nil, errors.New("i18n: no catalog for the default language " + DefaultLanguage)
	}
	sort.Slice(c.langs, func(i, j int) bool {
		if (c.langs[i] == DefaultLanguage) != (c.langs[j] == DefaultLanguage) {
			return c.langs[i] == DefaultLanguage
		}
		return c.langs[i] < c.langs[j]
	})
	for _, l := range c.langs {
		c.tags = append(c.tags, language.MustParse(l))
	}
	c.matcher = language.NewMatcher(c.tags)
	return c, nil
}

func (c *Catalog) loadFile(fsys fs.FS, name, lang, area string, tag language.Tag) error {
	buf, err := fs.ReadFile(fsys, name)
	if err != nil {
		return fmt.Errorf("i18n: read %s: %w", name, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(buf, &raw); err != nil {
		return fmt.Errorf("i18n: parse %s: %w", name, err)
	}
	msgs := make([]*goi18n.Message, 0, len(raw))
	for key, v := range raw {
		if prev, dup := c.area[lang][key]; dup {
			return fmt.Errorf("i18n: %s: key %q is already defined in %s/%s.json", name, key, lang, prev)
		}
		m := &goi18n.Message{ID: key}
		switch v := v.(type) {
		case string:
			m.Other = v
		case map[string]any:
			for form, s := range v {
				str, ok := s.(string)
				if !ok || !isPluralForm(form) {
					return fmt.Errorf("i18n: %s: key %q: plural object may only map CLDR forms (%s) to strings", name, key, strings.Join(pluralForms, ", "))
				}
				setForm(m, form, str)
			}
		default:
			return fmt.Errorf("i18n: %s: key %q: value must be a string or a plural object", name, key)
		}
		c.messages[lang][key] = v
		c.area[lang][key] = area
		msgs = append(msgs, m)
	}
	if err := c.bundle.AddMessages(tag, msgs...); err != nil {
		return fmt.Errorf("i18n: add %s: %w", name, err)
	}
	return nil
}

func isPluralForm(s string) bool {
	for _, f := range pluralForms {
		if f == s {
			return true
		}
	}
	return false
}

func setForm(m *goi18n.Message, form, s string) {
	switch form {
	case "zero":
		m.Zero = s
	case "one":
		m.One = s
	case "two":
		m.Two = s
	case "few":
		m.Few = s
	case "many":
		m.Many = s
	case "other":
		m.Other = s
	}
}

// Languages lists the supported languages, the default first.
func (c *Catalog) Languages() []string { return append([]string(nil), c.langs...) }

// Supported reports whether lang is exactly one of the catalog's languages.
func (c *Catalog) Supported(lang string) bool {
	_, ok := c.messages[lang]
	return ok
}

// Match returns the supported language that best fits the first non-empty
// preference that matches at all. Each preference may be a single tag or an
// Accept-Language header value. Without a match it returns "en".
func (c *Catalog) Match(prefs ...string) string {
	for _, p := range prefs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil || len(tags) == 0 {
			continue
		}
		if _, i, conf := c.matcher.Match(tags...); conf != language.No {
			return c.langs[i]
		}
	}
	return DefaultLanguage
}

// Lookup returns the supported language that pref (a tag or an
// Accept-Language value) matches, and false when nothing matches. Unlike
// Match it does not fall back to English.
func (c *Catalog) Lookup(pref string) (string, bool) {
	pref = strings.TrimSpace(pref)
	if c.Supported(pref) {
		return pref, true
	}
	tags, _, err := language.ParseAcceptLanguage(pref)
	if pref == "" || err != nil || len(tags) == 0 {
		return "", false
	}
	if _, i, conf := c.matcher.Match(tags...); conf != language.No {
		return c.langs[i], true
	}
	return "", false
}

// Keys returns every key of lang's catalog, sorted.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Has reports whether lang's catalog defines key itself (without fallback).
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.messages[lang][key]
	return ok
}
