package web

// Custom templates and the contributing-factor taxonomy (tmpl area, issue 14).

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/policy"
)

// registerTemplates adds the template and factor routes under /api/v1
// (GET /templates is in routes.go).
func (s *Server) registerTemplates(api *gin.RouterGroup) {
	s.handle(api, "POST", "/templates", policy.TemplateManage, s.apiTemplateCreate)
	s.handle(api, "POST", "/templates/import", policy.TemplateManage, s.apiTemplateImport)
	s.handle(api, "GET", "/templates/:key", policy.TemplateRead, s.apiTemplateGet)
	s.handle(api, "PUT", "/templates/:key", policy.TemplateManage, s.apiTemplateUpdate)
	s.handle(api, "DELETE", "/templates/:key", policy.TemplateManage, s.apiTemplateRetire)
	s.handle(api, "GET", "/templates/:key/export", policy.TemplateRead, s.apiTemplateExport)

	s.handle(api, "GET", "/factors", policy.FactorRead, s.apiFactorList)
	s.handle(api, "POST", "/factors", policy.FactorManage, s.apiFactorCreate)
	s.handle(api, "GET", "/factors/:key", policy.FactorRead, s.apiFactorGet)
	s.handle(api, "PUT", "/factors/:key", policy.FactorManage, s.apiFactorUpdate)
	s.handle(api, "DELETE", "/factors/:key", policy.FactorManage, s.apiFactorRetire)
	s.document(templateOps()...)
}

func templateOps() []apiOp {
	retired := []queryParam{{Name: "include_retired", Type: "boolean", Description: "also list retired ones"}}
	lang := queryParam{Name: "lang", Type: "string", Description: "language of names and descriptions; default: the caller's preference, then Accept-Language"}
	return []apiOp{
		{Method: "POST", Path: "/templates", Tag: "templates", Role: domain.RoleAdmin, Summary: "Create a custom template; 422 names the field of a bad key, a built-in key, duplicate section keys, empty titles or an unknown visibility", Request: templateInput{}, Response: domain.Template{}, Status: http.StatusCreated},
		{Method: "POST", Path: "/templates/import", Tag: "templates", Role: domain.RoleAdmin, Summary: "Import a template exported as JSON (format hindsight-template/1) as a new custom template", Request: app.TemplateExport{}, Response: domain.Template{}, Status: http.StatusCreated},
		{Method: "GET", Path: "/templates/{key}", Tag: "templates", Role: domain.RoleViewer, Summary: "Read a template, built-in or custom", Response: domain.Template{}},
		{Method: "PUT", Path: "/templates/{key}", Tag: "templates", Role: domain.RoleAdmin, Summary: "Replace a custom template (with version; stale is 409). Existing RCAs keep their sections", Request: templateInput{}, Response: domain.Template{}},
		{Method: "DELETE", Path: "/templates/{key}", Tag: "templates", Role: domain.RoleAdmin, Summary: "Retire a custom template: no longer offered for new RCAs; existing RCAs keep their sections", Status: http.StatusNoContent},
		{Method: "GET", Path: "/templates/{key}/export", Tag: "templates", Role: domain.RoleViewer, Summary: "Export a template as portable JSON", Response: app.TemplateExport{}},
		{Method: "GET", Path: "/factors", Tag: "factors", Role: domain.RoleViewer, Summary: "The contributing-factor taxonomy in the request's language", Query: append(retired, lang), Response: listOf[factorView]{}},
		{Method: "POST", Path: "/factors", Tag: "factors", Role: domain.RoleAdmin, Summary: "Add a custom factor", Request: factorInput{}, Response: domain.Factor{}, Status: http.StatusCreated},
		{Method: "GET", Path: "/factors/{key}", Tag: "factors", Role: domain.RoleViewer, Summary: "Read a factor with its translations", Response: domain.Factor{}},
		{Method: "PUT", Path: "/factors/{key}", Tag: "factors", Role: domain.RoleAdmin, Summary: "Rename, describe, translate, retire or restore a factor (with version: 0 for a built-in factor never edited; stale is 409)", Request: factorInput{}, Response: domain.Factor{}},
		{Method: "DELETE", Path: "/factors/{key}", Tag: "factors", Role: domain.RoleAdmin, Summary: "Retire a factor: no longer offered; RCAs keep it", Status: http.StatusNoContent},
	}
}

// templateInput is the body of POST and PUT /api/v1/templates.
type templateInput struct {
	Key          string                                `json:"key"`
	Name         string                                `json:"name"`
	Description  string                                `json:"description"`
	Sections     []domain.SectionDef                   `json:"sections"`
	ShowFactors  bool                                  `json:"show_factors"`
	Translations map[string]domain.TemplateTranslation `json:"translations"`
	Header       domain.HeaderDefaults                 `json:"header"`
	Retired      bool                                  `json:"retired"` // PUT only: false brings a retired template back
	Version      int64                                 `json:"version"` // PUT only: the version read
}

func (in templateInput) template() domain.Template {
	return domain.Template{Key: in.Key, Name: in.Name, Description: in.Description, Sections: in.Sections,
		ShowFactors: in.ShowFactors, Translations: in.Translations, Header: in.Header, Retired: in.Retired, Version: in.Version}
}

