package web

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// linkInput is the body of POST /api/v1/rcas/{id}/incidents.
type linkInput struct {
	IncidentID string `json:"incident_id"`
}

// apiRCALinkIncident links an incident to the RCA; linking twice is fine.
func (s *Server) apiRCALinkIncident(c *gin.Context) {
	var in linkInput
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.LinkIncident(c.Request.Context(), actorOf(c), c.Param("id"), in.IncidentID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// apiRCAUnlinkIncident removes a link; an incident that is not linked is 404.
func (s *Server) apiRCAUnlinkIncident(c *gin.Context) {
	r, err := s.app.UnlinkIncident(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("incident_id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}
