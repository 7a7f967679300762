package i18n

import (
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/de_AT"
	"github.com/go-playground/locales/de_BE"
	"github.com/go-playground/locales/de_CH"
	"github.com/go-playground/locales/de_DE"
	"github.com/go-playground/locales/de_LI"
	"github.com/go-playground/locales/de_LU"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/en_AU"
	"github.com/go-playground/locales/en_CA"
	"github.com/go-playground/locales/en_GB"
	"github.com/go-playground/locales/en_IE"
	"github.com/go-playground/locales/en_IN"
	"github.com/go-playground/locales/en_NZ"
	"github.com/go-playground/locales/en_PH"
	"github.com/go-playground/locales/en_SG"
	"github.com/go-playground/locales/en_US"
	"github.com/go-playground/locales/en_ZA"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/es_419"
	"github.com/go-playground/locales/es_AR"
	"github.com/go-playground/locales/es_CL"
	"github.com/go-playground/locales/es_CO"
	"github.com/go-playground/locales/es_ES"
	"github.com/go-playground/locales/es_MX"
	"github.com/go-playground/locales/es_PE"
	"github.com/go-playground/locales/es_US"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/fr_BE"
	"github.com/go-playground/locales/fr_CA"
	"github.com/go-playground/locales/fr_CH"
	"github.com/go-playground/locales/fr_FR"
	"github.com/go-playground/locales/fr_LU"
	"github.com/go-playground/locales/pt"
	"github.com/go-playground/locales/pt_BR"
	"github.com/go-playground/locales/pt_PT"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
)

// Locale formats (report area): labels come from the catalog of the tag's
// language, dates and times from CLDR for the full tag, so en-GB is
// day-first with a 24-hour clock while en-US keeps a 12-hour clock.

// regionalFormats maps a BCP 47 tag to its CLDR formatter. A tag missing
// here uses its language's formatter ("de-IT" formats like "de").
var regionalFormats = map[string]func() locales.Translator{
	"en": en.New, "en-US": en_US.New, "en-GB": en_GB.New, "en-CA": en_CA.New, "en-AU": en_AU.New,
	"en-IE": en_IE.New, "en-IN": en_IN.New, "en-NZ": en_NZ.New, "en-PH": en_PH.New, "en-SG": en_SG.New,
	"en-ZA": en_ZA.New,
	"de":    de.New, "de-DE": de_DE.New, "de-AT": de_AT.New, "de-CH": de_CH.New, "de-BE": de_BE.New,
	"de-LI": de_LI.New, "de-LU": de_LU.New,
	"fr": fr.New, "fr-FR": fr_FR.New, "fr-CA": fr_CA.New, "fr-CH": fr_CH.New, "fr-BE": fr_BE.New,
	"fr-LU": fr_LU.New,
	"es":    es.New, "es-ES": es_ES.New, "es-MX": es_MX.New, "es-419": es_419.New, "es-AR": es_AR.New,
	"es-CL": es_CL.New, "es-CO": es_CO.New, "es-PE": es_PE.New, "es-US": es_US.New,
	"pt": pt.New, "pt-BR": pt_BR.New, "pt-PT": pt_PT.New,
}

// tagSyntax is the shape of a BCP 47 tag: letters and digits in parts
// joined by hyphens (no underscores, spaces or lists).
var tagSyntax = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)

// ErrUnsupportedLanguage is returned by ParseTag for a malformed tag or one
// whose language has no catalog.
var ErrUnsupportedLanguage = errors.New("i18n: unsupported language")

// ParseTag checks s as a BCP 47 tag for a report or page. It returns the
// canonical tag ("en-GB") and the catalog language its labels come from
// ("en"); a tag with no catalog of its own falls back to its base language
// ("de-AT" to "de", "pt-PT" to "pt-BR"). A malformed tag ("en_GB") or a
// language without a catalog ("ja") gives ErrUnsupportedLanguage.
func (c *Catalog) ParseTag(s string) (tag, catalogLang string, err error) {
	s = strings.TrimSpace(s)
	if !tagSyntax.MatchString(s) {
		return "", "", ErrUnsupportedLanguage
	}
	t, err := language.Parse(s)
	if err != nil {
		return "", "", ErrUnsupportedLanguage
	}
	if c.Supported(t.String()) {
		return t.String(), t.String(), nil
	}
	base, _ := t.Base()
	for _, l := range c.langs {
		lb, _ := language.MustParse(l).Base()
		if lb == base {
			return t.String(), l, nil
		}
	}
	return "", "", ErrUnsupportedLanguage
}

