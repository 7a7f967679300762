package i18n

import (
	"errors"
	"strconv"

	"github.com/go-playground/locales"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// Localizer translates messages and formats values for one language.
// It is safe for concurrent use.
type Localizer struct {
	cat  *Catalog
	lang string // the catalog language
	tag  string // the full tag dates are formatted for
	loc  *goi18n.Localizer
	tr   locales.Translator
}

// Localizer returns the localizer for lang, or for the best supported match
// of lang when it is not supported itself. A regional tag keeps its own
// date and time formats: "en-GB" has English labels and British dates.
func (c *Catalog) Localizer(lang string) *Localizer {
	if l, ok := c.locs.Load(lang); ok {
		return l.(*Localizer)
	}
	tag, catLang, err := c.ParseTag(lang)
	if err != nil {
		catLang = c.Match(lang)
		tag = catLang
	}
	// One localizer per catalog language and formatter: the cache stays
	// bounded whatever tags requests bring.
	fkey := formatterKey(tag, catLang)
	key := catLang + "\x00" + fkey
	if l, ok := c.locs.Load(key); ok {
		return l.(*Localizer)
	}
	tr := regionalFormats[fkey]()
	l := &Localizer{cat: c, lang: catLang, tag: fkey, loc: goi18n.NewLocalizer(c.bundle, catLang, DefaultLanguage), tr: tr}
	actual, _ := c.locs.LoadOrStore(key, l)
	if c.Supported(lang) || c.Supported(tag) {
		c.locs.LoadOrStore(lang, actual)
	}
	return actual.(*Localizer)
}

// Lang returns the localizer's language tag.
func (l *Localizer) Lang() string { return l.lang }

// T translates key. data, when given, fills the message's placeholders.
// A key no catalog has comes back as the key itself, so it shows.
func (l *Localizer) T(key string, data ...map[string]any) string {
	cfg := &goi18n.LocalizeConfig{MessageID: key}
	if len(data) > 0 && data[0] != nil {
		cfg.TemplateData = data[0]
	}
	return l.localize(key, cfg)
}

// N translates a message with plural forms for count; the message sees the
// count as {{.Count}} besides any data given.
func (l *Localizer) N(key string, count int, data ...map[string]any) string {
	td := map[string]any{}
	if len(data) > 0 {
		for k, v := range data[0] {
			td[k] = v
		}
	}
	td["Count"] = count
	return l.localize(key, &goi18n.LocalizeConfig{MessageID: key, TemplateData: td, PluralCount: count})
}

func (l *Localizer) localize(key string, cfg *goi18n.LocalizeConfig) string {
	msg, err := l.loc.Localize(cfg)
	if err != nil {
		var nf *goi18n.MessageNotFoundErr
		if errors.As(err, &nf) && msg != "" {
			return msg // found in the default language
		}
		if msg == "" {
			return key
		}
	}
	return msg
}

// LanguageName returns the name of lang in that language ("Deutsch"), or
// the tag itself when no catalog has it.
func (c *Catalog) LanguageName(lang string) string {
	if !c.Supported(lang) {
		return lang
	}
	return c.Localizer(lang).T("lang.name")
}

func itoa(i int) string { return strconv.Itoa(i) }
