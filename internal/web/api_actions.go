package web

// Action items that get done (area "actions", issue 14): the list across
// RCAs, marking one item's state, the owner picker's users.

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/app"
	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// actionListParams are the query parameters GET /api/v1/action-items and
// the /action-items page read.
var actionListParams = []string{"state", "overdue", "owner", "rca", "sort", "limit", "cursor"}

// parseActionQuery reads the list's query; every bad or unknown parameter
// is named in one localized 400 (fields: their names).
func (s *Server) parseActionQuery(c *gin.Context, query url.Values) (app.ActionItemQuery, error) {
	q := app.ActionItemQuery{Zone: s.orgZone()}
	var bad []string
	for name := range query {
		if !slices.Contains(actionListParams, name) {
			bad = append(bad, name)
		}
	}
	for _, v := range query["state"] {
		for _, part := range strings.Split(v, ",") {
			if part = strings.TrimSpace(part); part == "" {
				continue
			}
			st := domain.ActionState(part)
			if !st.Valid() {
				bad = append(bad, "state")
				break
			}
			q.States = append(q.States, st)
		}
	}
	switch v := query.Get("overdue"); v {
	case "", "false", "0":
	case "true", "1":
		q.Overdue = true
	default:
		bad = append(bad, "overdue")
	}
	q.Owner = strings.TrimSpace(query.Get("owner"))
	if q.Owner == "me" {
		q.Owner = actorOf(c).UserID
	}
	if len(q.Owner) > domain.MaxNameLen {
		bad = append(bad, "owner")
	}
	q.RCAID = strings.TrimSpace(query.Get("rca"))
	switch v := query.Get("sort"); v {
	case "", store.SortDue, store.SortDueDesc, store.SortTitle:
		q.Sort = v
	default:
		bad = append(bad, "sort")
	}
	if v := query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			bad = append(bad, "limit")
		}
		q.Limit = n
	}
	q.Cursor = query.Get("cursor")
	if len(bad) > 0 {
		slices.Sort(bad)
		bad = slices.Compact(bad)
		l := s.catalog.Localizer(s.requestLang(c))
		return q, &httpError{Status: http.StatusBadRequest, Code: codeBadRequest,
			Message: l.T("actions.error.bad_params", map[string]any{"Names": strings.Join(bad, ", "),
				"Choices": "state=open|in_progress|done|wont_do, overdue=true|false, sort=due|-due|title, limit=1…500"}),
			Extra: map[string]any{"field": bad[0], "fields": bad}}
	}
	return q, nil
}

// apiActionItemList lists the action items of every RCA the caller may read.
func (s *Server) apiActionItemList(c *gin.Context) {
	q, err := s.parseActionQuery(c, c.Request.URL.Query())
	if err != nil {
		s.apiError(c, err)
		return
	}
	list, err := s.app.ListActionItems(c.Request.Context(), actorOf(c), q)
	if err != nil {
		s.apiError(c, err)
		return
	}
	c.JSON(http.StatusOK, list)
}

// actionStateInput is the body of POST /api/v1/rcas/{id}/action-items/{aid}/state.
type actionStateInput struct {
	State domain.ActionState `json:"state"`
}

// apiActionItemState moves one action item to a state (also on an approved
// or published RCA) and answers the item.
func (s *Server) apiActionItemState(c *gin.Context) {
	var in actionStateInput
	if !bindJSON(c, &in) {
		return
	}
	r, err := s.app.SetActionState(c.Request.Context(), actorOf(c), c.Param("id"), c.Param("aid"), in.State)
	if err != nil {
		s.apiError(c, err)
		return
	}
	for _, a := range r.ActionItems {
		if a.ID == c.Param("aid") {
			c.JSON(http.StatusOK, gin.H{"rca_id": r.ID, "version": r.Version, "item": a})
			return
		}
	}
	s.apiError(c, errNotFound)
}

// ownerView is one user of the owner picker.
type ownerView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// apiActionOwners lists the users an action item may be given to.
func (s *Server) apiActionOwners(c *gin.Context) {
	users, err := s.app.ActionOwners(c.Request.Context(), actorOf(c))
	out := make([]ownerView, 0, len(users))
	for _, u := range users {
		out = append(out, ownerView{ID: u.ID, Name: u.DisplayName()})
	}
	writeAll(s, c, out, err)
}
