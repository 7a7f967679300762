package web

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// updateInput is one incident update as a client sends it.
type updateInput struct {
	Status domain.UpdateStatus `json:"status"`
	Body   string              `json:"body"`
	At     time.Time           `json:"at"`
}

// incidentCreate is the body of POST /api/v1/incidents.
type incidentCreate struct {
	Title      string                     `json:"title"`
	Impact     domain.Impact              `json:"impact"`
	Status     domain.IncidentStatus      `json:"status"`
	StartedAt  time.Time                  `json:"started_at"`
	ResolvedAt *time.Time                 `json:"resolved_at"`
	Components []domain.AffectedComponent `json:"components"`
	Updates    []updateInput              `json:"updates"`
}

// incidentReplace is the body of PUT /api/v1/incidents/{id}: the incident as
// read, changed. Read-only members (id, rca_ids, source, times) are accepted
// so a GET document can be sent back, and ignored.
type incidentReplace struct {
	domain.Incident
}

func (s *Server) apiIncidentList(c *gin.Context) {
	q := listQuery{c: c}
	var f store.IncidentFilter
	f.Page = q.page()
	f.Since, f.Until = q.time("since"), q.time("until")
	f.Unresolved, f.WithoutRCA = q.bool("unresolved"), q.bool("without_rca")
	if q.err != nil {
		s.apiError(c, q.err)
		return
	}
	if v := c.Query("status"); v != "" {
		f.Status = domain.IncidentStatus(v)
		if !f.Status.Valid() {
			s.apiError(c, invalid("status", domain.CodeUnknownEnum, v))
			return
		}
	}
	f.Query = trimmed(c.Query("q"))
	f.Cursor = c.Query("cursor")
	page, err := s.store.ListIncidentSummaries(c.Request.Context(), f)
	writeCursorList(s, c, page.Items, page.Total, page.Next, f.Page, err)
}

func (s *Server) apiIncidentCreate(c *gin.Context) {
	var in incidentCreate
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	inc := domain.Incident{
		Title: trimmed(in.Title), Impact: in.Impact, Status: in.Status,
		StartedAt: in.StartedAt, ResolvedAt: in.ResolvedAt, Components: in.Components,
	}
	for _, u := range in.Updates {
		inc.Updates = append(inc.Updates, domain.IncidentUpdate{Status: u.Status, Body: u.Body, At: u.At})
	}
	if err := s.checkIncident(ctx, &inc); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.store.CreateIncident(ctx, &inc); err != nil {
		s.apiError(c, err)
		return
	}
	s.auditIncident(ctx, mustUser(c).ID, nil, inc)
	c.Header("Location", "/api/v1/incidents/"+inc.ID)
	c.JSON(http.StatusCreated, inc)
}

func (s *Server) apiIncidentGet(c *gin.Context) {
	inc, err := s.store.GetIncident(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, inc)
}

func (s *Server) apiIncidentReplace(c *gin.Context) {
	var in incidentReplace
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	cur, err := s.store.GetIncident(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	if err := changedReadOnly(in.ID, cur.ID, in.CreatedAt, cur.CreatedAt); err != nil { // hygiene
		s.apiError(c, err)
		return
	}
	if err := checkVersion(in.Version); err != nil {
		s.apiError(c, err)
		return
	}
	next := cur
	next.Title, next.Impact, next.Status = trimmed(in.Title), in.Impact, in.Status
	next.StartedAt, next.ResolvedAt = in.StartedAt, in.ResolvedAt
	next.Components, next.Updates = in.Components, in.Updates
	next.Version = in.Version
	if err := s.checkIncident(ctx, &next); err != nil {
		s.apiError(c, err)
		return
	}
	if err := s.store.UpdateIncident(ctx, &next); err != nil {
		s.apiErrorWithCurrent(c, err, func() (any, error) { return s.store.GetIncident(ctx, cur.ID) })
		return
	}
	s.auditIncident(ctx, mustUser(c).ID, &cur, next)
	c.JSON(http.StatusOK, next)
}

// apiIncidentAddUpdate appends one update; the incident's status follows it.
func (s *Server) apiIncidentAddUpdate(c *gin.Context) {
	var in updateInput
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	if in.At.IsZero() {
		in.At = s.now()
	}
	var inc, before domain.Incident
	err := retryConflict(func() error {
		var err error
		if inc, err = s.store.GetIncident(ctx, c.Param("id")); err != nil {
			return err
		}
		before = inc
		inc.AddUpdate(domain.IncidentUpdate{Status: in.Status, Body: in.Body, At: in.At})
		if err := s.checkIncident(ctx, &inc); err != nil {
			return err
		}
		return s.store.UpdateIncident(ctx, &inc)
	})
	if err != nil {
		s.apiError(c, err)
		return
	}
	s.auditIncident(ctx, mustUser(c).ID, &before, inc)
	c.JSON(http.StatusCreated, inc)
}

func (s *Server) apiIncidentDelete(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if err := s.store.DeleteIncident(ctx, id); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "incident.delete", "incident:"+id, nil)
	c.Status(http.StatusNoContent)
}

// checkIncident normalizes and validates an incident, and checks that every
// affected component exists.
func (s *Server) checkIncident(ctx context.Context, inc *domain.Incident) error {
	inc.Normalize()
	if err := inc.Validate(); err != nil {
		return err
	}
	if len(inc.Components) == 0 {
		return nil
	}
	known, err := s.store.ListComponents(ctx)
	if err != nil {
		return err
	}
	ids := make(map[string]bool, len(known))
	for _, k := range known {
		ids[k.ID] = true
	}
	var ve domain.ValidationError
	for i, ac := range inc.Components {
		if !ids[ac.ComponentID] {
			ve.Problems = append(ve.Problems, domain.Problem{
				Field: fmt.Sprintf("components[%d].component_id", i), Code: domain.CodeUnknownEnum, Detail: "no such component"})
		}
	}
	if len(ve.Problems) > 0 {
		return &ve
	}
	return nil
}
