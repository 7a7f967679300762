package web

// Admin pages for custom templates (tmpl area, issue 14): list, create,
// edit (sections added, removed and reordered; translations), retire,
// restore and import. Every write goes through the service layer.

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type templatesPage struct {
	PageData
	BuiltIn     []domain.Template
	Custom      []domain.Template
	ImportJSON  string
	ImportProbs []domain.Problem
}

// templateListPage lists built-in (read-only) and custom templates.
func (p *pages) templateList(c *gin.Context) { p.renderTemplateList(c, http.StatusOK, "", nil) }

func (p *pages) renderTemplateList(c *gin.Context, status int, importJSON string, problems []domain.Problem) {
	all, err := p.s.app.Templates(c.Request.Context(), actorOf(c), true)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	loc := p.localeOf(c)
	d := templatesPage{PageData: p.base(c, "templates"), BuiltIn: localizedTemplates(loc), ImportJSON: importJSON, ImportProbs: problems}
	for _, t := range all {
		if !t.BuiltIn {
			d.Custom = append(d.Custom, t.Localized(loc.Lang()))
		}
	}
	p.render(c, status, "templates", d)
}

// templateRow is one section row of the template form.
type templateRow struct {
	Index                       int
	Key, Title, Guidance        string
	Example, Rules              string // kept as they were (hidden)
	Required                    bool
	Visibility                  string
	Translations                map[string]domain.SectionDefTranslation
	First, Last                 bool
	KeyProblem, TitleProblem    bool
	VisibilityProblem, Readonly bool
}

// templateLangTr is the translation block of one language.
type templateLangTr struct {
	Tag, Name         string
	TName, TDesc      string
	Sections          []templateRowTr
	HasAnyTranslation bool
}

type templateRowTr struct {
	Index            int
	Key, Title       string // the row's own key and title, for the label
	TTitle, TGuide   string
	TitleID, GuideID string
}

type templateFormPage struct {
	PageData
	New          bool
	Key          string
	Name         string
	Description  string
	ShowFactors  bool
	Retired      bool
	Version      int64
	Rows         []templateRow
	Languages    []templateLangTr
	Problems     []domain.Problem
	Visibilities []domain.Visibility
}

// templateForm reads the posted template form: fields named key, name,
// description, show_factors, version and, per row i, s.i.key, s.i.title,
// s.i.guidance, s.i.required, s.i.visibility, s.i.example, s.i.rules and
// translations tr.LANG.name, tr.LANG.description, tr.LANG.s.i.title,
// tr.LANG.s.i.guidance.
func (p *pages) templateFromForm(c *gin.Context) domain.Template {
	t := domain.Template{Key: strings.TrimSpace(c.PostForm("key")), Name: strings.TrimSpace(c.PostForm("name")),
		Description: strings.TrimSpace(c.PostForm("description")), ShowFactors: c.PostForm("show_factors") == "on"}
	t.Version, _ = strconv.ParseInt(c.PostForm("version"), 10, 64)
	t.Retired = c.PostForm("retired") == "true"
	n, _ := strconv.Atoi(c.PostForm("rows"))
	n = min(max(n, 0), domain.MaxSections+1)
	langs := p.cat.Languages()
	for i := range n {
		f := func(name string) string { return strings.TrimSpace(c.PostForm("s." + strconv.Itoa(i) + "." + name)) }
		d := domain.SectionDef{Key: f("key"), Title: f("title"), Guidance: f("guidance"), Example: f("example"),
			Required: f("required") == "on", Visibility: domain.Visibility(f("visibility"))}
		if d.Key == "" && d.Title == "" && d.Guidance == "" {
			continue // an empty added row
		}
		if r := f("rules"); r != "" {
			d.Rules = strings.Split(r, ",")
		}
		for _, lang := range langs {
			tr := domain.SectionDefTranslation{
				Title:    strings.TrimSpace(c.PostForm("tr." + lang + ".s." + strconv.Itoa(i) + ".title")),
				Guidance: strings.TrimSpace(c.PostForm("tr." + lang + ".s." + strconv.Itoa(i) + ".guidance"))}
			if tr != (domain.SectionDefTranslation{}) {
				if d.Translations == nil {
					d.Translations = map[string]domain.SectionDefTranslation{}
				}
				d.Translations[lang] = tr
			}
		}
		t.Sections = append(t.Sections, d)
	}
	for _, lang := range langs {
		tr := domain.TemplateTranslation{Name: strings.TrimSpace(c.PostForm("tr." + lang + ".name")),
			Description: strings.TrimSpace(c.PostForm("tr." + lang + ".description"))}
		if tr != (domain.TemplateTranslation{}) {
			if t.Translations == nil {
				t.Translations = map[string]domain.TemplateTranslation{}
			}
			t.Translations[lang] = tr
		}
	}
	return t
}

