package web

// The translation editor (area collab, issue 12): the source text and its
// translation side by side, section by section, each marked outdated when
// the source changed after the translation was written.

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type translateRow struct {
	Key, Title, Body    string // the source
	TrTitle, TrBody     string // the translation
	Revision            int64
	Outdated, Untouched bool
}

type translatePage struct {
	PageData
	RCA      domain.RCA
	Target   string // the language translated into
	Targets  []langOption
	Rows     []translateRow
	Editable bool
}

// translateTarget answers the language asked for (?lang=, or the first
// other language the UI offers).
func (p *pages) translateTarget(c *gin.Context, r domain.RCA) string {
	if t := strings.TrimSpace(c.Query("to")); t != "" {
		return t
	}
	for _, l := range p.cat.Languages() {
		if l != r.Language {
			return l
		}
	}
	return ""
}

// rcaTranslate shows the translation editor (?to=de).
func (p *pages) rcaTranslate(c *gin.Context) {
	rc, err := p.loadRCA(c, c.Param("id"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	r := rc.RCA
	loc := p.localeOf(c)
	d := translatePage{PageData: p.base(c, ""), RCA: r, Target: p.translateTarget(c, r), Editable: r.Editable()}
	for _, l := range p.cat.Languages() {
		if l != r.Language {
			d.Targets = append(d.Targets, langOption{Tag: l, Name: p.cat.LanguageName(l)})
		}
	}
	for _, s := range r.Sections {
		tr, ok := s.Translations[d.Target]
		d.Rows = append(d.Rows, translateRow{Key: s.Key, Title: templateText(loc, rc.Template, s.Key, "title", s.Title), Body: s.Body,
			TrTitle: tr.Title, TrBody: tr.Body, Revision: s.Revision, Outdated: s.TranslationOutdated(d.Target), Untouched: !ok})
	}
	p.render(c, http.StatusOK, "rca_translate", d)
}

// rcaTranslateSave stores one section's translation; an empty title and
// body remove it. The section revision read guards against a lost edit.
func (p *pages) rcaTranslateSave(c *gin.Context) {
	ctx := c.Request.Context()
	id, key, to := c.Param("id"), c.Param("key"), strings.TrimSpace(c.PostForm("to"))
	back := "/rcas/" + id + "/translate?to=" + url.QueryEscape(to) + "#t-" + key
	r, err := p.s.app.GetRCA(ctx, actorOf(c), id)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	s := r.Section(key)
	if s == nil {
		p.s.pageError(c, domain.ErrUnknownSection)
		return
	}
	base, _ := strconv.ParseInt(c.PostForm("base_revision"), 10, 64)
	trs := make(map[string]domain.SectionTranslation, len(s.Translations)+1)
	for k, v := range s.Translations {
		trs[k] = v
	}
	title, body := strings.TrimSpace(c.PostForm("title")), c.PostForm("body")
	if title == "" && strings.TrimSpace(body) == "" {
		delete(trs, to)
	} else {
		trs[to] = domain.SectionTranslation{Title: title, Body: body}
	}
	_, err = p.s.app.SaveSection(ctx, actorOf(c), id, key, domain.SectionEdit{Body: s.Body, Visibility: s.Visibility, Translations: trs, BaseRevision: base})
	switch {
	case errors.Is(err, store.ErrConflict):
		p.setFlash(c, "error", "collab.translate.conflict")
	case domain.IsValidation(err):
		p.setFlash(c, "error", "collab.translate.invalid")
	case err != nil:
		p.s.pageError(c, err)
		return
	default:
		p.setFlash(c, "ok", "collab.translate.saved")
	}
	redirect(c, back)
}
