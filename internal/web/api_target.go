package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/statuspage/publish"
)

// targetInput is the body of target create and update. The secret is
// write-only: it is never answered, and an empty one on update keeps the
// stored secret.
type targetInput struct {
	Name              string            `json:"name"`
	Kind              domain.TargetKind `json:"kind"`
	Enabled           *bool             `json:"enabled"`
	URL               string            `json:"url"`
	PageID            string            `json:"page_id"`
	Secret            string            `json:"secret"`
	Language          string            `json:"language"`
	NotifySubscribers bool              `json:"notify_subscribers"`
	NotifyTwitter     bool              `json:"notify_twitter"`
	AllowPrivate      bool              `json:"allow_private"`
	IncidentMap       map[string]string `json:"incident_map"`
	Version           int64             `json:"version"`
}

// targetView is a target as answered: everything but the secret.
type targetView struct {
	domain.Target
	HasSecret bool `json:"has_secret"`
}

func viewTarget(t domain.Target) targetView {
	v := targetView{Target: t, HasSecret: t.Secret != ""}
	v.Secret = ""
	if v.IncidentMap == nil {
		v.IncidentMap = map[string]string{}
	}
	return v
}

func (in targetInput) apply(t *domain.Target) {
	t.Name, t.Kind, t.URL, t.PageID, t.Secret = in.Name, in.Kind, in.URL, in.PageID, in.Secret
	t.Language, t.NotifySubscribers, t.NotifyTwitter = in.Language, in.NotifySubscribers, in.NotifyTwitter
	t.AllowPrivate, t.IncidentMap = in.AllowPrivate, in.IncidentMap
	if in.Enabled != nil {
		t.Enabled = *in.Enabled
	}
}

func (s *Server) apiTargetList(c *gin.Context) {
	ts, err := s.store.ListTargets(c.Request.Context())
	if err != nil {
		s.apiError(c, err)
		return
	}
	out := make([]targetView, 0, len(ts))
	for _, t := range ts {
		out = append(out, viewTarget(t))
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

func (s *Server) apiTargetGet(c *gin.Context) {
	t, err := s.store.GetTarget(c.Request.Context(), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, viewTarget(t))
}

// apiTargetCreate adds a target; new targets are enabled unless told otherwise.
func (s *Server) apiTargetCreate(c *gin.Context) {
	var in targetInput
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	t := domain.Target{Enabled: true}
	in.apply(&t)
	if err := publish.NormalizeTarget(&t, true); err != nil {
		s.apiError(c, err)
		return
	}
	t.ID = domain.NewID()
	t.CreatedAt, t.UpdatedAt = s.now(), s.now()
	if err := s.store.CreateTarget(ctx, &t); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "target.create", "target:"+t.ID, map[string]string{"kind": string(t.Kind), "name": t.Name})
	c.JSON(http.StatusCreated, viewTarget(t))
}

// apiTargetUpdate replaces a target; the body names the version it read.
func (s *Server) apiTargetUpdate(c *gin.Context) {
	var in targetInput
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	if err := checkVersion(in.Version); err != nil {
		s.apiError(c, err)
		return
	}
	t, err := s.store.GetTarget(ctx, c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	if in.Kind == "" {
		in.Kind = t.Kind
	}
	in.apply(&t)
	t.Version = in.Version
	if err := publish.NormalizeTarget(&t, false); err != nil {
		s.apiError(c, err)
		return
	}
	t.UpdatedAt = s.now()
	if err := s.store.UpdateTarget(ctx, &t); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "target.update", "target:"+t.ID, map[string]string{"secret_changed": boolText(in.Secret != "")})
	t, err = s.store.GetTarget(ctx, t.ID)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, viewTarget(t))
}

func (s *Server) apiTargetDelete(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if err := s.store.DeleteTarget(ctx, id); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "target.delete", "target:"+id, nil)
	c.Status(http.StatusNoContent)
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}