// renderTemplateForm shows the form for t with extra empty rows for new sections.
func (p *pages) renderTemplateForm(c *gin.Context, status int, isNew bool, t domain.Template, extra int, problems []domain.Problem) {
	d := templateFormPage{PageData: p.base(c, "templates"), New: isNew, Key: t.Key, Name: t.Name, Description: t.Description,
		ShowFactors: t.ShowFactors, Retired: t.Retired, Version: t.Version, Problems: problems,
		Visibilities: []domain.Visibility{domain.External, domain.Internal}}
	has := func(field string) bool {
		for _, pr := range problems {
			if pr.Field == field {
				return true
			}
		}
		return false
	}
	secs := append([]domain.SectionDef(nil), t.Sections...)
	for range extra {
		secs = append(secs, domain.SectionDef{Visibility: domain.External})
	}
	for i, s := range secs {
		f := "sections[" + strconv.Itoa(i) + "]"
		d.Rows = append(d.Rows, templateRow{Index: i, Key: s.Key, Title: s.Title, Guidance: s.Guidance, Example: s.Example,
			Rules: strings.Join(s.Rules, ","), Required: s.Required, Visibility: string(s.Visibility), Translations: s.Translations,
			First: i == 0, Last: i == len(secs)-1, KeyProblem: has(f + ".key"), TitleProblem: has(f + ".title"),
			VisibilityProblem: has(f + ".visibility")})
	}
	for _, lang := range p.cat.Languages() {
		lt := templateLangTr{Tag: lang, Name: p.cat.LanguageName(lang)}
		if tr, ok := t.Translations[lang]; ok {
			lt.TName, lt.TDesc, lt.HasAnyTranslation = tr.Name, tr.Description, true
		}
		for i, s := range secs {
			tr := s.Translations[lang]
			if tr != (domain.SectionDefTranslation{}) {
				lt.HasAnyTranslation = true
			}
			lt.Sections = append(lt.Sections, templateRowTr{Index: i, Key: s.Key, Title: s.Title, TTitle: tr.Title, TGuide: tr.Guidance,
				TitleID: "tr-" + lang + "-" + strconv.Itoa(i) + "-t", GuideID: "tr-" + lang + "-" + strconv.Itoa(i) + "-g"})
		}
		d.Languages = append(d.Languages, lt)
	}
	p.render(c, status, "template_form", d)
}

// templateNew shows an empty template form with three section rows.
func (p *pages) templateNew(c *gin.Context) {
	p.renderTemplateForm(c, http.StatusOK, true, domain.Template{}, 3, nil)
}

// templateEdit shows a custom template's form; built-ins are read-only.
func (p *pages) templateEdit(c *gin.Context) {
	t, err := p.s.app.Template(c.Request.Context(), actorOf(c), c.Param("key"))
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	if t.BuiltIn {
		p.setFlash(c, "error", "ui.templates.builtin_readonly")
		redirect(c, "/admin/templates")
		return
	}
	p.renderTemplateForm(c, http.StatusOK, false, t, 1, nil)
}

