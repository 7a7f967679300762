package web

import (
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
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
	ctx := c.Request.Context()
	u := mustUser(c)
	id := trimmed(in.IncidentID)
	if id == "" {
		s.apiError(c, invalid("incident_id", domain.CodeRequired, ""))
		return
	}
	if _, err := s.store.GetRCA(ctx, c.Param("id")); err != nil {
		s.apiError(c, err)
		return
	}
	if _, err := s.loadIncidents(ctx, []string{id}); err != nil {
		if domain.IsValidation(err) {
			err = invalid("incident_id", domain.CodeUnknownEnum, "no such incident")
		}
		s.apiError(c, err)
		return
	}
	s.updateLinks(c, u, "linked "+id, func(r *domain.RCA) bool {
		if slices.Contains(r.IncidentIDs, id) {
			return false
		}
		r.LinkIncident(id)
		return true
	})
}

// apiRCAUnlinkIncident removes a link; an incident that is not linked is 404.
func (s *Server) apiRCAUnlinkIncident(c *gin.Context) {
	id := c.Param("incident_id")
	s.updateLinks(c, mustUser(c), "unlinked "+id, func(r *domain.RCA) bool {
		if !slices.Contains(r.IncidentIDs, id) {
			return false
		}
		r.UnlinkIncident(id)
		return true
	})
}

// updateLinks applies change to the current RCA and stores it, retrying when
// another write slipped in. change reports whether anything changed; an
// unchanged RCA answers as it is for a link and 404 for an unlink.
func (s *Server) updateLinks(c *gin.Context, u domain.User, note string, change func(*domain.RCA) bool) {
	ctx := c.Request.Context()
	var r domain.RCA
	changed := false
	err := retryConflict(func() error {
		var err error
		if r, err = s.editableRCA(ctx, c.Param("id")); err != nil {
			return err
		}
		if changed = change(&r); !changed {
			return nil
		}
		r.UpdatedAt = s.now()
		return s.store.UpdateRCA(ctx, &r, u.ID, note)
	})
	if err != nil {
		s.apiError(c, err)
		return
	}
	if !changed && c.Request.Method == http.MethodDelete {
		s.apiError(c, errNotFound)
		return
	}
	if changed {
		s.audit(ctx, u.ID, "rca.link", "rca:"+r.ID, map[string]string{"change": note})
	}
	c.JSON(http.StatusOK, r)
}
