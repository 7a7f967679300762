package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// sectionSave saves one section from the editor's form when JavaScript is
// off (with JavaScript the editor autosaves through the JSON API). A stale
// base revision re-renders the editor with the user's text and the other
// author's text side by side.
func (p *pages) sectionSave(c *gin.Context) {
	ctx := c.Request.Context()
	u, _ := currentUser(c)
	id, key := c.Param("id"), c.Param("key")
	base, _ := strconv.ParseInt(c.PostForm("base_revision"), 10, 64)
	edit := domain.SectionEdit{Body: c.PostForm("body"), Visibility: domain.Visibility(c.PostForm("visibility")), BaseRevision: base}
	_, err := p.s.editableRCA(ctx, id)
	if errors.Is(err, domain.ErrLocked) {
		p.setFlash(c, "error", "ui.flash.not_editable")
		redirect(c, "/rcas/"+id)
		return
	}
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	if edit.Visibility != "" && !edit.Visibility.Valid() {
		edit.Visibility = ""
	}
	if len(edit.Body) > domain.MaxBodyLen {
		p.s.respondError(c, http.StatusRequestEntityTooLarge, codeTooLarge, "")
		return
	}
	_, err = p.s.store.SaveSection(ctx, id, key, edit, u.ID)
	var ce *store.ConflictError
	switch {
	case errors.As(err, &ce):
		rc, lerr := p.rcaContextFor(c, ce.Current)
		if lerr != nil {
			p.s.pageError(c, lerr)
			return
		}
		s := ce.Current.Section(key)
		if s == nil {
			p.s.pageError(c, domain.ErrUnknownSection)
			return
		}
		theirs := s.Body
		p.renderEdit(c, http.StatusConflict, rc, editState{section: key, mine: &edit.Body, theirs: &theirs, revision: s.Revision})
		return
	case err != nil:
		p.s.pageError(c, err)
		return
	}
	p.setFlash(c, "ok", "ui.flash.saved")
	if c.PostForm("from") == "write" { // area "ui": back to the document editor, at the section
		redirect(c, "/rcas/"+id+"/write#s-"+key)
		return
	}
	redirect(c, "/rcas/"+id+"/edit?section="+key)
}