// templateFormOp applies a form button that changes the rows without
// saving ("add", "up:i", "down:i", "remove:i") and reports whether there
// was one.
func templateFormOp(op string, t *domain.Template) (extra int, ok bool) {
	verb, arg, _ := strings.Cut(op, ":")
	i, _ := strconv.Atoi(arg)
	s := t.Sections
	switch {
	case verb == "add":
		return 1, true
	case verb == "up" && i > 0 && i < len(s):
		s[i-1], s[i] = s[i], s[i-1]
	case verb == "down" && i >= 0 && i+1 < len(s):
		s[i], s[i+1] = s[i+1], s[i]
	case verb == "remove" && i >= 0 && i < len(s):
		t.Sections = append(s[:i:i], s[i+1:]...)
	case op == "":
		return 0, false
	}
	return 0, true
}

// templateCreate saves a new template, or applies a row button.
func (p *pages) templateCreate(c *gin.Context) {
	t := p.templateFromForm(c)
	if extra, ok := templateFormOp(c.PostForm("op"), &t); ok {
		p.renderTemplateForm(c, http.StatusOK, true, t, extra, nil)
		return
	}
	saved, err := p.s.app.CreateTemplate(c.Request.Context(), actorOf(c), t)
	if ps, ok := validationProblems(err); ok {
		p.renderTemplateForm(c, statusInvalid, true, t, 0, ps)
		return
	}
	if errors.Is(err, store.ErrDuplicate) {
		p.renderTemplateForm(c, statusInvalid, true, t, 0, []domain.Problem{{Field: "key", Code: domain.CodeDuplicate}})
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/templates/"+saved.Key)
}

// templateSave saves a custom template at the version the form was read at.
func (p *pages) templateSave(c *gin.Context) {
	t := p.templateFromForm(c)
	if extra, ok := templateFormOp(c.PostForm("op"), &t); ok {
		t.Key = c.Param("key")
		p.renderTemplateForm(c, http.StatusOK, false, t, extra, nil)
		return
	}
	_, err := p.s.app.UpdateTemplate(c.Request.Context(), actorOf(c), c.Param("key"), t)
	t.Key = c.Param("key")
	if ps, ok := validationProblems(err); ok {
		p.renderTemplateForm(c, statusInvalid, false, t, 0, ps)
		return
	}
	if isConflict(err) {
		p.renderTemplateForm(c, http.StatusConflict, false, t, 0, []domain.Problem{{Field: "version", Code: "conflict"}})
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/templates/"+t.Key)
}

// templateRetire retires a custom template.
func (p *pages) templateRetire(c *gin.Context) {
	if _, err := p.s.app.RetireTemplate(c.Request.Context(), actorOf(c), c.Param("key")); err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.templates.retired_flash")
	redirect(c, "/admin/templates")
}

// templateRestore brings a retired template back.
func (p *pages) templateRestore(c *gin.Context) {
	ctx := c.Request.Context()
	err := retryConflict(func() error {
		t, err := p.s.app.Template(ctx, actorOf(c), c.Param("key"))
		if err != nil || !t.Retired {
			return err
		}
		t.Retired = false
		_, err = p.s.app.UpdateTemplate(ctx, actorOf(c), t.Key, t)
		return err
	})
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/templates")
}

// templateImport imports a template from pasted export JSON.
func (p *pages) templateImport(c *gin.Context) {
	raw := c.PostForm("json")
	var doc app.TemplateExport
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		p.renderTemplateList(c, statusInvalid, raw, []domain.Problem{{Field: "json", Code: domain.CodeInvalid}})
		return
	}
	t, err := p.s.app.ImportTemplateExport(c.Request.Context(), actorOf(c), doc)
	if ps, ok := validationProblems(err); ok {
		p.renderTemplateList(c, statusInvalid, raw, ps)
		return
	}
	if errors.Is(err, store.ErrDuplicate) {
		p.renderTemplateList(c, statusInvalid, raw, []domain.Problem{{Field: "key", Code: domain.CodeDuplicate}})
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.templates.imported")
	redirect(c, "/admin/templates/"+t.Key)
}
