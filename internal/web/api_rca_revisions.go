package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// apiRCARevisions lists an RCA's history, newest first.
func (s *Server) apiRCARevisions(c *gin.Context) {
	revs, err := s.app.Revisions(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": revs, "total": len(revs)})
}

// apiRCARevision answers one revision with its snapshot, in the edition the
// caller may read.
func (s *Server) apiRCARevision(c *gin.Context) {
	v, err := pathVersion(c, "version")
	if err != nil {
		s.apiError(c, err)
		return
	}
	rev, err := s.app.Revision(c.Request.Context(), actorOf(c), c.Param("id"), v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, rev)
}

// apiRCARestore makes an old revision's content the newest revision.
func (s *Server) apiRCARestore(c *gin.Context) {
	v, err := pathVersion(c, "version")
	if err != nil {
		s.apiError(c, err)
		return
	}
	r, err := s.app.Restore(c.Request.Context(), actorOf(c), c.Param("id"), v)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}
