package web

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/hindsight-rca/hindsight/internal/domain"
	"github.com/hindsight-rca/hindsight/internal/quality"
	"github.com/hindsight-rca/hindsight/internal/report"
	"github.com/hindsight-rca/hindsight/internal/store"
)

// Values shown in the editor's and the RCA page's forms and tables.

type sectionNav struct {
	Key, Title                  string
	Complete, Required, Current bool
}

type commentView struct {
	ID, Author, Body string
	At               time.Time
	Resolved         bool
	// collab: the quoted passage, and a thread's replies (oldest first).
	Quote   string
	Replies []commentView
}

type sectionView struct {
	Key, Title, Guidance, Example, Body string
	Visibility                          domain.Visibility
	Revision                            int64
	Findings                            []string
	Comments                            []commentView
	IsTimeline, IsActions               bool
	// Theirs is the other author's text after a conflicting save without
	// JavaScript; Body then holds the user's own text.
	Theirs   string
	Conflict bool
}

type factsForm struct {
	Title, IncidentDate, DurationOverride, Severity, Services, Tags string
	// area report2: the wording of each fact, per language
	Wording     []factWording
	Langs       []string
	NewTag      string
	overrides   map[string]domain.FactOverride
	news        map[string]string
	wordingSent bool
}

type labelValue struct {
	Key, Label, Value string
	Lines             []string // one per occurrence
}

type derivedView struct {
	Date, Duration string
	Metrics        []labelValue
}

type timelineForm struct {
	At, Kind, Text, Visibility string
	Precision                  string // "", "date" or "none"
}

type timelineRow struct {
	ID               string
	Precision        string
	Local            string // datetime-local value in the display zone
	Kind             string
	Text, Visibility string
	UTC, Display     string
	Problems         []domain.Problem
}

type actionFormValues struct {
	Title, Owner, Due, State, TrackerURL, Visibility string
	OwnerID                                          string // actions: a user chosen from the list
}

type actionRow struct {
	ID       string
	Due      *domain.Date
	Form     actionFormValues
	Overdue  bool
	Problems []domain.Problem
}

// rcaContext is an RCA with what its pages show beside it.
type rcaContext struct {
	RCA       domain.RCA
	Template  domain.Template
	Incidents []domain.Incident
	Comments  []domain.Comment
	Names     map[string]string
	Checks    quality.Report
	Metrics   domain.Metrics
}

// loadRCA reads an RCA with its linked incidents, comments, user names and
// quality checks.
func (p *pages) loadRCA(c *gin.Context, id string) (*rcaContext, error) {
	ctx := c.Request.Context()
	r, err := p.s.app.GetRCA(ctx, actorOf(c), id)
	if err != nil {
		return nil, err
	}
	return p.rcaContextFor(c, r)
}

func (p *pages) rcaContextFor(c *gin.Context, r domain.RCA) (*rcaContext, error) {
	ctx := c.Request.Context()
	rc := &rcaContext{RCA: r, Names: p.userNames(c)}
	rc.Template, _ = p.s.app.TemplateOf(ctx, r.Template) // tmpl area: custom templates too
	rc.Incidents = p.incidentsOf(ctx, r.IncidentIDs)
	comments, err := p.s.app.Comments(ctx, actorOf(c), r.ID)
	if err != nil {
		return nil, err
	}
	rc.Comments = comments
	people := make([]string, 0, len(rc.Names))
	for _, n := range rc.Names {
		people = append(people, n)
	}
	for _, a := range r.ActionItems {
		if a.Owner != "" {
			people = append(people, a.Owner)
		}
	}
	rc.Checks = quality.Run(quality.Input{RCA: r, Template: rc.Template, Incidents: rc.Incidents, People: people})
	localizeFindings(rc, p.localeOf(c)) // area "ui": section names as the reader sees them
	rc.Metrics = domain.DeriveMetrics(r.Timeline, rc.Incidents)
	return rc, nil
}

func (p *pages) incidentsOf(ctx context.Context, ids []string) []domain.Incident {
	out := make([]domain.Incident, 0, len(ids))
	for _, id := range ids {
		if in, err := p.s.store.GetIncident(ctx, id); err == nil {
			out = append(out, in)
		}
	}
	return out
}

func (rc *rcaContext) input() quality.Input {
	return quality.Input{RCA: rc.RCA, Template: rc.Template, Incidents: rc.Incidents}
}

func (rc *rcaContext) isTimeline(key string) bool {
	if d, ok := rc.Template.Definition(key); ok {
		return d.HasRule(domain.RuleTimeline)
	}
	return key == "timeline"
}

