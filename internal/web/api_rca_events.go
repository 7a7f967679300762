package web

// Server-sent events of one document (area collab, issue 12): who is in
// it, which section each edits, and other editors' saves and comments.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
)

// eventStreamFor is how long one event stream stays open; the browser's
// EventSource reconnects by itself, so no stream outlives the server's
// write timeout by much.
const eventStreamFor = 10 * time.Minute

// apiRCAEvents streams GET /api/v1/rcas/{id}/events?client=ID.
func (s *Server) apiRCAEvents(c *gin.Context) {
	events, err := s.app.Collab().Subscribe(c.Request.Context(), actorOf(c), c.Param("id"), c.Query("client"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	rc := http.NewResponseController(c.Writer)
	_ = rc.SetWriteDeadline(time.Now().Add(eventStreamFor + time.Minute)) // past the server's WriteTimeout
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no") // proxies pass each event on at once
	c.Status(http.StatusOK)
	_, _ = fmt.Fprint(c.Writer, "retry: 2000\n\n")
	c.Writer.Flush()
	ping := time.NewTicker(20 * time.Second)
	defer ping.Stop()
	end := time.NewTimer(eventStreamFor)
	defer end.Stop()
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				return
			}
			data, err := json.Marshal(ev.Data)
			if err != nil {
				continue
			}
			if _, err := fmt.Fprintf(c.Writer, "event: %s\ndata: %s\n\n", ev.Name, data); err != nil {
				return
			}
		case <-ping.C:
			if _, err := fmt.Fprint(c.Writer, ": ping\n\n"); err != nil {
				return
			}
		case <-end.C:
			return
		case <-c.Request.Context().Done():
			return
		}
		c.Writer.Flush()
	}
}

// focusInput is the body of PUT /api/v1/rcas/{id}/presence.
type focusInput struct {
	Client  string `json:"client"`
	Section string `json:"section"` // "" when no section has the focus
}

// apiRCAFocus records which section an open editor edits.
func (s *Server) apiRCAFocus(c *gin.Context) {
	var in focusInput
	if !bindJSON(c, &in) {
		return
	}
	if err := s.app.Collab().Focus(c.Request.Context(), actorOf(c), c.Param("id"), in.Client, in.Section); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// collabOps describes the collab routes for openapi.json.
func collabOps() []apiOp {
	return []apiOp{
		{Method: "GET", Path: "/rcas/{id}/events", Tag: "rcas", Role: domain.RoleAuthor,
			Summary:  "Server-sent events of an open document: presence, section (another editor's save), comments, rca",
			Query:    []queryParam{{Name: "client", Type: "string", Description: "this editor's id, 8-64 letters, digits, - or _"}},
			Produces: "text/event-stream"},
		{Method: "PUT", Path: "/rcas/{id}/presence", Tag: "rcas", Role: domain.RoleAuthor,
			Summary: "Say which section an open editor edits", Request: focusInput{}, Status: http.StatusNoContent},
	}
}