// apiTemplateList lists built-in and custom templates; built-ins are read-only (built_in true).
func (s *Server) apiTemplateList(c *gin.Context) {
	all, err := queryBool(c, "include_retired")
	if err != nil {
		s.apiError(c, err)
		return
	}
	list, err := s.app.Templates(c.Request.Context(), actorOf(c), all)
	writeAll(s, c, list, err)
}

func (s *Server) apiTemplateGet(c *gin.Context) {
	t, err := s.app.Template(c.Request.Context(), actorOf(c), c.Param("key"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, t)
}

func (s *Server) apiTemplateCreate(c *gin.Context) {
	var in templateInput
	if !bindJSON(c, &in) {
		return
	}
	t, err := s.app.CreateTemplate(c.Request.Context(), actorOf(c), in.template())
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/templates/"+t.Key)
	c.JSON(http.StatusCreated, t)
}

// apiTemplateUpdate replaces a custom template; the GET document is accepted back.
func (s *Server) apiTemplateUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cur, err := s.app.Template(ctx, actorOf(c), c.Param("key"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	var in templateInput
	if !s.bindReplace(c, &in, cur) {
		return
	}
	t, err := s.app.UpdateTemplate(ctx, actorOf(c), c.Param("key"), in.template())
	if err != nil {
		s.apiErrorWithCurrent(c, err, func() (any, error) { return s.app.Template(ctx, actorOf(c), c.Param("key")) })
		return
	}
	c.JSON(http.StatusOK, t)
}

// apiTemplateRetire retires a custom template (DELETE never removes one).
func (s *Server) apiTemplateRetire(c *gin.Context) {
	if _, err := s.app.RetireTemplate(c.Request.Context(), actorOf(c), c.Param("key")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

func (s *Server) apiTemplateExport(c *gin.Context) {
	doc, err := s.app.ExportTemplate(c.Request.Context(), actorOf(c), c.Param("key"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="template-`+doc.Template.Key+`.json"`)
	c.JSON(http.StatusOK, doc)
}

func (s *Server) apiTemplateImport(c *gin.Context) {
	var in app.TemplateExport
	if !bindJSON(c, &in) {
		return
	}
	t, err := s.app.ImportTemplateExport(c.Request.Context(), actorOf(c), in)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/templates/"+t.Key)
	c.JSON(http.StatusCreated, t)
}

// factorView is a factor in one language, as GET /api/v1/factors lists it.
type factorView struct {
	Key         string `json:"key"`
	Name        string `json:"name"`
	Description string `json:"description"`
	BuiltIn     bool   `json:"built_in"`
	Retired     bool   `json:"retired"`
	Version     int64  `json:"version"`
}

func viewFactor(f domain.Factor, lang string) factorView {
	name, desc := f.Localized(lang)
	return factorView{Key: f.Key, Name: name, Description: desc, BuiltIn: f.BuiltIn, Retired: f.Retired, Version: f.Version}
}

// factorInput is the body of POST and PUT /api/v1/factors.
type factorInput struct {
	Key          string                              `json:"key"`
	Name         string                              `json:"name"`
	Description  string                              `json:"description"`
	Translations map[string]domain.FactorTranslation `json:"translations"`
	Retired      bool                                `json:"retired"` // PUT only
	Version      int64                               `json:"version"` // PUT only: the version read
}

func (in factorInput) factor() domain.Factor {
	return domain.Factor{Key: in.Key, Name: in.Name, Description: in.Description, Translations: in.Translations,
		Retired: in.Retired, Version: in.Version}
}

// apiFactorList lists the taxonomy in the request's language (?lang= first).
func (s *Server) apiFactorList(c *gin.Context) {
	all, err := queryBool(c, "include_retired")
	if err != nil {
		s.apiError(c, err)
		return
	}
	list, err := s.app.Factors(c.Request.Context(), actorOf(c), all)
	if err != nil {
		s.apiError(c, err)
		return
	}
	lang := s.requestLang(c)
	if q := c.Query("lang"); q != "" && s.catalog != nil {
		if l, ok := s.catalog.Lookup(q); ok {
			lang = l
		}
	}
	out := make([]factorView, len(list))
	for i, f := range list {
		out[i] = viewFactor(f, lang)
	}
	writeAll(s, c, out, nil)
}

func (s *Server) apiFactorGet(c *gin.Context) {
	f, err := s.app.Factor(c.Request.Context(), actorOf(c), c.Param("key"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, f)
}

func (s *Server) apiFactorCreate(c *gin.Context) {
	var in factorInput
	if !bindJSON(c, &in) {
		return
	}
	f, err := s.app.CreateFactor(c.Request.Context(), actorOf(c), in.factor())
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/factors/"+f.Key)
	c.JSON(http.StatusCreated, f)
}

// apiFactorUpdate replaces a factor's text; the GET document is accepted back.
func (s *Server) apiFactorUpdate(c *gin.Context) {
	ctx := c.Request.Context()
	cur, err := s.app.Factor(ctx, actorOf(c), c.Param("key"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	var in factorInput
	if !s.bindReplace(c, &in, cur) {
		return
	}
	f, err := s.app.UpdateFactor(ctx, actorOf(c), c.Param("key"), in.factor())
	if err != nil {
		s.apiErrorWithCurrent(c, err, func() (any, error) { return s.app.Factor(ctx, actorOf(c), c.Param("key")) })
		return
	}
	c.JSON(http.StatusOK, f)
}

func (s *Server) apiFactorRetire(c *gin.Context) {
	if _, err := s.app.RetireFactor(c.Request.Context(), actorOf(c), c.Param("key")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
