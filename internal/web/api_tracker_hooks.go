package web

// Tracker follow-through (area "actions", issue 14): admins manage the
// trackers allowed to call the hook; trackers call it.

import (
	"errors"
	"io"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/tracker"
)

// trackerHookInput is the body of POST and PUT /api/v1/tracker-hooks: the
// secret is write-only (never answered; empty on PUT keeps it).
type trackerHookInput struct {
	Name      string `json:"name"`
	Kind      string `json:"kind"`
	Secret    string `json:"secret"`
	Version   int64  `json:"version"`
	HasSecret bool   `json:"has_secret"` // read-only, accepted back
	CreatedAt string `json:"created_at"` // read-only, accepted back
	UpdatedAt string `json:"updated_at"` // read-only, accepted back
}

func (in trackerHookInput) hook() domain.TrackerHook {
	return domain.TrackerHook{Name: in.Name, Kind: in.Kind, Secret: in.Secret, Version: in.Version}
}

// apiTrackerHookList lists the hooks without their secrets.
func (s *Server) apiTrackerHookList(c *gin.Context) {
	hooks, err := s.app.TrackerHooks(c.Request.Context(), actorOf(c))
	writeAll(s, c, hooks, err)
}

// apiTrackerHookCreate adds a hook (201).
func (s *Server) apiTrackerHookCreate(c *gin.Context) {
	var in trackerHookInput
	if !bindJSON(c, &in) {
		return
	}
	h, err := s.app.CreateTrackerHook(c.Request.Context(), actorOf(c), in.hook())
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/tracker-hooks/"+h.Name)
	c.JSON(http.StatusCreated, h)
}

// apiTrackerHookUpdate changes a hook's kind or secret; the body names the
// version it read (stale: 409).
func (s *Server) apiTrackerHookUpdate(c *gin.Context) {
	var in trackerHookInput
	if !bindJSON(c, &in) {
		return
	}
	if in.Name != "" && in.Name != c.Param("name") {
		s.apiError(c, invalid("name", domain.CodeReadOnly, "read-only; send it unchanged or leave it out"))
		return
	}
	h, err := s.app.UpdateTrackerHook(c.Request.Context(), actorOf(c), c.Param("name"), in.hook())
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, h)
}

// apiTrackerHookDelete removes a hook (204).
func (s *Server) apiTrackerHookDelete(c *gin.Context) {
	if err := s.app.DeleteTrackerHook(c.Request.Context(), actorOf(c), c.Param("name")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// apiTrackerHook receives one delivery of a tracker: 401 for a bad or
// missing signature, 409 for a delivery id handled before (a replay), 400
// for a signed delivery without an id, 413 past tracker.MaxBody, else 200
// with what it did (also when it was not an issue-closed event).
func (s *Server) apiTrackerHook(c *gin.Context) {
	body, err := io.ReadAll(c.Request.Body)
	if err != nil {
		s.apiError(c, err) // a *http.MaxBytesError: 413
		return
	}
	res, err := s.app.ReceiveTrackerHook(c.Request.Context(), c.Param("target"), c.Request.Header, body)
	if err != nil {
		l := s.catalog.Localizer(s.requestLang(c))
		switch {
		case errors.Is(err, tracker.ErrSignature):
			err = &httpError{Status: http.StatusUnauthorized, Code: "bad_signature", Message: l.T("actions.error.signature"), Err: err}
		case errors.Is(err, tracker.ErrMalformed):
			err = &httpError{Status: http.StatusBadRequest, Code: codeBadRequest, Message: l.T("actions.error.malformed"), Err: err}
		case errors.Is(err, app.ErrReplay):
			err = &httpError{Status: http.StatusConflict, Code: "replay", Message: l.T("actions.error.replay"), Err: err}
		}
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
