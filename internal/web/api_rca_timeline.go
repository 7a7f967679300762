package web

// The timeline grid's API (area collab, issue 12): one row at a time.

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
)

// timelineInput is one timeline row: "at" (RFC 3339), or "local"
// ("2006-01-02T15:04") in "zone" (IANA), or a day only (precision "date"
// and "date") or no time (precision "none").
type timelineInput struct {
	At         *time.Time           `json:"at,omitempty"`
	Local      string               `json:"local,omitempty"`
	Zone       string               `json:"zone,omitempty"`
	Precision  domain.TimePrecision `json:"precision"`
	Date       string               `json:"date,omitempty"`
	Kind       domain.TimelineKind  `json:"kind"`
	Text       string               `json:"text"`
	Visibility domain.Visibility    `json:"visibility"`
	// Base is the row as the editor read it (PUT only): a row changed
	// since is a 409 with the current row.
	Base *domain.TimelineEntry `json:"base,omitempty"`
}

func (in timelineInput) app() app.TimelineInput {
	return app.TimelineInput{At: in.At, Local: in.Local, Zone: in.Zone, Precision: in.Precision, Date: in.Date,
		Kind: in.Kind, Text: in.Text, Visibility: in.Visibility}
}

// timelineAnswer is the RCA's timeline after a change.
type timelineAnswer struct {
	Version  int64                  `json:"version"`
	Entry    *domain.TimelineEntry  `json:"entry,omitempty"`
	Timeline []domain.TimelineEntry `json:"timeline"`
}

// timelineOrder is the body of PUT /api/v1/rcas/{id}/timeline-order.
type timelineOrder struct {
	IDs []string `json:"ids"`
}

func (s *Server) timelineError(c *gin.Context, err error) {
	var ec *app.EntryConflictError
	switch {
	case errors.As(err, &ec):
		s.apiError(c, &httpError{Status: http.StatusConflict, Code: codeConflict, Err: err,
			Extra: map[string]any{"current_entry": ec.Current}})
	case app.ErrEntryGone(err):
		s.apiError(c, &httpError{Status: http.StatusNotFound, Code: codeNotFound, Err: err})
	default:
		s.apiError(c, err)
	}
}

func (s *Server) apiTimelineAdd(c *gin.Context) {
	var in timelineInput
	if !bindJSON(c, &in) {
		return
	}
	r, e, err := s.app.AddTimelineEntry(c.Request.Context(), actorOf(c), c.Param("id"), in.app())
	if err != nil {
		s.timelineError(c, err)
		return
	}
	for _, x := range r.Timeline {
		if x.ID == e.ID {
			e = x
		}
	}
	c.JSON(http.StatusCreated, timelineAnswer{Version: r.Version, Entry: &e, Timeline: r.Timeline})
}

func (s *Server) apiTimelineUpdate(c *gin.Context) {
	var in timelineInput
	if !bindJSON(c, &in) {
		return
	}
	if in.Base == nil {
		s.apiError(c, &domain.ValidationError{Problems: []domain.Problem{{Field: "base", Code: domain.CodeRequired, Detail: "send the row as you read it"}}})
		return
	}
	r, err := s.app.UpdateTimelineEntry(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("eid"), in.app(), *in.Base)
	if err != nil {
		s.timelineError(c, err)
		return
	}
	c.JSON(http.StatusOK, timelineAnswer{Version: r.Version, Timeline: r.Timeline})
}

func (s *Server) apiTimelineDelete(c *gin.Context) {
	r, err := s.app.DeleteTimelineEntry(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("eid"))
	if err != nil {
		s.timelineError(c, err)
		return
	}
	c.JSON(http.StatusOK, timelineAnswer{Version: r.Version, Timeline: r.Timeline})
}

func (s *Server) apiTimelineOrder(c *gin.Context) {
	var in timelineOrder
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.OrderTimeline(c.Request.Context(), actorOf(c), c.Param("id"), in.IDs)
	if err != nil {
		s.timelineError(c, err)
		return
	}
	c.JSON(http.StatusOK, timelineAnswer{Version: r.Version, Timeline: r.Timeline})
}

// timelineOps describes the timeline grid's routes for openapi.json.
func timelineOps() []apiOp {
	return []apiOp{
		{Method: "POST", Path: "/rcas/{id}/timeline", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Add a timeline row",
			Request: timelineInput{}, Response: timelineAnswer{}, Status: http.StatusCreated},
		{Method: "PUT", Path: "/rcas/{id}/timeline/{eid}", Tag: "rcas", Role: domain.RoleAuthor,
			Summary: "Change a timeline row; base is the row as read (a row changed since: 409 with current_entry)",
			Request: timelineInput{}, Response: timelineAnswer{}},
		{Method: "DELETE", Path: "/rcas/{id}/timeline/{eid}", Tag: "rcas", Role: domain.RoleAuthor, Summary: "Delete a timeline row",
			Response: timelineAnswer{}},
		{Method: "PUT", Path: "/rcas/{id}/timeline-order", Tag: "rcas", Role: domain.RoleAuthor,
			Summary: "Order the timeline rows (rows with a time still sort by it)", Request: timelineOrder{}, Response: timelineAnswer{}},
	}
}
