package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

type componentFormValues struct {
	Name, Group, Description, Status string
	Position                         int
	Version                          int64
}

type componentRow struct {
	ID       string
	Form     componentFormValues
	Problems []domain.Problem
}

type componentsPage struct {
	PageData
	Rows              []componentRow
	NewForm           componentFormValues
	NewProblems       []domain.Problem
	ComponentStatuses []domain.ComponentStatus
}

func componentValues(cm domain.Component) componentFormValues {
	return componentFormValues{Name: cm.Name, Group: cm.Group, Description: cm.Description, Status: string(cm.Status), Position: cm.Position, Version: cm.Version}
}

// renderComponents shows the list; failedID's row (or the add form when
// failedID is "") shows form and problems instead of the stored values.
func (p *pages) renderComponents(c *gin.Context, status int, failedID string, form *componentFormValues, problems []domain.Problem) {
	comps, err := p.s.store.ListComponents(c.Request.Context())
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	d := componentsPage{PageData: p.base(c, "components"), ComponentStatuses: domain.ComponentStatuses,
		NewForm: componentFormValues{Status: string(domain.ComponentOperational)}}
	for _, cm := range comps {
		row := componentRow{ID: cm.ID, Form: componentValues(cm)}
		if form != nil && failedID == cm.ID {
			row.Form, row.Problems = *form, problems
		}
		d.Rows = append(d.Rows, row)
	}
	if form != nil && failedID == "" {
		d.NewForm, d.NewProblems = *form, problems
	}
	p.render(c, status, "components", d)
}

// componentList shows the status-page components.
func (p *pages) componentList(c *gin.Context) { p.renderComponents(c, http.StatusOK, "", nil, nil) }

func componentFormFrom(c *gin.Context, ps *formProblems) componentFormValues {
	f := componentFormValues{Name: strings.TrimSpace(c.PostForm("name")), Group: strings.TrimSpace(c.PostForm("group")),
		Description: strings.TrimSpace(c.PostForm("description")), Status: c.PostForm("status")}
	if v := strings.TrimSpace(c.PostForm("position")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			ps.add("position", domain.CodeInvalid)
		}
		f.Position = n
	}
	f.Version, _ = strconv.ParseInt(c.PostForm("version"), 10, 64)
	return f
}

func (f componentFormValues) apply(cm *domain.Component) {
	cm.Name, cm.Group, cm.Description, cm.Position, cm.Status = f.Name, f.Group, f.Description, f.Position, domain.ComponentStatus(f.Status)
}

// componentCreate adds a component.
func (p *pages) componentCreate(c *gin.Context) {
	var ps formProblems
	f := componentFormFrom(c, &ps)
	var cm domain.Component
	f.apply(&cm)
	if problems, ok := validationProblems(cm.Validate()); ok {
		ps = append(ps, problems...)
	}
	if len(ps) > 0 {
		p.renderComponents(c, statusInvalid, "", &f, ps)
		return
	}
	if err := p.s.store.CreateComponent(c.Request.Context(), &cm); err != nil {
		p.s.pageError(c, err)
		return
	}
	p.s.InvalidateStatusPage()
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/components")
}

// componentSave changes a component.
func (p *pages) componentSave(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	cm, err := p.s.store.GetComponent(ctx, id)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	var ps formProblems
	f := componentFormFrom(c, &ps)
	f.apply(&cm)
	cm.Version = f.Version
	if problems, ok := validationProblems(cm.Validate()); ok {
		ps = append(ps, problems...)
	}
	if len(ps) == 0 {
		err = p.s.store.UpdateComponent(ctx, &cm)
		if isConflict(err) {
			ps = formProblems{{Field: "version", Code: "conflict"}}
		} else if err != nil {
			p.s.pageError(c, err)
			return
		}
	}
	if len(ps) > 0 {
		p.renderComponents(c, statusInvalid, id, &f, ps)
		return
	}
	p.s.InvalidateStatusPage()
	p.setFlash(c, "ok", "ui.flash.saved")
	redirect(c, "/admin/components")
}

// componentDelete removes a component.
func (p *pages) componentDelete(c *gin.Context) {
	if err := p.s.store.DeleteComponent(c.Request.Context(), c.Param("id")); err != nil {
		p.s.pageError(c, err)
		return
	}
	p.s.InvalidateStatusPage()
	p.setFlash(c, "ok", "ui.flash.deleted")
	redirect(c, "/admin/components")
}
