package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// Page templates live in templates/pages, one file per page; every page is
// parsed together with templates/layout.html and templates/partials/*.html
// into its own set, so pages cannot overwrite each other's blocks (gin
// issues 567 and 3085). Translation functions are bound per request on a
// clone of the set: the parsed sets and their FuncMap are never mutated.

// pageNames lists every page the UI renders; start-up fails when one is missing.
var pageNames = []string{
	"signin", "dashboard", "error",
	"rca_new", "rca_view", "rca_edit", "rca_history", "rca_diff",
	"rca_write",     // area "ui": the document editor
	"action_items",  // area actions (issue 14)
	"my_work",       // flow
	"rca_translate", // area collab: the translation editor
	"incidents", "incident_view", "incident_form",
	"components", "users", "settings", "audit",
	"templates", "template_form", "factors", // tmpl area (issue 14)
	"insights",        // area insights (issue 14)
	"subscribers",     // subs
	"report_settings", // report2 area: the organisation's report header defaults
}

// renderer holds one parsed template set per page.
type renderer struct {
	pages  map[string]*template.Template
	assets *assetSet
	// bufs recycles render buffers.
	bufs sync.Pool
}

// localeFuncNames are the functions bound per request; at parse time they
// are placeholders that fail loudly if a clone forgot to bind them.
var localeFuncNames = []string{"T", "N", "date", "day", "datetime", "dur", "enum", "problem", "fieldError"}

func newRenderer(tfs fs.FS, assets *assetSet) (*renderer, error) {
	funcs := template.FuncMap{
		"asset":    assets.url,
		"md":       pageMarkdown, // markdown.ToHTML, with attachments shown (images)
		"add":      func(a, b int) int { return a + b },
		"contains": containsString,
		"join":     strings.Join,
		"dict":     dict,
		"lower":    strings.ToLower,
		"hasRole": func(u *domain.User, role string) bool {
			return u != nil && u.Role.Allows(domain.Role(role))
		},
		"selected": func(a, b any) template.HTMLAttr {
			if fmt.Sprint(a) == fmt.Sprint(b) {
				return "selected"
			}
			return ""
		},
		"checked": func(b bool) template.HTMLAttr {
			if b {
				return "checked"
			}
			return ""
		},
	}
	for _, name := range localeFuncNames {
		name := name
		funcs[name] = func(...any) (string, error) {
			return "", fmt.Errorf("web: template function %q used without a bound localizer", name)
		}
	}
	partials, err := fs.Glob(tfs, "partials/*.html")
	if err != nil {
		return nil, err
	}
	r := &renderer{pages: map[string]*template.Template{}, assets: assets}
	r.bufs.New = func() any { return new(bytes.Buffer) }
	for _, name := range pageNames {
		files := append([]string{"layout.html"}, partials...)
		files = append(files, "pages/"+name+".html")
		t, err := template.New(path.Base(files[0])).Funcs(funcs).ParseFS(tfs, files...)
		if err != nil {
			return nil, fmt.Errorf("web: parse page %s: %w", name, err)
		}
		if t.Lookup("content") == nil {
			return nil, fmt.Errorf("web: page %s defines no content block", name)
		}
		r.pages[name] = t
	}
	return r, nil
}

// execute renders page with data, binding the localizer's functions to a
// clone of the page's set, into a buffer.
func (r *renderer) execute(buf *bytes.Buffer, page string, loc *uiLocale, data any) error {
	base, ok := r.pages[page]
	if !ok {
		return fmt.Errorf("web: unknown page %q", page)
	}
	t, err := base.Clone()
	if err != nil {
		return fmt.Errorf("web: clone page %s: %w", page, err)
	}
	t.Funcs(loc.funcs())
	return t.ExecuteTemplate(buf, "layout.html", data)
}

// render writes page as the response. A template error becomes a clean 500
// because nothing is written until the whole page rendered.
func (p *pages) render(c *gin.Context, status int, page string, data any) {
	buf := p.ui.bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer p.ui.bufs.Put(buf)
	if err := p.ui.execute(buf, page, p.localeOf(c), data); err != nil {
		p.s.log.Error("render page", "request_id", requestID(c), "page", page, "err", err)
		c.Header("Content-Type", "text/plain; charset=utf-8")
		c.AbortWithStatus(http.StatusInternalServerError)
		_, _ = c.Writer.WriteString(defaultMessages[codeInternal] + "\n")
		return
	}
	h := c.Writer.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", pageCSPFor(c))
	c.Status(status)
	_, _ = c.Writer.Write(buf.Bytes())
}

func containsString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// dict builds a map from name/value pairs so a template can pass several
// values to a sub-template.
func dict(args ...any) (map[string]any, error) {
	if len(args)%2 != 0 {
		return nil, fmt.Errorf("web: dict needs name/value pairs, got %d arguments", len(args))
	}
	m := make(map[string]any, len(args)/2)
	for i := 0; i < len(args); i += 2 {
		k, ok := args[i].(string)
		if !ok {
			return nil, fmt.Errorf("web: dict key %v is not a string", args[i])
		}
		m[k] = args[i+1]
	}
	return m, nil
}
