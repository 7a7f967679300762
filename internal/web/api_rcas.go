package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// rcaCreate is the body of POST /api/v1/rcas.
type rcaCreate struct {
	Title       string   `json:"title"`
	Template    string   `json:"template"` // a built-in key; empty: standard
	Language    string   `json:"language"` // BCP 47; empty: the server default
	IncidentIDs []string `json:"incident_ids"`
}

// rcaReplace is the body of PUT /api/v1/rcas/{id}: the RCA as read, changed.
// Members the server owns (id, template, state, history, created_*, times)
// are accepted so a GET document can be sent back; state must not differ.
type rcaReplace struct {
	domain.RCA
	metricsEcho // metrics area: derived, ignored
}

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
	f.Audience = listAudience(mustUser(c))
	page, err := s.store.ListRCASummaries(c.Request.Context(), f)
	writeCursorListCapped(s, c, page.Items, page.Total, page.TotalCapped, page.Next, f.Page, err)
}

func (s *Server) apiRCACreate(c *gin.Context) {
	var in rcaCreate
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.createRCA(c.Request.Context(), mustUser(c), in)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.Header("Location", "/api/v1/rcas/"+r.ID)
	c.JSON(http.StatusCreated, r)
}

// createRCA makes a draft RCA from a built-in template, linked to incidents
// that must exist. Affected services start as the names of the components
// the incidents touched. Page handlers call it too.
func (s *Server) createRCA(ctx context.Context, u domain.User, in rcaCreate) (domain.RCA, error) {
	key := trimmed(in.Template)
	if key == "" {
		key = domain.TemplateStandard
	}
	tpl, ok := domain.BuiltinTemplate(key)
	if !ok {
		return domain.RCA{}, invalid("template", domain.CodeUnknownEnum, key)
	}
	lang := trimmed(in.Language)
	if lang == "" {
		lang = s.cfg.DefaultLanguage
	}
	r := domain.NewRCA(in.Title, tpl, lang, in.IncidentIDs, u.ID, s.now())
	if err := r.Validate(); err != nil {
		return domain.RCA{}, err
	}
	incidents, err := s.loadIncidents(ctx, r.IncidentIDs)
	if err != nil {
		return domain.RCA{}, err
	}
	r.AffectedServices, err = s.affectedServices(ctx, incidents)
	if err != nil {
		return domain.RCA{}, err
	}
	if err := s.store.CreateRCA(ctx, &r, u.ID); err != nil {
		return domain.RCA{}, err
	}
	s.audit(ctx, u.ID, "rca.create", "rca:"+r.ID, map[string]string{"template": key})
	return r, nil
}

// loadIncidents loads incidents by id; an unknown id is a 422 problem on
// incident_ids[i].
func (s *Server) loadIncidents(ctx context.Context, ids []string) ([]domain.Incident, error) {
	var out []domain.Incident
	var ve domain.ValidationError
	for i, id := range ids {
		inc, err := s.store.GetIncident(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			ve.Problems = append(ve.Problems, domain.Problem{
				Field: fmt.Sprintf("incident_ids[%d]", i), Code: domain.CodeUnknownEnum, Detail: "no such incident"})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, inc)
	}
	if len(ve.Problems) > 0 {
		return nil, &ve
	}
	return out, nil
}

// affectedServices names the components the incidents touched, in order.
func (s *Server) affectedServices(ctx context.Context, incidents []domain.Incident) ([]string, error) {
	want := map[string]bool{}
	for _, inc := range incidents {
		for _, ac := range inc.Components {
			want[ac.ComponentID] = true
		}
	}
	names := []string{}
	if len(want) == 0 {
		return names, nil
	}
	comps, err := s.store.ListComponents(ctx)
	if err != nil {
		return nil, err
	}
	for _, cp := range comps {
		if want[cp.ID] {
			names = append(names, cp.Name)
		}
	}
	return names, nil
}