func (rc *rcaContext) isActions(key string) bool {
	if d, ok := rc.Template.Definition(key); ok {
		return d.HasRule(domain.RuleActionItems)
	}
	return key == "preventive_measures" || key == "prevention"
}

// commentsFor answers a section's threads: each first comment with its
// replies (area collab).
func (rc *rcaContext) commentsFor(key string) []commentView {
	var out []commentView
	at := map[string]int{}
	for _, cm := range rc.Comments {
		if cm.SectionKey != key {
			continue
		}
		v := commentView{ID: cm.ID, Author: nameOf(cm.AuthorID, rc.Names),
			Body: cm.Body, At: cm.CreatedAt, Resolved: cm.ResolvedAt != nil, Quote: cm.Quote}
		if cm.ParentID != "" {
			if i, ok := at[cm.ParentID]; ok {
				out[i].Replies = append(out[i].Replies, v)
			}
			continue
		}
		at[cm.ID] = len(out)
		out = append(out, v)
	}
	return out
}

// derive words the derived facts for the editor: the metrics model's
// facts without the author's own wording, as placeholders and hints.
func derive(rc *rcaContext, loc *uiLocale) derivedView {
	bare := rc.RCA
	bare.IncidentDate, bare.DurationOverride, bare.FactOverrides = nil, "", nil
	d := derivedView{Date: "—", Duration: "—"}
	d.Metrics = metricFacts(bare, rc.Metrics, loc)
	for _, f := range d.Metrics {
		switch f.Key {
		case "date":
			d.Date = f.Value
		case "duration":
			d.Duration = f.Value
		}
	}
	return d
}

// metricFacts are the facts every output shows, from the one metrics
// model (report.MetricFacts), with the author's wording where given.
func metricFacts(r domain.RCA, m domain.Metrics, loc *uiLocale) []labelValue {
	var out []labelValue
	for _, f := range report.MetricFacts(r, m, loc.l, loc.zone) {
		out = append(out, labelValue{Key: f.Key, Label: f.Label, Value: f.Value, Lines: f.Lines})
	}
	return out
}

// shownFacts are the RCA page's derived facts as readers see them.
func shownFacts(rc *rcaContext, loc *uiLocale) viewFacts {
	v := viewFacts{Date: "—", Duration: "—", Metrics: metricFacts(rc.RCA, rc.Metrics, loc)}
	for i, f := range v.Metrics {
		switch f.Key {
		case "date":
			v.Date = f.Value
			v.Metrics[i].Label = loc.T("ui.field.incident_date")
		case "duration":
			v.Duration = f.Value
		}
	}
	return v
}

func timelineRows(r domain.RCA, loc *uiLocale) []timelineRow {
	rows := make([]timelineRow, 0, len(r.Timeline))
	for _, e := range r.Timeline {
		row := timelineRow{
			ID: e.ID, Precision: string(e.Precision), Local: e.At.In(loc.zone).Format(localLayout), Kind: string(e.Kind), Text: e.Text,
			Visibility: string(e.Visibility), UTC: e.At.UTC().Format(time.RFC3339), Display: loc.DateTime(e.At),
		}
		switch {
		case e.Precision == domain.PrecisionDay && e.Day != nil:
			row.Local, row.UTC, row.Display = e.Day.String()+"T00:00", e.Day.String(), loc.Day(e.Day)
		case e.Precision == domain.PrecisionNone:
			row.Local, row.UTC, row.Display = "", "", ""
		}
		rows = append(rows, row)
	}
	return rows
}

func actionValues(a domain.ActionItem) actionFormValues {
	v := actionFormValues{Title: a.Title, Owner: a.Owner, State: string(a.State), TrackerURL: a.TrackerURL, Visibility: string(a.Visibility),
		OwnerID: a.OwnerID}
	if a.Due != nil {
		v.Due = a.Due.String()
	}
	return v
}

func actionRows(r domain.RCA, now time.Time, org *time.Location) []actionRow {
	rows := make([]actionRow, 0, len(r.ActionItems))
	for _, a := range r.ActionItems {
		rows = append(rows, actionRow{ID: a.ID, Due: a.Due, Form: actionValues(a), Overdue: a.Overdue(now, org)})
	}
	return rows
}

// mutateRCA applies change to the freshest copy of the RCA and stores it,
// through the service (which retries a version conflict: form edits of one
// entry do not depend on concurrent section autosaves).
func (p *pages) mutateRCA(c *gin.Context, id, note string, change func(r *domain.RCA) error) (domain.RCA, error) {
	return p.s.app.EditRCA(c.Request.Context(), actorOf(c), id, note, change)
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
