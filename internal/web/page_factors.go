package web

// The contributing-factor taxonomy: the admin page (add, rename, describe,
// translate, retire) and the editor's multi-select on an RCA (tmpl area,
// issue 14).

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type factorTr struct {
	Tag, Name, TName, TDesc string
}

type factorRow struct {
	Key, Name, Description string
	BuiltIn, Retired       bool
	Version                int64
	Translations           []factorTr
	Problems               []domain.Problem
}

type factorsPage struct {
	PageData
	Rows        []factorRow
	NewKey      string
	NewName     string
	NewDesc     string
	NewProblems []domain.Problem
}

func (p *pages) factorRowOf(f domain.Factor) factorRow {
	row := factorRow{Key: f.Key, Name: f.Name, Description: f.Description, BuiltIn: f.BuiltIn, Retired: f.Retired, Version: f.Version}
	for _, lang := range p.cat.Languages() {
		tr := f.Translations[lang]
		row.Translations = append(row.Translations, factorTr{Tag: lang, Name: p.cat.LanguageName(lang), TName: tr.Name, TDesc: tr.Description})
	}
	return row
}

// renderFactors shows the taxonomy; failed (when set) replaces the stored
// row of its key (or the add form when its key is new) with what was posted.
func (p *pages) renderFactors(c *gin.Context, status int, failed *factorRow, isNew bool) {
	all, err := p.s.app.Factors(c.Request.Context(), actorOf(c), true)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := factorsPage{PageData: p.base(c, "factors")}
	for _, f := range all {
		row := p.factorRowOf(f)
		if failed != nil && !isNew && failed.Key == f.Key {
			row = *failed
		}
		d.Rows = append(d.Rows, row)
	}
	if failed != nil && isNew {
		d.NewKey, d.NewName, d.NewDesc, d.NewProblems = failed.Key, failed.Name, failed.Description, failed.Problems
	}
	p.render(c, status, "factors", d)
}

func (p *pages) factorList(c *gin.Context) { p.renderFactors(c, http.StatusOK, nil, false) }

// factorFromForm reads name, description, retired, version and tr.LANG.name / tr.LANG.description.
func (p *pages) factorFromForm(c *gin.Context, key string) domain.Factor {
	f := domain.Factor{Key: key, Name: strings.TrimSpace(c.PostForm("name")), Description: strings.TrimSpace(c.PostForm("description")),
		Retired: c.PostForm("retired") == "on"}
	f.Version, _ = strconv.ParseInt(c.PostForm("version"), 10, 64)
	for _, lang := range p.cat.Languages() {
		tr := domain.FactorTranslation{Name: strings.TrimSpace(c.PostForm("tr." + lang + ".name")),
			Description: strings.TrimSpace(c.PostForm("tr." + lang + ".description"))}
		if tr != (domain.FactorTranslation{}) {
			if f.Translations == nil {
				f.Translations = map[string]domain.FactorTranslation{}
			}
			f.Translations[lang] = tr
		}
	}
	return f
}

// factorCreate adds a custom factor.
func (p *pages) factorCreate(c *gin.Context) {
	f := p.factorFromForm(c, strings.TrimSpace(c.PostForm("key")))
	_, err := p.s.app.CreateFactor(c.Request.Context(), actorOf(c), f)
	if errors.Is(err, store.ErrDuplicate) {
		err = &domain.ValidationError{Problems: []domain.Problem{{Field: "key", Code: domain.CodeDuplicate, Detail: f.Key}}}
	}
	if ps, ok := validationProblems(err); ok {
		row := p.factorRowOf(f)
		row.Problems = ps
		p.renderFactors(c, statusInvalid, &row, true)
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/factors")
}

// factorSave renames, describes, translates, retires or restores a factor.
func (p *pages) factorSave(c *gin.Context) {
	key := c.Param("key")
	f := p.factorFromForm(c, key)
	saved, err := p.s.app.UpdateFactor(c.Request.Context(), actorOf(c), key, f)
	var ps []domain.Problem
	if isConflict(err) {
		ps = []domain.Problem{{Field: "version", Code: "conflict"}}
	} else if vps, ok := validationProblems(err); ok {
		ps = vps
	} else if err != nil {
		p.s.pageError(c, err)
		return
	}
	if ps != nil {
		f.BuiltIn = saved.BuiltIn
		if cur, err := p.s.app.Factor(c.Request.Context(), actorOf(c), key); err == nil {
			f.BuiltIn = cur.BuiltIn
		}
		row := p.factorRowOf(f)
		row.Problems = ps
		p.renderFactors(c, statusInvalid, &row, false)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/factors#factor-"+key)
}

// factorChoice is one factor in an RCA's multi-select.
type factorChoice struct {
	Key, Name, Description string
	Checked, Retired       bool
}

// factorsView is the contributing-factors form of the editor pages.
type factorsView struct {
	RCAID    string
	CSRF     string
	Editable bool
	From     string // "write" or "edit": where the form returns
	Choices  []factorChoice
}

// factorsFor builds the multi-select of r: every factor that is not
// retired, and the retired ones r still carries; names in the reader's
// language.
func (p *pages) factorsFor(c *gin.Context, r domain.RCA, from string) *factorsView {
	all, err := p.s.app.Factors(c.Request.Context(), actorOf(c), true)
	if err != nil {
		return nil
	}
	lang := p.localeOf(c).Lang()
	v := &factorsView{RCAID: r.ID, CSRF: csrfToken(c), Editable: r.Editable(), From: from}
	for _, f := range all {
		checked := slices.Contains(r.ContributingFactors, f.Key)
		if f.Retired && !checked {
			continue
		}
		name, desc := f.Localized(lang)
		v.Choices = append(v.Choices, factorChoice{Key: f.Key, Name: name, Description: desc, Checked: checked, Retired: f.Retired})
	}
	return v
}

// rcaFactorsSave stores the factors ticked in the editor's multi-select.
func (p *pages) rcaFactorsSave(c *gin.Context) {
	id := c.Param("id")
	back := "/rcas/" + id + "/edit?section=_facts#factors"
	if c.PostForm("from") == "write" {
		back = "/rcas/" + id + "/write#factors"
	}
	_, err := p.s.app.SetRCAFactors(c.Request.Context(), actorOf(c), id, c.PostFormArray("factor"))
	if _, ok := validationProblems(err); ok {
		p.setFlash(c, "error", "ui.factors.invalid")
		redirect(c, back)
		return
	}
	if errors.Is(err, domain.ErrLocked) {
		p.setFlash(c, "error", "ui.flash.not_editable")
		redirect(c, back)
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, back)
}
