package i18n

import (
	"errors"
	"strconv"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/pt_BR"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
)

// translators maps a catalog language to its CLDR date formatter.
var translators = map[string]func() locales.Translator{
	"en":    en.New,
	"de":    de.New,
	"fr":    fr.New,
	"es":    es.New,
	"pt-BR": pt_BR.New,
}

// Localizer translates messages and formats values for one language.
// It is safe for concurrent use.
type Localizer struct {
	cat  *Catalog
	lang string
	loc  *goi18n.Localizer
	tr   locales.Translator
}

// Localizer returns the localizer for lang, or for the best supported match
// of lang when it is not supported itself.
func (c *Catalog) Localizer(lang string) *Localizer {
	if !c.Supported(lang) {
		lang = c.Match(lang)
	}
	if l, ok := c.locs.Load(lang); ok {
		return l.(*Localizer)
	}
	newTr, ok := translators[lang]
	if !ok {
		newTr = en.New
	}
	l := &Localizer{cat: c, lang: lang, loc: goi18n.NewLocalizer(c.bundle, lang, DefaultLanguage), tr: newTr()}
	actual, _ := c.locs.LoadOrStore(lang, l)
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
