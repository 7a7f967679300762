package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// unpublishRequest is the body of POST /api/v1/rcas/{id}/unpublish.
type unpublishRequest struct {
	Comment string `json:"comment"`
	Version int64  `json:"version"`
}

// publishRequest is the optional body of POST /api/v1/rcas/{id}/publish (subs).
type publishRequest struct {
	Notify  bool  `json:"notify"`
	Version int64 `json:"version"`
}

// apiRCAPublish publishes an approved RCA (or re-publishes a published one
// after an edit) to the status page and queues a delivery for every enabled
// target. Re-publishing updates each target instead of duplicating it.
//
// subs: an optional JSON body {"notify": true, "version": N} sends the RCA
// to the status page's subscribers again (they are told once otherwise).
func (s *Server) apiRCAPublish(c *gin.Context) {
	var in publishRequest
	if c.Request.ContentLength != 0 || c.ContentType() != "" {
		if !bindJSON(c, &in) {
			return
		}
	}
	res, err := s.app.PublishNotify(c.Request.Context(), actorOf(c), c.Param("id"), in.Version, in.Notify)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
