package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// rcaCreate is the body of POST /api/v1/rcas.
type rcaCreate struct {
	Title       string   `json:"title"`
	Template    string   `json:"template"` // a template key (built-in or custom); empty: standard
	Language    string   `json:"language"` // BCP 47; empty: the server default
	IncidentIDs []string `json:"incident_ids"`
	// tmpl area: taxonomy keys (GET /api/v1/factors).
	ContributingFactors []string `json:"contributing_factors"`
}

// rcaReplace is the body of PUT /api/v1/rcas/{id}: the RCA as read, changed.
// Members the server owns (id, template, state, history, created_*, times)
// are accepted so a GET document can be sent back; state must not differ.
type rcaReplace struct {
	domain.RCA
	metricsEcho // metrics area: derived, ignored
}

// apiRCAList lists RCAs, each in the edition the caller may read.
func (s *Server) apiRCAList(c *gin.Context) {
	q := listQuery{c: c}
	var f store.RCAFilter
	f.Page = q.page()
	f.Since, f.Until = q.time("since"), q.time("until")
	if q.err != nil {
		s.apiError(c, q.err)
		return
	}
	for _, v := range c.QueryArray("state") {
		st := domain.RCAState(v)
		if !st.Valid() {
			s.apiError(c, invalid("state", domain.CodeUnknownEnum, v))
			return
		}
		f.States = append(f.States, st)
	}
	f.Service, f.Tag, f.IncidentID = trimmed(c.Query("service")), trimmed(c.Query("tag")), trimmed(c.Query("incident_id"))
	f.Query = trimmed(c.Query("q"))
	if !cursorParams(s, c, &f.Cursor, &f.Sort) {
		return
	}
	page, err := s.app.ListRCASummaries(c.Request.Context(), actorOf(c), f)
	writeCursorListCapped(s, c, page.Items, page.Total, page.TotalCapped, page.Next, f.Page, err)
}

// apiRCACreate makes a draft, pre-filled from the incidents it names.
func (s *Server) apiRCACreate(c *gin.Context) {
	var in rcaCreate
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.CreateRCA(c.Request.Context(), actorOf(c), app.NewRCA(in))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/rcas/"+r.ID)
	c.JSON(http.StatusCreated, r)
}

// apiRCAGet reads an RCA by id or, for links people type, by slug.
func (s *Server) apiRCAGet(c *gin.Context) {
	r, err := s.app.GetRCA(c.Request.Context(), actorOf(c), c.Param("id"))
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.withMetrics(c.Request.Context(), r))
}

// apiRCAReplace replaces the whole RCA. The body names the version it was
// read at; a stale one is 409 with the current document. The state only
// changes through POST /state.
func (s *Server) apiRCAReplace(c *gin.Context) {
	var in rcaReplace
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.ReplaceRCA(c.Request.Context(), actorOf(c), c.Param("id"), in.RCA)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.withMetrics(c.Request.Context(), r))
}

// apiRCADelete deletes an RCA; a published one is 409 until it is unpublished.
func (s *Server) apiRCADelete(c *gin.Context) {
	if err := s.app.DeleteRCA(c.Request.Context(), actorOf(c), c.Param("id")); err != nil {
		s.apiError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