// SupportedTags describes what ParseTag accepts, for error messages:
// "en, de, fr, es, pt-BR (and regional tags such as en-GB, de-AT)".
func (c *Catalog) SupportedTags() string {
	return strings.Join(c.langs, ", ") + " (and regional tags such as en-GB, en-US, de-AT, fr-CA, es-MX)"
}

// formatterKey picks the regionalFormats entry for tag: the full tag,
// its language and region, then its language, then the catalog language.
func formatterKey(tag, catalogLang string) string {
	if t, err := language.Parse(tag); err == nil {
		if _, ok := regionalFormats[t.String()]; ok {
			return t.String()
		}
		base, _ := t.Base()
		if reg, conf := t.Region(); conf == language.Exact {
			if _, ok := regionalFormats[base.String()+"-"+reg.String()]; ok {
				return base.String() + "-" + reg.String()
			}
		}
		if _, ok := regionalFormats[base.String()]; ok {
			return base.String()
		}
	}
	if _, ok := regionalFormats[catalogLang]; ok {
		return catalogLang
	}
	return "en"
}

// Tag returns the full BCP 47 tag the localizer formats for ("en-GB");
// Lang is the catalog language of its labels ("en").
func (l *Localizer) Tag() string { return l.tag }

// BaseLanguage is the language subtag of the localizer's tag ("fr").
func (l *Localizer) BaseLanguage() string {
	t, err := language.Parse(l.tag)
	if err != nil {
		return l.lang
	}
	b, _ := t.Base()
	return b.String()
}

// LanguageNameOf names the language of tag in the localizer's own language
// (CLDR): "Englisch" for "en" in German, "anglais" in French.
func (l *Localizer) LanguageNameOf(tag string) string {
	t, err := language.Parse(tag)
	if err != nil {
		return tag
	}
	reader, err := language.Parse(l.lang)
	if err != nil {
		return l.cat.LanguageName(tag)
	}
	if name := display.Tags(reader).Name(t); name != "" {
		return name
	}
	return l.cat.LanguageName(tag)
}

// Catalog is the catalog the localizer belongs to.
func (l *Localizer) Catalog() *Catalog { return l.cat }

// Resolve is Match keeping the region: the first preference (a tag or an
// Accept-Language value) whose language has a catalog, as the tag of its
// formats ("en-GB", "de-AT", "en" for "en-ZW", whose formats are not
// bundled). Without one it returns Match's answer. The answers are a small
// fixed set, safe as cache keys.
func (c *Catalog) Resolve(prefs ...string) string {
	for _, p := range prefs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		tags, _, err := language.ParseAcceptLanguage(p)
		if err != nil {
			continue
		}
		for _, t := range tags {
			if _, catLang, err := c.ParseTag(t.String()); err == nil {
				l := c.Localizer(t.String())
				same, ok := c.same.Load(l)
				if !ok {
					same, _ = c.same.LoadOrStore(l, sameFormats(l, c.Localizer(catLang)))
				}
				if same.(bool) {
					return catLang // "de-DE" writes like "de": keep the plain tag
				}
				return l.Tag()
			}
		}
	}
	return c.Match(prefs...)
}

// sameFormats reports whether a and b write dates and times alike.
func sameFormats(a, b *Localizer) bool {
	for m := time.January; m <= time.December; m++ {
		t := time.Date(2026, m, 1, 14, 5, 0, 0, time.UTC)
		if a.tr.FmtDateLong(t) != b.tr.FmtDateLong(t) || a.tr.FmtDateMedium(t) != b.tr.FmtDateMedium(t) ||
			a.tr.FmtTimeShort(t) != b.tr.FmtTimeShort(t) {
			return false
		}
	}
	return true
}