// apiRCAGet reads an RCA by id or, for links people type, by slug.
func (s *Server) apiRCAGet(c *gin.Context) {
	ctx := c.Request.Context()
	r, err := s.store.GetRCA(ctx, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		r, err = s.store.GetRCABySlug(ctx, c.Param("id"))
	}
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.withMetrics(ctx, r))
}

// apiRCAReplace replaces the whole RCA. The body names the version it was
// read at; a stale one is 409 with the current document. The state only
// changes through POST /state.
func (s *Server) apiRCAReplace(c *gin.Context) {
	var in rcaReplace
	if !bindJSON(c, &in) {
		return
	}
	ctx := c.Request.Context()
	u := mustUser(c)
	cur, err := s.store.GetRCA(ctx, c.Param("id"))
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
	if in.Version != cur.Version {
		s.apiError(c, &store.ConflictError{Current: cur})
		return
	}
	if !cur.Editable() {
		s.apiError(c, domain.ErrLocked)
		return
	}
	if len(in.Sections) == 0 {
		// A replace names every section; none at all is a truncated body,
		// not a wish to delete the text.
		s.apiError(c, invalid("sections", domain.CodeRequired, "send the RCA as read, with its sections"))
		return
	}
	if in.State != "" && in.State != cur.State {
		s.apiError(c, invalid("state", domain.CodeInvalid, "change the state with POST /api/v1/rcas/{id}/state"))
		return
	}
	next := mergeRCA(cur, in.RCA)
	next.Normalize()
	if err := next.Validate(); err != nil {
		s.apiError(c, err)
		return
	}
	if _, err := s.loadIncidents(ctx, next.IncidentIDs); err != nil {
		s.apiError(c, err)
		return
	}
	next.BumpChangedSections(&cur)
	next.UpdatedAt = s.now()
	if !slices.Contains(next.Authors, u.ID) {
		next.Authors = append(next.Authors, u.ID)
	}
	if err := s.store.UpdateRCA(ctx, &next, u.ID, "replaced"); err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, s.withMetrics(ctx, next))
}

// mergeRCA takes what an author may write from in and keeps what the server
// owns from cur. Section guidance and required flags come from the stored
// section with the same key, never from the client.
func mergeRCA(cur, in domain.RCA) domain.RCA {
	next := cur
	next.Version = in.Version
	next.Title = trimmed(in.Title)
	if in.Slug != "" {
		next.Slug = domain.Slugify(in.Slug)
	}
	next.Language = in.Language
	next.IncidentIDs = in.IncidentIDs
	next.IncidentDate = in.IncidentDate
	next.DurationOverride = in.DurationOverride
	next.FactOverrides = in.FactOverrides
	next.AffectedServices = in.AffectedServices
	next.Severity = in.Severity
	next.Tags = in.Tags
	next.Authors = in.Authors
	next.Reviewers = in.Reviewers
	next.Timeline = in.Timeline
	next.ActionItems = in.ActionItems
	next.Translations = in.Translations
	next.Sections = make([]domain.Section, len(in.Sections))
	tpl, _ := domain.BuiltinTemplate(cur.Template)
	for i, sec := range in.Sections {
		sec.UpdatedBy, sec.UpdatedAt = "", nil
		if old := cur.Section(sec.Key); old != nil {
			sec.Guidance, sec.Required = old.Guidance, old.Required
			sec.UpdatedBy, sec.UpdatedAt = old.UpdatedBy, old.UpdatedAt
		} else if d, ok := tpl.Definition(sec.Key); ok {
			sec.Guidance, sec.Required = d.Guidance, d.Required
		} else {
			sec.Guidance, sec.Required = "", false
		}
		next.Sections[i] = sec
	}
	return next
}

func (s *Server) apiRCADelete(c *gin.Context) {
	ctx := c.Request.Context()
	id := c.Param("id")
	if err := s.store.DeleteRCA(ctx, id); err != nil {
		s.apiError(c, err)
		return
	}
	s.audit(ctx, mustUser(c).ID, "rca.delete", "rca:"+id, nil)
	c.Status(http.StatusNoContent)
}
