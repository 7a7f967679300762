package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/store"
)

type dashboardFilter struct {
	Query, State, Service, Tag, Since, Until string
}

// Narrowed reports whether a filter besides the search is set, so the
// page shows them open.
func (f dashboardFilter) Narrowed() bool {
	return f.State != "" || f.Service != "" || f.Tag != "" || f.Since != "" || f.Until != ""
}

type dashboardRow struct {
	ID, Title string
	State     domain.RCAState
	Services  []string
	Incidents []domain.Incident
	Authors   []string
	Updated   time.Time
	Overdue   int
	Snippet   []snippetPart // scalesql: where the search matched
}

type dashboardPage struct {
	PageData
	Filter   dashboardFilter
	States   []domain.RCAState
	Rows     []dashboardRow
	Pager    pager
	NeedsRCA []domain.Incident
	Problems []domain.Problem
}

// dashboard lists RCAs with filters, search and pages, and the incidents
// that still need an RCA.
func (p *pages) dashboard(c *gin.Context) {
	ctx := c.Request.Context()
	f := dashboardFilter{
		Query: strings.TrimSpace(c.Query("q")), State: c.Query("state"),
		Service: strings.TrimSpace(c.Query("service")), Tag: strings.TrimSpace(c.Query("tag")),
		Since: c.Query("since"), Until: c.Query("until"),
	}
	offset, _ := strconv.Atoi(c.Query("offset"))
	if offset < 0 {
		offset = 0
	}
	sf := store.RCAFilter{Service: f.Service, Tag: f.Tag, Query: f.Query, Page: store.Page{Limit: pageSize, Offset: offset},
		Cursor: c.Query("cursor"), Audience: listAudience(mustUser(c))}
	var problems []domain.Problem
	if f.State != "" {
		if st := domain.RCAState(f.State); st.Valid() {
			sf.States = []domain.RCAState{st}
		} else {
			problems = append(problems, domain.Problem{Field: "state", Code: domain.CodeUnknownEnum})
		}
	}
	if t, ok := parseDateField(f.Since, "since", &problems); ok {
		sf.Since = t
	}
	if t, ok := parseDateField(f.Until, "until", &problems); ok && t != nil {
		end := t.Add(24 * time.Hour) // the until day is included
		sf.Until = &end
	}
	list, err := p.s.store.ListRCASummaries(ctx, sf)
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	rcas, total := list.Items, list.Total
	names := p.userNames(c)
	incidents := map[string]domain.Incident{}
	now := p.s.now()
	rows := make([]dashboardRow, 0, len(rcas))
	for _, r := range rcas {
		row := dashboardRow{ID: r.ID, Title: r.Title, State: r.State, Services: r.AffectedServices,
			Authors: namesOf(r.Authors, names), Updated: r.UpdatedAt, Overdue: r.Overdue(now, p.s.orgZone()), Snippet: snippetParts(r.Snippet)}
		for _, id := range r.IncidentIDs {
			in, ok := incidents[id]
			if !ok {
				if in, err = p.s.store.GetIncident(ctx, id); err != nil {
					continue
				}
				incidents[id] = in
			}
			row.Incidents = append(row.Incidents, in)
		}
		rows = append(rows, row)
	}
	needs, _, err := p.s.store.ListIncidents(ctx, store.IncidentFilter{WithoutRCA: true, Page: store.Page{Limit: 20}})
	if err != nil {
		p.s.pageError(c, err)
		return
	}
	status := http.StatusOK
	if len(problems) > 0 {
		status = http.StatusBadRequest
	}
	p.render(c, status, "dashboard", dashboardPage{
		PageData: p.base(c, "dashboard"), Filter: f, States: domain.RCAStates, Rows: rows,
		Pager: cursorPager(c.Request.URL, offset, len(rows), total, list.Next), NeedsRCA: needs, Problems: problems,
	})
}

// parseDateField reads an optional YYYY-MM-DD value as midnight UTC; a bad
// value adds a problem for field.
func parseDateField(v, field string, problems *[]domain.Problem) (*time.Time, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, true
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		*problems = append(*problems, domain.Problem{Field: field, Code: domain.CodeInvalid})
		return nil, false
	}
	return &t, true
}
