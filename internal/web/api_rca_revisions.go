package web

import (
	"fmt"
	"net/http"

	"github.com/gin-gonic/gin"
)

func (s *Server) apiRCARevisions(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if _, err := s.store.GetRCA(ctx, id); err != nil {
		s.apiError(c, err)
		return
	}
	revs, err := s.store.ListRevisions(ctx, id)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": revs, "total": len(revs)})
}

func (s *Server) apiRCARevision(c *gin.Context) {
	v, err := pathVersion(c, "version")
	if err != nil {
		s.apiError(c, err)
		return
	}
	rev, err := s.store.GetRevision(c.Request.Context(), c.Param("id"), v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, rev)
}

// apiRCARestore makes an old revision's content the newest revision. The
// RCA's workflow (state, history, publication) and incident links stay as
// they are now: restoring text must not un-approve or unlink anything.
func (s *Server) apiRCARestore(c *gin.Context) {
	v, err := pathVersion(c, "version")
	if err != nil {
		s.apiError(c, err)
		return
	}
	ctx := c.Request.Context()
	u := mustUser(c)
	cur, err := s.editableRCA(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	rev, err := s.store.GetRevision(ctx, cur.ID, v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	next := rev.Snapshot
	next.ID, next.Version = cur.ID, cur.Version
	next.State, next.History, next.PublishedAt = cur.State, cur.History, cur.PublishedAt
	next.IncidentIDs = cur.IncidentIDs
	next.CreatedBy, next.CreatedAt = cur.CreatedBy, cur.CreatedAt
	next.UpdatedAt = s.now()
	next.Normalize()
	next.BumpChangedSections(&cur)
	if err := s.store.UpdateRCA(ctx, &next, u.ID, fmt.Sprintf("restored %d", v)); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, u.ID, "rca.restore", "rca:"+cur.ID, map[string]string{"version": fmt.Sprint(v)})
	c.JSON(http.StatusOK, next)
}
