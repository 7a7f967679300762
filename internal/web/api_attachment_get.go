package web

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// apiAttachmentGet: GET /api/v1/rcas/:id/attachments/:aid.
func (s *Server) apiAttachmentGet(c *gin.Context) {
	a, data, err := s.app.ReadAttachment(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("aid"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	serveImage(c, a, data, false)
}

// attachmentGet: GET /attachments/:aid, for pages and the status page. A
// signed-in reader gets what the RCA's audience rule lets them read; anyone
// else only an image a published RCA shows in an external section. Every
// refusal is 404, so nobody learns which images exist.
func (s *Server) attachmentGet(c *gin.Context) {
	ctx, id := c.Request.Context(), c.Param("aid")
	a, data, err := s.app.AttachmentByID(ctx, actorOf(c), id)
	if err != nil {
		if !errors.Is(err, store.ErrUnavailable) {
			err = &httpError{Status: http.StatusNotFound, Code: codeNotFound, Err: err}
		}
		s.pageError(c, err)
		return
	}
	serveImage(c, a, data, actorOf(c).Anonymous())
}

// serveImage answers an image's bytes. Its id names its bytes for good,
// but who may read it can change (an unpublish), so caches keep it briefly.
func serveImage(c *gin.Context, a domain.Attachment, data []byte, public bool) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", defaultCSP)
	h.Set("Content-Disposition", `inline; filename="`+a.FileName()+`"`)
	if public {
		h.Set("Cache-Control", "public, max-age=60")
	} else {
		h.Set("Cache-Control", "private, max-age=3600")
		h.Set("Vary", "Cookie, Authorization")
	}
	c.Data(http.StatusOK, a.ContentType, data)
}
